import { randomBytes, createHash } from 'node:crypto';
import { Types } from 'mongoose';

/** A new document id: 24 hex characters, roughly ordered by creation time. */
export const newId = (): string => new Types.ObjectId().toHexString();

/** A secret token of 256 random bits, URL-safe. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** Tokens are stored only as their SHA-256; the token itself is high-entropy, so no salt or stretching is needed. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
