import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, startTestServer } from '../support/server.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { connectSocket, emitAck, waitFor } from '../support/client.js';
import { createSubworkspace } from '../../server/commands/create-subworkspace.js';
import { appendEntry, recountLedger } from '../../server/credits/ledger.service.js';
import { AppError } from '../../server/http/errors.js';

/** Two nodes on one database: the chains' races are between processes, not only within one. */
let a: Awaited<ReturnType<typeof startTestServer>>;
let b: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  const database = freshDatabase();
  const env = { DEFAULT_GENERATIVE_CREDITS: '1000', DEFAULT_API_CREDITS: '0' };
  a = await startTestServer({ database, redis: true, env });
  b = await startTestServer({ database, redis: true, env });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

const SUBS = 10;
const ROUNDS = 20;
const OPS = 100;

describe('credits are conserved under any concurrency', () => {
  it(`${ROUNDS} rounds of ${OPS} parallel allocations, spending and returns over ${SUBS} sub-workspaces on two nodes: parent + Σ children + Σ spent = 1000, nothing below zero`, async () => {
    const owner = await createUser(a.ctx, a.url, 'Owner');
    const ws = await createWorkspace(a.ctx, owner.user._id);
    const root = (await a.ctx.models.Workspace.findById(ws).lean())!;
    const subs: string[] = [];
    for (let i = 0; i < SUBS; i++) {
      const { workspace } = await createSubworkspace(a.ctx, root, owner.user, { name: `Client ${i}`, billingMode: 'inherited', apiAccess: false, members: [] });
      subs.push(workspace._id);
    }
    const clientOn = [owner.client, Object.assign(Object.create(Object.getPrototypeOf(owner.client)), owner.client, { baseUrl: b.url })];
    const ctxs = [a.ctx, b.ctx];
    let spent = 0;
    const balance = async (id: string) => {
      const r = await recountLedger(a.ctx, id, 'generative');
      expect(r.consistent).toBe(true);
      return r.available;
    };

    for (let round = 0; round < ROUNDS; round++) {
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: OPS }, async (_, i) => {
          const node = Math.floor(Math.random() * 2);
          const sub = subs[Math.floor(Math.random() * SUBS)]!;
          const roll = Math.random();
          if (roll < 0.5) {
            // An allocation of 20 more than it has now.
            const now = (await clientOn[node].get(`/api/workspaces/${sub}/credits`)).body.generative.available as number;
            const res = await clientOn[node].request('PUT', `/api/workspaces/${sub}/allocations`, { generativeCredits: now + 20 });
            statuses.push(res.status);
          } else if (roll < 0.8) {
            // Spending what the sub-workspace was given.
            const amount = 1 + Math.floor(Math.random() * 15);
            try {
              await appendEntry(ctxs[node]!, { workspaceId: sub, kind: 'generative', type: 'charge', amount: -amount, actorId: null, ref: { kind: 'test', id: `r${round}` } });
              spent += amount;
              statuses.push(200);
            } catch (err) {
              if (!(err instanceof AppError && err.code === 'insufficient_credits')) throw err;
              statuses.push(402);
            }
          } else {
            // A return: lowered to a random part of what it has.
            const now = (await clientOn[node].get(`/api/workspaces/${sub}/credits`)).body.generative.available as number;
            const res = await clientOn[node].request('PUT', `/api/workspaces/${sub}/allocations`, { generativeCredits: Math.floor(now * Math.random()) });
            statuses.push(res.status);
          }
        }),
      );
      // Every answer is one a client can act on: done, or refused for a lack of credits.
      expect(statuses.filter((s) => s !== 200 && s !== 402)).toEqual([]);
      const parent = await balance(ws);
      const children = await Promise.all(subs.map(balance));
      expect(parent).toBeGreaterThanOrEqual(0);
      for (const c of children) expect(c).toBeGreaterThanOrEqual(0);
      expect(parent + children.reduce((s, c) => s + c, 0) + spent).toBe(1000);
    }
    expect(await a.ctx.models.Transfer.countDocuments({ state: 'pending' })).toBe(0);
  }, 240_000);

  it('every admin screen sees the balances change at once (credits.updated), on both nodes', async () => {
    const owner = await createUser(a.ctx, a.url, 'Owner');
    const ws = await createWorkspace(a.ctx, owner.user._id);
    const root = (await a.ctx.models.Workspace.findById(ws).lean())!;
    const { workspace: sub } = await createSubworkspace(a.ctx, root, owner.user, { name: 'Client A', billingMode: 'inherited', apiAccess: false, members: [] });
    const onB = await connectSocket(b.url, owner.client.cookie);
    await emitAck(onB, 'workspace:subscribe', { workspaceId: sub._id });
    await emitAck(onB, 'workspace:subscribe', { workspaceId: ws });
    const res = await owner.client.request('PUT', `/api/workspaces/${sub._id}/allocations`, { generativeCredits: 70 });
    expect(res.status).toBe(200);
    await waitFor(() => onB.received.filter((e) => e.type === 'credits.updated').length === 2, 'both balances');
    const updates = onB.received.filter((e) => e.type === 'credits.updated').map((e) => e.data);
    expect(updates).toEqual(
      expect.arrayContaining([
        { workspaceId: sub._id, generative: { available: 70, held: 0 }, api: { available: 0, held: 0 } },
        { workspaceId: ws, generative: { available: 930, held: 0 }, api: { available: 0, held: 0 } },
      ]),
    );
    const allocation = onB.received.find((e) => e.type === 'allocation.updated');
    expect(allocation?.data).toEqual({ workspaceId: ws, subworkspaceId: sub._id, generative: 70, api: 0 });
    onB.disconnect();
  });
});
