import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { defaultFerretBinary } from '../../server/db/ferretdb.js';
import { startEmbeddedDatabase, type EmbeddedBackend } from '../../server/db/embedded.js';
import { startRedis } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    ferretUri: string;
    /** The PostgreSQL database under FerretDB (null on the SQLite backend). */
    postgresUrl: string | null;
    redisUrl: string;
  }
}

/**
 * One real embedded database (FerretDB over PostgreSQL, the console's
 * default; `EMBEDDED_DB=sqlite` runs the suite on SQLite) and one real Redis
 * for the whole run, each on a free loopback port with its data in a
 * temporary folder. Every test file gets its own database name, so files
 * never see each other's data.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'wsc-test-'));
  // PostgreSQL runs as its own user when the tests run as root: it must be able to pass through.
  chmodSync(dir, 0o711);
  const db = await startEmbeddedDatabase({
    backend: (process.env.EMBEDDED_DB as EmbeddedBackend | undefined) ?? 'postgresql',
    ferretBinary: process.env.FERRETDB_BIN ?? defaultFerretBinary(),
    dataDir: path.join(dir, 'db'),
    ephemeral: true,
  });

  const redis = await startRedis(dir);

  project.provide('ferretUri', db.uri);
  project.provide('postgresUrl', db.postgres?.url ?? null);
  project.provide('redisUrl', redis.url);

  return async () => {
    await redis.stop();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
