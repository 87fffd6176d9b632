import type { AppContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { loadItem, type ItemAccess } from '../content/access-loader.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import type { VideoDoc } from './video.model.js';

export interface VideoAccess extends ItemAccess {
  video: VideoDoc;
}

/**
 * A video of `workspace` as `userId` may see it, through the one access
 * loader: 404 — like one that does not exist — when it is another
 * workspace's, not a video, or not visible to them. `access` and `manage`
 * are the resolver's: `view` plays it, `edit` changes its captions,
 * `manage` its share page.
 */
export async function loadVideo(ctx: AppContext, workspace: WorkspaceAccess, videoId: string, userId: string): Promise<VideoAccess> {
  const found = await loadItem(ctx, workspace, videoId, userId).catch(() => {
    throw notFound('Video not found');
  });
  if (found.item.kind !== 'video') throw notFound('Video not found');
  const video = await ctx.models.Video.findById(videoId).lean<VideoDoc>();
  if (!video) throw notFound('Video not found');
  return { ...found, video };
}
