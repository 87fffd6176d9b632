import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { MembershipView } from '../../shared/schemas/auth.js';
import { membershipId, type MembershipDoc } from './membership.model.js';

/** The caller's membership of a workspace, or null: one `_id` lookup. */
export function findMembership(ctx: AppContext, workspaceId: string, userId: string): Promise<MembershipDoc | null> {
  return ctx.models.Membership.findById(membershipId(workspaceId, userId)).lean();
}

export async function listMyMemberships(ctx: AppContext, userId: string): Promise<MembershipView[]> {
  const memberships = await ctx.models.Membership.find({ userId }).lean();
  if (memberships.length === 0) return [];
  const workspaces = await ctx.models.Workspace.find({ _id: mongoose.trusted({ $in: memberships.map((m) => m.workspaceId) }) }).lean();
  const byId = new Map(workspaces.map((w) => [w._id, w]));
  return memberships
    .filter((m) => byId.has(m.workspaceId))
    .map((m) => {
      const w = byId.get(m.workspaceId)!;
      return { workspace: { id: w._id, name: w.name, parentId: w.parentId }, role: m.role };
    })
    .sort((a, b) => a.workspace.name.localeCompare(b.workspace.name));
}
