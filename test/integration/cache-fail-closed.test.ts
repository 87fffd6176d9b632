import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCommands, freshDatabase, startTestServer } from '../support/server.js';
import { waitFor } from '../support/client.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';
import { startRedis } from '../support/redis-server.js';

/** Two nodes on a Redis of their own, which the test stops and brings back. */
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
