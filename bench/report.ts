import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { formatMs, formatRatio, type LatencySummary } from './stats.js';
import type { Measurement } from './rounds.js';

export interface BenchRun {
  startedAt: Date;
  n: number;
  rounds: number;
  warmup: number;
  durationSeconds: number;
  rows: Measurement[];
  ratios: Array<{ label: string; of: Measurement; to: Measurement }>;
  notes: string[];
}

const HEADER = `# Benchmark results

Recorded by \`npm run bench\` (\`bench/fanout.ts\`); each run appends a dated
section. Figures are milliseconds on the machine named in the section.

**What is measured.** One process holds the server(s) and all N clients, so
every time is \`performance.now()\` on one clock:

- *delivery* = time a client's handler ran − time the publish call started,
  one value per client per round; p50 / p99 / max over all of them;
- *last client* = per round, the delivery time of the slowest client
  (the time until everyone has it); p50 / p99 over the rounds;
- *stored* = when the broadcast reached the Socket.IO adapter (for the
  publisher: once it has written the event to FerretDB);
- *send starts* / *send loop* = when the node began writing to its local
  sockets, and how long that synchronous loop took.

Rows: a raw \`ws\` server broadcasting one JSON string to N plain \`ws\`
clients (the floor); \`io.to(room).emit\` on a console node with no store
(Socket.IO's own cost); the real publisher (\`ctx.publisher.toWorkspace\`:
store in FerretDB, then emit to \`workspace:<id>\`); and, with Redis, two
console nodes sharing the database and a Redis streams adapter, N/2 clients
on each, the publisher called on node A. Every round waits until all N
clients have the event before the next starts; warm-up rounds are dropped.

Clients run on the same event loop as the server, so the client-side work
(WebSocket frame parsing, JSON decode) of all N clients is inside every
figure, for \`ws\` and Socket.IO alike: compare rows, not absolute values to
a real network.

How to read them:

- *send loop* end → *last client* is the clients' own work on the shared
  thread. \`socket.io-client\` costs more per message than a bare \`ws\`
  client plus \`JSON.parse\`, which is most of the gap between the raw
  \`ws\` row and the room-emit row; the server-side loops are close.
- The publisher row adds the *stored* time (the event insert and the sequence
  hint in FerretDB) in front of the same emit. With 50 rounds, p99 and max
  are one or two slow rounds: a FerretDB write stall (see *stored* p99) or a
  garbage-collection pause while the clients drain; \`BENCH_TRACE=1\` shows
  which.
- With Redis the publishing node writes to its own sockets only after its
  stream append (XADD) returns — the cluster adapter awaits it — while the
  other node's blocked stream read is woken by that same append. In this
  one-process harness node B's read and send loop then run before node A's
  XADD reply is handled, so node A's clients come out *later* than node B's;
  on separate machines both would pay about one Redis round trip.

\`BENCH_TRACE=1\` prints one line per round with its stage times.

**Run**: \`npm run bench\` (defaults N=1000, ROUNDS=50), or
\`npm run bench -- --n=200 --rounds=20\`, or \`N=2000 ROUNDS=30 npm run bench\`.
\`--redis\` requires the cross-node part, \`--no-redis\` skips it (it runs by
default when \`redis-server\` is on the PATH); \`--no-record\` leaves this
file alone.
`;

export function machineFacts() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

const cell = (s: LatencySummary | undefined, key: 'p50' | 'p99' | 'max') => (s ? formatMs(s[key]) : '');

/** The dated Markdown section of one run. */
export function renderRun(run: BenchRun): string {
  const m = machineFacts();
  const lines = [
    `## ${run.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC — N=${run.n}, ${run.rounds} rounds`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; Node ${m.node}.`,
    `Rounds: ${run.rounds} measured after ${run.warmup} warm-up; whole run ${run.durationSeconds.toFixed(0)} s.`,
    '',
    '| Setup | Clients | Delivery p50 | p99 | max | Last client p50 | p99 | Stored p50 | p99 | Send starts p50 | Send loop p50 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...run.rows.map(
      (r) =>
        `| ${r.label} | ${r.clients} | ${cell(r.deliveries, 'p50')} | ${cell(r.deliveries, 'p99')} | ${cell(r.deliveries, 'max')} | ` +
        `${cell(r.lastClient, 'p50')} | ${cell(r.lastClient, 'p99')} | ${cell(r.stored, 'p50')} | ${cell(r.stored, 'p99')} | ${cell(r.sendStart, 'p50')} | ${cell(r.sendLoop, 'p50')} |`,
    ),
    '',
    '| Ratio | Delivery p50 | Delivery p99 | Last client p50 |',
    '|---|---:|---:|---:|',
    ...run.ratios.map(
      ({ label, of, to }) =>
        `| ${label} | ${formatRatio(of.deliveries.p50, to.deliveries.p50)} | ${formatRatio(of.deliveries.p99, to.deliveries.p99)} | ` +
        `${formatRatio(of.lastClient.p50, to.lastClient.p50)} |`,
    ),
    ...(run.notes.length ? ['', ...run.notes.map((n) => `- ${n}`)] : []),
    '',
  ];
  return lines.join('\n');
}

/** Appends the run to `file`, creating it with its explanatory header first. */
export function recordRun(file: string, section: string) {
  if (!existsSync(file)) writeFileSync(file, HEADER);
  appendFileSync(file, `\n${section}`);
}
