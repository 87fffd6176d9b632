import type { AppContext } from '../context.js';
import { can, type Action } from '../../shared/permissions.js';
import mongoose from 'mongoose';
import { RoleSchema, type Role } from '../../shared/schemas/auth.js';
import { forbidden, notFound } from '../http/errors.js';
import type { WorkspaceDoc } from './workspace.model.js';
import { findMembership } from './membership.service.js';
import { membershipId } from './membership.model.js';
import { everyOf, tagOf, tagsOf } from '../cache/tags.js';

/**
 * What a user may do in a workspace: their own role there, or Super Admin
 * when they are a Super Admin of an ancestor (a parent manages its
 * sub-workspaces from its gear menu).
 */
export interface WorkspaceAccess {
  workspace: WorkspaceDoc;
  role: Role;
  /** True when the user is a member of this very workspace. */
  member: boolean;
  /** True when Super Admin comes from a workspace above (whatever their own role here). */
  viaAncestor: boolean;
}

/** A workspace document by `_id`, through the node cache. */
export function findWorkspace(ctx: AppContext, workspaceId: string): Promise<WorkspaceDoc | null> {
  return ctx.cache.read(`workspace:${workspaceId}`, () => ctx.models.Workspace.findById(workspaceId).lean(), (w) => (w ? tagsOf('workspace', workspaceId) : null));
}

/**
 * Whether the user is a Super Admin of a workspace above this one: walks the
 * parent chain by `_id` (trees are shallow). `visited` are the ancestors
 * whose membership and document the answer was read from.
 */
async function walkAncestors(ctx: AppContext, workspace: WorkspaceDoc, userId: string): Promise<{ administers: boolean; visited: string[] }> {
  const visited: string[] = [];
  let parentId = workspace.parentId;
  for (let depth = 0; parentId && depth < 32; depth++) {
    visited.push(parentId);
    const [m, parent] = await Promise.all([findMembership(ctx, parentId, userId), findWorkspace(ctx, parentId)]);
    if (m && can(m.role, 'subworkspaces.manage')) return { administers: true, visited };
    parentId = parent?.parentId ?? null;
  }
  return { administers: false, visited };
}

const administersAncestor = async (ctx: AppContext, workspace: WorkspaceDoc, userId: string) => (await walkAncestors(ctx, workspace, userId)).administers;

/** The access, and the workspaces whose document and membership of the user it was computed from; null for none. */
async function resolveAccess(ctx: AppContext, workspaceId: string, userId: string): Promise<{ access: WorkspaceAccess; readFrom: string[] } | null> {
  const [workspace, membership] = await Promise.all([findWorkspace(ctx, workspaceId), findMembership(ctx, workspaceId, userId)]);
  if (!workspace) return null;
  const readFrom = [workspaceId];
  if (membership && can(membership.role, 'subworkspaces.manage')) return { access: { workspace, role: membership.role, member: true, viaAncestor: false }, readFrom };
  if (workspace.parentId) {
    const above = await walkAncestors(ctx, workspace, userId);
    readFrom.push(...above.visited);
    if (above.administers) return { access: { workspace, role: 'super_admin', member: membership !== null, viaAncestor: true }, readFrom };
  }
  if (membership) return { access: { workspace, role: membership.role, member: true, viaAncestor: false }, readFrom };
  return null;
}

/**
 * Loads a workspace as seen by `userId`. A workspace the user has no access
 * to is "not found", exactly like one that does not exist. The access is
 * cached per node under the documents and memberships it was computed from
 * (this workspace and the ancestors walked): a change to any of them — a
 * removal, a new role, a deletion — invalidates it on every node before the
 * write that made it returns.
 */
export async function loadWorkspace(ctx: AppContext, workspaceId: string, userId: string): Promise<WorkspaceAccess> {
  const resolved = await ctx.cache.read(
    `access:${workspaceId}:${userId}`,
    () => resolveAccess(ctx, workspaceId, userId),
    (r) => r && [everyOf('workspace'), everyOf('membership'), ...r.readFrom.flatMap((id) => [tagOf('workspace', id), tagOf('membership', membershipId(id, userId))])],
  );
  if (!resolved) throw notFound('Workspace not found');
  return resolved.access;
}

/**
 * Allocations (avatar slots) and the API-access toggle of a sub-workspace are
 * given by the workspaces above it: its own Super Admins cannot raise them.
 * A root decides its own.
 */
export async function mayAllocate(ctx: AppContext, access: WorkspaceAccess, userId: string): Promise<boolean> {
  if (!can(access.role, 'allocations.manage')) return false;
  if (access.workspace.parentId === null) return true;
  return access.viaAncestor || administersAncestor(ctx, access.workspace, userId);
}

/** A root is deleted by its owner only; a sub-workspace by its owner or a Super Admin above it. */
export async function mayDelete(ctx: AppContext, access: WorkspaceAccess, userId: string): Promise<boolean> {
  if (access.workspace.ownerId === userId) return true;
  if (access.workspace.parentId === null) return false;
  return access.viaAncestor || administersAncestor(ctx, access.workspace, userId);
}

const rolesThatMay = (action: Action) => RoleSchema.options.filter((role) => can(role, action));

/**
 * Everyone who may do `action` in a workspace: its members whose role allows
 * it, and — since they act there as Super Admins — the Super Admins of every
 * workspace above it. (Who to notify of a join request, for instance.)
 */
export async function usersWhoMay(ctx: AppContext, workspace: Pick<WorkspaceDoc, '_id' | 'parentId'>, action: Action): Promise<string[]> {
  const ids = new Set<string>();
  const collect = async (workspaceId: string, roles: Role[]) => {
    if (roles.length === 0) return;
    for (const m of await ctx.models.Membership.find({ workspaceId, role: mongoose.trusted({ $in: roles }) }, { userId: 1 }).lean()) ids.add(m.userId);
  };
  await collect(workspace._id, rolesThatMay(action));
  if (can('super_admin', action)) {
    let parentId = workspace.parentId;
    for (let depth = 0; parentId && depth < 32; depth++) {
      await collect(parentId, rolesThatMay('subworkspaces.manage'));
      parentId = (await ctx.models.Workspace.findById(parentId, { parentId: 1 }).lean())?.parentId ?? null;
    }
  }
  return [...ids];
}

/** Refuses with 403 unless the access allows `action` (the caller already knows the workspace exists). */
export function authorize(access: WorkspaceAccess, action: Action): void {
  if (!can(access.role, action)) throw forbidden();
}

/** Loads and authorises in one step: the usual start of a route. */
export async function loadAuthorized(ctx: AppContext, workspaceId: string, userId: string, action: Action): Promise<WorkspaceAccess> {
  const access = await loadWorkspace(ctx, workspaceId, userId);
  authorize(access, action);
  return access;
}

/**
 * After someone lost a role in `workspace` (removed, demoted, or the
 * workspace deleted), re-checks their access to every sub-workspace below it
 * and takes their sockets out of the feeds they no longer may see.
 */
export async function revokeBelow(ctx: AppContext, workspace: Pick<WorkspaceDoc, '_id' | 'rootId'>, userId: string) {
  const tree = await ctx.models.Workspace.find({ rootId: workspace.rootId }, { parentId: 1 }).lean();
  const below: string[] = [];
  const walk = (id: string) => {
    for (const child of tree.filter((w) => w.parentId === id)) {
      below.push(child._id);
      walk(child._id);
    }
  };
  walk(workspace._id);
  for (const id of below) {
    const access = await loadWorkspace(ctx, id, userId).catch(() => null);
    if (!access) ctx.publisher.removeFromWorkspace(userId, id);
    else {
      if (!can(access.role, 'workspace.admin_feed')) ctx.publisher.leaveAdminFeed(userId, id);
      if (!can(access.role, 'apiKeys.manage')) ctx.publisher.leaveApiKeysFeed(userId, id);
    }
  }
}
