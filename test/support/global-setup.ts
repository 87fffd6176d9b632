import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startFerretDb, defaultFerretBinary } from '../../server/db/ferretdb.js';
import { freePort, waitForPort } from '../../server/db/free-port.js';

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

  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  let redisExited = false;
  redis.on('exit', () => (redisExited = true));
  await waitForPort('127.0.0.1', redisPort, 10_000, () => !redisExited);

  project.provide('ferretUri', db.uri);
  project.provide('redisUrl', `redis://127.0.0.1:${redisPort}`);

  return async () => {
    redis.kill('SIGTERM');
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
