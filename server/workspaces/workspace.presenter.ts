import type { AppContext } from '../context.js';
import type { Role } from '../../shared/schemas/auth.js';
import type { SubworkspaceView, WorkspaceView } from '../../shared/schemas/workspaces.js';
import type { WorkspaceDoc } from './workspace.model.js';
import { seatsOf } from './seat.service.js';
import { memberCountOf } from './membership.service.js';
import { can } from '../../shared/permissions.js';

export const ownsPool = (w: Pick<WorkspaceDoc, '_id' | 'poolId'>) => w.poolId === w._id;
/** Only the root and independent sub-workspaces may have sub-workspaces. */
export const canHaveSubworkspaces = (w: WorkspaceDoc) => w.parentId === null || w.settings.billingMode === 'independent';

/** `canAllocate` comes from the access module (`mayAllocate`); without it, only a root's own admins may. */
export async function presentWorkspace(ctx: AppContext, w: WorkspaceDoc, role: Role, canAllocate = w.parentId === null && can(role, 'allocations.manage')): Promise<WorkspaceView> {
  const [seats, memberCount] = await Promise.all([seatsOf(ctx, w.poolId), memberCountOf(ctx, w._id)]);
  return {
    id: w._id,
    name: w.name,
    imageUrl: w.imageUrl,
    parentId: w.parentId,
    rootId: w.rootId,
    ownerId: w.ownerId,
    role,
    settings: { ...w.settings, companyDomains: [...w.settings.companyDomains] },
    seats,
    poolId: w.poolId,
    memberCount,
    canHaveSubworkspaces: canHaveSubworkspaces(w),
    canAllocate,
  };
}

export async function presentSubworkspace(ctx: AppContext, w: WorkspaceDoc): Promise<SubworkspaceView> {
  const { id, name, imageUrl, settings, memberCount, seats } = await presentWorkspace(ctx, w, 'super_admin');
  return { id, name, imageUrl, parentId: w.parentId!, settings, memberCount, seats };
}

/** Tells the parent's admins a sub-workspace changed (its list shows name, members and seats). */
export async function announceSubworkspace(ctx: AppContext, w: WorkspaceDoc, actorId: string | null) {
  if (!w.parentId) return;
  await ctx.publisher.toWorkspace(w.parentId, 'admins', { type: 'subworkspace.updated', actorId, data: { subworkspace: await presentSubworkspace(ctx, w) } });
}
