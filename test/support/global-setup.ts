import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startFerretDb, defaultFerretBinary } from '../../server/db/ferretdb.js';
import { startRedis } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    ferretUri: string;
    redisUrl: string;
  }
}

/**
 * One real FerretDB and one real Redis for the whole run, each on a free
 * loopback port with its data in a temporary folder. Every test file gets
 * its own database name, so files never see each other's data.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'wsc-test-'));
  const db = await startFerretDb({ binary: process.env.FERRETDB_BIN ?? defaultFerretBinary(), dataDir: path.join(dir, 'ferret') });

  const redis = await startRedis(dir);

  project.provide('ferretUri', db.uri);
  project.provide('redisUrl', redis.url);

  return async () => {
    await redis.stop();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
