import { Schema, type Connection } from 'mongoose';
import type { CreditKind, LedgerType } from '../../shared/schemas/credits.js';
import { bucketKey } from '../db/history.js';

/**
 * One change of a workspace's balance of one credit kind. The entries of a
 * workspace and kind form a chain (db/chain.ts): `_id` =
 * `<workspaceId>:<kind>:<seq>`, each carrying the balances after it, and an
 * entry is stored only if those stay ≥ 0. The balance shown is the head's;
 * the sum of the entries' changes always equals it.
 *
 * `op` names the operation the entry belongs to (`purchase:<id>`,
 * `transfer:<id>:out`, `api:<requestId>`…) and is unique: an operation
 * retried after a crash, or by a second node, lands once.
 */
export interface LedgerEntryDoc {
  _id: string;
  chain: string;
  workspaceId: string;
  kind: CreditKind;
  seq: number;
  type: LedgerType;
  /** The change of the available balance (negative when spent or moved out). */
  amount: number;
  /** The change of the held balance (a hold sets credits aside; its charge or release ends it). */
  held: number;
  balanceAfter: number;
  heldAfter: number;
  actorId: string | null;
  /** For a transfer, `workspaceId` is the other side. */
  ref: { kind: string; id: string; label?: string; workspaceId?: string } | null;
  op: string;
  at: Date;
  /** `<workspaceId>:<kind>:<YYYY-MM-DDTHH>`: the UTC hour of `at`, read by usage by equality. */
  hour: string;
  /** `<chain>#<floor(seq / LEDGER_BUCKET_SIZE)>`, like the event buckets. */
  bucket: string;
}

export const LEDGER_BUCKET_SIZE = 100;
export const ledgerChain = (workspaceId: string, kind: CreditKind) => `${workspaceId}:${kind}`;
export const ledgerBucket = (chain: string, seq: number) => bucketKey(chain, seq, LEDGER_BUCKET_SIZE);
export const ledgerHour = (workspaceId: string, kind: CreditKind, at: Date) => `${workspaceId}:${kind}:${at.toISOString().slice(0, 13)}`;

const ledgerEntrySchema = new Schema<LedgerEntryDoc>(
  {
    _id: { type: String, required: true },
    chain: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    kind: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    amount: { type: Number, required: true },
    held: { type: Number, default: 0 },
    balanceAfter: { type: Number, required: true },
    heldAfter: { type: Number, default: 0 },
    actorId: { type: String, default: null },
    ref: { type: Schema.Types.Mixed, default: null },
    op: { type: String, required: true, unique: true },
    at: { type: Date, required: true },
    hour: { type: String, required: true, index: true },
    bucket: { type: String, required: true, index: true },
  },
  { versionKey: false, minimize: false },
);

export const ledgerEntryModel = (conn: Connection) => conn.model<LedgerEntryDoc>('LedgerEntry', ledgerEntrySchema, 'ledger_entries');

/**
 * Credits moved between two workspaces (an allocation, its return, a
 * deleted sub-workspace's rest): recorded first, then the debit, then the
 * credit, each a ledger entry with its own `op`. A transfer left `pending`
 * by a process that died is finished at the next start (both steps are
 * exactly-once), so credits are never half-moved.
 */
export interface TransferDoc {
  _id: string;
  fromId: string;
  toId: string;
  kind: CreditKind;
  amount: number;
  /** Why: an allocation raised, one lowered (the rest going back), a deleted sub-workspace's rest. */
  reason: 'allocation' | 'return' | 'deleted';
  actorId: string | null;
  state: 'pending' | 'done' | 'refused';
  at: Date;
}

const transferSchema = new Schema<TransferDoc>(
  {
    _id: { type: String, required: true },
    fromId: { type: String, required: true },
    toId: { type: String, required: true },
    kind: { type: String, required: true },
    amount: { type: Number, required: true },
    reason: { type: String, required: true },
    actorId: { type: String, default: null },
    state: { type: String, required: true, index: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export const transferModel = (conn: Connection) => conn.model<TransferDoc>('Transfer', transferSchema, 'credit_transfers');

/** A simulated purchase of seats or credits for a pool. */
export interface PurchaseDoc {
  _id: string;
  workspaceId: string;
  item: 'seats' | 'generative_credits' | 'api_credits';
  quantity: number;
  actorId: string;
  at: Date;
}

const purchaseSchema = new Schema<PurchaseDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    item: { type: String, required: true },
    quantity: { type: Number, required: true },
    actorId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export const purchaseModel = (conn: Connection) => conn.model<PurchaseDoc>('Purchase', purchaseSchema, 'purchases');
