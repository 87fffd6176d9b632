import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { pino } from 'pino';
import type { RequestHandler } from 'express';
import { loadConfig, type Config } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Share a database with another node (multi-node tests); a fresh one otherwise. */
  database?: string;
  redis?: boolean;
  webHandler?: RequestHandler | null;
  /** A clock the test can move forward (`clock.advance(ms)`). */
  clock?: TestClock;
  /** The driver reports every command it sends (`commandStarted`), for tests of what queries cost. */
  monitorCommands?: boolean;
}

/** Real time plus an offset the test controls: "a week later" without waiting a week. */
export class TestClock {
  private offset = 0;
  now = () => new Date(Date.now() + this.offset);
  advance(ms: number) {
    this.offset += ms;
  }
}

/** A fresh database name on the run's FerretDB. */
export const freshDatabase = () => `t_${randomBytes(6).toString('hex')}`;

export function mongoUriFor(database: string) {
  return inject('ferretUri').replace(/\/[^/]*$/, `/${database}`);
}

/** Starts a real console node on a free port against the run's FerretDB (and Redis when asked). */
export async function startTestServer(opts: TestServerOptions = {}): Promise<RunningServer & { database: string; config: Config }> {
  const database = opts.database ?? freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    // Nodes of one database share its files, as nodes behind one volume do.
    BLOB_DIR: path.join(tmpdir(), 'wsc-test-blobs', database),
    // Renders are the fake engine's unless a test asks for ffmpeg.
    RENDER_ENGINE: 'fake',
    // A node whose commands a test counts looks for renders once a minute (a submit on it still starts one at once),
    // so the job runner's poll does not land inside a measured request.
    ...(opts.monitorCommands ? { RENDER_POLL_MS: '60000' } : {}),
    ...(opts.redis ? { REDIS_URL: inject('redisUrl') } : {}),
    ...opts.env,
  });
  const server = await startServer(config, {
    mongoUri: mongoUriFor(database) + (opts.monitorCommands ? '?monitorCommands=true' : ''),
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    webHandler: opts.webHandler ?? null,
    now: opts.clock?.now,
  });
  return Object.assign(server, { database, config });
}

/**
 * Counts the database commands a node sends from now on (it must have been
 * started with `monitorCommands`): each is one round trip to the database.
 */
export function countCommands(server: RunningServer) {
  const seen: string[] = [];
  const details: { name: string; collection: unknown; filter: unknown }[] = [];
  const onCommand = (e: { commandName: string; command: Record<string, unknown> }) => {
    seen.push(`${e.commandName} ${JSON.stringify(e.command[e.commandName])}`);
    details.push({ name: e.commandName, collection: e.command[e.commandName], filter: e.command.filter });
  };
  const client = server.ctx.conn.getClient();
  client.on('commandStarted', onCommand);
  return {
    get count() {
      return seen.length;
    },
    get commands() {
      return [...seen];
    },
    /** Each command's name, collection and filter (for a find). */
    get details() {
      return [...details];
    },
    reset() {
      seen.length = 0;
      details.length = 0;
    },
    stop() {
      client.off('commandStarted', onCommand);
    },
  };
}
