/**
 * Event fan-out benchmark (DESIGN.md §4): latency of one workspace event to
 * N connected admins through the real publisher, against a raw `ws`
 * broadcast measured in the same run, and across two nodes through Redis.
 *
 *   npx tsx bench/fanout.ts [--n=1000] [--rounds=50] [--redis | --no-redis] [--client=wire|socket.io] [--no-record]
 *   (N and ROUNDS may also come from the environment)
 */
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { defaultFerretBinary } from '../server/db/ferretdb.js';
import { startEmbeddedDatabase, type EmbeddedBackend } from '../server/db/embedded.js';
import { rooms } from '../server/realtime/publisher.js';
import type { RunningServer } from '../server/server.js';
import { closeSockets, connectSubscribers, instrumentNode, seedAudience, startConsoleNode, type BenchSocket, type ClientKind } from './console-nodes.js';
import { hasRedisServer, startRedis } from '../test/support/redis-server.js';
import { DeliveryRecorder, runRounds, type Measurement } from './rounds.js';
import { measureWsBroadcast } from './ws-baseline.js';
import { recordRun, renderRun, type BenchRun } from './report.js';

const WARMUP = 5;

function readOptions(argv: string[], env: NodeJS.ProcessEnv) {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string, envName: string, fallback: number) => {
    const raw = argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? env[envName];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${envName} must be a positive integer (got ${JSON.stringify(raw)})`);
    return n;
  };
  const known = /^--(n=|rounds=|redis$|no-redis$|no-record$|client=(wire|socket\.io)$)/;
  const unknown = argv.filter((a) => !known.test(a));
  if (unknown.length) throw new Error(`unknown option(s): ${unknown.join(' ')}`);
  const n = value('n', 'N', 1000);
  const rounds = value('rounds', 'ROUNDS', 50);
  if (flag('redis') && !hasRedisServer()) throw new Error('--redis asked for the cross-node run, but redis-server is not on the PATH');
  const redis = flag('redis') || (!flag('no-redis') && hasRedisServer());
  if (redis && n < 2) throw new Error('the cross-node run needs N ≥ 2');
  const client: ClientKind = argv.find((a) => a.startsWith('--client='))?.slice('--client='.length) === 'socket.io' ? 'socket.io' : 'wire';
  return { n, rounds, redis, client, record: !flag('no-record') };
}

/** Each socket costs a descriptor on both ends, and the raw ws baseline doubles that again at its peak. */
function checkDescriptorLimit(n: number) {
  let limit = Number.POSITIVE_INFINITY;
  try {
    limit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || limit;
  } catch {
    /* no shell: trust the OS */
  }
  const needed = 2 * n + 200;
  if (needed > limit) throw new Error(`N=${n} needs about ${needed} open files, but ulimit -n is ${limit}: lower N or raise the limit`);
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

async function main() {
  const opts = readOptions(process.argv.slice(2), process.env);
  checkDescriptorLimit(opts.n);
  const startedAt = new Date();
  const t0 = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'wsc-bench-'));
  chmodSync(dir, 0o711); // the embedded PostgreSQL's own user passes through it
  // Stopped last-started-first, whatever happens.
  const stops: Array<() => unknown> = [];
  const stopAll = async () => {
    while (stops.length) await Promise.resolve(stops.pop()!()).catch((err) => log(`cleanup: ${(err as Error).message}`));
    rmSync(dir, { recursive: true, force: true });
  };
  // A terminal's Ctrl-C reaches both `npm run bench` and this process: stop once, ignore the echo.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    void stopAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const rows: Measurement[] = [];
  const ratios: BenchRun['ratios'] = [];
  const notes: string[] = [];
  notes.push(`Database: the embedded default on ${process.env.EMBEDDED_DB ?? 'postgresql'}.`);
  notes.push(opts.client === 'wire' ? "Console subscribers: bare `ws` clients speaking Socket.IO frames (`bench/wire-client.ts`), as cheap per message as the baseline's clients; `--client=socket.io` uses `socket.io-client`." : 'Console subscribers: `socket.io-client` (its decoding runs on the same thread, inside every figure).');
  const rounds = { rounds: opts.rounds, warmup: WARMUP };
  // A placeholder of the real id's length until the workspace exists, so every setup sends the same bytes.
  let workspaceId = '0'.repeat(24);
  const envelope = (seq: number) => ({
    id: `${rooms.workspace(workspaceId)}:${seq}`,
    type: 'workspace.updated' as const,
    workspaceId,
    actorId: null,
    at: new Date().toISOString(),
    data: { seq, sentAt: performance.now() },
  });
  const publishThrough = (node: RunningServer) => (seq: number) =>
    node.ctx.publisher.toWorkspace(workspaceId, 'members', { type: 'workspace.updated', actorId: null, data: { seq, sentAt: performance.now() } as never });

  try {
    log(`raw ws baseline: ${opts.n} clients, ${opts.rounds} rounds`);
    const ws = await measureWsBroadcast({ n: opts.n, ...rounds, envelope });
    rows.push(ws);

    log('starting FerretDB and one console node');
    const db = await startEmbeddedDatabase({ backend: (process.env.EMBEDDED_DB as EmbeddedBackend | undefined) ?? 'postgresql', ferretBinary: process.env.FERRETDB_BIN ?? defaultFerretBinary(), dataDir: path.join(dir, 'db'), ephemeral: true });
    stops.push(() => db.stop());
    const node = await startConsoleNode(db.uri);
    stops.push(() => node.close());
    const audience = await seedAudience(node, opts.n);
    workspaceId = audience.workspaceId;

    let recorder = new DeliveryRecorder([opts.n]);
    instrumentNode(node, 'a', (stage, at) => recorder.mark(stage, at));
    log(`connecting ${opts.n} Socket.IO clients`);
    const sockets = await connectSubscribers(node.url, audience.tokens, workspaceId, (_socket, seq) => recorder.deliver(seq, 0), opts.client);
    stops.push(() => closeSockets(sockets));

    log('socket.io room emit, no store');
    await runRounds(recorder, { ...rounds, publish: (seq) => node.io.to(rooms.workspace(workspaceId)).emit('event', envelope(seq)) });
    const emitOnly = recorder.measurement('socket.io `to(room).emit`, no store', 0, 'a', 'a:stored');
    rows.push(emitOnly);

    log('socket.io through the publisher');
    recorder = new DeliveryRecorder([opts.n]);
    await runRounds(recorder, { ...rounds, publish: publishThrough(node) });
    const published = recorder.measurement('socket.io + publisher (store, then emit)', 0, 'a', 'a:stored');
    rows.push(published);
    ratios.push({ label: 'publisher ÷ raw ws', of: published, to: ws });
    ratios.push({ label: 'room emit (no store) ÷ raw ws', of: emitOnly, to: ws });

    // Hand the descriptors back before the two-node part.
    await stops.pop()!();
    await stops.pop()!();

    if (opts.redis) {
      log('starting Redis and two console nodes sharing it and the database');
      const redis = await startRedis(dir);
      stops.push(() => redis.stop());
      const nodeA = await startConsoleNode(db.uri, redis.url);
      stops.push(() => nodeA.close());
      const nodeB = await startConsoleNode(db.uri, redis.url);
      stops.push(() => nodeB.close());
      const half = Math.floor(opts.n / 2);
      recorder = new DeliveryRecorder([half, opts.n - half]);
      instrumentNode(nodeA, 'a', (stage, at) => recorder.mark(stage, at));
      instrumentNode(nodeB, 'b', (stage, at) => recorder.mark(stage, at));
      log(`connecting ${half} clients to node A and ${opts.n - half} to node B`);
      const onA: BenchSocket[] = await connectSubscribers(nodeA.url, audience.tokens.slice(0, half), workspaceId, (_s, seq) => recorder.deliver(seq, 0), opts.client);
      stops.push(() => closeSockets(onA));
      const onB = await connectSubscribers(nodeB.url, audience.tokens.slice(half), workspaceId, (_s, seq) => recorder.deliver(seq, 1), opts.client);
      stops.push(() => closeSockets(onB));

      log('publisher on node A, Redis streams adapter');
      await runRounds(recorder, { ...rounds, publish: publishThrough(nodeA) });
      const local = recorder.measurement('Redis, 2 nodes: clients on node A (publishes)', 0, 'a', 'a:stored');
      const remote = recorder.measurement('Redis, 2 nodes: clients on node B', 1, 'b', 'a:stored');
      rows.push(local, remote);
      ratios.push({ label: 'node B ÷ node A (same publish)', of: remote, to: local });
      ratios.push({ label: 'node B ÷ single-node publisher', of: remote, to: published });
    } else {
      notes.push('Cross-node (Redis) part skipped: run with `--redis` and `redis-server` on the PATH.');
    }
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const run: BenchRun = { startedAt, n: opts.n, ...rounds, durationSeconds: (performance.now() - t0) / 1000, rows, ratios, notes };
  const section = renderRun(run);
  process.stdout.write(`\n${section}\n`);
  if (opts.record) {
    const file = path.join(import.meta.dirname, 'RESULTS.md');
    recordRun(file, section);
    log(`appended to ${path.relative(process.cwd(), file)}`);
  }
}

main().then(
  // Client and adapter timers may linger after close: the run is over either way.
  () => process.exit(0),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
