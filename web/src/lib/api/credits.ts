import type { Allocations, CreditKind, CreditsView, LedgerEntryView, Purchase, PurchaseReply, UsageQuery, UsageView } from '$shared/schemas/credits.js';
import type { Page } from '$shared/schemas/workspaces.js';
import { api } from './client.js';
import { queryOf } from './workspaces.js';

const ws = (id: string) => `/workspaces/${encodeURIComponent(id)}`;

/** A random UUID; `crypto.randomUUID` exists only on https or localhost, a console on a LAN address over http has `getRandomValues` alone. */
function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * One user action that spends or moves credits. Its `Idempotency-Key` is made
 * once, when the action starts, and sent again with every retry of that same
 * action, so a retry after a lost reply never buys or moves twice. A new
 * action (another quantity, another click after success) makes a new one.
 */
export class IdempotentAction {
  readonly key = randomKey();
  constructor(readonly body: string) {}
}

/** The action to send for `body`: the pending one again when it is the same request, otherwise a new one. */
export function actionFor(pending: IdempotentAction | null, body: unknown): IdempotentAction {
  const text = JSON.stringify(body);
  return pending && pending.body === text ? pending : new IdempotentAction(text);
}

export const getCredits = (id: string) => api<CreditsView>('GET', `${ws(id)}/credits`);

export const purchase = (id: string, input: Purchase, action: IdempotentAction) =>
  api<PurchaseReply>('POST', `${ws(id)}/purchases`, { body: input, headers: { 'idempotency-key': action.key } });

/** Sets what the sub-workspace `id` has available; the difference moves from or back to the pool above. */
export const setAllocations = (id: string, input: Allocations, action: IdempotentAction) =>
  api<{ credits: CreditsView }>('PUT', `${ws(id)}/allocations`, { body: input, headers: { 'idempotency-key': action.key } });

export const listLedger = (id: string, q: { kind?: CreditKind; cursor?: string; limit?: number } = {}) =>
  api<Page<LedgerEntryView>>('GET', `${ws(id)}/ledger${queryOf({ ...q })}`);

export const getUsage = (id: string, q: Partial<UsageQuery> = {}) => api<UsageView>('GET', `${ws(id)}/usage${queryOf({ ...q })}`);
