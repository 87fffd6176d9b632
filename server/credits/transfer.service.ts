import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { CreditKind } from '../../shared/schemas/credits.js';
import { newId } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import { appendEntry } from './ledger.service.js';
import type { TransferDoc } from './ledger.model.js';

/** A transfer still pending after this long was left by a process that died; the next start finishes it. */
const ABANDONED_AFTER_MS = 60_000;

interface Side {
  id: string;
  name: string;
}

async function applySteps(ctx: AppContext, t: TransferDoc, from: Side, to: Side) {
  const ref = (other: Side) => ({ kind: 'transfer', id: t._id, label: other.name, workspaceId: other.id });
  await appendEntry(
    ctx,
    { workspaceId: from.id, kind: t.kind, type: 'allocation_out', amount: -t.amount, actorId: t.actorId, ref: ref(to), op: `transfer:${t._id}:out` },
    from.name === '' ? undefined : `“${from.name}”`,
  );
  await appendEntry(ctx, { workspaceId: to.id, kind: t.kind, type: 'allocation_in', amount: t.amount, actorId: t.actorId, ref: ref(from), op: `transfer:${t._id}:in` });
  await ctx.models.Transfer.updateOne({ _id: t._id }, { $set: { state: 'done' } });
}

/**
 * Moves `amount` credits of `kind` from one workspace's ledger to another's:
 * the transfer is recorded, then the debit (refused with
 * `insufficient_credits` when the source lacks it, and the transfer marked
 * refused), then the credit. Either both entries land or, after a crash
 * between them, `finishTransfers` lands the second at the next start.
 */
export async function transferCredits(ctx: AppContext, input: { from: Side; to: Side; kind: CreditKind; amount: number; reason: TransferDoc['reason']; actorId: string | null }): Promise<TransferDoc> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new Error(`transfer of ${input.amount} credits`);
  const t: TransferDoc = { _id: newId(), fromId: input.from.id, toId: input.to.id, kind: input.kind, amount: input.amount, reason: input.reason, actorId: input.actorId, state: 'pending', at: ctx.now() };
  await ctx.models.Transfer.create(t);
  try {
    await applySteps(ctx, t, input.from, input.to);
  } catch (err) {
    if (err instanceof AppError && err.code === 'insufficient_credits') {
      // Nothing moved: the debit was refused before it was written.
      await ctx.models.Transfer.updateOne({ _id: t._id }, { $set: { state: 'refused' } });
    }
    throw err;
  }
  return { ...t, state: 'done' };
}

/**
 * Finishes the transfers a process left pending (it died between the
 * record and the credit): both steps are exactly-once by their `op`, so a
 * step already applied is not applied again, and a debit the source can no
 * longer cover marks the transfer refused with nothing moved.
 */
export async function finishTransfers(ctx: AppContext, only?: { involving: string }): Promise<number> {
  const pending = await ctx.models.Transfer.find({ state: 'pending' }).lean();
  // Transfers of one workspace, whatever their age, for a caller that holds what serialises them (its allocation lock).
  const cutoff = only ? Infinity : ctx.now().getTime() - ABANDONED_AFTER_MS;
  const mine = (p: (typeof pending)[number]) => !only || p.fromId === only.involving || p.toId === only.involving;
  let finished = 0;
  for (const t of pending.filter((p) => p.at.getTime() < cutoff && mine(p))) {
    const [from, to] = await Promise.all([ctx.models.Workspace.findById(t.fromId, { name: 1 }).lean(), ctx.models.Workspace.findById(t.toId, { name: 1 }).lean()]);
    try {
      await applySteps(ctx, t, { id: t.fromId, name: from?.name ?? '' }, { id: t.toId, name: to?.name ?? '' });
      finished++;
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'insufficient_credits')) throw err;
      await ctx.models.Transfer.updateOne({ _id: t._id, state: 'pending' }, { $set: { state: 'refused' } });
    }
  }
  if (finished) ctx.log.info({ finished }, 'finished credit transfers left pending');
  return finished;
}

/** Transfers older than a week that are settled are history only the ledger needs (its entries keep the id). */
export async function sweepTransfers(ctx: AppContext) {
  const before = new Date(ctx.now().getTime() - 7 * 86_400_000);
  await ctx.models.Transfer.deleteMany({ state: mongoose.trusted({ $in: ['done', 'refused'] }), at: mongoose.trusted({ $lt: before }) });
}
