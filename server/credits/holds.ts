import type { AppContext } from '../context.js';
import type { CreditKind } from '../../shared/schemas/credits.js';
import { appendEntry } from './ledger.service.js';
import type { LedgerEntryDoc } from './ledger.model.js';

/**
 * Credits set aside for work whose cost is known only at its end (a
 * render): the estimate is held at the start (refused with
 * `insufficient_credits` when it is not available), then the real cost is
 * charged from the hold and the rest released. Each step is a ledger entry
 * keyed by the work's id, so a step retried after a crash — or by the node
 * that took the work over — lands once: nothing is charged twice.
 */
export interface HoldRef {
  workspaceId: string;
  kind: CreditKind;
  /** The work's id (a job): the operation keys of its steps. */
  workId: string;
  ref: NonNullable<LedgerEntryDoc['ref']>;
  actorId: string | null;
}

export const holdCredits = (ctx: AppContext, h: HoldRef, amount: number) =>
  appendEntry(ctx, { workspaceId: h.workspaceId, kind: h.kind, type: 'hold', amount: -amount, held: amount, actorId: h.actorId, ref: h.ref, op: `hold:${h.workId}` });

/** Ends a hold of `held` credits: `cost` of them charged (0 for failed or cancelled work), the rest back to available. */
export async function settleHold(ctx: AppContext, h: HoldRef, held: number, cost: number) {
  const charged = Math.min(held, Math.max(0, cost));
  if (charged > 0) await appendEntry(ctx, { workspaceId: h.workspaceId, kind: h.kind, type: 'charge', amount: 0, held: -charged, actorId: h.actorId, ref: h.ref, op: `charge:${h.workId}` });
  if (held - charged > 0) await appendEntry(ctx, { workspaceId: h.workspaceId, kind: h.kind, type: 'release', amount: held - charged, held: -(held - charged), actorId: h.actorId, ref: h.ref, op: `release:${h.workId}` });
}
