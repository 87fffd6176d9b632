import { Schema, type Connection } from 'mongoose';

/**
 * A browser that gave a video's password: `_id` = SHA-256 of the random
 * cookie value (the value itself is never stored). Good for one video and
 * the password version it was given for: a new password (or none) bumps
 * the version and every earlier unlock stops working.
 */
export interface VideoUnlockDoc {
  _id: string;
  videoId: string;
  passwordVersion: number;
  createdAt: Date;
  expiresAt: Date;
}

const videoUnlockSchema = new Schema<VideoUnlockDoc>(
  {
    _id: { type: String, required: true },
    videoId: { type: String, required: true, index: true },
    passwordVersion: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const videoUnlockModel = (conn: Connection) => conn.model<VideoUnlockDoc>('VideoUnlock', videoUnlockSchema, 'video_unlocks');
