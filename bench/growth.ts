// Growth: do one small tenant's lists and permission-checked reads cost the
// same when other tenants hold 1k, 10k and 100k rows of every kind? Fills
// the database with foreign rows straight through the driver (batches of
// insertMany), then times each endpoint one request at a time, beside a bare
// Express handler sending the same bytes, on the embedded PostgreSQL backend
// (the default) and on SQLite. Appends a dated section and an SVG chart.
// Run: npx tsx bench/growth.ts [--iterations=60] [--sizes=1000,10000,100000]
//      [--sqlite-sizes=1000,10000] [--sqlite-iterations=3] [--backends=postgresql,sqlite] [--no-record]
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import express from 'express';
import pg from 'pg';
import { io as ioClient } from 'socket.io-client';
import { defaultFerretBinary } from '../server/db/ferretdb.js';
import { startEmbeddedDatabase, type EmbeddedBackend } from '../server/db/embedded.js';
import { startForeignTenants, growForeignTenants } from '../test/support/foreign-tenants.js';
import { startConsoleNode, type BenchSocket } from './console-nodes.js';
import { buildSmallTenant, type Endpoint } from './growth-tenant.js';
import { renderChart } from './growth-chart.js';
import { summarize, formatMs, type LatencySummary } from './stats.js';
import { machineFacts, recordRun } from './report.js';

const argOf = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const listArg = (name: string, fallback: string) => (argOf(name) ?? fallback).split(',').filter(Boolean);
const ITERATIONS = Number(argOf('iterations') ?? 60);
// On SQLite a request at 10k rows takes seconds (it scans whole collections): a few are enough to see it.
const SQLITE_ITERATIONS = Number(argOf('sqlite-iterations') ?? 3);
const SIZES = listArg('sizes', '1000,10000,100000').map(Number);
// SQLite reads no index: every request scans whole collections, and 100k rows of each kind take minutes to write and to read.
const SQLITE_SIZES = listArg('sqlite-sizes', '1000,10000').map(Number);
const BACKENDS = listArg('backends', 'postgresql,sqlite') as EmbeddedBackend[];
const RECORD = !process.argv.includes('--no-record');
const warmupOf = (count: number) => Math.min(5, Math.max(1, Math.floor(count / 5)));
const TARGET_GROWTH = 1.5;
const TARGET_MS = 50;

interface Cell {
  console: LatencySummary;
  bare: LatencySummary;
  errors: number;
}
type Results = Map<string, Map<number, Cell>>;

/** `count` requests one after the other on a keep-alive connection: latency, not throughput. */
async function timeRequests(url: string, cookie: string, count: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<number>((resolve, reject) => {
      const req = http.get(url, { agent, headers: cookie ? { cookie } : {} }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
  let errors = 0;
  for (let i = 0; i < warmupOf(count); i++) await get();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    if ((await get()) !== 200) errors++;
    times.push(performance.now() - t);
  }
  agent.destroy();
  return { latency: summarize(times), errors };
}

/** `workspace:subscribe` with a cursor ten events back, acknowledged: the catch-up a reconnecting client makes. */
async function timeReplay(url: string, cookie: string, workspaceId: string, count: number) {
  const socket: BenchSocket = ioClient(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  try {
    const first = (await socket.timeout(10_000).emitWithAck('workspace:subscribe', { workspaceId })) as { ok: boolean; cursor: string };
    const since = first.cursor.replace(/\d+$/, (d) => String(Number(d) - 10).padStart(d.length, '0'));
    let errors = 0;
    const times: number[] = [];
    const warmup = warmupOf(count);
    for (let i = 0; i < warmup + count; i++) {
      const t = performance.now();
      const ack = (await socket.timeout(10_000).emitWithAck('workspace:subscribe', { workspaceId, since })) as { ok: boolean; missed?: unknown[] };
      if (!ack.ok || ack.missed?.length !== 10) errors++;
      if (i >= warmup) times.push(performance.now() - t);
    }
    return { latency: summarize(times), errors };
  } finally {
    socket.close();
  }
}

async function vacuumAnalyze(url: string) {
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  try {
    await sql.query('VACUUM (ANALYZE)');
  } finally {
    await sql.end();
  }
}

async function runBackend(backend: EmbeddedBackend, sizes: number[], results: Results, notes: string[]) {
  const dir = mkdtempSync(path.join(tmpdir(), `wsc-bench-growth-${backend}-`));
  chmodSync(dir, 0o711);
  const db = await startEmbeddedDatabase({ backend, ferretBinary: defaultFerretBinary(), dataDir: path.join(dir, 'db'), ephemeral: true });
  const node = await startConsoleNode(db.uri);
  const bare = http.createServer();
  try {
    const tenant = await buildSmallTenant(node);
    const bodies = new Map<string, string>();
    const app = express();
    app.use((req, res) => void res.type('json').send(bodies.get(req.url) ?? '{}'));
    bare.on('request', app);
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
    const fill = await startForeignTenants(node.ctx.models);
    const count = backend === 'sqlite' ? SQLITE_ITERATIONS : ITERATIONS;
    for (const size of sizes) {
      const t0 = performance.now();
      await growForeignTenants(node.ctx.models, fill, size, { parallel: backend === 'postgresql' });
      // A settled database, as after a night: autovacuum's analyze of a million fresh rows would otherwise run during the timing.
      if (db.postgres) await vacuumAnalyze(db.postgres.url);
      const filled = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      const record = (e: Pick<Endpoint, 'label'>, cell: Cell) => {
        const key = `${backend}|${e.label}`;
        if (!results.has(key)) results.set(key, new Map());
        results.get(key)!.set(size, cell);
      };
      for (const e of tenant.endpoints) {
        const body = await fetch(node.url + e.path, { headers: { cookie: e.cookie } }).then((r) => r.text());
        bodies.set(e.path, body);
        const real = await timeRequests(node.url + e.path, e.cookie, count);
        const base = await timeRequests(bareUrl + e.path, '', count);
        record(e, { console: real.latency, bare: base.latency, errors: real.errors });
      }
      const replay = await timeReplay(node.url, tenant.ownerCookie, tenant.ws, count);
      record({ label: REPLAY }, { console: replay.latency, bare: { count: 0, p50: NaN, p99: NaN, max: NaN }, errors: replay.errors });
      const timed = (performance.now() - t1) / 1000;
      const load = os.loadavg()[0]!.toFixed(1);
      const line = `${backend}: ${size} foreign rows of each kind written${db.postgres ? ' (and vacuumed)' : ''} in ${filled.toFixed(0)} s, timed in ${timed.toFixed(0)} s (${count} requests per endpoint; load average ${load} on ${os.cpus().length} cores)`;
      console.log(`[growth] ${line}`);
      notes.push(line);
    }
  } finally {
    await new Promise<void>((resolve) => bare.close(() => resolve()));
    await node.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const REPLAY = 'event replay (subscribe since, 10 missed)';
const isList = (label: string) => !label.startsWith('GET /api/workspaces/:id') && label !== 'GET /api/me';

function render(started: Date, results: Results, notes: string[], chartFile: string | null, seconds: number) {
  const m = machineFacts();
  const lines = [
    `## ${started.toISOString().replace('T', ' ').slice(0, 16)} UTC — growth: one small tenant while other tenants grow`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; Node ${m.node}. Whole run ${seconds.toFixed(0)} s.`,
    '',
    'Other tenants get N rows of each kind (people with a session and a membership, seats, audit entries, events, unread notifications, assets, asset shares, pending invitations, pending join requests) over 500 workspaces, written straight to the collections; the small tenant has five people, a sub-workspace, three assets, two invitations, a join request, 40 events and 20 notifications.',
    'Each endpoint is requested one request at a time (latency, not throughput) by its own signed-in user, then a bare Express handler sends the same bytes; event replay is a `workspace:subscribe` ten events back, acknowledged.',
    '',
  ];
  for (const backend of BACKENDS) {
    const sizes = backend === 'sqlite' ? SQLITE_SIZES : SIZES;
    const rows = [...results.entries()].filter(([k]) => k.startsWith(`${backend}|`));
    if (rows.length === 0) continue;
    const lo = sizes[0]!;
    const hi = sizes[sizes.length - 1]!;
    lines.push(
      `### ${backend === 'postgresql' ? 'FerretDB on PostgreSQL (the embedded default, GIN-mirrored indexes)' : 'FerretDB on SQLite (no index is ever used)'}`,
      '',
      `| Endpoint | ${sizes.map((s) => `p50 ${s / 1000}k`).join(' | ')} | ${sizes.map((s) => `p99 ${s / 1000}k`).join(' | ')} | p50 ${hi / 1000}k ÷ ${lo / 1000}k | ÷ bare at ${hi / 1000}k | Non-200 |`,
      `|---|${sizes.map(() => '---:').join('|')}|${sizes.map(() => '---:').join('|')}|---:|---:|---:|`,
    );
    for (const [key, cells] of rows) {
      const label = key.slice(backend.length + 1);
      const at = (s: number) => cells.get(s);
      const growth = (at(hi)?.console.p50 ?? NaN) / (at(lo)?.console.p50 ?? NaN);
      const vsBare = (at(hi)?.console.p50 ?? NaN) / (at(hi)?.bare.p50 ?? NaN);
      const errors = [...cells.values()].reduce((n, c) => n + c.errors, 0);
      lines.push(
        `| ${label} | ${sizes.map((s) => formatMs(at(s)?.console.p50 ?? NaN)).join(' | ')} | ${sizes.map((s) => formatMs(at(s)?.console.p99 ?? NaN)).join(' | ')} | ${Number.isFinite(growth) ? `${growth.toFixed(2)}×` : '–'} | ${Number.isFinite(vsBare) ? `${vsBare.toFixed(1)}×` : '–'} | ${errors} |`,
      );
    }
    lines.push('');
    if (backend === 'postgresql') {
      const missed = rows
        .filter(([k]) => isList(k.slice(backend.length + 1)))
        .flatMap(([k, cells]) => {
          const label = k.slice(backend.length + 1);
          const p50lo = cells.get(lo)?.console.p50 ?? NaN;
          const p50hi = cells.get(hi)?.console.p50 ?? NaN;
          const out: string[] = [];
          if (!(p50hi <= TARGET_GROWTH * p50lo)) out.push(`${label}: p50 at ${hi / 1000}k is ${(p50hi / p50lo).toFixed(2)}× its p50 at ${lo / 1000}k (target ≤ ${TARGET_GROWTH}×)`);
          if (!(p50hi <= TARGET_MS)) out.push(`${label}: p50 at ${hi / 1000}k is ${formatMs(p50hi)} ms (target ≤ ${TARGET_MS} ms)`);
          return out;
        });
      lines.push(missed.length ? `Targets missed on PostgreSQL (every list's p50 at ${hi / 1000}k ≤ ${TARGET_GROWTH}× its p50 at ${lo / 1000}k and ≤ ${TARGET_MS} ms):` : `Every list met both targets on PostgreSQL (p50 at ${hi / 1000}k ≤ ${TARGET_GROWTH}× p50 at ${lo / 1000}k, and ≤ ${TARGET_MS} ms).`, ...missed.map((x) => `- ${x}`), '');
    }
  }
  if (chartFile) lines.push(`![p50 latency against foreign rows](${chartFile})`, '', `Chart: [${chartFile}](${chartFile}) (p50 ms against rows of other tenants, both axes logarithmic).`, '');
  lines.push(...notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

async function main() {
  const started = new Date();
  const results: Results = new Map();
  const notes: string[] = [];
  for (const backend of BACKENDS) await runBackend(backend, backend === 'sqlite' ? SQLITE_SIZES : SIZES, results, notes);
  const seconds = (Date.now() - started.getTime()) / 1000;
  const chartFile = `growth-${started.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}.svg`;
  const panels = BACKENDS.map((backend) => ({
    title: backend === 'postgresql' ? 'FerretDB on PostgreSQL (embedded default)' : 'FerretDB on SQLite',
    series: [...results.entries()]
      .filter(([k]) => k.startsWith(`${backend}|`))
      .map(([k, cells]) => ({ label: k.slice(backend.length + 1), points: [...cells.entries()].map(([size, c]) => ({ size, ms: c.console.p50 })) })),
  }));
  const svg = renderChart(panels, `Growth bench ${started.toISOString().slice(0, 16)} UTC: p50 of one small tenant's requests`);
  if (RECORD) writeFileSync(path.join('bench', chartFile), svg);
  const section = render(started, results, notes, RECORD ? chartFile : null, seconds);
  console.log(section);
  if (RECORD) recordRun(path.join('bench', 'RESULTS.md'), section);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
