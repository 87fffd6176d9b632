import type { AppContext } from '../context.js';
import { seatHolderId } from './seat.model.js';
import { claimSeat, recountSeats, releaseSeat } from './seat.service.js';

/** How old a seat must be before a repair may judge it: a request under way claims first, then writes what holds it. */
export const SEAT_REPAIR_GRACE_MS = 10_000;

/**
 * Puts seats back in line with what holds them after a process died in the
 * middle of a change (no transactions: a claim and the invitation or
 * membership it is for are separate writes). A seat whose holder — a pending
 * invitation, or a member of the pool — is gone is freed; a half-made claim
 * (a seat without its holder's claim, or the reverse) is finished or undone;
 * a pending invitation without a seat gets one back (or, with the pool full,
 * is logged: it keeps its place but the pool shows it). Only what is older
 * than `graceMs` is judged, so a change under way on a live node is left
 * alone. Run after another node vanished, and with the periodic sweep.
 */
export async function repairSeats(ctx: AppContext, graceMs = SEAT_REPAIR_GRACE_MS): Promise<number> {
  const m = ctx.models;
  // Seats are stamped by the clock; invitations by the app's (which tests move).
  const cutoff = Date.now() - graceMs;
  const invitedBefore = ctx.now().getTime() - graceMs;
  const [seats, holders] = await Promise.all([m.Seat.find({}).lean(), m.SeatHolder.find({}).lean()]);
  const touched = new Set<string>();
  const claimed = new Set(holders.map((h) => h._id));
  const seatIds = new Set(seats.map((s) => s._id));
  let fixed = 0;

  for (const seat of seats) {
    if (seat.at.getTime() > cutoff) continue;
    const [kind, id] = [seat.holder.slice(0, 2), seat.holder.slice(2)];
    const held =
      kind === 'i:'
        ? (await m.Invitation.findById(id, { status: 1, poolId: 1 }).lean())?.status === 'sent'
        : kind === 'u:'
          ? (await m.Membership.exists({ poolId: seat.poolId, userId: id })) !== null
          : false;
    const holderId = seatHolderId(seat.poolId, seat.holder);
    if (!held) {
      // releaseSeat follows the holder's claim; a seat without one goes by itself.
      if (claimed.has(holderId)) await releaseSeat(ctx, seat.poolId, seat.holder);
      else await m.Seat.deleteOne({ _id: seat._id, holder: seat.holder });
      touched.add(seat.poolId);
      fixed++;
    } else if (!claimed.has(holderId)) {
      // The claim died between its two writes: finish it.
      await m.SeatHolder.create({ _id: holderId, poolId: seat.poolId, holder: seat.holder, seatId: seat._id }).catch(() => undefined);
      touched.add(seat.poolId);
      fixed++;
    }
  }
  // A holder's claim whose seat is gone.
  for (const h of holders) {
    if (seatIds.has(h.seatId)) continue;
    const seat = await m.Seat.findById(h.seatId).lean();
    if (seat) continue;
    await m.SeatHolder.deleteOne({ _id: h._id, seatId: h.seatId });
    touched.add(h.poolId);
    fixed++;
  }
  // A pending invitation left without its seat.
  const pending = await m.Invitation.find({ status: 'sent' }, { poolId: 1, createdAt: 1 }).lean();
  for (const inv of pending) {
    if (inv.createdAt.getTime() > invitedBefore || claimed.has(seatHolderId(inv.poolId, `i:${inv._id}`))) continue;
    try {
      await claimSeat(ctx, inv.poolId, `i:${inv._id}`, 'invitation');
      fixed++;
    } catch (err) {
      ctx.log.warn({ err, invitationId: inv._id }, 'a pending invitation has no seat and its pool is full');
    }
  }
  for (const poolId of touched) await recountSeats(ctx, poolId);
  if (fixed > 0) ctx.log.info({ fixed }, 'seats put back in line with their holders');
  return fixed;
}
