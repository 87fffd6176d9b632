// Permission-checked REST throughput: the console's real endpoints (session
// lookup → workspace access → query → present) against a bare Express handler
// that sends the very same bytes, measured in the same run on this machine.
// The two alternate in slices, so a change of load on the machine falls on both.
// Run: npx tsx bench/rest.ts [--seconds=10] [--concurrency=32] [--slices=5] [--no-record]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import express from 'express';
import { defaultFerretBinary } from '../server/db/ferretdb.js';
import { startEmbeddedDatabase, type EmbeddedBackend } from '../server/db/embedded.js';
import { createSession } from '../server/accounts/session.service.js';
import { createWorkspace } from '../test/support/factories.js';
import { createApiKey } from '../server/api-keys/api-key.service.js';
import { appendEntry } from '../server/credits/ledger.service.js';
import { startConsoleNode } from './console-nodes.js';
import { summarize, formatMs, type LatencySummary } from './stats.js';
import { machineFacts, recordRun } from './report.js';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? process.env[name.toUpperCase()] ?? fallback);
const SECONDS = arg('seconds', 10);
const CONCURRENCY = arg('concurrency', 32);
const SLICES = Math.max(1, arg('slices', 5));
const RECORD = !process.argv.includes('--no-record');

interface Result {
  label: string;
  requests: number;
  perSecond: number;
  latency: LatencySummary;
  errors: number;
}

/** A load target: `concurrency` keep-alive loops hitting `url`, run a slice at a time. */
function target(label: string, url: string, headers: Record<string, string>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  let elapsedMs = 0;
  const get = () =>
    new Promise<number>((resolve, reject) => {
      const req = http.get(url, { agent, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
  return {
    async warmUp() {
      for (let i = 0; i < 200; i++) await get();
    },
    async slice(ms: number) {
      const started = performance.now();
      const deadline = started + ms;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < deadline) {
            const t0 = performance.now();
            const status = await get().catch(() => 0);
            latencies.push(performance.now() - t0);
            if (status !== 200) errors++;
          }
        }),
      );
      elapsedMs += performance.now() - started;
    },
    result(): Result {
      agent.destroy();
      return { label, requests: latencies.length, perSecond: latencies.length / (elapsedMs / 1000), latency: summarize(latencies), errors };
    },
  };
}

/** `seconds` of load on each of the two, alternating in `SLICES` slices. */
async function compare(a: ReturnType<typeof target>, b: ReturnType<typeof target>) {
  await a.warmUp();
  await b.warmUp();
  for (let i = 0; i < SLICES; i++) {
    await a.slice((SECONDS * 1000) / SLICES);
    await b.slice((SECONDS * 1000) / SLICES);
  }
  return [a.result(), b.result()] as const;
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wsc-bench-rest-'));
  const backend = (process.env.EMBEDDED_DB as EmbeddedBackend | undefined) ?? 'postgresql';
  const db = await startEmbeddedDatabase({ backend, ferretBinary: defaultFerretBinary(), dataDir: dir, ephemeral: true });
  // The metered call is measured, not its rate limit: the limits are set out of reach.
  const node = await startConsoleNode(db.uri, undefined, { API_RATE_PER_MINUTE: '1000000', API_WORKSPACE_RATE_PER_MINUTE: '1000000' });
  const bare = http.createServer();
  try {
    const { User } = node.ctx.models;
    const stamp = Date.now().toString(36);
    const users = await User.insertMany(Array.from({ length: 21 }, (_, i) => ({ email: `rest.${stamp}.${i}@example.com`, name: `Rest ${i}`, passwordHash: 'x' })));
    const [owner, ...members] = users.map((u) => String(u._id));
    const ws = await createWorkspace(node.ctx, owner!, members.map((userId) => ({ userId, role: 'creator' as const })), 'REST bench');
    const { token } = await createSession(node.ctx, owner!, {});
    const cookie = { cookie: `sid=${token}` };

    // The public API: a key of the workspace, and credits for every call of the run (each call is a ledger entry).
    await node.ctx.models.Workspace.updateOne({ _id: ws }, { $set: { 'settings.apiAccess': true } });
    const workspace = (await node.ctx.models.Workspace.findById(ws).lean())!;
    const { secret } = await createApiKey(node.ctx, workspace, owner!, { name: 'bench' });
    await appendEntry(node.ctx, { workspaceId: ws, kind: 'api', type: 'purchase', amount: 100_000_000, actorId: owner!, ref: { kind: 'bench', id: 'credits' } });
    const bearer = { authorization: `Bearer ${secret}` };

    const endpoints = [`/api/workspaces/${ws}`, `/api/workspaces/${ws}/members?limit=20`, '/api/v1/workspace'];
    const headersOf = (p: string) => (p.startsWith('/api/v1/') ? bearer : cookie);
    const bodies = await Promise.all(endpoints.map(async (p) => (await fetch(node.url + p, { headers: headersOf(p) })).text()));
    const app = express();
    endpoints.forEach((p, i) => app.get(p.split('?')[0]!, (_req, res) => void res.type('json').send(bodies[i])));
    bare.on('request', app);
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;

    const rows: Array<{ endpoint: string; real: Result; base: Result }> = [];
    for (const p of endpoints) {
      const metered = p.startsWith('/api/v1/');
      const label = metered ? 'console (key + rate limits + ledger entry)' : 'console (session + access + query)';
      const [base, real] = await compare(target('bare Express, same body', bareUrl + p, {}), target(label, node.url + p, headersOf(p)));
      rows.push({ endpoint: `GET ${p.replace(ws, ':id')}`, real, base });
    }

    const m = machineFacts();
    const section = [
      `## ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC — REST throughput, ${CONCURRENCY} concurrent, ${SECONDS} s each in ${SLICES} alternating slices`,
      '',
      `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; Node ${m.node}. Load generator in the same process; embedded FerretDB on ${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}.`,
      '',
      '| Endpoint | Setup | Requests | Req/s | p50 ms | p99 ms | Non-200 |',
      '|---|---|---:|---:|---:|---:|---:|',
      ...rows.flatMap(({ endpoint, real, base }) =>
        [base, real].map((r) => `| ${endpoint} | ${r.label} | ${r.requests} | ${r.perSecond.toFixed(0)} | ${formatMs(r.latency.p50)} | ${formatMs(r.latency.p99)} | ${r.errors} |`),
      ),
      '',
      ...rows.map(({ endpoint, real, base }) => `- ${endpoint}: the console serves ${((real.perSecond / base.perSecond) * 100).toFixed(1)} % of the bare handler's rate (p50 ${(real.latency.p50 / base.latency.p50).toFixed(1)}× slower).`),
      '',
    ].join('\n');
    console.log(section);
    if (RECORD) recordRun(path.join('bench', 'RESULTS.md'), section);
  } finally {
    await new Promise<void>((resolve) => bare.close(() => resolve()));
    await node.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
