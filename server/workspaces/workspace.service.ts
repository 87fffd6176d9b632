import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { CreateSubworkspace, Page, SubworkspaceView, UpdateWorkspace } from '../../shared/schemas/workspaces.js';
import { conflict } from '../http/errors.js';
import { newId } from '../db/ids.js';
import type { UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from './workspace.model.js';
import { dropPool, purchaseSeats, seatUsage } from './seat.service.js';
import { announceSubworkspace, canHaveSubworkspaces, ownsPool, presentSubworkspace } from './workspace.presenter.js';
import { announceSeats } from './seat-events.js';
import { addMembership } from './member.service.js';
import { memberTally } from './membership.service.js';
import { dropTallies } from './tally.service.js';
import { claimDomains, releaseDomains } from '../domains/domain.service.js';
import { DEFAULT_AVATAR_SLOTS, slotsLeftToGive, withSlotPool } from './avatar-allocation.js';

export const workspaceTarget = (w: Pick<WorkspaceDoc, '_id' | 'name'>) => ({ kind: 'workspace', id: w._id, label: w.name });

/** A new account: a root workspace with its own seat pool; the creator is its owner and Super Admin. */
export async function createRootWorkspace(ctx: AppContext, user: UserDoc, name: string): Promise<WorkspaceDoc> {
  const id = newId();
  const workspace = (
    await ctx.models.Workspace.create({
      _id: id,
      name,
      parentId: null,
      rootId: id,
      poolId: id,
      ownerId: user._id,
      settings: { billingMode: 'independent' },
      seats: { limit: ctx.config.DEFAULT_SEATS },
    })
  ).toObject();
  await addMembership(ctx, workspace, user, 'super_admin', null);
  return workspace;
}

/**
 * Renames or changes settings. Company domains added here must belong to
 * the acting admin (see domains/domain.service.ts); those removed are given
 * back once no workspace of the tree lists them.
 */
export async function updateWorkspace(ctx: AppContext, w: WorkspaceDoc, patch: UpdateWorkspace, actor: UserDoc): Promise<WorkspaceDoc> {
  const actorId = actor._id;
  const set: Record<string, unknown> = {};
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  if (patch.name !== undefined && patch.name !== w.name) {
    set.name = patch.name;
    before.name = w.name;
    after.name = patch.name;
  }
  for (const [key, value] of Object.entries(patch.settings ?? {}) as Array<[keyof WorkspaceDoc['settings'], unknown]>) {
    if (value === undefined || JSON.stringify(value) === JSON.stringify(w.settings[key])) continue;
    set[`settings.${key}`] = value;
    before[key] = w.settings[key];
    after[key] = value;
  }
  if (Object.keys(set).length === 0) return w;
  const domains = patch.settings?.companyDomains;
  const added = domains ? domains.filter((d) => !w.settings.companyDomains.includes(d)) : [];
  const removed = domains ? w.settings.companyDomains.filter((d) => !domains.includes(d)) : [];
  if (added.length) await claimDomains(ctx, w, actor, added);
  await ctx.models.Workspace.updateOne({ _id: w._id }, { $set: set });
  if (removed.length) await releaseDomains(ctx, w.rootId, removed);
  const updated = (await ctx.models.Workspace.findById(w._id).lean())!;
  await announceWorkspace(ctx, updated, actorId, { before, after });
  return updated;
}

/** `workspace.updated` to its members (the fields that changed), and `subworkspace.updated` to the parent's admins. */
/** `change` null: the change is audited by an event of its own (a billing switch). */
export async function announceWorkspace(ctx: AppContext, w: WorkspaceDoc, actorId: string | null, change: { before: unknown; after: unknown } | null) {
  await ctx.publisher.toWorkspace(w._id, 'members', {
    type: 'workspace.updated',
    actorId,
    data: { workspaceId: w._id, name: w.name, imageUrl: w.imageUrl, settings: w.settings, poolId: w.poolId },
    audit: change ? { target: workspaceTarget(w), ...change } : undefined,
  });
  await announceSubworkspace(ctx, w, actorId);
}

/** The sub-workspaces right below `parent`, oldest first. */
export async function listSubworkspaces(ctx: AppContext, parent: WorkspaceDoc, q: { limit: number; cursor?: string }): Promise<Page<SubworkspaceView>> {
  const filter: Record<string, unknown> = { parentId: parent._id };
  if (q.cursor) filter._id = mongoose.trusted({ $gt: q.cursor });
  const children = await ctx.models.Workspace.find(filter).sort({ _id: 1 }).limit(q.limit + 1).lean();
  const page = children.slice(0, q.limit);
  return { items: await Promise.all(page.map((c) => presentSubworkspace(ctx, c))), nextCursor: children.length > q.limit ? page[page.length - 1]!._id : null };
}

/** Adds seats to a pool (a simulated purchase); only a workspace that owns its pool buys seats. */
export async function addSeats(ctx: AppContext, w: WorkspaceDoc, add: number, actorId: string) {
  if (!ownsPool(w)) throw conflict('This workspace uses its parent’s seats. Add seats to the parent workspace.');
  const before = await seatUsage(ctx, w._id);
  await purchaseSeats(ctx, w._id, add, actorId);
  const seats = await seatUsage(ctx, w._id);
  await ctx.publisher.toWorkspace(w._id, 'admins', {
    type: 'seats.purchased',
    actorId,
    data: { workspaceId: w._id, added: add, seats },
    audit: { target: { kind: 'seats', id: w._id, label: w.name }, before: { limit: before.limit }, after: { limit: seats.limit, purchased: add } },
  });
  await announceSeats(ctx, w._id, actorId);
  return seats;
}

/**
 * A new sub-workspace with its creator as owner and Super Admin.
 * `inherited` ones draw seats from the parent's pool; `independent` ones get
 * a pool of their own. No seat for its owner (the pool is full): nothing is created.
 */
export async function createSubworkspaceRecord(ctx: AppContext, parent: WorkspaceDoc, creator: UserDoc, input: Pick<CreateSubworkspace, 'name' | 'billingMode' | 'apiAccess'>): Promise<WorkspaceDoc> {
  if (!canHaveSubworkspaces(parent)) {
    throw conflict('A sub-workspace that uses its parent’s billing cannot have sub-workspaces. Make it independent first.');
  }
  const id = newId();
  const independent = input.billingMode === 'independent';
  const create = async (avatarSlots: number) =>
    (
      await ctx.models.Workspace.create({
        _id: id,
        name: input.name,
        parentId: parent._id,
        rootId: parent.rootId,
        poolId: independent ? id : parent.poolId,
        ownerId: creator._id,
        settings: { billingMode: input.billingMode, apiAccess: input.apiAccess },
        seats: { limit: independent ? ctx.config.DEFAULT_SEATS : 0 },
        avatarSlots,
      })
    ).toObject();
  // An inherited one starts with the default avatar slots, or what the parent has left to give if that is less.
  const workspace = independent
    ? await create(DEFAULT_AVATAR_SLOTS)
    : await withSlotPool(ctx, parent._id, async () => create(Math.min(DEFAULT_AVATAR_SLOTS, await slotsLeftToGive(ctx, parent._id))));
  try {
    await addMembership(ctx, workspace, creator, 'super_admin', null);
  } catch (err) {
    await ctx.models.Workspace.deleteOne({ _id: id });
    throw err;
  }
  return workspace;
}

/** The parent's admins see the new sub-workspace in their list. */
export async function announceSubworkspaceCreated(ctx: AppContext, workspace: WorkspaceDoc, actorId: string) {
  await ctx.publisher.toWorkspace(workspace.parentId!, 'admins', {
    type: 'subworkspace.created',
    actorId,
    data: { subworkspace: await presentSubworkspace(ctx, workspace) },
    audit: { target: workspaceTarget(workspace), after: { name: workspace.name, billingMode: workspace.settings.billingMode, apiAccess: workspace.settings.apiAccess } },
  });
}

/** Removes the workspace's own record and pool once everything in it is gone; the parent's admins see it go. */
export async function removeWorkspaceRecord(ctx: AppContext, w: WorkspaceDoc, actorId: string, memberCount: number) {
  await ctx.models.Workspace.deleteOne({ _id: w._id });
  await dropTallies(ctx, [memberTally(w._id)]);
  await releaseDomains(ctx, w.rootId, w.settings.companyDomains);
  if (ownsPool(w)) await dropPool(ctx, w._id);
  if (!w.parentId) return;
  await ctx.publisher.toWorkspace(w.parentId, 'admins', {
    type: 'subworkspace.deleted',
    actorId,
    data: { workspaceId: w._id, name: w.name },
    audit: { target: workspaceTarget(w), before: { name: w.name, members: memberCount }, after: null },
  });
  if (!ownsPool(w)) await announceSeats(ctx, w.poolId, actorId);
}
