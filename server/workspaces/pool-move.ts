import type { AppContext } from '../context.js';
import { withLock } from '../db/claims.js';
import type { MembershipDoc } from './membership.model.js';
import { userHolder } from './seat.model.js';
import { claimSeat, releaseSeat, withPersonSeat } from './seat.service.js';

/**
 * A workspace's seat pool changes only while its billing lock is held (see
 * commands/change-billing-mode.ts). Joining, leaving and inviting take no
 * such lock: they write, then `followWorkspacePool` checks whether a switch
 * is running or has moved the workspace, and settles in the pool it ends in.
 */
export const billingLockKey = (workspaceId: string) => `billing:${workspaceId}`;

/** How long a join waits for a switch to end: a switch takes about 60 ms per member and invitation (measured on FerretDB/PostgreSQL), so minutes only for thousands. */
export const SWITCH_WAIT_MS = 180_000;

/** Frees the person's seat of a pool unless a membership of theirs still draws from it (call it holding their seat lock of that pool). */
export async function releaseSeatIfUnused(ctx: AppContext, poolId: string, userId: string): Promise<boolean> {
  if (await ctx.models.Membership.exists({ userId, poolId })) return false;
  return releaseSeat(ctx, poolId, userHolder(userId));
}

/**
 * Moves a membership to pool `to`: a seat there first, then the membership
 * points at it (both under the person's seat lock of `to`, so a parallel
 * "do they still draw from `to`?" sees the seat with the membership), then
 * their seat of the pool they leave is freed unless another membership of
 * theirs still draws from it. A membership that ended meanwhile keeps no
 * seat. When `to` is full: `seat_limit_reached`, nothing changed.
 */
export async function moveMemberSeat(ctx: AppContext, m: Pick<MembershipDoc, '_id' | 'userId' | 'poolId'>, to: string): Promise<void> {
  const from = m.poolId;
  await withPersonSeat(ctx, to, m.userId, async () => {
    await claimSeat(ctx, to, userHolder(m.userId), 'member');
    await ctx.models.Membership.updateOne({ _id: m._id }, { $set: { poolId: to } });
    if (!(await ctx.models.Membership.exists({ _id: m._id }))) await releaseSeatIfUnused(ctx, to, m.userId);
  });
  if (from !== to) await withPersonSeat(ctx, from, m.userId, () => releaseSeatIfUnused(ctx, from, m.userId));
}

/** Moves the membership `membershipId` to the pool `to` if it still draws from another one. */
export async function settleMembership(ctx: AppContext, membershipId: string, to: string): Promise<void> {
  const m = await ctx.models.Membership.findById(membershipId, { userId: 1, poolId: 1 }).lean();
  if (m && m.poolId !== to) await moveMemberSeat(ctx, m, to);
}

/**
 * Store, then check. Something written for a workspace (a membership, an
 * invitation's seat) in pool `heldIn` — read from a copy of the workspace
 * that a billing switch may have made stale — ends in the pool the workspace
 * draws from. A switch lists what it moves once it holds the billing lock:
 * what was written before the lock was taken is moved by it; what was
 * written after finds the lock (or, once it is gone, the new pool) here,
 * waits for the switch to end and `settle`s itself in the workspace's pool.
 * (The lock is looked at before the pool: a pool read after the lock is gone
 * is the switched one.) Resolves to the pool it ends in; throws what
 * `settle` throws (`seat_limit_reached`: no seat for it there).
 */
export async function followWorkspacePool(ctx: AppContext, workspaceId: string, heldIn: string, settle: (poolId: string) => Promise<void>): Promise<string> {
  const switching = await ctx.models.Lock.exists({ _id: billingLockKey(workspaceId) });
  const current = await ctx.models.Workspace.findById(workspaceId, { poolId: 1 }).lean();
  if (!current || (!switching && current.poolId === heldIn)) return current?.poolId ?? heldIn;
  return withLock(
    ctx.models.Lock,
    billingLockKey(workspaceId),
    async () => {
      const fresh = await ctx.models.Workspace.findById(workspaceId, { poolId: 1 }).lean();
      if (!fresh) return heldIn;
      await settle(fresh.poolId);
      return fresh.poolId;
    },
    { waitMs: SWITCH_WAIT_MS },
  );
}
