import mongoose from 'mongoose';
import { dropMemberContentAccess } from '../content/drop-content.js';
import type { AppContext } from '../context.js';
import type { Role } from '../../shared/schemas/auth.js';
import type { MemberView, Page } from '../../shared/schemas/workspaces.js';
import { can } from '../../shared/permissions.js';
import { isOwner, mayHoldRole, mayTransferOwnership, OWNER_ROLE } from '../../shared/rules.js';
import { AppError, conflict, notFound } from '../http/errors.js';
import { isDuplicateKey } from '../db/claims.js';
import { findByIds } from '../db/lookups.js';
import type { UserDoc } from '../accounts/user.model.js';
import { membershipId, type MembershipDoc } from './membership.model.js';
import type { WorkspaceDoc } from './workspace.model.js';
import { claimSeat, withPersonSeat } from './seat.service.js';
import { followWorkspacePool, releaseSeatIfUnused, settleMembership } from './pool-move.js';
import { announceSeats } from './seat-events.js';
import { announceSubworkspace } from './workspace.presenter.js';
import { notify } from '../notifications/notification.service.js';
import { revokeBelow } from './access.js';
import { recountMembers } from './membership.service.js';
import { everyOf, membersOf, tagsOf } from '../cache/tags.js';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function presentMember(m: MembershipDoc, user: Pick<UserDoc, 'name' | 'email'>, workspace: Pick<WorkspaceDoc, 'ownerId'>): MemberView {
  return { userId: m.userId, name: user.name, email: user.email, role: m.role, status: 'active', joinedAt: m.joinedAt.toISOString(), isOwner: workspace.ownerId === m.userId };
}

const memberTarget = (user: Pick<UserDoc, '_id' | 'name' | 'email'>) => ({ kind: 'member', id: user._id, label: `${user.name} <${user.email}>` });

/** Members of a workspace, in a stable order, filtered by a search over name and email. */
export async function listMembers(ctx: AppContext, workspace: WorkspaceDoc, q: { limit: number; cursor?: string; q?: string }): Promise<Page<MemberView>> {
  const filter: Record<string, unknown> = { workspaceId: workspace._id };
  if (q.cursor) filter._id = mongoose.trusted({ $gt: q.cursor });
  if (q.q) filter.search = mongoose.trusted({ $regex: escapeRegex(q.q.toLowerCase()) });
  const rows = await ctx.models.Membership.find(filter).sort({ _id: 1 }).limit(q.limit + 1).lean();
  const page = rows.slice(0, q.limit);
  // Older memberships carry no name and address: only those look their person up.
  const users = await findByIds(ctx.models.User, page.filter((m) => !m.email).map((m) => m.userId), { name: 1, email: 1 });
  const personOf = (m: MembershipDoc) => (m.email ? { name: m.name, email: m.email } : users.get(m.userId));
  return {
    items: page.filter((m) => personOf(m)).map((m) => presentMember(m, personOf(m)!, workspace)),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!._id : null,
  };
}

/**
 * A page of members through the node cache, kept under what it was read
 * from: the workspace's memberships (one added, changed or ended), its
 * document (the owner) and the people listed (names, emails).
 */
export function readMembers(ctx: AppContext, workspace: WorkspaceDoc, q: { limit: number; cursor?: string; q?: string }): Promise<Page<MemberView>> {
  return ctx.cache.read(
    `members:${workspace._id}:${JSON.stringify([q.limit, q.cursor ?? null, q.q ?? null])}`,
    () => listMembers(ctx, workspace, q),
    (page) => [everyOf('membership'), membersOf(workspace._id), ...tagsOf('workspace', workspace._id), ...tagsOf('user', ...page.items.map((m) => m.userId))],
  );
}

/**
 * Makes `user` a member with `role`, taking a seat of the workspace's pool
 * (none if they already hold one there), under the person's seat lock of
 * that pool. `beforeSeat` runs inside the lock first (an invitation hands
 * its reserved seat over). The membership `_id` makes a second add of the
 * same person fail with `already_member`.
 */
export async function addMembership(
  ctx: AppContext,
  workspace: WorkspaceDoc,
  user: UserDoc,
  role: Role,
  actorId: string | null,
  opts: { beforeSeat?: () => Promise<void> } = {},
): Promise<MemberView> {
  const joined = await withPersonSeat(ctx, workspace.poolId, user._id, async () => {
    await opts.beforeSeat?.();
    if (await ctx.models.Membership.exists({ _id: membershipId(workspace._id, user._id) })) throw alreadyMember();
    const seat = await claimSeat(ctx, workspace.poolId, `u:${user._id}`, 'member');
    try {
      const created = await ctx.models.Membership.create({
        _id: membershipId(workspace._id, user._id),
        workspaceId: workspace._id,
        userId: user._id,
        poolId: workspace.poolId,
        role,
        name: user.name,
        email: user.email,
        search: `${user.name} ${user.email}`.toLowerCase(),
      });
      return { membership: created.toObject() as MembershipDoc, seatCreated: seat.created };
    } catch (err) {
      if (seat.created) await releaseSeatIfUnused(ctx, workspace.poolId, user._id);
      if (isDuplicateKey(err)) throw alreadyMember();
      throw err;
    }
  }).catch(async (err: unknown) => {
    // A copy of the workspace older than a billing switch names the pool it left (emptied, no seats): join the one it draws from now.
    if (!(err instanceof AppError && err.code === 'seat_limit_reached')) throw err;
    const fresh = await ctx.models.Workspace.findById(workspace._id).lean();
    if (!fresh || fresh.poolId === workspace.poolId) throw err;
    return null;
  });
  if (!joined) return addMembership(ctx, (await ctx.models.Workspace.findById(workspace._id).lean())!, user, role, actorId, opts);
  const { membership, seatCreated } = joined;
  // The workspace may have switched its billing meanwhile: the member ends seated in the pool it draws from, or not a member.
  let poolId = workspace.poolId;
  try {
    poolId = await followWorkspacePool(ctx, workspace._id, workspace.poolId, (to) => settleMembership(ctx, membership._id, to));
  } catch (err) {
    const held = (await ctx.models.Membership.findById(membership._id, { poolId: 1 }).lean())?.poolId ?? workspace.poolId;
    await withPersonSeat(ctx, held, user._id, async () => {
      await ctx.models.Membership.deleteOne({ _id: membership._id });
      await releaseSeatIfUnused(ctx, held, user._id);
    });
    await recountMembers(ctx, workspace._id);
    throw err;
  }
  await recountMembers(ctx, workspace._id);
  const seat = { created: seatCreated || poolId !== workspace.poolId };
  const view = presentMember(membership, user, workspace);
  await ctx.publisher.toWorkspace(workspace._id, 'members', {
    type: 'member.added',
    actorId,
    data: { member: view },
    audit: actorId ? { target: memberTarget(user), after: { role } } : undefined,
  });
  await ctx.publisher.toUser(user._id, { type: 'member.added', actorId, workspaceId: workspace._id, data: { workspaceId: workspace._id, role } });
  if (seat.created) await announceSeats(ctx, poolId, actorId);
  if (poolId !== workspace.poolId) await announceSeats(ctx, workspace.poolId, actorId);
  await announceSubworkspace(ctx, workspace, actorId);
  return view;
}

const alreadyMember = () => new AppError('already_member', 'This person is already a member of this workspace');

async function loadMember(ctx: AppContext, workspace: WorkspaceDoc, userId: string) {
  const [membership, user] = await Promise.all([
    ctx.models.Membership.findById(membershipId(workspace._id, userId)).lean(),
    ctx.models.User.findById(userId, { name: 1, email: 1 }).lean(),
  ]);
  if (!membership || !user) throw notFound('Member not found');
  return { membership, user };
}

/** Changes a member's role. The owner stays a Super Admin until ownership is transferred. */
export async function changeRole(ctx: AppContext, workspace: WorkspaceDoc, userId: string, role: Role, actorId: string): Promise<MemberView> {
  const { membership, user } = await loadMember(ctx, workspace, userId);
  if (!mayHoldRole(workspace, userId, role)) {
    throw conflict('The owner is always a Super Admin. Transfer ownership first.');
  }
  if (membership.role === role) return presentMember(membership, user, workspace);
  await ctx.models.Membership.updateOne({ _id: membership._id }, { $set: { role } });
  const updated = { ...membership, role };
  // A demoted admin stops receiving admin-only events at once, on every node (and API-key events, unless still allowed).
  if (!can(role, 'workspace.admin_feed')) {
    ctx.publisher.leaveAdminFeed(userId, workspace._id);
    if (!can(role, 'apiKeys.manage')) ctx.publisher.leaveApiKeysFeed(userId, workspace._id);
    await revokeBelow(ctx, workspace, userId);
  }
  const view = presentMember(updated, user, workspace);
  await ctx.publisher.toWorkspace(workspace._id, 'members', {
    type: 'member.updated',
    actorId,
    data: { member: view },
    audit: { target: memberTarget(user), before: { role: membership.role }, after: { role } },
  });
  await ctx.publisher.toUser(userId, { type: 'member.updated', actorId, workspaceId: workspace._id, data: { workspaceId: workspace._id, role } });
  await notify(ctx, userId, { type: 'member.roleChanged', workspaceId: workspace._id, data: { workspaceName: workspace.name, before: membership.role, role }, actorId });
  return view;
}

/**
 * Ends a membership (removal by an admin, or leaving): the seat is freed,
 * the person's sockets leave the workspace's rooms on every node and get
 * `access.revoked`; their next request gets 404.
 */
export async function removeMembership(ctx: AppContext, workspace: WorkspaceDoc, userId: string, actorId: string | null, reason: 'removed' | 'left' | 'deleted') {
  const { membership, user } = await loadMember(ctx, workspace, userId);
  if (workspace.ownerId === userId && reason !== 'deleted') {
    throw conflict(reason === 'left' ? 'You own this workspace. Transfer ownership before leaving.' : 'The owner cannot be removed. Transfer ownership first.');
  }
  const freed = await withPersonSeat(ctx, membership.poolId, userId, async () => {
    await ctx.models.Membership.deleteOne({ _id: membership._id });
    return releaseSeatIfUnused(ctx, membership.poolId, userId);
  });
  // A billing switch may have seated them in the workspace's new pool meanwhile: that seat goes too.
  const poolId = await followWorkspacePool(ctx, workspace._id, membership.poolId, (to) =>
    to === membership.poolId ? Promise.resolve() : withPersonSeat(ctx, to, userId, async () => void (await releaseSeatIfUnused(ctx, to, userId))),
  );
  await recountMembers(ctx, workspace._id);
  ctx.publisher.removeFromWorkspace(userId, workspace._id);
  if (reason !== 'deleted') await dropMemberContentAccess(ctx, workspace._id, userId);
  if (reason !== 'deleted') await revokeBelow(ctx, workspace, userId);
  if (reason !== 'deleted') {
    await ctx.publisher.toWorkspace(workspace._id, 'members', {
      type: 'member.removed',
      actorId,
      data: { userId, reason },
      audit: { target: memberTarget(user), before: { role: membership.role }, after: null },
    });
  }
  await ctx.publisher.toUser(userId, { type: 'access.revoked', actorId, workspaceId: workspace._id, data: { workspaceId: workspace._id, workspaceName: workspace.name, reason } });
  if (reason !== 'left') await notify(ctx, userId, { type: 'member.removed', workspaceId: workspace._id, data: { workspaceName: workspace.name, reason }, actorId });
  if (freed && reason !== 'deleted') await announceSeats(ctx, membership.poolId, actorId);
  if (poolId !== membership.poolId && reason !== 'deleted') await announceSeats(ctx, poolId, actorId);
  if (reason !== 'deleted') await announceSubworkspace(ctx, workspace, actorId);
}

/** Hands ownership to another member, who becomes a Super Admin; the old owner stays a Super Admin. */
export async function transferOwnership(ctx: AppContext, workspace: WorkspaceDoc, toUserId: string, actorId: string) {
  if (!isOwner(workspace, actorId)) throw new AppError('forbidden', 'Only the owner can transfer ownership');
  if (!mayTransferOwnership(workspace, actorId, toUserId)) throw conflict('You already own this workspace');
  const { membership, user } = await loadMember(ctx, workspace, toUserId);
  if (membership.role !== OWNER_ROLE) await changeRole(ctx, workspace, toUserId, OWNER_ROLE, actorId);
  await ctx.models.Workspace.updateOne({ _id: workspace._id }, { $set: { ownerId: toUserId } });
  await ctx.publisher.toWorkspace(workspace._id, 'members', {
    type: 'ownership.transferred',
    actorId,
    data: { workspaceId: workspace._id, ownerId: toUserId, previousOwnerId: workspace.ownerId },
    audit: { target: memberTarget(user), before: { ownerId: actorId }, after: { ownerId: toUserId } },
  });
}
