import type { AppContext } from '../context.js';
import type { MembershipView } from '../../shared/schemas/auth.js';
import type { WorkspaceTreeNode } from '../../shared/schemas/workspaces.js';
import { membershipId, type MembershipDoc } from './membership.model.js';
import { findByIds } from '../db/lookups.js';
import { tagsOf } from '../cache/tags.js';
import { readTally, settleTally } from './tally.service.js';

/** The caller's membership of a workspace, or null: one `_id` lookup, through the node cache (which keeps "none" too). */
export function findMembership(ctx: AppContext, workspaceId: string, userId: string): Promise<MembershipDoc | null> {
  const id = membershipId(workspaceId, userId);
  return ctx.cache.read(`membership:${id}`, () => ctx.models.Membership.findById(id).lean(), () => tagsOf('membership', id));
}

export const memberTally = (workspaceId: string) => `members:${workspaceId}`;
const countMembers = async (ctx: AppContext, workspaceId: string) => ({ members: await ctx.models.Membership.countDocuments({ workspaceId }) });

/** How many members the workspace has, as stored (what screens show). */
export async function memberCountOf(ctx: AppContext, workspaceId: string): Promise<number> {
  return (await readTally(ctx, memberTally(workspaceId), () => countMembers(ctx, workspaceId))).members;
}

/** Every membership added or ended ends here: the stored member count follows the memberships. */
export const recountMembers = (ctx: AppContext, workspaceId: string) => settleTally(ctx, memberTally(workspaceId), () => countMembers(ctx, workspaceId));

/**
 * Whether the person already belongs to a workspace of this account tree:
 * only such people may be added directly, without their consent being asked.
 */
export async function isInAccountTree(ctx: AppContext, userId: string, rootId: string): Promise<boolean> {
  const memberships = await ctx.models.Membership.find({ userId }, { workspaceId: 1 }).lean();
  if (memberships.length === 0) return false;
  const workspaces = await findByIds(ctx.models.Workspace, memberships.map((m) => m.workspaceId), { rootId: 1 });
  return [...workspaces.values()].some((w) => w.rootId === rootId);
}

/** The workspaces a person belongs to, with their role in each, by name (the switcher tree). */
export async function listMyWorkspaces(ctx: AppContext, userId: string): Promise<WorkspaceTreeNode[]> {
  const memberships = await ctx.models.Membership.find({ userId }, { workspaceId: 1, role: 1 }).lean();
  if (memberships.length === 0) return [];
  const workspaces = await findByIds(ctx.models.Workspace, memberships.map((m) => m.workspaceId), { name: 1, imageUrl: 1, parentId: 1 });
  const roleOf = new Map(memberships.map((m) => [m.workspaceId, m.role]));
  return [...workspaces.values()]
    .map((w) => ({ id: w._id, name: w.name, imageUrl: w.imageUrl, parentId: w.parentId, role: roleOf.get(w._id)! }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function listMyMemberships(ctx: AppContext, userId: string): Promise<MembershipView[]> {
  return (await listMyWorkspaces(ctx, userId)).map(({ id, name, parentId, role }) => ({ workspace: { id, name, parentId }, role }));
}
