import { Schema, type Connection } from 'mongoose';
import { invalidatesCache } from '../cache/cache-hooks.js';

/**
 * An API key of a workspace. The secret is never stored: `secretHash` is its
 * SHA-256 (unique, indexed: a call finds its key by equality). A key works
 * while it is neither revoked nor expired and its workspace exists with API
 * access on. Writes invalidate the nodes' cached key resolutions (tag
 * `apiKey:<_id>`) before they return, so a revocation holds at once everywhere.
 */
export interface ApiKeyDoc {
  _id: string;
  workspaceId: string;
  name: string;
  /** `wsc_` and the first characters of the secret, to recognise it. */
  prefix: string;
  secretHash: string;
  createdBy: string;
  createdAt: Date;
  /** Written at most about once a minute per key (see touchApiKey), never on every call. */
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const apiKeySchema = new Schema<ApiKeyDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    name: { type: String, required: true },
    prefix: { type: String, required: true },
    secretHash: { type: String, required: true, unique: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
    expiresAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { versionKey: false },
);

apiKeySchema.plugin(invalidatesCache('apiKey'));

export const apiKeyModel = (conn: Connection) => conn.model<ApiKeyDoc>('ApiKey', apiKeySchema, 'api_keys');
