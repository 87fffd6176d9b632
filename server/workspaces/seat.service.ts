import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { claimFreeNumber, isDuplicateKey, withLock } from '../db/claims.js';
import { newId } from '../db/ids.js';
import type { SeatsView } from '../../shared/schemas/workspaces.js';
import { seatHolderId, type SeatDoc } from './seat.model.js';
import { dropTallies, readTally, settleTally } from './tally.service.js';

export const seatLimitReached = () =>
  new AppError('seat_limit_reached', 'All seats are taken. Remove a member or add seats, then try again.');

/**
 * Runs a change of a person's seat in a pool (joining a workspace of it,
 * leaving one, taking an invitation's seat) alone: "do they still belong to
 * the pool? then free the seat" must not interleave with their joining
 * another workspace of the same pool, or a member would be left seatless.
 */
export const withPersonSeat = <T>(ctx: AppContext, poolId: string, userId: string, work: () => Promise<T>) => withLock(ctx.models.Lock, `seat:${seatHolderId(poolId, `u:${userId}`)}`, work);

/** The pool's seat limit: its base plus every purchase. */
export async function seatLimitOf(ctx: AppContext, poolId: string): Promise<number> {
  const [pool, purchases] = await Promise.all([
    ctx.models.Workspace.findById(poolId, { seats: 1 }).lean(),
    ctx.models.SeatPurchase.find({ poolId }, { add: 1 }).lean(),
  ]);
  return (pool?.seats.limit ?? 0) + purchases.reduce((sum, p) => sum + p.add, 0);
}

/** A recount of the pool's seats from its claims and purchases. */
export async function seatUsage(ctx: AppContext, poolId: string): Promise<SeatsView> {
  const [limit, seats] = await Promise.all([seatLimitOf(ctx, poolId), ctx.models.Seat.find({ poolId }, { kind: 1 }).lean()]);
  const used = seats.filter((s) => s.kind === 'member').length;
  return { limit, used, reserved: seats.length - used };
}

const seatTally = (poolId: string) => `seats:${poolId}`;

/** The pool's seat counts as stored (what screens show): kept equal to `seatUsage` by every change below. */
export const seatsOf = (ctx: AppContext, poolId: string): Promise<SeatsView> => readTally(ctx, seatTally(poolId), () => seatUsage(ctx, poolId));

/** Every change of a pool's seats or purchases ends here: the stored counts follow the claims. */
export const recountSeats = (ctx: AppContext, poolId: string) => settleTally(ctx, seatTally(poolId), () => seatUsage(ctx, poolId));

/**
 * Gives `holder` a seat of the pool, or confirms the one it has (a person
 * counts once per pool). Throws `seat_limit_reached` when every seat is held.
 */
export async function claimSeat(ctx: AppContext, poolId: string, holder: string, kind: SeatDoc['kind']): Promise<{ seatId: string; created: boolean }> {
  const existing = await ctx.models.SeatHolder.findById(seatHolderId(poolId, holder)).lean();
  if (existing) return { seatId: existing.seatId, created: false };

  const [limit, taken] = await Promise.all([seatLimitOf(ctx, poolId), ctx.models.Seat.find({ poolId }, { n: 1 }).lean()]);
  const n = await claimFreeNumber(
    limit,
    taken.map((s) => s.n),
    (n) => ctx.models.Seat.create({ _id: `${poolId}:${n}`, poolId, n, holder, kind }),
  );
  if (n === null) throw seatLimitReached();
  const seatId = `${poolId}:${n}`;
  try {
    await ctx.models.SeatHolder.create({ _id: seatHolderId(poolId, holder), poolId, holder, seatId });
    return { seatId, created: true };
  } catch (err) {
    // The same holder won a seat in a parallel claim: give this one back.
    await ctx.models.Seat.deleteOne({ _id: seatId });
    if (!isDuplicateKey(err)) throw err;
    const winner = await ctx.models.SeatHolder.findById(seatHolderId(poolId, holder)).lean();
    return { seatId: winner!.seatId, created: false };
  } finally {
    await recountSeats(ctx, poolId);
  }
}

/** Frees the holder's seat of the pool, if it has one. */
export async function releaseSeat(ctx: AppContext, poolId: string, holder: string): Promise<boolean> {
  const holding = await ctx.models.SeatHolder.findById(seatHolderId(poolId, holder)).lean();
  if (!holding) return false;
  await ctx.models.Seat.deleteOne({ _id: holding.seatId, holder });
  await ctx.models.SeatHolder.deleteOne({ _id: holding._id });
  await recountSeats(ctx, poolId);
  return true;
}

/**
 * Hands a seat from one holder to another without freeing it in between (an
 * invitation's reserved seat becoming its invitee's). When the new holder
 * already has a seat of the pool, the one handed over is freed instead: a
 * person counts once per pool. The seat is relabelled before the new holder
 * points at it, so a parallel claim for the same person finds either no
 * holder (and claims, then yields to this one) or this very seat.
 */
export async function transferSeat(ctx: AppContext, poolId: string, from: string, to: string): Promise<boolean> {
  const holding = await ctx.models.SeatHolder.findById(seatHolderId(poolId, from)).lean();
  if (!holding) return false;
  const seated = await ctx.models.SeatHolder.findById(seatHolderId(poolId, to)).lean();
  if (seated && seated.seatId !== holding.seatId) {
    await releaseSeat(ctx, poolId, from);
    return true;
  }
  await ctx.models.Seat.updateOne({ _id: holding.seatId }, { $set: { holder: to, kind: 'member' } });
  try {
    await ctx.models.SeatHolder.create({ _id: seatHolderId(poolId, to), poolId, holder: to, seatId: holding.seatId });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const winner = await ctx.models.SeatHolder.findById(seatHolderId(poolId, to)).lean();
    // A parallel claim seated the person elsewhere meanwhile: the handed-over seat is the one to free.
    if (winner && winner.seatId !== holding.seatId) await ctx.models.Seat.deleteOne({ _id: holding.seatId, holder: to });
  }
  await ctx.models.SeatHolder.deleteOne({ _id: holding._id });
  await recountSeats(ctx, poolId);
  return true;
}

export async function purchaseSeats(ctx: AppContext, poolId: string, add: number, actorId: string) {
  await ctx.models.SeatPurchase.create({ _id: newId(), poolId, add, actorId });
  await recountSeats(ctx, poolId);
}

/** Removes every seat of a pool that no longer exists. */
export async function dropPool(ctx: AppContext, poolId: string) {
  await Promise.all([
    ctx.models.Seat.deleteMany({ poolId }),
    ctx.models.SeatHolder.deleteMany({ poolId }),
    ctx.models.SeatPurchase.deleteMany({ poolId }),
    dropTallies(ctx, [seatTally(poolId)]),
  ]);
}
