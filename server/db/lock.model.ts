import { Schema, type Connection } from 'mongoose';

/** A lock held while a short critical section runs: `_id` is the locked key, taken by insert. */
export interface LockDoc {
  _id: string;
  at: Date;
}

const lockSchema = new Schema<LockDoc>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });

export const lockModel = (conn: Connection) => conn.model<LockDoc>('Lock', lockSchema, 'locks');
