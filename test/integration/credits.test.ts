import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { createUser, createWorkspace, addMember } from '../support/factories.js';
import { createSubworkspace } from '../../server/commands/create-subworkspace.js';
import { appendEntry, recountLedger } from '../../server/credits/ledger.service.js';
import { finishTransfers } from '../../server/credits/transfer.service.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_GENERATIVE_CREDITS: '60', DEFAULT_API_CREDITS: '1000' } });
});
afterAll(() => server?.close());

async function account(name = 'Studio') {
  const owner = await createUser(server.ctx, server.url, 'Owner');
  const ws = await createWorkspace(server.ctx, owner.user._id, [], name);
  const root = (await server.ctx.models.Workspace.findById(ws).lean())!;
  return { owner, ws, root };
}

async function inheritedSub(a: Awaited<ReturnType<typeof account>>, name = 'Client A', billingMode: 'inherited' | 'independent' = 'inherited') {
  const { workspace } = await createSubworkspace(server.ctx, a.root, a.owner.user, { name, billingMode, apiAccess: false, members: [] });
  return workspace;
}

const credits = async (client: { get: (p: string) => Promise<{ status: number; body: any }> }, id: string) => (await client.get(`/api/workspaces/${id}/credits`)).body;
const available = async (id: string) => {
  const [g, a] = await Promise.all([recountLedger(server.ctx, id, 'generative'), recountLedger(server.ctx, id, 'api')]);
  return { generative: g.available, api: a.available };
};

describe('credit pools', () => {
  it('a new account starts with the configured grant, recorded in its ledger', async () => {
    const { owner, ws } = await account();
    expect(await credits(owner.client, ws)).toEqual({
      generative: { available: 60, held: 0 },
      api: { available: 1000, held: 0 },
      billing: 'own',
      canPurchase: true,
      canAllocate: false,
      parent: null,
    });
    const ledger = await owner.client.get(`/api/workspaces/${ws}/ledger`);
    expect(ledger.status).toBe(200);
    expect(ledger.body.nextCursor).toBeNull();
    expect(ledger.body.items.map((e: any) => [e.kind, e.type, e.amount, e.balanceAfter]).sort()).toEqual([
      ['api', 'grant', 1000, 1000],
      ['generative', 'grant', 60, 60],
    ]);
  });

  it('purchases credits and seats for a pool, and refuses them on an inherited sub-workspace', async () => {
    const a = await account();
    const bought = await a.owner.client.post(`/api/workspaces/${a.ws}/purchases`, { item: 'generative_credits', quantity: 100 });
    expect(bought.status).toBe(201);
    expect(bought.body.purchase).toEqual({ id: expect.any(String), item: 'generative_credits', quantity: 100, at: expect.any(String) });
    expect(bought.body.credits.generative).toEqual({ available: 160, held: 0 });
    expect(bought.body.seats).toEqual({ limit: 10, used: 1, reserved: 0 });
    const seats = await a.owner.client.post(`/api/workspaces/${a.ws}/purchases`, { item: 'seats', quantity: 5 });
    expect(seats.status).toBe(201);
    expect(seats.body.seats).toEqual({ limit: 15, used: 1, reserved: 0 });
    const api = await a.owner.client.post(`/api/workspaces/${a.ws}/purchases`, { item: 'api_credits', quantity: 250 });
    expect(api.body.credits.api).toEqual({ available: 1250, held: 0 });
    const top = (await a.owner.client.get(`/api/workspaces/${a.ws}/ledger?kind=generative&limit=1`)).body;
    expect(top.items).toEqual([
      { id: expect.any(String), kind: 'generative', type: 'purchase', amount: 100, balanceAfter: 160, heldAfter: 0, actor: { id: a.owner.user._id, name: a.owner.user.name }, ref: { kind: 'purchase', id: bought.body.purchase.id }, at: expect.any(String) },
    ]);
    expect(top.nextCursor).toBe('generative:1');
    const rest = (await a.owner.client.get(`/api/workspaces/${a.ws}/ledger?kind=generative&cursor=${top.nextCursor}`)).body;
    expect(rest.items.map((e: any) => e.type)).toEqual(['grant']);
    expect(rest.nextCursor).toBeNull();

    const sub = await inheritedSub(a);
    const refused = await a.owner.client.post(`/api/workspaces/${sub._id}/purchases`, { item: 'generative_credits', quantity: 10 });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect(await available(sub._id)).toEqual({ generative: 0, api: 0 });
  });

  it('only Super Admins buy; others of the workspace get 403, strangers 404', async () => {
    const a = await account();
    for (const role of ['developer', 'creator', 'viewer'] as const) {
      const m = await createUser(server.ctx, server.url, role);
      await addMember(server.ctx, a.ws, m.user, role);
      expect((await m.client.post(`/api/workspaces/${a.ws}/purchases`, { item: 'api_credits', quantity: 1 })).status).toBe(403);
      const view = await credits(m.client, a.ws);
      expect(view.canPurchase).toBe(false);
      expect((await m.client.get(`/api/workspaces/${a.ws}/ledger`)).status).toBe(403);
    }
    const stranger = await createUser(server.ctx, server.url, 'Stranger');
    expect((await stranger.client.post(`/api/workspaces/${a.ws}/purchases`, { item: 'api_credits', quantity: 1 })).status).toBe(404);
    expect((await stranger.client.get(`/api/workspaces/${a.ws}/credits`)).status).toBe(404);
    expect(await available(a.ws)).toEqual({ generative: 60, api: 1000 });
  });
});

describe('allocations', () => {
  it('moves credits to an inherited sub-workspace and back; the parent’s rest is shown to the admin above', async () => {
    const a = await account('Parent Co');
    const sub = await inheritedSub(a);
    const given = await a.owner.client.request('PUT', `/api/workspaces/${sub._id}/allocations`, { generativeCredits: 50, apiCredits: 300 });
    expect(given.status).toBe(200);
    expect(given.body.credits).toEqual({
      generative: { available: 50, held: 0 },
      api: { available: 300, held: 0 },
      billing: 'allocated',
      canPurchase: false,
      canAllocate: true,
      parent: { workspaceId: a.ws, name: 'Parent Co', generative: 10, api: 700 },
    });
    const lowered = await a.owner.client.request('PUT', `/api/workspaces/${sub._id}/allocations`, { generativeCredits: 20 });
    expect(lowered.body.credits.generative.available).toBe(20);
    expect(lowered.body.credits.parent.generative).toBe(40);
    expect(await available(a.ws)).toEqual({ generative: 40, api: 700 });
    const entries = (await a.owner.client.get(`/api/workspaces/${sub._id}/ledger?kind=generative`)).body.items;
    expect(entries.map((e: any) => [e.type, e.amount, e.balanceAfter, e.ref.label])).toEqual([
      ['allocation_out', -30, 20, 'Parent Co'],
      ['allocation_in', 50, 50, 'Parent Co'],
    ]);
  });

  it('refuses more than the parent has (402, saying what is left) and changes nothing', async () => {
    const a = await account('Lean Co');
    const sub = await inheritedSub(a);
    const res = await a.owner.client.request('PUT', `/api/workspaces/${sub._id}/allocations`, { generativeCredits: 61 });
    expect(res.status).toBe(402);
    expect(res.body.error).toEqual({
      code: 'insufficient_credits',
      message: '“Lean Co” has only 60 generative credits left; 61 are needed.',
      details: { kind: 'generative', available: 60, needed: 61 },
    });
    expect(await available(a.ws)).toEqual({ generative: 60, api: 1000 });
    expect(await available(sub._id)).toEqual({ generative: 0, api: 0 });
    expect(await server.ctx.models.Transfer.countDocuments({ fromId: a.ws, state: 'refused' })).toBe(1);
  });

  it('is set only by admins above: the sub-workspace’s own Super Admin gets 403, a root 403, an independent one 409', async () => {
    const a = await account();
    const sub = await inheritedSub(a);
    const subAdmin = await createUser(server.ctx, server.url, 'SubAdmin');
    await addMember(server.ctx, sub._id, subAdmin.user, 'super_admin');
    expect((await subAdmin.client.request('PUT', `/api/workspaces/${sub._id}/allocations`, { generativeCredits: 5 })).status).toBe(403);
    expect((await credits(subAdmin.client, sub._id)).canAllocate).toBe(false);
    expect((await credits(subAdmin.client, sub._id)).parent).toBeNull();
    expect((await a.owner.client.request('PUT', `/api/workspaces/${a.ws}/allocations`, { generativeCredits: 5 })).status).toBe(403);
    const independent = await inheritedSub(a, 'Own Co', 'independent');
    const res = await a.owner.client.request('PUT', `/api/workspaces/${independent._id}/allocations`, { generativeCredits: 5 });
    expect(res.status).toBe(409);
    expect(await available(a.ws)).toEqual({ generative: 60, api: 1000 });
  });

  it('a deleted sub-workspace gives its unspent credits back to the workspace above', async () => {
    const a = await account();
    const sub = await inheritedSub(a);
    await a.owner.client.request('PUT', `/api/workspaces/${sub._id}/allocations`, { generativeCredits: 40, apiCredits: 100 });
    await appendEntry(server.ctx, { workspaceId: sub._id, kind: 'generative', type: 'charge', amount: -15, actorId: null, ref: { kind: 'test', id: 'render' } });
    expect((await a.owner.client.request('DELETE', `/api/workspaces/${sub._id}`)).status).toBe(204);
    expect(await available(a.ws)).toEqual({ generative: 60 - 15, api: 1000 });
    expect(await available(sub._id)).toEqual({ generative: 0, api: 0 });
  });

  it('finishes a transfer a crashed process left between its debit and its credit, once', async () => {
    const a = await account();
    const sub = await inheritedSub(a);
    const old = new Date(Date.now() - 120_000);
    await server.ctx.models.Transfer.create({ _id: 'crashed-transfer', fromId: a.ws, toId: sub._id, kind: 'generative', amount: 25, reason: 'allocation', actorId: null, state: 'pending', at: old });
    await appendEntry(server.ctx, { workspaceId: a.ws, kind: 'generative', type: 'allocation_out', amount: -25, actorId: null, ref: { kind: 'transfer', id: 'crashed-transfer' }, op: 'transfer:crashed-transfer:out' });
    expect(await available(sub._id)).toEqual({ generative: 0, api: 0 });
    expect(await finishTransfers(server.ctx)).toBeGreaterThanOrEqual(1);
    expect(await finishTransfers(server.ctx)).toBe(0);
    expect(await available(a.ws)).toEqual({ generative: 35, api: 1000 });
    expect(await available(sub._id)).toEqual({ generative: 25, api: 0 });
    expect((await server.ctx.models.Transfer.findById('crashed-transfer').lean())!.state).toBe('done');
  });
});

describe('Idempotency-Key', () => {
  it('the same key ten times in parallel buys once; a replay returns the identical reply; another body with the key is 409', async () => {
    const a = await account();
    const key = { 'Idempotency-Key': `buy-${Date.now()}` };
    const body = { item: 'generative_credits', quantity: 40 };
    const replies = await Promise.all(Array.from({ length: 10 }, () => a.owner.client.post(`/api/workspaces/${a.ws}/purchases`, body, key)));
    const ok = replies.filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of replies.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('conflict');
    }
    expect(await server.ctx.models.Purchase.countDocuments({ workspaceId: a.ws })).toBe(1);
    expect(await available(a.ws)).toEqual({ generative: 100, api: 1000 });
    for (const r of ok) expect(r.body).toEqual(ok[0]!.body);
    const replay = await a.owner.client.post(`/api/workspaces/${a.ws}/purchases`, body, key);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(ok[0]!.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const other = await a.owner.client.post(`/api/workspaces/${a.ws}/purchases`, { ...body, quantity: 41 }, key);
    expect(other.status).toBe(409);
    expect(other.body.error).toEqual({ code: 'conflict', message: 'This Idempotency-Key was already used for a different request. Use a new key for a new request.' });
    expect(await available(a.ws)).toEqual({ generative: 100, api: 1000 });
  });

  it('keys are per user, a refusal is replayed too, and keys over 255 characters are refused', async () => {
    const a = await account();
    const sub = await inheritedSub(a);
    const other = await createUser(server.ctx, server.url, 'Admin2');
    await addMember(server.ctx, a.ws, other.user, 'super_admin');
    const key = { 'Idempotency-Key': 'same-key-for-both' };
    expect((await a.owner.client.post(`/api/workspaces/${a.ws}/purchases`, { item: 'api_credits', quantity: 1 }, key)).status).toBe(201);
    expect((await other.client.post(`/api/workspaces/${a.ws}/purchases`, { item: 'api_credits', quantity: 1 }, key)).status).toBe(201);
    expect(await available(a.ws)).toEqual({ generative: 60, api: 1002 });

    const tooMuch = { 'Idempotency-Key': 'alloc-1' };
    const first = await a.owner.client.request('PUT', `/api/workspaces/${sub._id}/allocations`, { generativeCredits: 500 }, tooMuch);
    expect(first.status).toBe(402);
    const again = await a.owner.client.request('PUT', `/api/workspaces/${sub._id}/allocations`, { generativeCredits: 500 }, tooMuch);
    expect(again.status).toBe(402);
    expect(again.body).toEqual(first.body);

    const long = await a.owner.client.post(`/api/workspaces/${a.ws}/purchases`, { item: 'api_credits', quantity: 1 }, { 'Idempotency-Key': 'k'.repeat(256) });
    expect(long.status).toBe(400);
    expect(long.body.error.code).toBe('validation_failed');
    expect(await available(a.ws)).toEqual({ generative: 60, api: 1002 });
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['negative', { item: 'generative_credits', quantity: -5 }],
    ['zero', { item: 'generative_credits', quantity: 0 }],
    ['fractional', { item: 'generative_credits', quantity: 1.5 }],
    ['huge', { item: 'generative_credits', quantity: 1e12 }],
    ['a string', { item: 'generative_credits', quantity: '10' }],
    ['unknown item', { item: 'gold', quantity: 1 }],
    ['extra field', { item: 'api_credits', quantity: 1, price: 0 }],
    ['too many seats', { item: 'seats', quantity: 5000 }],
  ])('purchase with %s quantity → 400', async (_what, body) => {
    const a = await account();
    const res = await a.owner.client.post(`/api/workspaces/${a.ws}/purchases`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(await available(a.ws)).toEqual({ generative: 60, api: 1000 });
    expect(await server.ctx.models.Purchase.countDocuments({ workspaceId: a.ws })).toBe(0);
  });

  it.each([
    ['negative', { generativeCredits: -1 }],
    ['fractional', { apiCredits: 0.5 }],
    ['huge', { generativeCredits: Number.MAX_SAFE_INTEGER }],
    ['empty', {}],
    ['null', { generativeCredits: null }],
  ])('allocation with %s value → 400', async (_what, body) => {
    const a = await account();
    const sub = await inheritedSub(a);
    const res = await a.owner.client.request('PUT', `/api/workspaces/${sub._id}/allocations`, body);
    expect(res.status).toBe(400);
    expect(await available(a.ws)).toEqual({ generative: 60, api: 1000 });
    expect(await available(sub._id)).toEqual({ generative: 0, api: 0 });
  });

  it('a ledger cursor it did not give is 400', async () => {
    const a = await account();
    for (const cursor of ['x', 'generative:-1', 'gold:3', 'generative:1e3']) {
      expect((await a.owner.client.get(`/api/workspaces/${a.ws}/ledger?cursor=${encodeURIComponent(cursor)}`)).status).toBe(400);
    }
  });
});

describe('holds', () => {
  it('holds an estimate, charges the real cost from it and releases the rest, once even when retried', async () => {
    const { holdCredits, settleHold } = await import('../../server/credits/holds.js');
    const a = await account();
    const h = { workspaceId: a.ws, kind: 'generative' as const, workId: `job-${Date.now()}`, ref: { kind: 'job', id: 'j1' }, actorId: null };
    await holdCredits(server.ctx, h, 10);
    await holdCredits(server.ctx, h, 10);
    expect((await credits(a.owner.client, a.ws)).generative).toEqual({ available: 50, held: 10 });
    await expect(holdCredits(server.ctx, { ...h, workId: 'too-big' }, 51)).rejects.toMatchObject({ code: 'insufficient_credits' });
    await settleHold(server.ctx, h, 10, 4);
    await settleHold(server.ctx, h, 10, 4);
    expect((await credits(a.owner.client, a.ws)).generative).toEqual({ available: 56, held: 0 });
    const recount = await recountLedger(server.ctx, a.ws, 'generative');
    expect(recount).toEqual({ available: 56, held: 0, entries: 4, consistent: true });
    const types = (await a.owner.client.get(`/api/workspaces/${a.ws}/ledger?kind=generative`)).body.items.map((e: any) => [e.type, e.amount, e.heldAfter]);
    expect(types).toEqual([
      ['release', 6, 0],
      ['charge', 0, 6],
      ['hold', -10, 10],
      ['grant', 60, 0],
    ]);
  });
});
