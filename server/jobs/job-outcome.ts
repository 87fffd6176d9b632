import type { AppContext } from '../context.js';
import { creditsFor } from '../../shared/schemas/videos.js';
import { isDuplicateKey } from '../db/claims.js';
import { settleHold } from '../credits/holds.js';
import { announceCredits } from '../credits/credits.service.js';
import { notify } from '../notifications/notification.service.js';
import { captionTrackId, type VideoDoc } from '../videos/video.model.js';
import type { ItemDoc } from '../content/item.model.js';
import { announceVideo, holdOf } from '../videos/video.service.js';
import { clearJob } from './job-queue.js';
import type { RenderOutcomeDoc } from './job.model.js';

/**
 * The end of a render is decided once, by inserting its outcome (`_id` =
 * the video's id): whoever inserts first — the node that finished, or a
 * cancel on any node — wins, and only the winner's result is applied.
 * Applying it (finishRender) is idempotent, so a node that finds an outcome
 * left unapplied (its writer died) applies it again: the ledger steps are
 * keyed by the video (credits/holds.ts) and land once.
 */

export type OutcomeInput = Omit<RenderOutcomeDoc, '_id' | 'workspaceId' | 'at'>;

/** Inserts the outcome; resolves to the one stored (ours or the one that came first) and whether ours won. */
export async function decideOutcome(ctx: AppContext, video: Pick<VideoDoc, '_id' | 'workspaceId'>, input: OutcomeInput): Promise<{ outcome: RenderOutcomeDoc; won: boolean }> {
  const doc: RenderOutcomeDoc = { _id: video._id, workspaceId: video.workspaceId, at: ctx.now(), ...input };
  try {
    await ctx.models.RenderOutcome.create(doc);
    return { outcome: doc, won: true };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const first = await ctx.models.RenderOutcome.findById(video._id).lean<RenderOutcomeDoc>();
    if (!first) throw err;
    return { outcome: first, won: false };
  }
}

export const outcomeOf = (ctx: AppContext, videoId: string) => ctx.models.RenderOutcome.findById(videoId).lean<RenderOutcomeDoc>();

/** Cancels a render: the outcome `cancelled` unless another came first; resolves to the outcome that stands. */
export async function cancelRender(ctx: AppContext, video: VideoDoc, actorId: string | null): Promise<RenderOutcomeDoc> {
  const { outcome, won } = await decideOutcome(ctx, video, { status: 'cancelled', attempt: null, error: null, durationSeconds: null, file: null, poster: null, captions: null, actorId });
  if (won) await finishRender(ctx, outcome);
  return outcome;
}

/** What an outcome costs: a completion its real length's price; anything else nothing. */
export const costOf = (outcome: Pick<RenderOutcomeDoc, 'status' | 'durationSeconds'>) =>
  outcome.status === 'completed' && outcome.durationSeconds !== null ? creditsFor(outcome.durationSeconds) : 0;

const LABELS: Record<string, string> = { en: 'English', fr: 'Français' };

/**
 * Applies an outcome: settles the hold (a completion charges what the real
 * length costs, never more than was held; anything else charges nothing),
 * writes the video's results and its captions, the item's status, frees
 * the workspace's slot, and tells everyone who can see it (and its creator).
 */
export async function finishRender(ctx: AppContext, outcome: RenderOutcomeDoc, opts: { notifyCreator?: boolean } = {}) {
  const [video, item] = await Promise.all([ctx.models.Video.findById(outcome._id).lean<VideoDoc>(), ctx.models.Item.findById(outcome._id).lean<ItemDoc>()]);
  if (!video || !item) {
    // Deleted meanwhile (video-drop.ts settled its hold): what this render stored goes too.
    await Promise.all([outcome.file, outcome.poster].map((f) => (f ? ctx.blobs.remove(f.key) : null)));
    await clearJob(ctx, outcome._id);
    return;
  }
  const completed = outcome.status === 'completed';
  const charged = Math.min(video.creditsHeld, costOf(outcome));
  await settleHold(ctx, holdOf(video, item.name), video.creditsHeld, charged);

  const now = ctx.now();
  if (completed && outcome.captions) {
    const lang = video.language;
    await ctx.models.CaptionTrack.updateOne(
      { _id: captionTrackId(video._id, lang) },
      { $setOnInsert: { videoId: video._id, workspaceId: video.workspaceId, lang, label: LABELS[lang] ?? lang, vtt: outcome.captions, updatedAt: now } },
      { upsert: true },
    ).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    });
  }
  await ctx.models.Video.updateOne(
    { _id: video._id },
    {
      $set: {
        status: outcome.status,
        progress: completed ? 100 : video.progress,
        error: outcome.status === 'failed' ? outcome.error : null,
        durationSeconds: completed ? outcome.durationSeconds : null,
        creditsCharged: charged,
        completedAt: completed ? outcome.at : null,
        file: completed ? outcome.file : null,
        poster: completed ? outcome.poster : null,
      },
    },
  );
  await ctx.models.Item.updateOne({ _id: item._id }, { $set: { status: outcome.status, updatedAt: now } });
  await clearJob(ctx, video._id);
  await announceVideo(ctx, video._id, { statusChanged: true, actorId: outcome.actorId });
  await announceCredits(ctx, video.workspaceId, outcome.actorId);
  if (opts.notifyCreator && outcome.status !== 'cancelled') {
    await notify(ctx, video.createdBy, {
      type: outcome.status === 'completed' ? 'video.completed' : 'video.failed',
      workspaceId: video.workspaceId,
      data: { videoId: video._id, title: item.name, ...(outcome.status === 'failed' ? { error: outcome.error } : { durationSeconds: outcome.durationSeconds, creditsCharged: charged }) },
    });
  }
}
