import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, startTestServer } from '../support/server.js';
import { ApiClient, connectSocket, emitAck, signedInClient, uniqueEmail, waitFor } from '../support/client.js';
import { createWorkspace } from '../support/factories.js';

/** Two console nodes sharing one database and one Redis, as behind a load balancer. */
let a: Awaited<ReturnType<typeof startTestServer>>;
let b: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  const database = freshDatabase();
  const env = { LOGIN_MAX_PER_ACCOUNT: '4', LOGIN_MAX_PER_IP: '1000' };
  a = await startTestServer({ database, redis: true, env });
  b = await startTestServer({ database, redis: true, env });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe('several nodes behind Redis', () => {
  it('delivers an event published on node A to sockets connected to node B', async () => {
    const owner = await signedInClient(a.url);
    const ws = await createWorkspace(a.ctx, owner.user.id);
    const onB = await connectSocket(b.url, owner.client.cookie);
    const onA = await connectSocket(a.url, owner.client.cookie);
    await emitAck(onB, 'workspace:subscribe', { workspaceId: ws });
    await emitAck(onA, 'workspace:subscribe', { workspaceId: ws });
    const sent = await a.ctx.publisher.toWorkspace(ws, 'members', { type: 'workspace.updated', actorId: owner.user.id, data: { workspaceId: ws, name: 'x' } });
    await waitFor(() => onB.received.length === 1 && onA.received.length === 1, 'delivery on both nodes');
    expect(onB.received[0]).toEqual(sent);
    onA.close();
    onB.close();
  });

  it('signing out on node A closes the session sockets held by node B', async () => {
    const { client } = await signedInClient(a.url);
    const onB = await connectSocket(b.url, client.cookie);
    const closed = new Promise<string>((resolve) => onB.once('disconnect', resolve));
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    const me = new ApiClient(b.url);
    me.cookie = client.cookie;
    expect((await me.get('/api/me')).status).toBe(401);
  });

  it('shares sign-in rate limits between nodes', async () => {
    const email = uniqueEmail('limits');
    const statuses: number[] = [];
    for (const node of [a, b, a, b, a]) statuses.push((await new ApiClient(node.url).post('/api/auth/login', { email, password: 'wrong-password' })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it('numbers events published in parallel on both nodes without gap or duplicate', async () => {
    const owner = await signedInClient(a.url);
    const ws = await createWorkspace(a.ctx, owner.user.id);
    const base = Number((await a.ctx.publisher.cursorOf(`workspace:${ws}`))!.split(':').pop());
    const publish = (node: typeof a, n: number) => node.ctx.publisher.toWorkspace(ws, 'members', { type: 'workspace.updated', actorId: null, data: { n } as never });
    const sent = await Promise.all(Array.from({ length: 40 }, (_, i) => publish(i % 2 ? a : b, i)));
    const seqs = sent.map((e) => Number(e.id.split(':').pop())).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => base + i + 1));
    expect(await a.ctx.models.Event.countDocuments({ stream: `workspace:${ws}` })).toBe(base + 40);
  });
});
