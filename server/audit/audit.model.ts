import { Schema, type Connection } from 'mongoose';
import { bucketKey } from '../db/history.js';

/**
 * One admin action: who did what to what, with the state before and after.
 * Kept apart from events (which are swept sooner) and never modified.
 */
export interface AuditDoc {
  _id: string;
  workspaceId: string;
  type: string;
  actorId: string | null;
  target: { kind: string; id: string; label: string } | null;
  before: unknown;
  after: unknown;
  at: Date;
  /** The sequence number of the event it records in the workspace's stream (0 for entries older than that). */
  seq: number;
  /** `<workspaceId>#<n>`: pages read one bucket at a time (see db/history.ts). */
  bucket: string;
}

/** Audit entries per bucket, counted in events of the workspace's stream (most events are not admin actions). */
export const AUDIT_BUCKET_SIZE = 200;
export const auditBucket = (workspaceId: string, seq: number) => bucketKey(workspaceId, seq, AUDIT_BUCKET_SIZE);

const auditSchema = new Schema<AuditDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    type: { type: String, required: true },
    actorId: { type: String, default: null },
    target: { type: Schema.Types.Mixed, default: null },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    at: { type: Date, required: true },
    seq: { type: Number, default: 0 },
    bucket: { type: String, required: true, index: true },
  },
  { versionKey: false, minimize: false },
);

export const auditModel = (conn: Connection) => conn.model<AuditDoc>('Audit', auditSchema, 'audit');
