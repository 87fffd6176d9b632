import { Schema, type Connection } from 'mongoose';
import type { VideoFile } from '../videos/video.model.js';

/*
 * A render job, built only from inserts (db/claims.ts): on FerretDB a
 * guarded update lets several writers past its guard, an insert of a taken
 * key fails exactly once. So:
 *   - the job (`_id` = video id) is written once at submit;
 *   - a node runs it by inserting attempt `<videoId>:<n>` (one winner per n)
 *     with a lease it renews; a lapsed lease is taken over by inserting n+1;
 *   - a workspace runs at most RENDER_CONCURRENCY renders: a started job holds
 *     one of the slots `<workspaceId>:<k>`, 1 ≤ k ≤ N, taken by insert;
 *   - the end (completed, failed, cancelled) is one insert of the outcome
 *     (`_id` = video id): a cancel racing a completion has one winner, and
 *     only the winner's result is applied and billed.
 * `open` and `leaseUntil` are plain updates: hints for the queries, never
 * the decision.
 */

/** A video waiting for or under a render; `open` turns false once its outcome is applied. */
export interface RenderJobDoc {
  _id: string;
  workspaceId: string;
  createdAt: Date;
  open: boolean;
}

/** One node's run of a job: `_id` = `<videoId>:<attempt>`. */
export interface RenderAttemptDoc {
  _id: string;
  videoId: string;
  workspaceId: string;
  attempt: number;
  nodeId: string;
  startedAt: Date;
  /** Renewed by the running node; once past, the job is another node's to take over. */
  leaseUntil: Date;
}

/** A workspace's render slot in use: `_id` = `<workspaceId>:<k>`; held by a video from its first attempt to its outcome. */
export interface RenderSlotDoc {
  _id: string;
  workspaceId: string;
  n: number;
  videoId: string;
  at: Date;
}

/** How a render ended, decided once: `_id` = the video's id. A completion carries what the render made. */
export interface RenderOutcomeDoc {
  _id: string;
  workspaceId: string;
  status: 'completed' | 'failed' | 'cancelled';
  attempt: number | null;
  /** Why it failed, for people. */
  error: string | null;
  durationSeconds: number | null;
  file: VideoFile | null;
  poster: VideoFile | null;
  captions: string | null;
  actorId: string | null;
  at: Date;
}

export const attemptId = (videoId: string, attempt: number) => `${videoId}:${attempt}`;
export const slotId = (workspaceId: string, n: number) => `${workspaceId}:${n}`;

const jobSchema = new Schema<RenderJobDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    createdAt: { type: Date, required: true },
    open: { type: Boolean, required: true, index: true },
  },
  { versionKey: false },
);

const attemptSchema = new Schema<RenderAttemptDoc>(
  {
    _id: { type: String, required: true },
    videoId: { type: String, required: true, index: true },
    workspaceId: { type: String, required: true, index: true },
    attempt: { type: Number, required: true },
    nodeId: { type: String, required: true },
    startedAt: { type: Date, required: true },
    leaseUntil: { type: Date, required: true },
  },
  { versionKey: false },
);

const slotSchema = new Schema<RenderSlotDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    n: { type: Number, required: true },
    videoId: { type: String, required: true, index: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

const outcomeSchema = new Schema<RenderOutcomeDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    status: { type: String, required: true },
    attempt: { type: Number, default: null },
    error: { type: String, default: null },
    durationSeconds: { type: Number, default: null },
    file: { type: Schema.Types.Mixed, default: null },
    poster: { type: Schema.Types.Mixed, default: null },
    captions: { type: String, default: null },
    actorId: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

export const renderJobModel = (conn: Connection) => conn.model<RenderJobDoc>('RenderJob', jobSchema, 'render_jobs');
export const renderAttemptModel = (conn: Connection) => conn.model<RenderAttemptDoc>('RenderAttempt', attemptSchema, 'render_attempts');
export const renderSlotModel = (conn: Connection) => conn.model<RenderSlotDoc>('RenderSlot', slotSchema, 'render_slots');
export const renderOutcomeModel = (conn: Connection) => conn.model<RenderOutcomeDoc>('RenderOutcome', outcomeSchema, 'render_outcomes');
