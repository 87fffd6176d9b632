import { io as ioClient, type Socket } from 'socket.io-client';
import { ApiClient } from '../support/client.js';
import { addMember } from '../support/factories.js';
import type { AdminClient } from './clients.js';
import type { Cluster, Node } from './cluster.js';
import type { Team } from './world.js';

/**
 * The five faults. Each runs against the live load and returns what it
 * measured: recovery times (ms), violations of its own promises, and
 * figures for the report. The cluster is whole again when one returns.
 */

export interface FaultResult {
  recoveryMs: number[];
  violations: string[];
  notes: string[];
  /** Answers ≥ 500 that this fault allows (503 `unavailable` while the database is down). */
  allowed5xx?: (status: number, body: unknown) => boolean;
}

export interface FaultContext {
  cluster: Cluster;
  teams: Team[];
  clients: AdminClient[];
  /** A member of the first team the Redis fault removes and re-adds (revocation must fail closed). */
  probe: { client: ApiClient; userId: string; email: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (n: Node) => Boolean(n.child && n.child.exitCode === null && n.child.signalCode === null);

async function waitUntil(what: string, ms: number, f: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** The node holding a render now, if any (its pid is in the attempt's node id), else the one with the most clients. */
async function victim(fc: FaultContext): Promise<{ node: Node; renders: string[] }> {
  const live = fc.cluster.nodes.filter(alive);
  const attempts = await fc.cluster.observer.ctx.models.RenderAttempt.find({}).lean();
  const now = Date.now();
  // The node with the most sockets (they must come back elsewhere), among those running a render when one does.
  const rendersOf = (node: Node) => attempts.filter((a) => a.leaseUntil.getTime() > now && a.nodeId.includes(`:${node.child!.pid}:`)).map((a) => a.videoId);
  const score = (n: Node) => fc.clients.filter((c) => c.node === n).length * 10 + Math.min(rendersOf(n).length, 9);
  const node = live.sort((a, b) => score(b) - score(a))[0]!;
  return { node, renders: rendersOf(node) };
}

/** Time from `at` until each of `clients` had its next subscription acknowledged. */
async function reconnections(clients: AdminClient[], at: number, boundMs: number, violations: string[]) {
  const times: number[] = [];
  await waitUntil('clients to reconnect', 30_000, () => clients.every((c) => c.outages.some((o) => o.at >= at - 50 && o.back !== null))).catch((e: Error) => violations.push(e.message));
  for (const c of clients) {
    const o = c.outages.find((x) => x.at >= at - 50 && x.back !== null);
    if (!o) continue;
    const ms = o.back! - at;
    times.push(ms);
    if (ms > boundMs) violations.push(`${c.name} reconnected after ${ms} ms (bound ${boundMs} ms)`);
  }
  return times;
}

export async function killNode(fc: FaultContext): Promise<FaultResult> {
  const { node, renders } = await victim(fc);
  const mine = fc.clients.filter((c) => c.node === node);
  const violations: string[] = [];
  const at = Date.now();
  node.child!.kill('SIGKILL');
  await node.exited;
  const recoveryMs = await reconnections(mine, at, 5000, violations);
  await fc.cluster.startNode(node);
  return { recoveryMs, violations, notes: [`killed ${node.name} holding ${mine.length} sockets and ${renders.length} renders`], renders } as FaultResult & { renders: string[] };
}

export async function drainNode(fc: FaultContext): Promise<FaultResult> {
  // The node with the most sockets: they are told to go and must come back elsewhere.
  const load = (n: Node) => fc.clients.filter((c) => c.node === n).length;
  const node = fc.cluster.nodes.filter(alive).sort((a, b) => load(b) - load(a))[0]!;
  const mine = fc.clients.filter((c) => c.node === node);
  const violations: string[] = [];
  const at = Date.now();
  node.child!.kill('SIGTERM');
  // Readiness fails at once.
  let notReadyAt: number | null = null;
  while (notReadyAt === null && Date.now() - at < 5000) {
    try {
      const res = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 503) notReadyAt = Date.now();
      await res.body?.cancel();
    } catch {
      notReadyAt = Date.now();
    }
    if (notReadyAt === null) await sleep(10);
  }
  if (notReadyAt === null || notReadyAt - at > 500) violations.push(`${node.name}: /readyz still ready ${notReadyAt === null ? '≥ 5000' : notReadyAt - at} ms after SIGTERM`);
  const code = await Promise.race([node.exited, sleep(30_000).then(() => 'timeout' as const)]);
  const exitMs = Date.now() - at;
  if (code === 'timeout') {
    violations.push(`${node.name} still running 30 s after SIGTERM`);
    node.child!.kill('SIGKILL');
    await node.exited;
  } else if (code !== 0) violations.push(`${node.name} exited with ${code} after SIGTERM`);
  const recoveryMs = await reconnections(mine, at, 30_000, violations);
  await fc.cluster.startNode(node);
  return { recoveryMs, violations, notes: [`drained ${node.name} (${mine.length} sockets): not ready after ${notReadyAt === null ? '?' : notReadyAt - at} ms, exited after ${exitMs} ms`] };
}

/**
 * Renames one of the team's templates straight through `node` (an asset
 * write: no cache entry to invalidate, so nothing waits for Redis) and
 * returns the new name, when it was sent and the reply's promise.
 */
function renameAsset(fc: FaultContext, node: Node, watcher: AdminClient) {
  const team = fc.teams.find((t) => t.root === watcher.workspaceId)!;
  const direct = new ApiClient(node.url);
  direct.cookie = team.admins[0]!.client.cookie;
  const name = `Faults ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const sent = Date.now();
  const reply = direct.request('PATCH', `/api/workspaces/${team.root}/assets/${team.assets[0]}`, { name }).catch(() => null);
  return { name, sent, reply };
}

/** When `watcher` was shown the rename to `name`, if it was. */
function shownAt(watcher: AdminClient, name: string): number | null {
  const e = watcher.delivered.find((x) => x.type === 'asset.updated' && (x.data as { asset?: { name?: string } }).asset?.name === name);
  return e ? watcher.shownAt.get(e.id) ?? null : null;
}

export async function restartRedis(fc: FaultContext): Promise<FaultResult> {
  const violations: string[] = [];
  const notes: string[] = [];
  // A workspace whose admins sit on two different nodes: A publishes, B's client must see it.
  const live = fc.clients.filter((c) => c.socket?.connected && c.node && alive(c.node));
  const onA = live.find((c) => live.some((d) => d.workspaceId === c.workspaceId && d.node !== c.node))!;
  const onB = live.find((d) => d.workspaceId === onA.workspaceId && d.node !== onA.node)!;
  const [a, b] = [onA.node!, onB.node!];
  // The probe's access is warm in node B's cache before Redis goes.
  const probeOnB = new ApiClient(b.url);
  probeOnB.cookie = fc.probe.client.cookie;
  const probeTeam = fc.teams[0]!;
  await probeOnB.get(`/api/workspaces/${probeTeam.root}`);

  let redisBack: number | null = null;
  const stoppedAt = Date.now();
  const down = fc.cluster.restartRedis(5000).then(() => void (redisBack = Date.now()));
  // Cross-node delivery resumes: from the moment Redis is back, a change is
  // sent through A every 250 ms, each watched on B's client until the deadline
  // (a slow answer under load is not a lost event). Runs alongside the probes below.
  const resume = (async () => {
    await down;
    const back = redisBack!;
    const sent: string[] = [];
    let last = 0;
    while (Date.now() - back < 20_000) {
      if (Date.now() - last >= 250) {
        const r = renameAsset(fc, a, onB);
        sent.push(r.name);
        last = r.sent;
        void r.reply;
      }
      const shown = sent.map((name) => shownAt(onB, name)).filter((t): t is number => t !== null);
      if (shown.length) return { resumedMs: Math.min(...shown) - back, sent: sent.length };
      await sleep(20);
    }
    return { resumedMs: null, sent: sent.length };
  })();
  await sleep(500);
  // While Redis is down, a node's own clients still get its events.
  {
    const { name, sent, reply } = renameAsset(fc, a, onA);
    let seen: number | null = null;
    while (seen === null && redisBack === null) {
      seen = shownAt(onA, name);
      if (seen === null) await sleep(20);
    }
    const done = await reply;
    if (seen === null) violations.push(`${a.name}'s own client was not shown ${a.name}'s event while Redis was down (the write answered ${done?.status ?? 'nothing'})`);
    else notes.push(`own event during the outage shown after ${seen - sent} ms`);
  }
  // Revocation fails closed: the probe removed on A is refused on B. (A membership write waits out the cache's life, 5 s, since no node can confirm it.)
  const adminOnA = new ApiClient(a.url);
  adminOnA.cookie = probeTeam.admins[0]!.client.cookie;
  const removed = await adminOnA.request('DELETE', `/api/workspaces/${probeTeam.root}/members/${fc.probe.userId}`);
  if (removed.status === 204) {
    const after = await probeOnB.get(`/api/workspaces/${probeTeam.root}`);
    if (after.status !== 404) violations.push(`removed member still let in by ${b.name} while Redis was down (${after.status})`);
  } else notes.push(`probe removal during the outage answered ${removed.status}`);
  await down;
  notes.push(`Redis down ${redisBack! - stoppedAt} ms`);
  const { resumedMs, sent } = await resume;
  if (resumedMs === null) violations.push(`cross-node events did not resume within 20 s of Redis coming back (${sent} changes sent through ${a.name}, none shown on ${b.name})`);
  const resumed = resumedMs;
  // Put the probe back for the next round (a fixture: adding someone through the API asks for their consent).
  if (removed.status === 204) await addMember(fc.cluster.observer.ctx, probeTeam.root, { _id: fc.probe.userId }, 'creator');
  for (const n of fc.cluster.nodes) if (!alive(n)) violations.push(`${n.name} died during the Redis restart`);
  return { recoveryMs: resumed === null ? [] : [resumed], violations, notes };
}

export async function restartDatabase(fc: FaultContext): Promise<FaultResult> {
  const violations: string[] = [];
  const notes: string[] = [];
  const team = fc.teams[0]!;
  const killed = fc.cluster.killDatabase();
  const at = Date.now();
  await sleep(1500);
  // Requests during the outage: 503 `unavailable`, quickly.
  const probes = await Promise.all(
    fc.cluster.nodes.filter(alive).map(async (n) => {
      const client = new ApiClient(n.url);
      client.cookie = team.admins[0]!.client.cookie;
      const started = Date.now();
      const r = await client.get(`/api/workspaces/${team.root}`).catch(() => null);
      const ready = await fetch(`${n.url}/readyz`).then((x) => x.status).catch(() => 0);
      return { node: n.name, status: r?.status ?? 0, code: r?.body?.error?.code, ms: Date.now() - started, ready };
    }),
  );
  for (const p of probes) {
    if (p.status !== 503 || p.code !== 'unavailable') violations.push(`${p.node}: a request during the database outage got ${p.status} ${p.code ?? ''}`);
    if (p.ms > 6000) violations.push(`${p.node}: a request during the database outage took ${p.ms} ms`);
    if (p.ready !== 503) violations.push(`${p.node}: /readyz answered ${p.ready} during the database outage`);
  }
  notes.push(`during the outage: ${probes.map((p) => `${p.node} ${p.status} in ${p.ms} ms, readyz ${p.ready}`).join('; ')}`);
  await killed;
  const up = Date.now();
  const recoveryMs: number[] = [];
  for (const n of fc.cluster.nodes.filter(alive)) {
    const client = new ApiClient(n.url);
    client.cookie = team.admins[0]!.client.cookie;
    await waitUntil(`${n.name} to serve again`, 30_000, async () => (await client.get(`/api/workspaces/${team.root}`).catch(() => null))?.status === 200)
      .then(() => recoveryMs.push(Date.now() - up))
      .catch((e: Error) => violations.push(e.message));
  }
  notes.push(`database down ${up - at} ms`);
  return { recoveryMs, violations, notes, allowed5xx: (status) => status === 503 };
}

/**
 * 200 sockets that stop reading (their TCP sockets paused) beside the
 * admins: delivery to the admins is compared with the seconds before, and
 * the stalled sockets must be dropped by the server.
 */
export async function slowClients(fc: FaultContext): Promise<FaultResult> {
  const violations: string[] = [];
  // Each client's delivery latencies from a mark on (per client: their logs grow side by side).
  const mark = () => fc.clients.map((c) => c.latencies.length);
  const since = (from: number[]) => fc.clients.flatMap((c, i) => c.latencies.slice(from[i]));
  const slowCount = () => fc.clients.reduce((a, c) => ({ replayed: a.replayed + c.slow.replayed, live: a.live + c.slow.live }), { replayed: 0, live: 0 });
  const before = mark();
  await sleep(4000);
  const baseline = since(before);
  const stalled: Socket[] = [];
  const nodes = fc.cluster.nodes.filter(alive);
  await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      const team = fc.teams[i % fc.teams.length]!;
      const admin = team.admins[i % team.admins.length]!;
      const socket = ioClient(nodes[i % nodes.length]!.url, { transports: ['websocket'], extraHeaders: { cookie: admin.client.cookie }, reconnection: false, forceNew: true });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      await socket.timeout(5000).emitWithAck('workspace:subscribe', { workspaceId: team.root });
      stalled.push(socket);
    }),
  );
  let closedAt = 0;
  let closed = 0;
  const tcpOf = (s: Socket) => (s.io.engine?.transport as unknown as { ws?: { _socket?: { pause(): void; resume(): void } } } | undefined)?.ws?._socket;
  for (const s of stalled) {
    // The websocket's TCP socket stops being read: the server's writes pile up.
    tcpOf(s)?.pause();
    s.on('disconnect', () => {
      closed++;
      closedAt = Date.now();
    });
  }
  const stalledAt = Date.now();
  const stalledMark = mark();
  const slowBefore = slowCount();
  await sleep(8000);
  const during = since(stalledMark);
  const slowNow = slowCount();
  const slow = { replayed: slowNow.replayed - slowBefore.replayed, live: slowNow.live - slowBefore.live };
  // Long enough for the server to give up on them; then let them read, and they find their connection closed.
  await sleep(20_000);
  for (const s of stalled) tcpOf(s)?.resume();
  await waitUntil('stalled sockets to find themselves dropped', 10_000, () => closed === stalled.length).catch(() => undefined);
  const stillOpen = stalled.filter((s) => s.connected).length;
  if (stillOpen) violations.push(`${stillOpen} stalled sockets were not dropped within ${Date.now() - stalledAt} ms`);
  for (const s of stalled) s.close();
  const p = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]! : 0);
  const bound = Math.max(500, p(baseline, 0.99) * 5);
  if (p(during, 0.99) > bound) violations.push(`delivery p99 ${p(during, 0.99)} ms with 200 stalled sockets, bound ${bound} ms (baseline p99 ${p(baseline, 0.99)} ms)`);
  return {
    recoveryMs: [closedAt ? closedAt - stalledAt : 0],
    violations,
    notes: [`delivery to the admins: baseline p50 ${p(baseline, 0.5)} / p99 ${p(baseline, 0.99)} ms (${baseline.length} events); with 200 stalled sockets p50 ${p(during, 0.5)} / p99 ${p(during, 0.99)} ms (${during.length} events); stalled sockets dropped ${stalled.length - stillOpen}/${stalled.length}; shown > 1 s after storing meanwhile: ${slow.live} live, ${slow.replayed} by replay`],
  };
}
