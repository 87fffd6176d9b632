import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort, waitForPort } from './free-port.js';

export const FERRETDB_VERSION = 'v1.24.0';

/** Where `scripts/setup.mjs` builds the FerretDB binary (git-ignored). */
export function defaultFerretBinary(root = process.cwd()): string {
  return path.join(root, '.tools', 'bin', 'ferretdb');
}

export interface EmbeddedDatabase {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts FerretDB (MongoDB wire protocol, SQLite backend) on a free loopback
 * port with its data in `dataDir`. Telemetry is always disabled and its debug
 * listener is off: it never reaches outside this machine.
 */
export async function startFerretDb(opts: { binary: string; dataDir: string; database?: string; log?: (line: string) => void }): Promise<EmbeddedDatabase> {
  if (!existsSync(opts.binary)) {
    throw new Error(
      `FerretDB is not installed at ${opts.binary}. Run "npm run setup" (needs Go) or set MONGODB_URI to a MongoDB server.`,
    );
  }
  const sqliteDir = path.resolve(opts.dataDir, 'sqlite');
  const stateDir = path.resolve(opts.dataDir, 'state');
  mkdirSync(sqliteDir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    opts.binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${sqliteDir}/`,
      `--state-dir=${stateDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
      '--log-format=text',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DO_NOT_TRACK: '1' } },
  );
  let exited = false;
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-4000);
    opts.log?.(text.trimEnd());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // The database never outlives the process that started it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.on('exit', () => {
    exited = true;
    process.off('exit', killOnExit);
  });
  try {
    await waitForPort('127.0.0.1', port, 20_000, () => !exited);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`FerretDB did not start: ${(err as Error).message}\n${output}`);
  }
  const database = opts.database ?? 'console';
  return {
    uri: `mongodb://127.0.0.1:${port}/${database}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
