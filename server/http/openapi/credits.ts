import {
  AllocationsReplySchema,
  AllocationsSchema,
  CreditsViewSchema,
  LedgerPageSchema,
  LedgerQuerySchema,
  PurchaseReplySchema,
  PurchaseSchema,
  UsageQuerySchema,
  UsageViewSchema,
} from '../../../shared/schemas/credits.js';
import type { Area } from './operation.js';

export const credits: Area = {
  tag: 'Credits',
  description:
    'Generative and API credits: the balances of a pool, simulated purchases, allocations to inherited sub-workspaces, the ledger that explains every balance, and API usage.',
  paths: {
    '/workspaces/{id}/credits': {
      get: {
        operationId: 'getCredits',
        summary: 'Balances (available and held) per credit kind, whose pool they come from, and what the caller may do with them',
        ok: 200,
        reply: CreditsViewSchema,
      },
    },
    '/workspaces/{id}/purchases': {
      post: {
        operationId: 'createPurchase',
        summary: 'Buy seats, generative credits or API credits (simulated; Super Admin of a root or independent sub-workspace)',
        description: 'An inherited sub-workspace buys nothing itself: 409 `conflict`. With `Idempotency-Key`, a repeat is answered with the first result.',
        body: PurchaseSchema,
        idempotent: true,
        ok: 201,
        reply: PurchaseReplySchema,
        errors: ['forbidden', 'conflict'],
      },
    },
    '/workspaces/{id}/allocations': {
      put: {
        operationId: 'setAllocations',
        summary: 'Set what an inherited sub-workspace has available; the difference moves from or back to the pool above (admins above it)',
        description: 'The pool above lacks the difference: 402 `insufficient_credits`. With `Idempotency-Key`, a repeat is answered with the first result.',
        body: AllocationsSchema,
        idempotent: true,
        ok: 200,
        reply: AllocationsReplySchema,
        errors: ['forbidden', 'conflict', 'insufficient_credits'],
      },
    },
    '/workspaces/{id}/ledger': {
      get: {
        operationId: 'listLedgerEntries',
        summary: 'The ledger of the workspace’s credits, newest first, paginated',
        query: LedgerQuerySchema,
        ok: 200,
        reply: LedgerPageSchema,
        errors: ['forbidden'],
      },
    },
    '/workspaces/{id}/usage': {
      get: {
        operationId: 'getUsage',
        summary: 'API usage over time (per hour or day) and per key',
        query: UsageQuerySchema,
        ok: 200,
        reply: UsageViewSchema,
        errors: ['forbidden'],
      },
    },
  },
};
