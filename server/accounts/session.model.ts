import { Schema, type Connection } from 'mongoose';
import { invalidatesCache } from '../cache/cache-hooks.js';

/**
 * A signed-in browser. `_id` is the SHA-256 of the cookie token, so the
 * token itself is never stored and every lookup is by `_id`.
 */
export interface SessionDoc {
  _id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    createdAt: { type: Date, default: () => new Date() },
    expiresAt: { type: Date, required: true },
    lastSeenAt: { type: Date, default: () => new Date() },
    ip: { type: String, default: null },
    userAgent: { type: String, default: null },
  },
  { versionKey: false },
);

sessionSchema.plugin(invalidatesCache('session'));

export const sessionModel = (conn: Connection) => conn.model<SessionDoc>('Session', sessionSchema, 'sessions');
