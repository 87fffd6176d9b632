import type { AppContext } from '../context.js';
import type { Role } from '../../shared/schemas/auth.js';
import { resolveAccess, type AccessFacts, type ChainItem, type GrantFact, type Resolution } from '../../shared/access.js';
import { notFound } from '../http/errors.js';
import { loadWorkspace, type WorkspaceAccess } from '../workspaces/access.js';
import { grantId, type GrantDoc, type ItemDoc } from './item.model.js';
import { findByIds } from '../db/lookups.js';

/**
 * The one loader of the facts the access resolver (shared/access.ts)
 * decides from: the item and its ancestors (one `_id` lookup each, by the
 * materialised `ancestorIds`), the person's grants along that chain (one
 * lookup of `<itemId>:<userId>` ids), and their role in the workspace (the
 * workspace access, which counts a Super Admin above as `super_admin`).
 * Nothing else on the server decides who may see or change content.
 */

export interface ItemAccess extends Resolution {
  item: ItemDoc;
  /** The folders above it, top first. */
  ancestors: ItemDoc[];
}

export const chainItemOf = (d: ItemDoc): ChainItem => ({ id: d._id, name: d.name, ownerId: d.ownerId, general: d.general });
export const grantFactOf = (g: GrantDoc): GrantFact => ({ itemId: g.itemId, role: g.role, expiresAt: g.expiresAt ? g.expiresAt.toISOString() : null });

/** The folders above an item, top first (a missing one — deleted under it a moment ago — is left out). */
export async function ancestorsOf(ctx: AppContext, item: ItemDoc): Promise<ItemDoc[]> {
  if (item.ancestorIds.length === 0) return [];
  // One `_id` lookup per folder (findByIds): FerretDB hands `$in` to no index and would read every item.
  const byId = await findByIds(ctx.models.Item, item.ancestorIds);
  return item.ancestorIds.map((id) => byId.get(id)).filter((d): d is ItemDoc => d !== undefined && d.workspaceId === item.workspaceId);
}

/** One person's grants on the items of a chain. */
export async function grantsAlong(ctx: AppContext, chainIds: string[], userId: string): Promise<GrantDoc[]> {
  return [...(await findByIds(ctx.models.Grant, chainIds.map((id) => grantId(id, userId)))).values()];
}

/** The facts of one person's access to an item whose chain is known. */
export function factsOf(userId: string, role: Role | null, chain: ItemDoc[], grants: GrantDoc[], now: Date): AccessFacts {
  return { userId, role, chain: chain.map(chainItemOf), grants: grants.filter((g) => g.userId === userId).map(grantFactOf), now };
}

/** The caller's role in the workspace for content, or null when they are not in it. */
export async function contentRoleOf(ctx: AppContext, workspaceId: string, userId: string): Promise<Role | null> {
  const access = await loadWorkspace(ctx, workspaceId, userId).catch(() => null);
  return access?.role ?? null;
}

/**
 * An item of `workspace` as `userId` may see it. Not found — exactly like an
 * item that does not exist — when it is in another workspace or the person
 * has no access to it.
 */
export async function loadItem(ctx: AppContext, workspace: WorkspaceAccess, itemId: string, userId: string): Promise<ItemAccess> {
  const item = await ctx.models.Item.findById(itemId).lean<ItemDoc>();
  if (!item || item.workspaceId !== workspace.workspace._id) throw notFound('Item not found');
  const ancestors = await ancestorsOf(ctx, item);
  const chain = [...ancestors, item];
  const grants = await grantsAlong(ctx, chain.map((c) => c._id), userId);
  const resolution = resolveAccess(factsOf(userId, workspace.role, chain, grants, ctx.now()));
  if (resolution.access === 'none') throw notFound('Item not found');
  return { ...resolution, item, ancestors };
}

/** The access of a person to an item whose chain is already loaded (lists, fan-out, the "who has access" view). */
export function accessWithin(userId: string, role: Role | null, chain: ItemDoc[], grants: GrantDoc[], now: Date): Resolution {
  return resolveAccess(factsOf(userId, role, chain, grants, now));
}

/** A person who can see an item, with the resolver's answer. */
export interface Viewer {
  userId: string;
  role: Role;
  resolution: Resolution;
}

/**
 * Everyone who can see an item now, with their access and its reasons: the
 * members of its workspace (their role there), the Super Admins of every
 * workspace above (as `super_admin`), each resolved over the chain with
 * their grants on it. What the "who has access" view lists and whom a
 * content event reaches. Reads the memberships of the workspace and its
 * ancestors once, and the grants of the chain once.
 */
export async function viewersOf(ctx: AppContext, workspace: { _id: string; parentId: string | null }, chain: ItemDoc[]): Promise<Viewer[]> {
  const roles = new Map<string, Role>();
  for (const m of await ctx.models.Membership.find({ workspaceId: workspace._id }, { userId: 1, role: 1 }).lean()) roles.set(m.userId, m.role);
  let parentId = workspace.parentId;
  for (let depth = 0; parentId && depth < 32; depth++) {
    for (const m of await ctx.models.Membership.find({ workspaceId: parentId, role: 'super_admin' }, { userId: 1 }).lean()) roles.set(m.userId, 'super_admin');
    parentId = (await ctx.models.Workspace.findById(parentId, { parentId: 1 }).lean())?.parentId ?? null;
  }
  // The grants of each item of the chain: one indexed equality each (an `$in` would read every grant of every tenant on FerretDB).
  const grants = (await Promise.all(chain.map((c) => ctx.models.Grant.find({ itemId: c._id }).lean<GrantDoc[]>()))).flat();
  const now = ctx.now();
  const viewers: Viewer[] = [];
  for (const [userId, role] of roles) {
    const resolution = accessWithin(userId, role, chain, grants, now);
    if (resolution.access !== 'none') viewers.push({ userId, role, resolution });
  }
  return viewers;
}

/** What a content event carries for each viewer: their own access and whether they manage the item. */
export const recipientsOf = (viewers: Viewer[]) => Object.fromEntries(viewers.map((v) => [v.userId, { access: v.resolution.access, manage: v.resolution.manage }]));
