import { EventEmitter } from 'node:events';
import path from 'node:path';
import { assertFerretDbInstalled, startFerretDb, type FerretDbProcess } from './ferretdb.js';
import { installIndexMirror } from './index-mirror.js';
import { startPostgres, withDatabase, type EmbeddedPostgres } from './postgres.js';
import type { ProcessEvents } from './supervised-process.js';

export type EmbeddedBackend = 'postgresql' | 'sqlite';

/** The database the console starts itself when no MONGODB_URI is given. */
export interface EmbeddedDatabase extends EventEmitter<ProcessEvents> {
  /** The MongoDB wire protocol endpoint (FerretDB). */
  uri: string;
  backend: EmbeddedBackend;
  /** True while every process of it runs. */
  readonly running: boolean;
  /** FerretDB's process id (tests kill it to prove the restart). */
  readonly pid: number | undefined;
  /** On PostgreSQL: its server's process id and a URL to its FerretDB database (tests read plans and indexes). */
  readonly postgres: { readonly pid: number | undefined; url: string } | null;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** PostgreSQL (indexed; the default) or SQLite (no index is ever used: for tiny data). */
  backend?: EmbeddedBackend;
  ferretBinary: string;
  /** The MongoDB database name in `uri`. */
  database?: string;
  log?: (line: string) => void;
  onStateChange?: (message: string, level: 'error' | 'info') => void;
  restartDelaysMs?: number[];
  /** Throw-away data (tests, benchmarks): PostgreSQL skips fsync. */
  ephemeral?: boolean;
}

/** The PostgreSQL database FerretDB keeps every MongoDB database in (one schema each). */
const FERRET_PG_DATABASE = 'ferretdb';

/**
 * Starts the embedded database: on PostgreSQL, a PostgreSQL server from the
 * npm binaries with the index mirror installed, then FerretDB over it; on
 * SQLite, FerretDB alone. Each process is restarted if it dies; `running`
 * is false, and `down`/`up` are emitted, while any of them is away.
 */
export async function startEmbeddedDatabase(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const backend = opts.backend ?? 'postgresql';
  assertFerretDbInstalled(opts.ferretBinary);
  const dataDir = path.resolve(opts.dataDir);
  let postgres: EmbeddedPostgres | null = null;
  let ferret: FerretDbProcess;
  const common = { log: opts.log, onStateChange: opts.onStateChange, restartDelaysMs: opts.restartDelaysMs };
  if (backend === 'postgresql') {
    postgres = await startPostgres({ dataDir, ephemeral: opts.ephemeral, ...common });
    try {
      await withDatabase(postgres, FERRET_PG_DATABASE, installIndexMirror);
      ferret = await startFerretDb({
        binary: opts.ferretBinary,
        dataDir,
        database: opts.database,
        backend: { handler: 'postgresql', url: postgres.url(FERRET_PG_DATABASE) },
        ...common,
      });
    } catch (err) {
      await postgres.stop();
      throw err;
    }
  } else {
    ferret = await startFerretDb({ binary: opts.ferretBinary, dataDir, database: opts.database, ...common });
  }

  const parts = [ferret, ...(postgres ? [postgres] : [])];
  const events = new EventEmitter<ProcessEvents>();
  const running = () => parts.every((p) => p.running);
  let wasRunning = true;
  for (const part of parts) {
    part.on('down', (reason) => {
      if (!wasRunning) return;
      wasRunning = false;
      events.emit('down', reason);
    });
    part.on('up', () => {
      if (wasRunning || !running()) return;
      wasRunning = true;
      events.emit('up');
    });
  }

  const pgUrl = postgres?.url(FERRET_PG_DATABASE);
  return Object.defineProperties(events, {
    uri: { value: ferret.uri, enumerable: true },
    backend: { value: backend, enumerable: true },
    running: { get: running, enumerable: true },
    pid: { get: () => ferret.pid, enumerable: true },
    postgres: {
      value: postgres ? Object.defineProperties({}, { pid: { get: () => postgres!.pid, enumerable: true }, url: { value: pgUrl, enumerable: true } }) : null,
      enumerable: true,
    },
    stop: {
      value: async () => {
        await ferret.stop();
        await postgres?.stop();
      },
    },
  }) as EmbeddedDatabase;
}
