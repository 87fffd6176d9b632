import type { AppContext } from '../context.js';
import { dropWorkspaceVideos } from '../videos/video-drop.js';

/**
 * A deleted workspace's content: every item of its tree, their grants and
 * access requests, and its videos' renders, holds, files and share links
 * (before its unspent credits are given back). Its members' screens already
 * go (`access.revoked` for the workspace), so no item event is sent.
 */
export async function dropWorkspaceContent(ctx: AppContext, workspace: { _id: string }, actorId: string | null = null) {
  const workspaceId = workspace._id;
  await dropWorkspaceVideos(ctx, workspaceId, actorId);
  await ctx.models.Grant.deleteMany({ workspaceId });
  await ctx.models.AccessRequest.deleteMany({ workspaceId });
  await ctx.models.Item.deleteMany({ workspaceId });
}

/**
 * Someone left a workspace (or was removed): the grants they were given
 * there and their access requests go, so coming back later (which takes
 * their consent and an admin's) starts from nothing shared rather than
 * reviving old access.
 */
export async function dropMemberContentAccess(ctx: AppContext, workspaceId: string, userId: string) {
  await ctx.models.Grant.deleteMany({ workspaceId, userId });
  await ctx.models.AccessRequest.deleteMany({ workspaceId, requesterId: userId, status: 'pending' });
}
