import { Schema, type Connection } from 'mongoose';

/**
 * The API usage of one closed hour or day of a workspace, counted once from
 * the ledger's `api_usage` entries and never changed after: `_id` is the
 * ledger's hour key (`<workspaceId>:api:<YYYY-MM-DDTHH>`) or the day's
 * (`<workspaceId>:api:<YYYY-MM-DD>`). Inserted by whichever reader first
 * needs it (a duplicate key means another reader counted the same entries).
 * A usage chart then reads one document per closed bucket, not the entries.
 */
export interface UsageRollupDoc {
  _id: string;
  workspaceId: string;
  calls: number;
  credits: number;
  /** Per key (no nested arrays: one flat subdocument per key). */
  keys: Array<{ keyId: string; name: string; calls: number; credits: number }>;
  at: Date;
}

const usageRollupSchema = new Schema<UsageRollupDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    calls: { type: Number, required: true },
    credits: { type: Number, required: true },
    keys: { type: [{ _id: false, keyId: String, name: String, calls: Number, credits: Number }], default: [] },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export const usageRollupModel = (conn: Connection) => conn.model<UsageRollupDoc>('UsageRollup', usageRollupSchema, 'usage_rollups');
