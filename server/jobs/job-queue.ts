import type { AppContext } from '../context.js';
import { claimFreeNumber, isDuplicateKey } from '../db/claims.js';
import type { VideoDoc } from '../videos/video.model.js';
import { attemptId, slotId, type RenderAttemptDoc, type RenderJobDoc, type RenderSlotDoc } from './job.model.js';

/**
 * The queue of renders: jobs in submit order per workspace, slots that cap
 * how many of a workspace's renders run at once on all nodes together, and
 * the attempts nodes claim. Every decision here is an insert (job.model.ts).
 */

/** How many open jobs one poll reads (oldest first): a page, never the collection. */
export const JOB_PAGE = 200;

export async function enqueueRender(ctx: AppContext, video: Pick<VideoDoc, '_id' | 'workspaceId' | 'createdAt'>) {
  await ctx.models.RenderJob.create({ _id: video._id, workspaceId: video.workspaceId, createdAt: video.createdAt, open: true });
}

/** Oldest first; ties by id, so every node reads the same order. */
export const byAge = (a: RenderJobDoc, b: RenderJobDoc) => a.createdAt.getTime() - b.createdAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

export async function openJobs(ctx: AppContext, filter: { workspaceId?: string } = {}): Promise<RenderJobDoc[]> {
  const jobs = await ctx.models.RenderJob.find({ open: true, ...filter }).sort({ createdAt: 1, _id: 1 }).limit(JOB_PAGE).lean<RenderJobDoc[]>();
  return jobs.sort(byAge);
}

/** Slots in use: as many as renders are running, so reading them all is reading a handful. */
export const slotsInUse = (ctx: AppContext, workspaceId?: string) => ctx.models.RenderSlot.find(workspaceId ? { workspaceId } : {}).lean<RenderSlotDoc[]>();

/** Renders ahead of a pending video in its workspace's queue (0 = next to start). */
export async function queuePositionOf(ctx: AppContext, video: Pick<VideoDoc, '_id' | 'workspaceId' | 'createdAt'>): Promise<number> {
  const [jobs, slots] = await Promise.all([openJobs(ctx, { workspaceId: video.workspaceId }), slotsInUse(ctx, video.workspaceId)]);
  const started = new Set(slots.map((s) => s.videoId));
  const me = { _id: video._id, workspaceId: video.workspaceId, createdAt: video.createdAt, open: true };
  return jobs.filter((j) => !started.has(j._id) && byAge(j, me) < 0).length;
}

/** Takes one of the workspace's `limit` slots for the video; false when all are taken. */
export async function claimSlot(ctx: AppContext, workspaceId: string, videoId: string, limit: number, taken: number[]): Promise<boolean> {
  const won = await claimFreeNumber(limit, taken, (n) => ctx.models.RenderSlot.create({ _id: slotId(workspaceId, n), workspaceId, n, videoId, at: new Date() }));
  return won !== null;
}

/**
 * Claims attempt `n` of a job for this node, with a lease: one node wins
 * each number. Resolves to the attempt, or null when another node has it.
 */
export async function claimAttempt(ctx: AppContext, job: Pick<RenderJobDoc, '_id' | 'workspaceId'>, n: number, nodeId: string, leaseMs: number): Promise<RenderAttemptDoc | null> {
  const now = new Date();
  const doc: RenderAttemptDoc = { _id: attemptId(job._id, n), videoId: job._id, workspaceId: job.workspaceId, attempt: n, nodeId, startedAt: now, leaseUntil: new Date(now.getTime() + leaseMs) };
  try {
    await ctx.models.RenderAttempt.create(doc);
    return doc;
  } catch (err) {
    if (isDuplicateKey(err)) return null;
    throw err;
  }
}

/** The newest attempt of a job: attempt numbers have no gaps and a job has few, so walking up by `_id` is a lookup or two. */
export async function newestAttempt(ctx: AppContext, videoId: string): Promise<RenderAttemptDoc | null> {
  let newest: RenderAttemptDoc | null = null;
  for (let n = 1; ; n++) {
    const doc = await ctx.models.RenderAttempt.findById(attemptId(videoId, n)).lean<RenderAttemptDoc>();
    if (!doc) return newest;
    newest = doc;
  }
}

/** Gives back a first attempt that could not get a slot, so the job waits its turn again (only while its lease is the one written). */
export async function giveBackAttempt(ctx: AppContext, attempt: RenderAttemptDoc) {
  await ctx.models.RenderAttempt.deleteOne({ _id: attempt._id, leaseUntil: attempt.leaseUntil });
}

/** The slots and attempts of a job whose outcome is applied. */
export async function clearJob(ctx: AppContext, videoId: string) {
  await ctx.models.RenderSlot.deleteMany({ videoId });
  await ctx.models.RenderJob.updateOne({ _id: videoId }, { $set: { open: false } });
}
