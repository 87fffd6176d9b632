import { Schema, type Connection } from 'mongoose';
import { bucketKey } from '../db/history.js';
import { linkId, seqOfLink } from '../db/chain.js';
import type { EventAudience, EventType, StreamCounts } from '../../shared/events.js';

/**
 * A stored domain event: the audit trail and the replay cursor. Events form
 * streams (`workspace:<id>` or `user:<id>`) numbered 1, 2, 3… as a chain
 * (db/chain.ts); `_id` is `<stream>:<zero-padded seq>`, so ids sort in stream order.
 */
export interface EventDoc {
  _id: string;
  stream: string;
  seq: number;
  type: EventType;
  workspaceId: string | null;
  actorId: string | null;
  audience: EventAudience;
  at: Date;
  data: Record<string, unknown>;
  /** `<stream>#<floor(seq / EVENT_BUCKET_SIZE)>`: a replay reads the buckets after its cursor, not the stream. */
  bucket: string;
  /**
   * Audience `item` only: who could see the item when it happened, each with
   * what is theirs in `data.item` (their `access` and `manage`).
   */
  recipients?: Record<string, Record<string, unknown>> | null;
  /**
   * Workspace streams: how many events of each counted audience came before
   * this one (content events carry the counts on without adding to them);
   * null on a person's own stream and on events stored before streams were counted.
   */
  before?: StreamCounts | null;
  /** Counting started again at this event (the one before it was swept, or never counted). */
  restart?: boolean;
}

export const EVENT_BUCKET_SIZE = 100;
export const eventBucketNo = (seq: number) => Math.floor(seq / EVENT_BUCKET_SIZE);
export const eventBucket = (stream: string, seq: number) => bucketKey(stream, seq, EVENT_BUCKET_SIZE);

const eventSchema = new Schema<EventDoc>(
  {
    _id: { type: String, required: true },
    stream: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    workspaceId: { type: String, default: null },
    actorId: { type: String, default: null },
    audience: { type: String, required: true },
    at: { type: Date, required: true },
    data: { type: Schema.Types.Mixed, default: {} },
    bucket: { type: String, required: true, index: true },
    recipients: { type: Schema.Types.Mixed, default: null },
    before: { type: Schema.Types.Mixed, default: null },
    restart: { type: Boolean, default: undefined },
  },
  { versionKey: false, minimize: false },
);
// Sweeps by age (on MongoDB; FerretDB pushes down no range and reads the collection).
eventSchema.index({ at: 1 });

export const eventModel = (conn: Connection) => conn.model<EventDoc>('Event', eventSchema, 'events');

/** The newest number of each chain, a hint that may lag, never lead (db/chain.ts). */
export interface CounterDoc {
  _id: string;
  seq: number;
}
const counterSchema = new Schema<CounterDoc>({ _id: { type: String, required: true }, seq: { type: Number, default: 0 } }, { versionKey: false });
export const counterModel = (conn: Connection) => conn.model<CounterDoc>('Counter', counterSchema, 'counters');

/** A stream is a chain (db/chain.ts): event ids are its entry ids. */
export const eventId = linkId;
/** The sequence number of an event id of `stream`, or null when the id belongs elsewhere. */
export const seqOf = seqOfLink;
