import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { PasswordHasher } from './accounts/password.js';
import type { RateLimiter } from './http/rate-limit.js';
import type { Models } from './db/models.js';
import type { Publisher } from './realtime/publisher.js';
import type { Mailer } from './mail/mailer.js';
import type { TrustProxy } from './http/proxy.js';
import type { DatabaseHealth } from './db/health.js';
import type { NodeCache } from './cache/node-cache.js';
import type { BlobStore } from './files/blob-store.js';
import type { Lifecycle } from './http/lifecycle.js';

/** What every route, socket handler and domain service of one process shares. */
export interface AppContext {
  config: Config;
  log: Logger;
  conn: Connection;
  /** Whether the database can be used right now (requests answer 503 while it cannot). */
  database: DatabaseHealth;
  models: Models;
  /** This node's cache of the request path (sessions, users, memberships, workspaces, access, counts). */
  cache: NodeCache;
  hasher: PasswordHasher;
  limiter: RateLimiter;
  publisher: Publisher;
  /** The origin people reach the console at, e.g. `http://localhost:3000`. */
  publicUrl(): string;
  /** The current time; tests move it to make invitations expire. */
  now(): Date;
  mailer: Mailer;
  /** Which hops may tell the client's address and scheme (`TRUST_PROXY`). */
  trustProxy: TrustProxy;
  /** Rendered videos and posters (`BLOB_DIR`). */
  blobs: BlobStore;
  /** Whether the node is draining (SIGTERM) and how many requests it is serving. */
  lifecycle: Lifecycle;
}
