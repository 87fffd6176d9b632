/**
 * `npm run test:faults`: three console nodes, one Redis, the embedded
 * database and a round-robin proxy under a steady load of admin actions;
 * each fault in turn, `--reps` times (FAULT_REPS, default 5), with every
 * invariant checked after each. Appends its figures to bench/FAULTS.md
 * (unless `--no-report`) and exits non-zero on any violation.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { addMember, createUser } from '../support/factories.js';
import { Cluster } from './cluster.js';
import { AdminClient } from './clients.js';
import { drainNode, killNode, restartDatabase, restartRedis, slowClients, type FaultContext, type FaultResult } from './faults.js';
import { checkAcked, checkClients, checkLedgers, checkSeats, checkStreams, checkVideos, undelivered } from './invariants.js';
import { buildWorld, Load } from './world.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const REPS = Number(arg('--reps') ?? process.env.FAULT_REPS ?? 5);
const ONLY = arg('--only')?.split(',');
const SEED = Number(arg('--seed') ?? process.env.FAULT_SEED ?? 13);
const RATE = Number(arg('--rate') ?? 20);
const REPORT = !args.includes('--no-report');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (...xs: unknown[]) => console.log(`[faults ${new Date().toISOString().slice(11, 19)}]`, ...xs);

interface Row {
  fault: string;
  runs: number;
  events: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  acked: number;
  recovery: number[];
  fiveXx: number;
  unknown: number;
  violations: string[];
  notes: string[];
}

async function main() {
  const started = Date.now();
  const cluster = new Cluster();
  let failed = false;
  const rows: Row[] = [];
  let load: Load | null = null;
  let clients: AdminClient[] = [];
  try {
    await cluster.start(3);
    log(`3 nodes up on ${cluster.nodes.map((n) => n.port).join(', ')}, proxy ${cluster.proxyUrl}`);
    const teams = await buildWorld(cluster);
    const ctx = cluster.observer.ctx;
    const probeUser = await createUser(ctx, cluster.proxyUrl, 'Probe');
    await addMember(ctx, teams[0]!.root, probeUser.user, 'creator');
    clients = teams.flatMap((t, w) => t.admins.map((a, i) => new AdminClient(`admin ${w}.${i}`, a.user._id, a.client, t.root, cluster)));
    await Promise.all(clients.map((c) => c.start()));
    log(`${clients.length} admins subscribed to ${teams.length} workspaces`);
    const fc: FaultContext = { cluster, teams, clients, probe: { client: probeUser.client, userId: probeUser.user._id, email: probeUser.email } };
    load = new Load(teams, SEED);
    load.start(RATE);

    const faults: [string, () => Promise<FaultResult>][] = [
      ['kill a node (SIGKILL)', () => killNode(fc)],
      ['drain a node (SIGTERM)', () => drainNode(fc)],
      ['restart Redis (down 5 s)', () => restartRedis(fc)],
      ['restart the database (down 5 s)', () => restartDatabase(fc)],
      ['200 stalled sockets', () => slowClients(fc)],
    ];
    let prev = { checked: 0, lost: 0, duplicated: 0, outOfOrder: 0, acked: 0 };
    for (const [i, [name, run]] of faults.entries()) {
      if (ONLY && !ONLY.includes(String(i + 1))) continue;
      const row: Row = { fault: name, runs: 0, events: 0, lost: 0, duplicated: 0, outOfOrder: 0, acked: 0, recovery: [], fiveXx: 0, unknown: 0, violations: [], notes: [] };
      rows.push(row);
      for (let rep = 1; rep <= REPS; rep++) {
        await sleep(2000);
        const errorsFrom = { server: cluster.serverErrors.length, proxy: cluster.proxyErrors.length };
        const result = await run();
        await sleep(2000);
        await load.stop();
        // Delivery settles (a hole is repaired within a second or two), then everything is checked.
        const settleFrom = Date.now();
        while ((await undelivered(ctx, clients)) > 0 && Date.now() - settleFrom < 20_000) await sleep(250);
        const checks = await Promise.all([checkSeats(ctx, teams), checkLedgers(ctx, teams), checkStreams(ctx, teams), checkAcked(ctx, teams, load.log), checkClients(ctx, clients, load.log)]);
        const [seats, ledgers, streams, acked, screens] = checks;
        const serverErrors = cluster.serverErrors.slice(errorsFrom.server);
        const proxyErrors = cluster.proxyErrors.slice(errorsFrom.proxy);
        const allowed = (s: number) => result.allowed5xx?.(s, null) ?? false;
        const fiveXx = serverErrors.filter((e) => !allowed(e.status));
        const violations = [...result.violations, ...seats, ...ledgers, ...streams.violations, ...acked.violations, ...screens.violations];
        if (fiveXx.length) violations.push(`${fiveXx.length} answers ≥ 500: ${fiveXx.slice(0, 3).map((e) => `${e.status} ${e.path} on ${e.node} ${e.detail ?? ''}`).join('; ')}`);
        // A request on a node that died with it has no known outcome; a drain must leave none.
        if (name.startsWith('drain') && proxyErrors.length) violations.push(`${proxyErrors.length} requests lost by the drained node: ${proxyErrors.slice(0, 3).map((e) => e.reason).join('; ')}`);
        row.runs++;
        row.events += screens.checked - prev.checked;
        row.lost += screens.lost - prev.lost;
        row.duplicated += screens.duplicated - prev.duplicated;
        row.outOfOrder += screens.outOfOrder - prev.outOfOrder;
        row.acked += load.log.total - prev.acked;
        row.recovery.push(...result.recoveryMs);
        row.fiveXx += fiveXx.length + (name.startsWith('drain') ? proxyErrors.length : 0);
        row.unknown += proxyErrors.length;
        row.violations.push(...violations.map((v) => `rep ${rep}: ${v}`));
        row.notes.push(...result.notes.map((n) => `rep ${rep}: ${n}`));
        prev = { checked: screens.checked, lost: screens.lost, duplicated: screens.duplicated, outOfOrder: screens.outOfOrder, acked: load.log.total };
        log(`${name} #${rep}: ${violations.length ? `${violations.length} VIOLATIONS\n  ${violations.slice(0, 12).join('\n  ')}` : 'ok'} — ${result.notes.join('; ')}; recovery ${result.recoveryMs.join(', ')} ms`);
        load.start(RATE);
      }
    }
    await load.stop();
    // Renders settle: every job finished, each charged once; some were taken over from killed nodes.
    const settle = Date.now();
    let videos = await checkVideos(ctx, load.log);
    while (videos.violations.some((v) => v.includes('still')) && Date.now() - settle < 90_000) {
      await sleep(1000);
      videos = await checkVideos(ctx, load.log);
    }
    log(`videos: ${videos.finished} finished, ${videos.takenOver} taken over from another node, ${videos.violations.length} violations`);
    if (videos.violations.length) rows.push({ fault: 'renders (after all faults)', runs: 1, events: 0, lost: 0, duplicated: 0, outOfOrder: 0, acked: 0, recovery: [], fiveXx: 0, unknown: 0, violations: videos.violations, notes: [] });
    failed = rows.some((r) => r.violations.length > 0 || r.lost > 0 || r.duplicated > 0);
    const summary = { seconds: Math.round((Date.now() - started) / 1000), acked: load.log.counts, statuses: load.log.statuses, videos };
    log(JSON.stringify(summary));
    if (REPORT) report(rows, summary, videos);
  } catch (err) {
    failed = true;
    console.error(err);
    for (const n of cluster.nodes) console.error(`--- ${n.name} output (tail)\n${n.output.slice(-3000)}`);
  } finally {
    await load?.stop();
    for (const c of clients) c.close();
    await cluster.stop().catch(() => undefined);
  }
  for (const r of rows) log(`${r.fault}: ${r.runs} runs, ${r.events} events checked, ${r.lost} lost, ${r.duplicated} duplicated, ${r.violations.length} violations`);
  console.log(failed ? 'faults: FAILED' : 'faults: passed');
  process.exit(failed ? 1 : 0);
}

const pct = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]! : null);

function report(rows: Row[], summary: { seconds: number; acked: Record<string, number> }, videos: { finished: number; takenOver: number }) {
  const file = new URL('../../bench/FAULTS.md', import.meta.url);
  if (!existsSync(file))
    writeFileSync(
      file,
      '# Fault runs\n\nAppended by `npm run test:faults` (test/faults/): three nodes, one Redis, the embedded database, 30 admins on 5 workspaces, ~20 admin actions/s. "Events checked" counts, per run, the events each admin\'s screen had to show; "lost" those it never showed; "recovery" is the fault\'s own measure (see the notes). Newest run last.\n',
    );
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const lines = [
    '',
    `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — ${rows.every((r) => !r.violations.length && !r.lost && !r.duplicated) ? 'passed' : 'FAILED'}`,
    '',
    `Machine: ${machine}. Run: ${summary.seconds} s, seed ${SEED}, ${REPS} repetitions per fault. Acknowledged writes: ${Object.entries(summary.acked)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}. Renders: ${videos.finished} finished, ${videos.takenOver} taken over after their node died, each charged once.`,
    '',
    '| Fault | Runs | Events checked | Lost | Duplicated | Out of order | Acked writes | Recovery p50 / max (ms) | 5xx | Unknown outcome | Violations |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.fault} | ${r.runs} | ${r.events} | ${r.lost} | ${r.duplicated} | ${r.outOfOrder} | ${r.acked} | ${pct(r.recovery, 0.5) ?? '–'} / ${r.recovery.length ? Math.max(...r.recovery) : '–'} | ${r.fiveXx} | ${r.unknown} | ${r.violations.length} |`),
    '',
    ...rows.flatMap((r) => [...r.notes.slice(0, 5), ...r.violations.slice(0, 10)].map((n) => `- ${r.fault}, ${n}`)),
  ];
  appendFileSync(file, lines.join('\n') + '\n');
}

void main();
