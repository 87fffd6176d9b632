import { Schema, type Connection } from 'mongoose';
import { newId } from '../db/ids.js';

export interface UserDoc {
  _id: string;
  email: string;
  name: string;
  passwordHash: string;
  locale: 'en' | 'fr' | null;
  createdAt: Date;
}

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, default: newId },
    // Stored trimmed and lower-cased; unique across the whole instance.
    email: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    passwordHash: { type: String, required: true },
    locale: { type: String, default: null },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);

export const userModel = (conn: Connection) => conn.model<UserDoc>('User', userSchema, 'users');

export function presentUser(user: Pick<UserDoc, '_id' | 'email' | 'name'>) {
  return { id: user._id, email: user.email, name: user.name };
}
