import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCommands, freshDatabase, startTestServer, TestClock } from '../support/server.js';
import { connectSocket, emitAck, waitFor } from '../support/client.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';
import { createApiKey, PublicApiClient, setApiAccess } from '../support/api-keys.js';
import { recountLedger } from '../../server/credits/ledger.service.js';
import { ledgerChain } from '../../server/credits/ledger.model.js';
import { linkId } from '../../server/db/chain.js';

/**
 * Two nodes on one database and Redis; every account starts with exactly 20
 * API credits (and no generative ones: no render runs behind a test's back), and the per-key limit is far above what the tests call.
 */
const clock = new TestClock();
const env = { DEFAULT_GENERATIVE_CREDITS: '0', DEFAULT_API_CREDITS: '20', API_RATE_PER_MINUTE: '1000', API_WORKSPACE_RATE_PER_MINUTE: '5000' };
let a: Awaited<ReturnType<typeof startTestServer>>;
let b: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  const database = freshDatabase();
  a = await startTestServer({ database, redis: true, env, clock });
  b = await startTestServer({ database, redis: true, env, clock, monitorCommands: true });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

async function apiWorkspace(name = 'Metered Co') {
  const owner = await createUser(a.ctx, a.url, 'Owner');
  const ws = await createWorkspace(a.ctx, owner.user._id, [], name);
  await setApiAccess(owner.client, ws, true);
  return { owner, ws };
}

/** Moves the clock to a minute past the next hour, so a test's hours do not depend on when in the hour it runs. */
const toStartOfHour = () => {
  const now = clock.now().getTime();
  clock.advance(Math.ceil(now / 3_600_000) * 3_600_000 + 60_000 - now);
};

/** Moves the clock to 06:01 UTC of the next day it reaches, so a test that spans hours and days starts at the same time of day whenever it runs. */
const toMorning = () => {
  const now = clock.now().getTime();
  const day = 86_400_000;
  const target = Math.floor(now / day) * day + 6 * 3_600_000 + 60_000;
  clock.advance((target > now ? target : target + day) - now);
};

const usageEntries = async (workspaceId: string) => (await a.ctx.models.LedgerEntry.find({ workspaceId }).lean()).filter((e) => e.type === 'api_usage');
const apiBalance = async (owner: { client: { get: (p: string) => Promise<{ body: any }> } }, ws: string) => (await owner.client.get(`/api/workspaces/${ws}/credits`)).body.api;

describe('metering of /api/v1', () => {
  it('50 parallel calls on two nodes with exactly 20 credits left: exactly 20 answered, 30 refused with 402, 20 usage entries, balance 0', async () => {
    const { owner, ws } = await apiWorkspace();
    const { key, secret } = await createApiKey(owner.client, ws, 'Racer');
    expect(await apiBalance(owner, ws)).toEqual({ available: 20, held: 0 });
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => new PublicApiClient(i % 2 ? b.url : a.url, secret).get('/workspace')));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 402)).toHaveLength(30);
    const refusal = replies.find((r) => r.status === 402)!;
    expect(refusal.body.error).toEqual({
      code: 'insufficient_credits',
      message: 'This workspace has no API credits left. An admin can buy more or allocate some in Billing & usage.',
      details: { kind: 'api', available: 0, needed: 1 },
    });
    expect(refusal.headers.get('ratelimit-limit')).toBe('1000');
    // Each answered call shows the balance right after its own charge: 19 … 0 left, each once.
    expect(replies.filter((r) => r.status === 200).map((r) => r.body.credits.api.available).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));

    const entries = await usageEntries(ws);
    expect(entries).toHaveLength(20);
    expect(entries.every((e) => e.amount === -1 && e.kind === 'api' && e.actorId === null && e.ref?.kind === 'apiKey' && e.ref.id === key.id && e.ref.label === 'Racer')).toBe(true);
    expect(new Set(entries.map((e) => e.op)).size).toBe(20);
    expect(await recountLedger(a.ctx, ws, 'api')).toEqual({ available: 0, held: 0, entries: 21, consistent: true });
    expect(await apiBalance(owner, ws)).toEqual({ available: 0, held: 0 });
  });

  it('charges authenticated calls to existing routes whatever they answer, and nothing for a refused key, an unknown path or a 429', async () => {
    const limited = await startTestServer({ database: a.database, redis: true, clock, env: { ...env, API_RATE_PER_MINUTE: '3' } });
    try {
      const { owner, ws } = await apiWorkspace();
      const { key, secret } = await createApiKey(owner.client, ws, 'Counted');
      const api = new PublicApiClient(a.url, secret);
      expect((await api.call('POST', '/videos', { title: '' })).status).toBe(400);
      expect((await api.get('/videos/nope')).status).toBe(404);
      // A valid video the workspace has no generative credits for: refused (402), and the call is still charged.
      expect((await api.call('POST', '/videos', { title: 'T', script: 'S' })).status).toBe(402);
      expect((await api.get('/no-such-route')).status).toBe(404);
      expect((await new PublicApiClient(a.url, secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a')).get('/workspace')).status).toBe(401);
      expect(await usageEntries(ws)).toHaveLength(3);
      expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/api-keys/${key.id}`)).status).toBe(204);
      expect((await api.get('/workspace')).status).toBe(401);
      expect(await usageEntries(ws)).toHaveLength(3);

      // A key limited to 3 a minute: 3 charged, then 429s that cost nothing.
      const other = await createApiKey(owner.client, ws, 'Limited');
      const onLimited = new PublicApiClient(limited.url, other.secret);
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await onLimited.get('/workspace')).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
      expect(await usageEntries(ws)).toHaveLength(6);
      expect(await apiBalance(owner, ws)).toEqual({ available: 14, held: 0 });
    } finally {
      await limited.close();
    }
  });
});

describe('usage of the public API', () => {
  it('equals the ledger exactly after a burst over three keys on two nodes, per hour and per key', async () => {
    toStartOfHour();
    const { owner, ws } = await apiWorkspace('Burst Co');
    expect((await owner.client.post(`/api/workspaces/${ws}/purchases`, { item: 'api_credits', quantity: 500 })).status).toBe(201);
    const keys = [await createApiKey(owner.client, ws, 'One'), await createApiKey(owner.client, ws, 'Two'), await createApiKey(owner.client, ws, 'Three')];
    const calls = [31, 17, 9];
    await Promise.all(keys.flatMap((k, i) => Array.from({ length: calls[i]! }, (_, n) => new PublicApiClient(n % 2 ? a.url : b.url, k.secret).get('/assets'))));

    const entries = await usageEntries(ws);
    expect(entries).toHaveLength(57);
    const usage = await owner.client.get(`/api/workspaces/${ws}/usage?kind=api&granularity=hour`);
    expect(usage.status).toBe(200);
    expect(usage.body.series).toHaveLength(24);
    const total = usage.body.series.reduce((s: number, p: { calls: number }) => s + p.calls, 0);
    expect(total).toBe(entries.length);
    expect(usage.body.series.reduce((s: number, p: { credits: number }) => s + p.credits, 0)).toBe(-entries.reduce((s, e) => s + e.amount, 0));
    const hour = new Date(Math.floor(clock.now().getTime() / 3_600_000) * 3_600_000).toISOString();
    expect(usage.body.series.at(-1)).toEqual({ at: hour, calls: 57, credits: 57 });
    expect(usage.body.byKey).toEqual(keys.map((k, i) => ({ keyId: k.key.id, name: k.key.name, calls: calls[i], credits: calls[i] })));
    const days = await owner.client.get(`/api/workspaces/${ws}/usage?granularity=day`);
    expect(days.body.series).toHaveLength(30);
    expect(days.body.series.at(-1)).toEqual({ at: `${hour.slice(0, 10)}T00:00:00.000Z`, calls: 57, credits: 57 });
    expect(days.body.byKey).toEqual(usage.body.byKey);
  });

  it('rolls closed hours and days up once, and reads them (not the entries) from then on', async () => {
    toMorning();
    const { owner, ws } = await apiWorkspace('Rollup Co');
    const { key, secret } = await createApiKey(owner.client, ws, 'Hourly');
    const api = new PublicApiClient(a.url, secret);
    // 3 calls this hour, 2 the next, 1 the one after.
    const start = clock.now().getTime();
    for (const n of [3, 2, 1]) {
      for (let i = 0; i < n; i++) expect((await api.get('/workspace')).status).toBe(200);
      clock.advance(3_600_000);
    }
    // Past the grace after the third hour's end: three hours closed, the fourth open.
    clock.advance(5 * 60_000);
    const firstHour = Math.floor(start / 3_600_000) * 3_600_000;
    const from = new Date(firstHour).toISOString();
    const to = new Date(firstHour + 3 * 3_600_000).toISOString();
    const path = `/api/workspaces/${ws}/usage?granularity=hour&from=${from}&to=${to}`;
    const onB = new (owner.client.constructor as typeof import('../support/client.js').ApiClient)(b.url);
    onB.cookie = owner.client.cookie;
    const first = await onB.get(path);
    expect(first.body.series.map((p: { calls: number }) => p.calls)).toEqual([3, 2, 1, 0]);
    // The three closed hours are kept; the open one is not.
    const rollups = await a.ctx.models.UsageRollup.find({ workspaceId: ws }).lean();
    expect(rollups.map((r) => [r._id, r.calls, r.credits, r.keys]).sort()).toEqual(
      [0, 1, 2].map((h) => [`${ws}:api:${new Date(firstHour + h * 3_600_000).toISOString().slice(0, 13)}`, [3, 2, 1][h], [3, 2, 1][h], [{ keyId: key.id, name: 'Hourly', calls: [3, 2, 1][h], credits: [3, 2, 1][h] }]]),
    );
    const commands = countCommands(b);
    try {
      const again = await onB.get(path);
      expect(again.body).toEqual(first.body);
      // One lookup of the ledger's first entry (where usage can begin), one read of the open hour's entries.
      expect(commands.commands.filter((c) => c.includes('ledger_entries')), 'only the open hour reads entries').toHaveLength(2);
    } finally {
      commands.stop();
    }

    // Two days later: the day is closed and kept as one document; 30 days by day read 30 rollups, not 720 hours of entries.
    clock.advance(2 * 86_400_000);
    const days = `/api/workspaces/${ws}/usage?granularity=day`;
    const firstDays = await onB.get(days);
    expect(firstDays.body.series.reduce((s: number, p: { calls: number }) => s + p.calls, 0)).toBe(6);
    const dayCommands = countCommands(b);
    try {
      const again = await onB.get(days);
      expect(again.body).toEqual(firstDays.body);
      // Entries are read only for the ledger's first entry and for hours still open (the current one, and the one before while within its grace).
      const now = clock.now().getTime();
      const openHours = [0, 1].map((back) => `${ws}:api:${new Date((Math.floor(now / 3_600_000) - back) * 3_600_000).toISOString().slice(0, 13)}`);
      const ledgerReads = dayCommands.details.filter((c) => c.collection === 'ledger_entries').map((c) => c.filter as Record<string, unknown> | undefined);
      const hourReads = ledgerReads.filter((f) => f && 'hour' in f).map((f) => f!.hour);
      expect(hourReads.filter((hour) => !openHours.includes(hour as string)), `no closed hour reads its entries (${JSON.stringify(ledgerReads)})`).toEqual([]);
      expect(hourReads.length, 'the open hour is read once').toBeLessThanOrEqual(2);
      expect(ledgerReads.filter((f) => JSON.stringify(f) === JSON.stringify({ _id: linkId(ledgerChain(ws, 'api'), 1) })), 'one lookup of the first entry').toHaveLength(1);
      const rollupReads = dayCommands.commands.filter((c) => c.includes('usage_rollups')).length;
      expect(rollupReads, 'one lookup per closed day and per closed hour of today').toBeLessThanOrEqual(29 + 24);
    } finally {
      dayCommands.stop();
    }
  });

  it('is shown to those who may manage keys; bad ranges are 400', async () => {
    const { owner, ws } = await apiWorkspace('Who Co');
    const people: Record<string, Awaited<ReturnType<typeof createUser>>> = {};
    for (const role of ['developer', 'creator', 'viewer'] as const) {
      people[role] = await createUser(a.ctx, a.url, role);
      await addMember(a.ctx, ws, people[role]!.user, role);
    }
    const outsider = await createUser(a.ctx, a.url, 'Outsider');
    const path = `/api/workspaces/${ws}/usage`;
    expect((await owner.client.get(path)).status).toBe(200);
    expect((await people.developer!.client.get(path)).status).toBe(200);
    expect((await people.creator!.client.get(path)).status).toBe(403);
    expect((await people.viewer!.client.get(path)).status).toBe(403);
    expect((await outsider.client.get(path)).status).toBe(404);
    const now = clock.now().getTime();
    const iso = (t: number) => new Date(t).toISOString();
    for (const q of [
      'kind=generative',
      'granularity=minute',
      'from=yesterday',
      `from=${iso(now)}&to=${iso(now - 3_600_000)}`,
      `granularity=day&from=${iso(now - 91 * 86_400_000)}`,
      `granularity=hour&from=${iso(now - 8 * 86_400_000)}`,
      `from=${iso(now + 86_400_000)}`,
    ]) {
      const res = await owner.client.get(`${path}?${q}`);
      expect([res.status, res.body.error?.code], q).toEqual([400, 'validation_failed']);
    }
    expect((await owner.client.get(`${path}?granularity=day&from=${iso(now - 89 * 86_400_000)}`)).body.series).toHaveLength(90);
  });

  it('tells key managers that usage moved (usage.updated), throttled, and not the others', async () => {
    const { owner, ws } = await apiWorkspace('Live Co');
    const creator = await createUser(a.ctx, a.url, 'Creator');
    await addMember(a.ctx, ws, creator.user, 'creator');
    const { secret } = await createApiKey(owner.client, ws, 'Live');
    const manager = await connectSocket(a.url, owner.client.cookie);
    const other = await connectSocket(a.url, creator.client.cookie);
    await emitAck(manager, 'workspace:subscribe', { workspaceId: ws });
    await emitAck(other, 'workspace:subscribe', { workspaceId: ws });
    await Promise.all(Array.from({ length: 10 }, () => new PublicApiClient(a.url, secret).get('/workspace')));
    await waitFor(() => manager.received.some((e) => e.type === 'usage.updated'), 'usage.updated');
    await waitFor(() => other.received.some((e) => e.type === 'credits.updated'), 'credits.updated for members');
    await new Promise((r) => setTimeout(r, 300));
    expect(manager.received.filter((e) => e.type === 'usage.updated')).toEqual([expect.objectContaining({ workspaceId: ws, data: { workspaceId: ws } })]);
    expect(other.received.filter((e) => e.type === 'usage.updated')).toEqual([]);
    manager.close();
    other.close();
  });
});
