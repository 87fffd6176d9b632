import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort, waitForPort } from './free-port.js';

export const FERRETDB_VERSION = 'v1.24.0';

/** Where `scripts/setup.mjs` builds the FerretDB binary (git-ignored). */
export function defaultFerretBinary(root = process.cwd()): string {
  return path.join(root, '.tools', 'bin', 'ferretdb');
}

export interface EmbeddedDatabase extends EventEmitter<{ down: [reason: string]; up: [] }> {
  uri: string;
  port: number;
  /** False from the moment the process died until it accepts connections again. */
  readonly running: boolean;
  /** The process id of the database server (tests kill it to prove the restart). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface FerretDbOptions {
  binary: string;
  dataDir: string;
  database?: string;
  log?: (line: string) => void;
  /** One line when the database dies and when it is back. */
  onStateChange?: (message: string, level: 'error' | 'info') => void;
  /** Waits before each try to start it again, the last repeating (tests widen the first). */
  restartDelaysMs?: number[];
}

const RESTART_DELAYS_MS = [200, 500, 1000, 2000, 5000];

/**
 * Starts FerretDB (MongoDB wire protocol, SQLite backend) on a free loopback
 * port with its data in `dataDir`, and keeps it running: if the process dies
 * for any reason it is started again on the same port (the driver then
 * reconnects by itself), with growing delays while it keeps failing.
 * Telemetry is always disabled and its debug listener is off: it never
 * reaches outside this machine.
 */
export async function startFerretDb(opts: FerretDbOptions): Promise<EmbeddedDatabase> {
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
  const database = opts.database ?? 'console';

  const events = new EventEmitter<{ down: [reason: string]; up: [] }>();
  let child = null as ChildProcess | null;
  let running = false;
  let stopping = false;
  let failures = 0;
  let output = '';

  const spawnOnce = async () => {
    const proc = spawn(
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
    child = proc;
    let exited = false;
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-4000);
      opts.log?.(text.trimEnd());
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    proc.on('exit', (code, signal) => {
      exited = true;
      if (child === proc) child = null;
      const wasRunning = running;
      running = false;
      if (stopping) return;
      const reason = signal ? `signal ${signal}` : `exit code ${code}`;
      if (wasRunning) {
        opts.onStateChange?.(`The embedded database stopped unexpectedly (${reason}); restarting it. Requests answer 503 until it is back.`, 'error');
        events.emit('down', reason);
      }
      scheduleRestart();
    });
    await waitForPort('127.0.0.1', port, 20_000, () => !exited);
    running = true;
    failures = 0;
  };

  const scheduleRestart = () => {
    const delays = opts.restartDelaysMs ?? RESTART_DELAYS_MS;
    const delay = delays[Math.min(failures, delays.length - 1)]!;
    failures++;
    setTimeout(() => {
      if (stopping) return;
      spawnOnce().then(
        () => {
          opts.onStateChange?.('The embedded database is back.', 'info');
          events.emit('up');
        },
        () => {
          /* its exit handler schedules the next try */
        },
      );
    }, delay).unref();
  };

  // The database never outlives the process that started it.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await spawnOnce();
  } catch (err) {
    stopping = true;
    child?.kill('SIGKILL');
    process.off('exit', killOnExit);
    throw new Error(`FerretDB did not start: ${(err as Error).message}\n${output}`);
  }

  // Getters, not copies: `running` and `pid` follow the process as it dies and comes back.
  return Object.defineProperties(events, {
    uri: { value: `mongodb://127.0.0.1:${port}/${database}`, enumerable: true },
    port: { value: port, enumerable: true },
    running: { get: () => running, enumerable: true },
    pid: { get: () => child?.pid, enumerable: true },
    stop: {
      value: () =>
        new Promise<void>((resolve) => {
          stopping = true;
          process.off('exit', killOnExit);
          const proc = child;
          if (!proc) return resolve();
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
          setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
        }),
    },
  }) as EmbeddedDatabase;
}
