import { Schema, type Connection } from 'mongoose';

/**
 * A link sent to check that a person receives mail at their address. `_id`
 * is the SHA-256 of the token (the token itself is never stored). A newer
 * link replaces the older ones; a link works once (`email_verification_uses`
 * is claimed by insert, so two clicks at once still verify once).
 */
export interface EmailVerificationDoc {
  _id: string;
  userId: string;
  email: string;
  createdAt: Date;
  expiresAt: Date;
  replacedAt: Date | null;
}

export interface EmailVerificationUseDoc {
  _id: string;
  at: Date;
}

const emailVerificationSchema = new Schema<EmailVerificationDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    email: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    replacedAt: { type: Date, default: null },
  },
  { versionKey: false },
);

const emailVerificationUseSchema = new Schema<EmailVerificationUseDoc>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });

export const emailVerificationModel = (conn: Connection) => conn.model<EmailVerificationDoc>('EmailVerification', emailVerificationSchema, 'email_verifications');
export const emailVerificationUseModel = (conn: Connection) =>
  conn.model<EmailVerificationUseDoc>('EmailVerificationUse', emailVerificationUseSchema, 'email_verification_uses');
