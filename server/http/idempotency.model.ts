import { Schema, type Connection } from 'mongoose';

/**
 * The first result of a request sent with an `Idempotency-Key`, per user:
 * `_id` = `<userId>:<sha256 of the key>`. Taken by insert (db/claims.ts)
 * before the work starts, so a duplicate in flight finds it; the result is
 * written when the work ends and replayed for the same key.
 */
export interface IdempotencyDoc {
  _id: string;
  userId: string;
  /** Method, path and body of the first request: the same key with anything else is refused. */
  fingerprint: string;
  state: 'in_flight' | 'done';
  status: number | null;
  body: unknown;
  at: Date;
}

const idempotencySchema = new Schema<IdempotencyDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, required: true },
    status: { type: Number, default: null },
    body: { type: Schema.Types.Mixed, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
// Swept by age (no TTL index on FerretDB).
idempotencySchema.index({ at: 1 });

export const idempotencyModel = (conn: Connection) => conn.model<IdempotencyDoc>('Idempotency', idempotencySchema, 'idempotency_keys');
