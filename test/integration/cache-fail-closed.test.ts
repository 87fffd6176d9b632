import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCommands, freshDatabase, startTestServer } from '../support/server.js';
import { ApiClient, connectSocket, emitAck, waitFor, type TestSocket } from '../support/client.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';
import { startRedis } from '../support/redis-server.js';

/** Two nodes on a Redis of their own, which the tests stop and bring back. */
let dir: string;
let redis: Awaited<ReturnType<typeof startRedis>> | null;
let port: number;
let a: Awaited<ReturnType<typeof startTestServer>>;
let b: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wsc-cache-redis-'));
  redis = await startRedis(dir);
  port = Number(new URL(redis.url).port);
  const database = freshDatabase();
  a = await startTestServer({ database, env: { REDIS_URL: redis.url } });
  b = await startTestServer({ database, env: { REDIS_URL: redis.url }, monitorCommands: true });
  await waitFor(() => a.ctx.cache.trusted() && b.ctx.cache.trusted(), 'both caches in use');
});
afterAll(async () => {
  redis ??= await startRedis(dir, port);
  await a?.close();
  await b?.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the cache fails closed when invalidations may not arrive', () => {
  it('with Redis gone, node B answers from the database and a removal on node A still reaches it at the next request; once Redis is back, caches are used again', async () => {
    const owner = await createUser(a.ctx, a.url, 'Owner');
    const member = await createUser(a.ctx, b.url, 'Member');
    const ws = await createWorkspace(a.ctx, owner.user._id, [{ userId: member.user._id, role: 'creator' }], 'Outage Co');
    const warmRead = async () => {
      const counted = countCommands(b);
      const res = await member.client.get(`/api/workspaces/${ws}`);
      counted.stop();
      return { status: res.status, commands: counted.count };
    };
    await warmRead();
    expect(await warmRead()).toEqual({ status: 200, commands: 0 });

    await redis!.stop();
    redis = null;
    await waitFor(() => !a.ctx.cache.trusted() && !b.ctx.cache.trusted(), 'both nodes to stop trusting their caches', 5_000);
    const bypassed = await warmRead();
    expect(bypassed.status).toBe(200);
    expect(bypassed.commands, 'node B reads the database while it cannot hear invalidations').toBeGreaterThan(0);

    // Node A cannot get the removal confirmed: it replies once every entry read before it has expired everywhere.
    const started = Date.now();
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/members/${member.user._id}`)).status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(a.ctx.cache.ttlMs);
    expect((await warmRead()).status).toBe(404);

    redis = await startRedis(dir, port);
    await waitFor(() => a.ctx.cache.trusted() && b.ctx.cache.trusted(), 'both caches in use again', 20_000);
    await addMember(a.ctx, ws, member.user, 'viewer');
    expect((await warmRead()).status).toBe(200);
    expect(await warmRead()).toEqual({ status: 200, commands: 0 });
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/members/${member.user._id}`)).status).toBe(204);
    expect((await warmRead()).status).toBe(404);
  }, 60_000);
});

const names = (socket: TestSocket) => socket.received.map((e) => (e.data as { name?: string }).name);

describe('live events through a Redis outage', () => {
  it("a node's own sockets get its events while Redis is away; the other node's catch up by replay once it is back, and live pushes across nodes resume", async () => {
    const owner = await createUser(a.ctx, a.url, 'Owner');
    const ws = await createWorkspace(a.ctx, owner.user._id, [], 'Outage Live');
    const onA = await connectSocket(a.url, owner.client.cookie);
    const onB = await connectSocket(b.url, owner.client.cookie);
    let checks = 0;
    onB.on('streams:check', () => checks++);
    const subscribed = await emitAck(onB, 'workspace:subscribe', { workspaceId: ws });
    await emitAck(onA, 'workspace:subscribe', { workspaceId: ws });
    expect(subscribed).toMatchObject({ ok: true, audiences: ['members', 'admins', 'apiKeys'], position: { admins: 0, apiKeys: 0 } });
    const members = subscribed.position.members as number;
    const rename = (name: string) => owner.client.request('PATCH', `/api/workspaces/${ws}`, { name });

    expect((await rename('Before')).status).toBe(200);
    await waitFor(() => names(onA).includes('Before') && names(onB).includes('Before'), 'the rename on both nodes');
    const seenOnB = onB.received.at(-1)!.id;

    await redis!.stop();
    redis = null;
    // The write waits for its cache invalidation to be safe without Redis (every entry read before it expired, 5 s);
    // its event reaches node A's own socket at once all the same.
    const renamed = rename('During');
    await waitFor(() => names(onA).includes('During'), "node A's own socket to get node A's event", 8000);
    const during = onA.received.find((e) => (e.data as { name?: string }).name === 'During')!;
    expect(Date.now() - Date.parse(during.at)).toBeLessThan(1000);
    expect((await renamed).status).toBe(200);
    expect(names(onB)).not.toContain('During');

    redis = await startRedis(dir, port);
    await waitFor(() => checks > 0, "node B to tell its sockets to catch up once Redis is back", 20_000);
    // What the web app does on `streams:check`: subscribe again from the last event it saw.
    const replay = await emitAck(onB, 'workspace:subscribe', { workspaceId: ws, since: seenOnB });
    expect(replay.ok).toBe(true);
    expect(replay.missed.map((e: { data: { name: string } }) => e.data.name)).toEqual(['During']);
    expect(replay.missed[0].order).toEqual({ audience: 'members', before: { members: members + 1, admins: 0, apiKeys: 0 } });

    // Live pushes between the nodes resume.
    await waitFor(() => a.ctx.cache.trusted() && b.ctx.cache.trusted(), 'both caches in use again', 20_000);
    expect((await rename('After')).status).toBe(200);
    await waitFor(() => names(onB).includes('After'), 'the rename after the outage on node B', 5000);
    expect((await new ApiClient(b.url).get('/healthz')).status).toBe(200);
    onA.close();
    onB.close();
  }, 60_000);
});
