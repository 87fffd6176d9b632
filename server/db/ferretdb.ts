import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort, waitForPort } from './free-port.js';
import { superviseProcess, type SupervisedProcess } from './supervised-process.js';

export const FERRETDB_VERSION = 'v1.24.0';

/** Where `scripts/setup.mjs` builds the FerretDB binary (git-ignored). */
export function defaultFerretBinary(root = process.cwd()): string {
  return path.join(root, '.tools', 'bin', 'ferretdb');
}

/** Fails with what to do when the binary `npm run setup` builds is missing. */
export function assertFerretDbInstalled(binary: string) {
  if (!existsSync(binary)) {
    throw new Error(`FerretDB is not installed at ${binary}. Run "npm run setup" (needs Go) or set MONGODB_URI to a MongoDB server.`);
  }
}

/** FerretDB's own process: the MongoDB wire protocol on a loopback port. */
export interface FerretDbProcess extends SupervisedProcess {
  uri: string;
  port: number;
}

export type FerretBackend = { handler: 'sqlite' } | { handler: 'postgresql'; url: string };

export interface FerretDbOptions {
  binary: string;
  dataDir: string;
  /** SQLite files under `dataDir` (the default), or a PostgreSQL database FerretDB stores its collections in. */
  backend?: FerretBackend;
  database?: string;
  log?: (line: string) => void;
  /** One line when the process dies and when it is back. */
  onStateChange?: (message: string, level: 'error' | 'info') => void;
  /** Waits before each try to start it again, the last repeating (tests widen the first). */
  restartDelaysMs?: number[];
}

/**
 * Starts FerretDB on a free loopback port and keeps it running (restarted on
 * the same port if it dies; the driver then reconnects by itself). Telemetry
 * is always disabled and its debug listener is off: it never reaches outside
 * this machine. The PostgreSQL URL, password included, goes through the
 * environment, never the command line other users can read.
 */
export async function startFerretDb(opts: FerretDbOptions): Promise<FerretDbProcess> {
  assertFerretDbInstalled(opts.binary);
  const backend = opts.backend ?? { handler: 'sqlite' };
  const stateDir = path.resolve(opts.dataDir, 'state');
  mkdirSync(stateDir, { recursive: true });
  const args = [`--state-dir=${stateDir}`];
  const env: NodeJS.ProcessEnv = { ...process.env, DO_NOT_TRACK: '1' };
  if (backend.handler === 'sqlite') {
    const sqliteDir = path.resolve(opts.dataDir, 'sqlite');
    mkdirSync(sqliteDir, { recursive: true });
    args.push('--handler=sqlite', `--sqlite-url=file:${sqliteDir}/`);
  } else {
    args.push('--handler=postgresql');
    env.FERRETDB_POSTGRESQL_URL = backend.url;
  }
  const port = await freePort();
  args.push(`--listen-addr=127.0.0.1:${port}`, '--debug-addr=-', '--telemetry=disable', '--log-level=error', '--log-format=text');

  const proc = await superviseProcess({
    name: 'embedded database',
    spawn: () => spawn(opts.binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env }),
    ready: (exited) => waitForPort('127.0.0.1', port, 20_000, () => !exited()),
    log: opts.log ? (text) => logFerretLines(text, opts.log!) : undefined,
    onStateChange: opts.onStateChange,
    restartDelaysMs: opts.restartDelaysMs,
  });
  return Object.defineProperties(proc, {
    uri: { value: `mongodb://127.0.0.1:${port}/${opts.database ?? 'console'}`, enumerable: true },
    port: { value: port, enumerable: true },
  }) as FerretDbProcess;
}

/**
 * FerretDB logs, at error level, every write a unique index refused; the
 * console relies on exactly those refusals (claims and chains), so they are
 * expected outcomes, not errors worth a log line.
 */
export function logFerretLines(text: string, log: (line: string) => void) {
  for (const line of text.split('\n')) {
    if (!line.trim() || /duplicate key|E11000/i.test(line)) continue;
    log(line);
  }
}
