import { z } from 'zod';
import type { SeatsView } from './workspaces.js';
import { replyOf } from './reply.js';

/** The two kinds of credit (API.md "Credits, allocations and purchases"). */
export const CreditKindSchema = z.enum(['generative', 'api']);
export type CreditKind = z.infer<typeof CreditKindSchema>;
export const CREDIT_KINDS: readonly CreditKind[] = CreditKindSchema.options;

/** The most credits one purchase, allocation or balance can hold: far above any real account, far below 2^53. */
export const MAX_CREDITS = 1_000_000_000;

const wholeCredits = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number of credits`)
    .min(0, `${what} cannot be negative`)
    .max(MAX_CREDITS, `${what} can be at most ${MAX_CREDITS.toLocaleString('en')}`);

export interface CreditBalanceView {
  /** What can be spent now. */
  available: number;
  /** Set aside for work in progress (a render's estimate), charged or released when it ends. */
  held: number;
}

export interface CreditsView {
  generative: CreditBalanceView;
  api: CreditBalanceView;
  /** `own`: a root or independent sub-workspace with its own pool; `allocated`: spends what the workspace above gave it. */
  billing: 'own' | 'allocated';
  canPurchase: boolean;
  canAllocate: boolean;
  /** For an allocated workspace: what the pool above has left to give (null to those who may not see it). */
  parent: { workspaceId: string; name: string; generative: number; api: number } | null;
}

export const PurchaseItemSchema = z.enum(['seats', 'generative_credits', 'api_credits']);
export type PurchaseItem = z.infer<typeof PurchaseItemSchema>;

export const PurchaseSchema = z.strictObject({
  item: PurchaseItemSchema,
  quantity: wholeCredits('Quantity').min(1, 'Buy at least 1'),
}).refine((p) => p.item !== 'seats' || p.quantity <= 1000, { message: 'At most 1000 seats at once', path: ['quantity'] });
export type Purchase = z.infer<typeof PurchaseSchema>;

export interface PurchaseView {
  id: string;
  item: PurchaseItem;
  quantity: number;
  at: string;
}
export interface PurchaseReply {
  purchase: PurchaseView;
  credits: CreditsView;
  seats: SeatsView;
}

/** What the sub-workspace has available after the call, per kind; the difference moves from or back to the pool above. */
export const AllocationsSchema = z
  .strictObject({ generativeCredits: wholeCredits('Generative credits').optional(), apiCredits: wholeCredits('API credits').optional() })
  .refine((a) => a.generativeCredits !== undefined || a.apiCredits !== undefined, 'Nothing to change');
export type Allocations = z.infer<typeof AllocationsSchema>;

/** `Idempotency-Key`: any printable ASCII, at most 255 characters. */
export const IdempotencyKeySchema = z.string().min(1, 'Idempotency-Key is empty').max(255, 'Idempotency-Key can be at most 255 characters').regex(/^[\x21-\x7e]+$/, 'Idempotency-Key must be printable ASCII without spaces');

export const LedgerTypeSchema = z.enum(['grant', 'purchase', 'allocation_in', 'allocation_out', 'hold', 'charge', 'release', 'api_usage']);
export type LedgerType = z.infer<typeof LedgerTypeSchema>;

export const LedgerQuerySchema = z.object({
  kind: CreditKindSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export interface LedgerEntryView {
  id: string;
  kind: CreditKind;
  type: LedgerType;
  /** Signed: what the entry added to (or, negative, took from) the available balance. */
  amount: number;
  balanceAfter: number;
  heldAfter: number;
  actor: { id: string; name: string } | null;
  /** What the entry belongs to: a purchase, a transfer (with the other workspace), an API key, a job. */
  ref: { kind: string; id: string; label?: string; workspaceId?: string } | null;
  at: string;
}

export const UsageQuerySchema = z.object({
  kind: z.literal('api').default('api'),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  granularity: z.enum(['hour', 'day']).default('hour'),
});
export type UsageQuery = z.infer<typeof UsageQuerySchema>;

export interface UsageView {
  series: Array<{ at: string; calls: number; credits: number }>;
  byKey: Array<{ keyId: string; name: string; calls: number; credits: number }>;
}

/* Replies, described for the OpenAPI document (each checked against its view type above). */

/** Generative credits move in half credits (a video is billed per 30 seconds at 1 credit a minute); API credits in whole ones. */
const halves = () => z.number().multipleOf(0.5);

export const CreditBalanceViewSchema = replyOf<CreditBalanceView>()(z.object({ available: halves().min(0), held: halves().min(0) }));

export const CreditsViewSchema = replyOf<CreditsView>()(
  z.object({
    generative: CreditBalanceViewSchema,
    api: CreditBalanceViewSchema,
    billing: z.enum(['own', 'allocated']),
    canPurchase: z.boolean(),
    canAllocate: z.boolean(),
    parent: z.object({ workspaceId: z.string(), name: z.string(), generative: halves(), api: z.number().int() }).nullable(),
  }),
);

export const PurchaseReplySchema = replyOf<PurchaseReply>()(
  z.object({
    purchase: z.object({ id: z.string(), item: PurchaseItemSchema, quantity: z.number().int(), at: z.iso.datetime() }),
    credits: CreditsViewSchema,
    seats: z.object({ limit: z.number().int(), used: z.number().int(), reserved: z.number().int() }),
  }),
);

export const AllocationsReplySchema = z.object({ credits: CreditsViewSchema });

export const LedgerEntryViewSchema = replyOf<LedgerEntryView>()(
  z.object({
    id: z.string(),
    kind: CreditKindSchema,
    type: LedgerTypeSchema,
    amount: halves(),
    balanceAfter: halves(),
    heldAfter: halves(),
    actor: z.object({ id: z.string(), name: z.string() }).nullable(),
    ref: z.object({ kind: z.string(), id: z.string(), label: z.string().optional(), workspaceId: z.string().optional() }).nullable(),
    at: z.iso.datetime(),
  }),
);

export const LedgerPageSchema = z.object({ items: z.array(LedgerEntryViewSchema), nextCursor: z.string().nullable() });

export const UsageViewSchema = replyOf<UsageView>()(
  z.object({
    series: z.array(z.object({ at: z.iso.datetime(), calls: z.number().int(), credits: z.number().int() })),
    byKey: z.array(z.object({ keyId: z.string(), name: z.string(), calls: z.number().int(), credits: z.number().int() })),
  }),
);
