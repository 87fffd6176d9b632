import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { ItemDoc } from '../content/item.model.js';
import type { VideoDoc } from '../videos/video.model.js';
import type { VideoStatus } from '../../shared/schemas/videos.js';
import { engineFor, RenderError, type RenderEngine } from '../videos/render/engine.js';
import { announceVideo } from '../videos/video.service.js';
import { attemptId, type RenderAttemptDoc, type RenderJobDoc } from './job.model.js';
import { claimAttempt, claimSlot, clearJob, giveBackAttempt, newestAttempt, openJobs, slotsInUse } from './job-queue.js';
import { decideOutcome, finishRender, outcomeOf } from './job-outcome.js';

/** What a person reads when a render broke for a reason that is not the render's (a bug, a lost file). */
export const GENERIC_FAILURE = 'The render failed; no credits were charged';
/** The statuses a render's own writes may replace (never an outcome applied meanwhile). */
const RUNNABLE = mongoose.trusted({ $in: ['pending', 'processing'] as VideoStatus[] });
/** How long stopping waits for a poll, then for the renders to let their leases go. */
const STOP_WAIT_MS = 5000;
/** Progress is published at most this often per render. */
const PROGRESS_EVERY_MS = 1000;

type StopReason = 'outcome' | 'lost' | 'shutdown';
class Stopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`render stopped: ${reason}`);
    this.name = 'AbortError';
  }
}

const runners = new WeakMap<AppContext, JobRunner>();

/** The runner of a node's context (tests read its node id). */
export const runnerOf = (ctx: AppContext) => runners.get(ctx) ?? null;

/** Looks for work now rather than at the next poll (a submit on this node, a render finished). */
export function kickRenders(ctx: AppContext) {
  runners.get(ctx)?.kick();
}

/**
 * A node's render runner. Every RENDER_POLL_MS (and at once when kicked)
 * it reads the open jobs (a page, oldest first) and the slots in use, then:
 * applies an outcome whose writer died, takes over a started job whose
 * lease lapsed (attempt n+1), and starts the oldest waiting jobs of each
 * workspace while the workspace has a free slot and this node has room
 * (RENDER_NODE_CONCURRENCY). A running render renews its lease every
 * quarter of RENDER_LEASE_MS and checks its outcome every tick: a cancel on
 * any node, or a takeover, stops it.
 */
export class JobRunner {
  readonly nodeId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly engine: RenderEngine;

  constructor(private readonly ctx: AppContext) {
    this.engine = engineFor(ctx.config);
  }

  private get leaseMs() {
    return this.ctx.config.RENDER_LEASE_MS;
  }

  start() {
    runners.set(this.ctx, this);
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.kick();
        loop();
      }, this.ctx.config.RENDER_POLL_MS);
      this.timer.unref();
    };
    loop();
    this.kick();
  }

  /** Stops polling and the renders of this node; their leases are let go so another node takes them over at once. */
  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // A poll under way may still be claiming: once it is over, every render this node took is in `running`.
    // (Bounded: with the database gone a poll or a render's last write may never answer.)
    const bounded = (p: Promise<unknown>) => Promise.race([p, new Promise((r) => setTimeout(r, STOP_WAIT_MS).unref())]);
    await bounded(this.polling?.catch(() => undefined) ?? Promise.resolve());
    for (const r of this.running.values()) r.controller.abort(new Stopped('shutdown'));
    await bounded(Promise.allSettled([...this.running.values()].map((r) => r.done)));
    if (runners.get(this.ctx) === this) runners.delete(this.ctx);
  }

  kick() {
    if (this.stopped || !this.ctx.database.up) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = (async () => {
      do {
        this.again = false;
        try {
          await this.poll();
        } catch (err) {
          this.ctx.log.warn({ err }, 'render poll failed');
        }
      } while (this.again && !this.stopped);
    })().finally(() => (this.polling = null));
  }

  private hasRoom() {
    return !this.stopped && this.running.size < this.ctx.config.RENDER_NODE_CONCURRENCY;
  }

  private async poll() {
    const jobs = await openJobs(this.ctx);
    if (jobs.length === 0) return;
    const slots = await slotsInUse(this.ctx);
    const slotOf = new Map(slots.map((s) => [s.videoId, s]));
    const now = Date.now();

    // Started jobs: an outcome left unapplied, or a lapsed lease to take over.
    for (const job of jobs) {
      const slot = slotOf.get(job._id);
      if (!slot || this.running.has(job._id)) continue;
      const attempt = await newestAttempt(this.ctx, job._id);
      const lapsed = attempt ? attempt.leaseUntil.getTime() < now : slot.at.getTime() + this.leaseMs < now;
      if (!lapsed) continue;
      const outcome = await outcomeOf(this.ctx, job._id);
      if (outcome) {
        await finishRender(this.ctx, outcome, { notifyCreator: outcome.status !== 'cancelled' });
        continue;
      }
      if (!this.hasRoom()) continue;
      const mine = await claimAttempt(this.ctx, job, (attempt?.attempt ?? 0) + 1, this.nodeId, this.leaseMs);
      if (mine) this.launch(job, mine);
    }

    // Waiting jobs, oldest first per workspace, while the workspace has a free slot.
    const blocked = new Set<string>();
    for (const job of jobs) {
      if (!this.hasRoom()) break;
      if (slotOf.has(job._id) || blocked.has(job.workspaceId) || this.running.has(job._id)) continue;
      const taken = slots.filter((s) => s.workspaceId === job.workspaceId).map((s) => s.n);
      if (taken.length >= this.ctx.config.RENDER_CONCURRENCY) {
        blocked.add(job.workspaceId);
        continue;
      }
      const outcome = await outcomeOf(this.ctx, job._id);
      if (outcome) {
        await finishRender(this.ctx, outcome);
        continue;
      }
      const attempt = await claimAttempt(this.ctx, job, 1, this.nodeId, this.leaseMs);
      if (!attempt) {
        // Another node is starting it (keep the order: nothing after it starts this round), or one died doing so.
        blocked.add(job.workspaceId);
        const other = await this.ctx.models.RenderAttempt.findById(attemptId(job._id, 1)).lean<RenderAttemptDoc>();
        if (other && other.leaseUntil.getTime() < now && !(await this.ctx.models.RenderSlot.exists({ videoId: job._id }))) await giveBackAttempt(this.ctx, other);
        continue;
      }
      if (!(await claimSlot(this.ctx, job.workspaceId, job._id, this.ctx.config.RENDER_CONCURRENCY, taken))) {
        await giveBackAttempt(this.ctx, attempt);
        blocked.add(job.workspaceId);
        continue;
      }
      slots.push({ _id: '', workspaceId: job.workspaceId, n: 0, videoId: job._id, at: new Date() });
      this.launch(job, attempt);
    }

    // Slots whose job is over (its applier died before freeing them).
    const open = new Set(jobs.map((j) => j._id));
    for (const s of slots) {
      if (s._id && !open.has(s.videoId)) {
        const job = await this.ctx.models.RenderJob.findById(s.videoId).lean<RenderJobDoc>();
        if (!job || !job.open) await this.ctx.models.RenderSlot.deleteOne({ _id: s._id });
      }
    }
  }

  private launch(job: RenderJobDoc, attempt: RenderAttemptDoc) {
    const controller = new AbortController();
    if (this.stopped) controller.abort(new Stopped('shutdown'));
    const done = this.run(job, attempt, controller)
      .catch((err: unknown) => this.ctx.log.error({ err, videoId: job._id }, 'render crashed'))
      .finally(() => {
        this.running.delete(job._id);
        this.kick();
      });
    this.running.set(job._id, { controller, done });
  }

  /** One attempt of a render, from the start: the result is applied only if this attempt decides the outcome. */
  private async run(job: RenderJobDoc, attempt: RenderAttemptDoc, controller: AbortController) {
    const { ctx } = this;
    const videoId = job._id;
    const [video, item] = await Promise.all([ctx.models.Video.findById(videoId).lean<VideoDoc>(), ctx.models.Item.findById(videoId).lean<ItemDoc>()]);
    if (!video || !item) {
      await clearJob(ctx, videoId);
      return;
    }
    const signal = controller.signal;
    const stopWith = (reason: StopReason) => {
      if (!signal.aborted) controller.abort(new Stopped(reason));
    };

    // The watch: the outcome every tick (a cancel anywhere), the lease every quarter of it.
    const tickMs = Math.min(1000, Math.max(50, Math.floor(this.leaseMs / 4)));
    let lastRenew = Date.now();
    let watching = false;
    const watch = setInterval(() => {
      if (watching || signal.aborted) return;
      watching = true;
      (async () => {
        if (await outcomeOf(ctx, videoId)) return stopWith('outcome');
        const [mine, next] = await Promise.all([
          ctx.models.RenderAttempt.exists({ _id: attempt._id }),
          ctx.models.RenderAttempt.exists({ _id: attemptId(videoId, attempt.attempt + 1) }),
        ]);
        if (!mine || next) return stopWith('lost');
        if (Date.now() - lastRenew >= this.leaseMs / 4) {
          lastRenew = Date.now();
          await ctx.models.RenderAttempt.updateOne({ _id: attempt._id }, { $set: { leaseUntil: new Date(Date.now() + this.leaseMs) } });
        }
      })()
        .catch((err: unknown) => ctx.log.warn({ err, videoId }, 'render watch failed'))
        .finally(() => (watching = false));
    }, tickMs);
    watch.unref();

    let published = 0;
    let pendingProgress: number | null = null;
    const writeProgress = async (percent: number) => {
      await ctx.models.Video.updateOne({ _id: videoId, status: 'processing' }, { $set: { progress: percent } });
      await announceVideo(ctx, videoId, { statusChanged: false });
    };
    let progressChain = Promise.resolve();
    const onProgress = (percent: number) => {
      if (signal.aborted) return;
      pendingProgress = Math.max(0, Math.min(99, Math.round(percent)));
      if (Date.now() - published < PROGRESS_EVERY_MS) return;
      published = Date.now();
      const p = pendingProgress;
      progressChain = progressChain.then(() => (signal.aborted ? undefined : writeProgress(p))).catch((err: unknown) => ctx.log.warn({ err, videoId }, 'progress not published'));
    };

    const workDir = await mkdtemp(path.join(tmpdir(), `wsc-render-${videoId}-`));
    const version = `${attempt.attempt}-${randomBytes(4).toString('hex')}`;
    const keys = { video: `videos/${videoId}/${version}.webm`, poster: `videos/${videoId}/poster-${version}.jpg` };
    let stored = false;
    try {
      await ctx.models.Video.updateOne({ _id: videoId, status: RUNNABLE }, { $set: { status: 'processing', progress: 0 } });
      await ctx.models.Item.updateOne({ _id: videoId, status: RUNNABLE }, { $set: { status: 'processing', updatedAt: ctx.now() } });
      const decided = await outcomeOf(ctx, videoId);
      if (decided) {
        // The status filter above is not atomic on FerretDB: a cancel applied meanwhile may have been overwritten by
        // "processing". Applying the outcome again puts its status back (its credits move once, by their op keys).
        await finishRender(ctx, decided);
        return stopWith('outcome');
      }
      await announceVideo(ctx, videoId, { statusChanged: video.status !== 'processing' });
      published = Date.now();

      const images = await this.imagesOf(video);
      const result = await this.engine(
        { videoId, title: item.name, script: video.script, language: video.language, look: video.look, images },
        { workDir, signal, onProgress, logger: ctx.log },
      );
      if (signal.aborted) throw signal.reason;
      const ext = result.contentType === 'video/mp4' ? 'mp4' : 'webm';
      keys.video = `videos/${videoId}/${version}.${ext}`;
      const file = { key: keys.video, contentType: result.contentType, version, ...(await ctx.blobs.putFile(keys.video, result.video)) };
      const poster = { key: keys.poster, contentType: 'image/jpeg', version, ...(await ctx.blobs.putFile(keys.poster, result.poster)) };
      stored = true;
      await progressChain;
      const { outcome, won } = await decideOutcome(ctx, video, {
        status: 'completed',
        attempt: attempt.attempt,
        error: null,
        durationSeconds: result.durationSeconds,
        file,
        poster,
        captions: result.captions,
        actorId: null,
      });
      if (won) await finishRender(ctx, outcome, { notifyCreator: true });
      else await this.discard(keys);
    } catch (err) {
      if (stored) await this.discard(keys);
      const reason = signal.aborted ? (signal.reason as Stopped | undefined)?.reason : undefined;
      if (reason === 'shutdown') {
        // A progress write under way publishes before this node's sockets and adapter close.
        await progressChain;
        // Let the lease go: another node (or this one, restarted) takes the render over at once.
        await ctx.models.RenderAttempt.updateOne({ _id: attempt._id }, { $set: { leaseUntil: new Date(0) } }).catch(() => undefined);
        return;
      }
      if (reason === 'outcome' || reason === 'lost') return;
      const message = err instanceof RenderError ? err.message : GENERIC_FAILURE;
      if (!(err instanceof RenderError)) ctx.log.error({ err, videoId }, 'render failed');
      await progressChain;
      const { outcome, won } = await decideOutcome(ctx, video, { status: 'failed', attempt: attempt.attempt, error: message, durationSeconds: null, file: null, poster: null, captions: null, actorId: null });
      if (won) await finishRender(ctx, outcome, { notifyCreator: true });
    } finally {
      clearInterval(watch);
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private async discard(keys: { video: string; poster: string }) {
    await Promise.all([this.ctx.blobs.remove(keys.video), this.ctx.blobs.remove(keys.poster)]).catch(() => undefined);
  }

  /** The avatar's picture and the brand kit's logo, loaded now (the look keeps only their keys). */
  private async imagesOf(video: VideoDoc) {
    const load = async (key: string | null) => {
      if (!key) return null;
      const image = await this.ctx.models.StoredImage.findById(key).lean();
      if (!image) return null;
      const data = image.data as Buffer | { buffer: Buffer };
      return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer);
    };
    const [avatar, logo] = await Promise.all([load(video.look.avatar?.image ?? null), load(video.look.brandKit?.logo ?? null)]);
    return { avatar, logo };
  }
}
