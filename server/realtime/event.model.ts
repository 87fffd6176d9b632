import { Schema, type Connection } from 'mongoose';
import { bucketKey } from '../db/history.js';
import type { EventAudience, EventType } from '../../shared/events.js';

/**
 * A stored domain event: the audit trail and the replay cursor. Events form
 * streams (`workspace:<id>` or `user:<id>`) numbered 1, 2, 3… by an atomic
 * counter; `_id` is `<stream>:<zero-padded seq>`, so ids sort in stream order.
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
  },
  { versionKey: false, minimize: false },
);
// Sweeps by age (on MongoDB; FerretDB pushes down no range and reads the collection).
eventSchema.index({ at: 1 });

export const eventModel = (conn: Connection) => conn.model<EventDoc>('Event', eventSchema, 'events');

/** Monotonic counters, one document per name, bumped with a single atomic `$inc`. */
export interface CounterDoc {
  _id: string;
  seq: number;
}
const counterSchema = new Schema<CounterDoc>({ _id: { type: String, required: true }, seq: { type: Number, default: 0 } }, { versionKey: false });
export const counterModel = (conn: Connection) => conn.model<CounterDoc>('Counter', counterSchema, 'counters');

export const eventId = (stream: string, seq: number) => `${stream}:${String(seq).padStart(12, '0')}`;

/** The sequence number of an event id of `stream`, or null when the id belongs elsewhere. */
export function seqOf(stream: string, id: string): number | null {
  if (!id.startsWith(stream + ':')) return null;
  const n = Number(id.slice(stream.length + 1));
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}
