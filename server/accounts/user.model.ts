import { Schema, type Connection } from 'mongoose';
import { newId } from '../db/ids.js';
import type { UserView } from '../../shared/schemas/auth.js';
import { invalidatesCache } from '../cache/cache-hooks.js';

export interface UserDoc {
  _id: string;
  email: string;
  /** The part of `email` after the `@`, for company-domain lookups. */
  emailDomain: string;
  /** Set once the person showed they receive mail at `email`; company domains count verified addresses only. */
  emailVerifiedAt: Date | null;
  name: string;
  passwordHash: string;
  locale: 'en' | 'fr' | null;
  createdAt: Date;
}

export const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, default: newId },
    // Stored trimmed and lower-cased; unique across the whole instance.
    email: { type: String, required: true, unique: true },
    emailDomain: {
      type: String,
      index: true,
      default(this: UserDoc) {
        return domainOf(this.email ?? '');
      },
    },
    emailVerifiedAt: { type: Date, default: null },
    name: { type: String, required: true },
    passwordHash: { type: String, required: true },
    locale: { type: String, default: null },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);

userSchema.plugin(invalidatesCache('user'));

export const userModel = (conn: Connection) => conn.model<UserDoc>('User', userSchema, 'users');

export const isVerified = (user: Pick<UserDoc, 'emailVerifiedAt'>) => user.emailVerifiedAt != null;

export function presentUser(user: Pick<UserDoc, '_id' | 'email' | 'name' | 'emailVerifiedAt'>): UserView {
  return { id: user._id, email: user.email, name: user.name, emailVerified: isVerified(user) };
}
