import type { AppContext } from '../context.js';
import type { Role } from '../../shared/schemas/auth.js';
import type { CreateSubworkspace, SubworkspaceView, UpdateWorkspace } from '../../shared/schemas/workspaces.js';
import { AppError, conflict } from '../http/errors.js';
import { newId } from '../db/ids.js';
import type { UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from './workspace.model.js';
import { dropPool, purchaseSeats, seatUsage } from './seat.service.js';
import { announceSubworkspace, canHaveSubworkspaces, ownsPool, presentSubworkspace } from './workspace.presenter.js';
import { announceSeats } from './seat-events.js';
import { addMemberByEmail, addMembership, removeMembership } from './member.service.js';
import { createInvitations } from '../invitations/invitation.service.js';
import { dropWorkspaceAssets } from '../assets/asset.service.js';
import { deleteImage } from '../files/image-store.js';

const workspaceTarget = (w: Pick<WorkspaceDoc, '_id' | 'name'>) => ({ kind: 'workspace', id: w._id, label: w.name });

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

export async function updateWorkspace(ctx: AppContext, w: WorkspaceDoc, patch: UpdateWorkspace, actorId: string): Promise<WorkspaceDoc> {
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
  await ctx.models.Workspace.updateOne({ _id: w._id }, { $set: set });
  const updated = (await ctx.models.Workspace.findById(w._id).lean())!;
  await announceWorkspace(ctx, updated, actorId, { before, after });
  return updated;
}

/** `workspace.updated` to its members, and `subworkspace.updated` to the parent's admins. */
export async function announceWorkspace(ctx: AppContext, w: WorkspaceDoc, actorId: string, change: { before: unknown; after: unknown }) {
  await ctx.publisher.toWorkspace(w._id, 'members', {
    type: 'workspace.updated',
    actorId,
    data: { workspaceId: w._id, name: w.name, imageUrl: w.imageUrl, settings: w.settings },
    audit: { target: workspaceTarget(w), ...change },
  });
  await announceSubworkspace(ctx, w, actorId);
}

export async function listSubworkspaces(ctx: AppContext, parent: WorkspaceDoc): Promise<SubworkspaceView[]> {
  const children = await ctx.models.Workspace.find({ parentId: parent._id }).sort({ _id: 1 }).lean();
  return Promise.all(children.map((c) => presentSubworkspace(ctx, c)));
}

/**
 * Creates a sub-workspace: its creator becomes its owner, the listed people
 * join with their roles. `inherited` ones draw seats from the parent's pool;
 * `independent` ones get a pool of their own.
 */
export async function createSubworkspace(ctx: AppContext, parent: WorkspaceDoc, creator: UserDoc, input: CreateSubworkspace) {
  if (!canHaveSubworkspaces(parent)) {
    throw conflict('A sub-workspace that uses its parent’s billing cannot have sub-workspaces. Make it independent first.');
  }
  const id = newId();
  const independent = input.billingMode === 'independent';
  const workspace = (
    await ctx.models.Workspace.create({
      _id: id,
      name: input.name,
      parentId: parent._id,
      rootId: parent.rootId,
      poolId: independent ? id : parent.poolId,
      ownerId: creator._id,
      settings: { billingMode: input.billingMode, apiAccess: input.apiAccess },
      seats: { limit: independent ? ctx.config.DEFAULT_SEATS : 0 },
    })
  ).toObject();
  try {
    await addMembership(ctx, workspace, creator, 'super_admin', null);
  } catch (err) {
    // No seat for its owner (the pool is full): the sub-workspace is not created.
    await ctx.models.Workspace.deleteOne({ _id: id });
    throw err;
  }

  // People with an account join at once; the others get an invitation by email.
  const added: string[] = [];
  const failed: Array<{ email: string; code: string; message: string }> = [];
  const toInvite: Array<{ email: string; role: Role }> = [];
  for (const m of input.members) {
    if (m.email === creator.email) continue;
    try {
      await addMemberByEmail(ctx, workspace, m.email, m.role, creator._id);
      added.push(m.email);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'not_found') toInvite.push(m);
      else failed.push({ email: m.email, code: err.code, message: err.message });
    }
  }
  const invitations = toInvite.length ? await createInvitations(ctx, workspace, creator, toInvite) : { created: [], failed: [] };
  failed.push(...invitations.failed);
  const invited = invitations.created.map((i) => i.email);
  const view = await presentSubworkspace(ctx, workspace);
  await ctx.publisher.toWorkspace(parent._id, 'admins', {
    type: 'subworkspace.created',
    actorId: creator._id,
    data: { subworkspace: view },
    audit: { target: workspaceTarget(workspace), after: { name: input.name, billingMode: input.billingMode, apiAccess: input.apiAccess } },
  });
  return { workspace, members: { added, invited, failed } };
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
 * Deletes a workspace and every sub-workspace under it: each member loses
 * access at once and their seat is freed; the parent's admins see it go.
 */
export async function deleteWorkspace(ctx: AppContext, w: WorkspaceDoc, actorId: string) {
  const children = await ctx.models.Workspace.find({ parentId: w._id }).lean();
  for (const child of children) await deleteWorkspace(ctx, child, actorId);
  await dropWorkspaceAssets(ctx, w, actorId);
  const memberships = await ctx.models.Membership.find({ workspaceId: w._id }, { userId: 1 }).lean();
  for (const m of memberships) await removeMembership(ctx, w, m.userId, actorId, 'deleted');
  await ctx.models.Workspace.deleteOne({ _id: w._id });
  await deleteImage(ctx, w._id);
  if (ownsPool(w)) await dropPool(ctx, w._id);
  if (w.parentId) {
    await ctx.publisher.toWorkspace(w.parentId, 'admins', {
      type: 'subworkspace.deleted',
      actorId,
      data: { workspaceId: w._id, name: w.name },
      audit: { target: workspaceTarget(w), before: { name: w.name, members: memberships.length }, after: null },
    });
    if (!ownsPool(w)) await announceSeats(ctx, w.poolId, actorId);
  }
}
