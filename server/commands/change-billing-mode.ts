import type { AppContext } from '../context.js';
import type { BillingMode } from '../../shared/schemas/workspaces.js';
import { AppError, conflict, notFound } from '../http/errors.js';
import { withLock } from '../db/claims.js';
import { findByIds } from '../db/lookups.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import type { MembershipDoc } from '../workspaces/membership.model.js';
import type { InvitationDoc } from '../invitations/invitation.model.js';
import { invitationHolder, seatHolderId, userHolder } from '../workspaces/seat.model.js';
import { claimSeat, dropPool, recountSeats, releaseSeat, seatUsage, withPersonSeat } from '../workspaces/seat.service.js';
import { billingLockKey, moveMemberSeat, releaseSeatIfUnused, SWITCH_WAIT_MS } from '../workspaces/pool-move.js';
import { announceSeats } from '../workspaces/seat-events.js';
import { announceWorkspace, workspaceTarget } from '../workspaces/workspace.service.js';
import { moveInvitationSeat } from '../invitations/invitation.service.js';
import { slotsLeftToGive, withSlotPool } from '../workspaces/avatar-allocation.js';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Who holds a seat for the workspace: its members and its pending invitations. */
async function holdersOf(ctx: AppContext, workspaceId: string): Promise<{ members: MembershipDoc[]; pending: InvitationDoc[] }> {
  const [members, pending] = await Promise.all([ctx.models.Membership.find({ workspaceId }).lean(), ctx.models.Invitation.find({ workspaceId, status: 'sent' }).lean()]);
  return { members, pending };
}

const isSeatLimit = (err: unknown) => err instanceof AppError && err.code === 'seat_limit_reached';

function seatsMissing(needed: number, free: number, members: number, pending: number) {
  const more = Math.max(1, needed - free);
  const whom = pending > 0 ? `${plural(members, 'member', 'members')} and ${plural(pending, 'pending invitation', 'pending invitations')}` : plural(members, 'member', 'members');
  return new AppError(
    'seat_limit_reached',
    `The parent workspace needs ${plural(more, 'more free seat', 'more free seats')} for this workspace’s ${whom}. Add seats to the parent workspace or remove members here, then try again.`,
    { needed, free },
  );
}

/**
 * Inherited → independent. The workspace gets a seat pool of its own
 * (`poolId` = its id) with room for everyone it seats; each member and
 * pending invitation takes a seat there, and their seat of the parent's
 * pool is freed unless the person still belongs to another workspace
 * drawing from it. Credits move nowhere: its ledger is its own already, so
 * what was allocated to it and is unspent simply becomes its balance.
 */
async function makeIndependent(ctx: AppContext, w: WorkspaceDoc): Promise<void> {
  const own = w._id;
  const { members, pending } = await holdersOf(ctx, own);
  let limit = Math.max(ctx.config.DEFAULT_SEATS, members.length + pending.length);
  await ctx.models.Workspace.updateOne({ _id: own }, { $set: { poolId: own, 'settings.billingMode': 'independent', 'seats.limit': limit } });
  // People joining meanwhile land in the new pool themselves (see pool-move.ts) and may fill it: it grows to seat everyone.
  const withRoom = async (move: () => Promise<void>) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await move();
      } catch (err) {
        if (!isSeatLimit(err) || attempt >= 5) throw err;
        const [m, i] = await Promise.all([ctx.models.Membership.countDocuments({ workspaceId: own }), ctx.models.Invitation.countDocuments({ workspaceId: own, status: 'sent' })]);
        limit = Math.max(limit + 1, m + i);
        await ctx.models.Workspace.updateOne({ _id: own }, { $set: { 'seats.limit': limit } });
        await recountSeats(ctx, own);
      }
    }
  };
  for (const m of members) await withRoom(() => moveMemberSeat(ctx, m, own));
  for (const inv of pending) await withRoom(() => moveInvitationSeat(ctx, inv._id, own));
  await recountSeats(ctx, own);
}

/**
 * Independent → inherited: only a workspace without sub-workspaces, whose
 * avatar slots fit in what the parent has left to give, and for whose
 * members and pending invitations the parent's pool has room. The seats
 * are claimed first, all of them; if one is refused, those taken are given
 * back and nothing changes. Then the workspace draws from the parent's
 * pool and its own pool goes, with the seats bought for it.
 */
async function makeInherited(ctx: AppContext, w: WorkspaceDoc, parent: WorkspaceDoc): Promise<void> {
  if (await ctx.models.Workspace.exists({ parentId: w._id })) {
    throw conflict('This workspace has sub-workspaces; only independent workspaces can have them. Delete its sub-workspaces first.');
  }
  const target = parent.poolId;
  const slotsLeft = await slotsLeftToGive(ctx, parent._id);
  if (w.avatarSlots > slotsLeft) throw slotsMissing(w.avatarSlots, slotsLeft);

  const { members, pending } = await holdersOf(ctx, w._id);
  const holders = [...members.map((m) => ({ holder: userHolder(m.userId), userId: m.userId })), ...pending.map((i) => ({ holder: invitationHolder(i._id), userId: null }))];
  const seated = await findByIds(ctx.models.SeatHolder, holders.map((h) => seatHolderId(target, h.holder)), { _id: 1 });
  const missing = holders.filter((h) => !seated.has(seatHolderId(target, h.holder)));
  const freeSeats = async () => {
    const seats = await seatUsage(ctx, target);
    return Math.max(0, seats.limit - seats.used - seats.reserved);
  };
  const free = await freeSeats();
  if (missing.length > free) throw seatsMissing(missing.length, free, members.length, pending.length);

  const taken: Array<{ holder: string; userId: string | null }> = [];
  const giveBack = async () => {
    for (const t of taken) {
      if (t.userId) await withPersonSeat(ctx, target, t.userId, () => releaseSeatIfUnused(ctx, target, t.userId!));
      else await releaseSeat(ctx, target, t.holder);
    }
    if (taken.length) await announceSeats(ctx, target, null);
  };
  try {
    for (const h of missing) {
      const claimed = h.userId
        ? await withPersonSeat(ctx, target, h.userId, () => claimSeat(ctx, target, h.holder, 'member'))
        : await claimSeat(ctx, target, h.holder, 'invitation');
      if (claimed.created) taken.push(h);
    }
    // Its slots join the parent's sum: checked and switched under the slot locks of both (see avatar-allocation.ts).
    await withSlotPool(ctx, w._id, () =>
      withSlotPool(ctx, parent._id, async () => {
        const [fresh, left] = await Promise.all([ctx.models.Workspace.findById(w._id, { avatarSlots: 1 }).lean(), slotsLeftToGive(ctx, parent._id)]);
        if ((fresh?.avatarSlots ?? 0) > left) throw slotsMissing(fresh?.avatarSlots ?? 0, left);
        await ctx.models.Workspace.updateOne({ _id: w._id }, { $set: { poolId: target, 'settings.billingMode': 'inherited', 'seats.limit': 0 } });
      }),
    );
  } catch (err) {
    await giveBack();
    if (isSeatLimit(err)) throw seatsMissing(missing.length, await freeSeats(), members.length, pending.length);
    throw err;
  }
  for (const m of members) await moveMemberSeat(ctx, m, target);
  for (const inv of pending) await moveInvitationSeat(ctx, inv._id, target);
  await dropPool(ctx, w._id);
}

const slotsMissing = (has: number, available: number) =>
  conflict(
    `This workspace has ${plural(has, 'avatar slot', 'avatar slots')}; the parent workspace has only ${available} left to give. Lower its avatar slots or give the parent more, then try again.`,
    { available, needed: has },
  );

/**
 * Switches a sub-workspace between drawing on its parent's seats and
 * credits (`inherited`) and having its own (`independent`). Runs under the
 * workspace's billing lock, so two switches never interleave and people
 * joining meanwhile settle in the pool it ends in (see pool-move.ts).
 * A root always has its own billing. Events follow the write.
 */
export async function changeBillingMode(ctx: AppContext, workspace: WorkspaceDoc, to: BillingMode, actorId: string): Promise<WorkspaceDoc> {
  if (workspace.parentId === null) throw conflict('The account workspace always has its own seats and credits: its billing mode cannot change.');
  const switched = await withLock(ctx.models.Lock, billingLockKey(workspace._id), async () => {
    const w = await ctx.models.Workspace.findById(workspace._id).lean();
    if (!w) throw notFound('Workspace not found');
    if (w.settings.billingMode === to) return null;
    const parent = await ctx.models.Workspace.findById(w.parentId!).lean();
    if (!parent) throw notFound('Workspace not found');
    if (to === 'independent') await makeIndependent(ctx, w);
    else await makeInherited(ctx, w, parent);
    return { before: w, after: (await ctx.models.Workspace.findById(w._id).lean())! };
  }, { waitMs: SWITCH_WAIT_MS });
  if (!switched) return (await ctx.models.Workspace.findById(workspace._id).lean()) ?? workspace;
  const { before, after } = switched;
  await ctx.publisher.toWorkspace(after._id, 'members', {
    type: 'billing.updated',
    actorId,
    data: { workspaceId: after._id, billingMode: to },
    audit: { target: workspaceTarget(after), before: { billingMode: before.settings.billingMode }, after: { billingMode: to } },
  });
  await announceWorkspace(ctx, after, actorId, null);
  await announceSeats(ctx, after.poolId, actorId);
  if (before.poolId !== after.poolId) await announceSeats(ctx, before.poolId, actorId);
  return after;
}
