import { BlobStore } from './files/blob-store.js';
import http from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Express, RequestHandler } from 'express';
import { pino, type Logger } from 'pino';
import type { RedisClientType } from 'redis';
import { adapterRedis, closeRedis, connectRedis } from './redis.js';
import type { Connection } from 'mongoose';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { connectDatabase } from './db/connect.js';
import { DatabaseHealth } from './db/health.js';
import type { EmbeddedDatabase } from './db/embedded.js';
import { createModels, syncIndexes } from './db/models.js';
import { runMigrations } from './db/migrations.js';
import { PasswordHasher } from './accounts/password.js';
import { FlexibleRateLimiter } from './http/rate-limit.js';
import { compileTrustProxy } from './http/proxy.js';
import { Publisher } from './realtime/publisher.js';
import { createSocketServer } from './realtime/socket.js';
import { createCollabServer, type CollabServer } from './collab/collab.server.js';
import type { AppServer } from './realtime/socket-types.js';
import { createApp } from './app.js';
import { startNodeCache } from './cache/start-cache.js';
import { sweepExpiredSessions } from './accounts/session.service.js';
import { sweepExpiredUnlocks } from './videos/unlock.service.js';
import { OutboxMailer, SmtpMailer } from './mail/mailer.js';
import { expireInvitations } from './invitations/invitation.service.js';
import { sweepIdempotencyKeys } from './http/idempotency.js';
import { finishTransfers, sweepTransfers } from './credits/transfer.service.js';
import { sweepExpiredGrants } from './sharing/grant-sweep.js';
import { JobRunner } from './jobs/job-runner.js';
import { Lifecycle } from './http/lifecycle.js';
import { repairSeats, SEAT_REPAIR_GRACE_MS } from './workspaces/seat-repair.js';

export interface RunningServer {
  ctx: AppContext;
  app: Express;
  io: AppServer;
  collab: CollabServer;
  http: http.Server;
  port: number;
  url: string;
  /** Stops at once: sockets closed, requests in flight cut. */
  close(): Promise<void>;
  /** Stops gracefully (SIGTERM): readiness fails, serving goes on for DRAIN_DELAY_MS, then in-flight requests finish (up to DRAIN_TIMEOUT_MS) and it closes. */
  drain(): Promise<void>;
}

const SWEEP_EVERY_MS = 10 * 60_000;

/** Loads SvelteKit's adapter-node handler from `build/`, when the web app is built. */
export async function loadWebHandler(root = process.cwd()): Promise<RequestHandler | null> {
  const file = path.join(root, 'build', 'handler.js');
  if (!existsSync(file)) return null;
  const mod = (await import(pathToFileURL(file).href)) as { handler: RequestHandler };
  return mod.handler;
}

/**
 * Starts one node of the console: database connection, Express, Socket.IO
 * and the web app on one port. `close()` stops accepting, closes sockets and
 * the database.
 */
export async function startServer(
  config: Config,
  opts: { mongoUri: string; embedded?: EmbeddedDatabase | null; log?: Logger; webHandler?: RequestHandler | null; now?: () => Date },
): Promise<RunningServer> {
  const log = opts.log ?? pino({ level: config.LOG_LEVEL });
  const conn: Connection = await connectDatabase(opts.mongoUri);
  const models = createModels(conn);
  await syncIndexes(models);

  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, log) : null;
  const adapterClient = redis ? await adapterRedis(redis, log) : null;
  // Live pushes may have been lost (a node vanished, or Redis came back): this node's subscribers replay from where they are.
  const streams = { check: (_reason: string) => {} };
  // A node vanished: what it was doing may be half-done. Seats and credit transfers are put back in line
  // once its requests would have ended (the repairs only judge what is older than their grace).
  const repairs = { after: () => {} };
  // Before anything writes: a migration's writes invalidate what the nodes already running have cached.
  const cache = await startNodeCache(conn, redis, log, (reason) => {
    streams.check(reason);
    if (reason === 'peer-lost') repairs.after();
  });
  await runMigrations(models, log);

  let boundPort = config.PORT;
  const ctx: AppContext = {
    config,
    log,
    conn,
    database: new DatabaseHealth(conn, opts.embedded ?? null, log),
    models,
    cache,
    hasher: new PasswordHasher(config.HASH_CONCURRENCY),
    limiter: new FlexibleRateLimiter(redis),
    publisher: new Publisher(models, log),
    publicUrl: () => (config.PUBLIC_URL ?? `http://localhost:${boundPort}`).replace(/\/$/, ''),
    now: opts.now ?? (() => new Date()),
    trustProxy: compileTrustProxy(config.TRUST_PROXY),
    blobs: new BlobStore(path.resolve(config.BLOB_DIR ?? path.join(config.DATA_DIR, 'blobs'))),
    lifecycle: new Lifecycle(),
    mailer: config.SMTP_URL ? new SmtpMailer(config.SMTP_URL, config.MAIL_FROM) : new OutboxMailer(models.Outbox, () => ctx.now()),
  };

  // Credits a process that died left half-moved land before this node serves (younger ones at the next sweep).
  await finishTransfers(ctx);

  const webHandler = opts.webHandler === undefined ? await loadWebHandler() : opts.webHandler;
  const app = createApp(ctx, webHandler);
  const server = http.createServer(app);
  const io = createSocketServer(ctx, server, adapterClient);
  ctx.publisher.attach(io);
  streams.check = (reason) => {
    log.info({ reason }, 'live pushes may have been lost: asking subscribers to catch up');
    io.local.emit('streams:check');
  };
  const collab = createCollabServer(ctx, server);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  boundPort = (server.address() as AddressInfo).port;

  const sweep = async () => {
    try {
      await sweepExpiredSessions(ctx);
      await expireInvitations(ctx);
      await ctx.publisher.sweep(config.EVENT_RETENTION_DAYS);
      await sweepIdempotencyKeys(ctx);
      await sweepTransfers(ctx);
      await finishTransfers(ctx);
      await sweepExpiredGrants(ctx);
      await sweepExpiredUnlocks(ctx);
      await repairSeats(ctx);
    } catch (err) {
      log.warn({ err }, 'sweep failed');
    }
  };
  let repairTimer: NodeJS.Timeout | null = null;
  repairs.after = () => {
    repairTimer ??= setTimeout(() => {
      repairTimer = null;
      void (async () => {
        await repairSeats(ctx);
        await finishTransfers(ctx);
      })().catch((err: unknown) => log.warn({ err }, 'repair after a lost node failed'));
    }, SEAT_REPAIR_GRACE_MS + 2_000);
    repairTimer.unref();
  };
  // The database came back: a request it cut off may have left a seat or a transfer half-done too.
  conn.on('reconnected', () => repairs.after());
  const sweeper = setInterval(sweep, SWEEP_EVERY_MS);
  sweeper.unref();
  // Renders: this node runs its share of every workspace's queue (server/jobs).
  const renders = new JobRunner(ctx);
  renders.start();

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(sweeper);
      if (repairTimer) clearTimeout(repairTimer);
      // Before the database goes: running renders stop and let their leases go.
      await renders.stop();
      // Before the sockets and the adapter go: events being published reach their rooms; no new ones.
      await ctx.publisher.close(5000);
      // Stop accepting first, then end live connections and drain.
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Co-editing sockets first: the HTTP server does not close while an upgraded socket is open.
      collab.close();
      // This node's sockets only: without `local`, the adapter would disconnect every node's.
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      server.closeAllConnections?.();
      await httpClosed;
      ctx.limiter.close();
      await cache.close();
      if (adapterClient) await closeRedis(adapterClient);
      if (redis) await closeRedis(redis);
      ctx.database.close();
      await conn.close();
    })());

  let draining: Promise<void> | null = null;
  const drain = () =>
    (draining ??= (async () => {
      ctx.lifecycle.draining = true;
      log.info({ delayMs: config.DRAIN_DELAY_MS }, 'draining: not ready any more, still serving');
      await new Promise((resolve) => setTimeout(resolve, config.DRAIN_DELAY_MS));
      // No new connections; idle keep-alive ones close now, busy ones after their response (`Connection: close`).
      server.close();
      server.closeIdleConnections?.();
      // Renders stop and let their leases go, so another node takes them over at once.
      clearInterval(sweeper);
      await renders.stop();
      // Live sockets are told to go: they reconnect through the load balancer, to another node.
      collab.close();
      io.local.disconnectSockets(true);
      const left = await ctx.lifecycle.settled(config.DRAIN_TIMEOUT_MS);
      if (left > 0) log.warn({ requests: left }, 'drain timed out: closing with requests still in flight');
      else log.info('drained: no request in flight');
      await close();
    })());

  return { ctx, app, io, collab, http: server, port: boundPort, url: `http://127.0.0.1:${boundPort}`, close, drain };
}
