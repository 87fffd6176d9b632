import type { AppContext } from '../context.js';
import { isFinished } from '../../shared/schemas/videos.js';
import { settleHold } from '../credits/holds.js';
import { announceCredits } from '../credits/credits.service.js';
import { costOf, decideOutcome } from '../jobs/job-outcome.js';
import type { VideoDoc } from './video.model.js';
import { holdOf } from './video.service.js';

/**
 * Videos going with their items (a delete, a folder's delete, a deleted
 * workspace): a render still waiting or running is cancelled — its outcome
 * inserted, so a node finishing it meanwhile loses and discards its files —
 * and its hold settled as that outcome says (nothing charged unless it had
 * already completed); then its files (`videos/<id>/…`), caption tracks,
 * public links and job documents go. The outcome stays: it is what keeps a
 * render that was mid-way from applying anything later.
 */
export async function dropVideos(ctx: AppContext, workspaceId: string, videoIds: string[], actorId: string | null, opts: { announce?: boolean } = {}) {
  let settled = false;
  for (const id of videoIds) {
    const [video, item] = await Promise.all([ctx.models.Video.findById(id).lean<VideoDoc>(), ctx.models.Item.findById(id, { name: 1 }).lean<{ name: string }>()]);
    if (!video || video.workspaceId !== workspaceId) continue;
    if (!isFinished(video.status)) {
      const { outcome } = await decideOutcome(ctx, video, { status: 'cancelled', attempt: null, error: null, durationSeconds: null, file: null, poster: null, captions: null, actorId });
      await settleHold(ctx, holdOf(video, item?.name ?? id), video.creditsHeld, Math.min(video.creditsHeld, costOf(outcome)));
      settled = true;
    }
    const videoId = video._id;
    await ctx.models.RenderAttempt.deleteMany({ videoId });
    await ctx.models.RenderSlot.deleteMany({ videoId });
    await ctx.models.RenderJob.deleteOne({ _id: videoId });
    await ctx.models.CaptionTrack.deleteMany({ videoId });
    await ctx.models.PublicLink.deleteMany({ videoId });
    await ctx.models.VideoUnlock.deleteMany({ videoId });
    await ctx.models.Video.deleteOne({ _id: videoId });
    await ctx.blobs.remove(`videos/${videoId}`);
  }
  if (settled && opts.announce !== false) await announceCredits(ctx, workspaceId, actorId);
}

/** Every video of a workspace being deleted: a page of ids at a time. */
export async function dropWorkspaceVideos(ctx: AppContext, workspaceId: string, actorId: string | null) {
  for (;;) {
    const page = await ctx.models.Video.find({ workspaceId }, { _id: 1 }).limit(200).lean<Array<{ _id: string }>>();
    if (page.length === 0) break;
    await dropVideos(ctx, workspaceId, page.map((v) => v._id), actorId, { announce: false });
  }
  await ctx.models.RenderOutcome.deleteMany({ workspaceId });
}
