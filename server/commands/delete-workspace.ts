import type { AppContext } from '../context.js';
import { dropWorkspaceContent } from '../content/drop-content.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { removeMembership } from '../workspaces/member.service.js';
import { removeWorkspaceRecord } from '../workspaces/workspace.service.js';
import { dropWorkspaceAssets } from '../assets/asset.service.js';
import { dropWorkspaceInvitations } from '../invitations/invitation.service.js';
import { dropWorkspaceLink } from '../invitations/invite-link.service.js';
import { dropWorkspaceJoinRequests } from '../join-requests/join-request.service.js';
import { deleteImage } from '../files/image-store.js';
import { returnUnspentCredits } from '../credits/credits.service.js';
import { dropWorkspaceApiKeys } from '../api-keys/api-key.service.js';

/**
 * Deletes a workspace and every sub-workspace under it, each domain cleaning
 * up its own part: its API keys stop working on every node, assets leave
 * every workspace they were shared into, pending invitations end and give
 * their reserved seats back, the invite link dies, pending join requests
 * close, every member loses access at once and their seat is freed, company
 * domains are given back, unspent credits go to the workspace above; the
 * parent's admins see it go.
 */
export async function deleteWorkspace(ctx: AppContext, w: WorkspaceDoc, actorId: string) {
  const children = await ctx.models.Workspace.find({ parentId: w._id }).lean();
  for (const child of children) await deleteWorkspace(ctx, child, actorId);
  await dropWorkspaceApiKeys(ctx, w);
  await dropWorkspaceAssets(ctx, w, actorId);
  await dropWorkspaceInvitations(ctx, w, actorId);
  await dropWorkspaceLink(ctx, w);
  await dropWorkspaceJoinRequests(ctx, w);
  await dropWorkspaceContent(ctx, w, actorId);
  const memberships = await ctx.models.Membership.find({ workspaceId: w._id }, { userId: 1 }).lean();
  for (const m of memberships) await removeMembership(ctx, w, m.userId, actorId, 'deleted');
  await deleteImage(ctx, w._id);
  await returnUnspentCredits(ctx, w, actorId);
  await removeWorkspaceRecord(ctx, w, actorId, memberships.length);
}
