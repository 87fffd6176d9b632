import { Schema, type Connection } from 'mongoose';

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
}

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
  },
  { versionKey: false, minimize: false },
);

export const auditModel = (conn: Connection) => conn.model<AuditDoc>('Audit', auditSchema, 'audit');
