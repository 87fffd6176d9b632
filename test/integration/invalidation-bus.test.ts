import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import { createClient, type RedisClientType } from 'redis';
import { RedisInvalidationBus } from '../../server/cache/invalidation-bus.js';
import { waitFor } from '../support/client.js';

const log = pino({ level: 'silent' });
const opened: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const c of opened.splice(0).reverse()) await c.close();
});

async function client() {
  const redis = createClient({ url: inject('redisUrl') }) as RedisClientType;
  await redis.connect();
  opened.push({ close: () => redis.quit().catch(() => {}) });
  return redis;
}

/** A node's bus on `channel`, recording the invalidations it applied. */
async function node(channel: string, opts: { maxWaitMs?: number; peerMs?: number } = {}) {
  const applied: string[] = [];
  const bus = await RedisInvalidationBus.start(await client(), log, (tags) => applied.push(...tags), { channel, maxWaitMs: opts.maxWaitMs ?? 5_000, peerMs: opts.peerMs });
  opened.push(bus);
  await waitFor(() => bus.healthy(), 'its own heartbeat back');
  return { bus, applied };
}

const channel = () => `test:cache:${randomBytes(6).toString('hex')}`;

describe('invalidations between nodes over Redis', () => {
  it('a broadcast resolves only once every other node has applied it', async () => {
    const ch = channel();
    const a = await node(ch);
    const b = await node(ch);
    const c = await node(ch);
    // Each has heard the others' heartbeats.
    await new Promise((r) => setTimeout(r, 700));
    for (let i = 0; i < 20; i++) {
      const tag = `membership:w:${i}`;
      await a.bus.broadcast([tag]);
      expect(b.applied).toContain(tag);
      expect(c.applied).toContain(tag);
    }
    expect(a.applied).toEqual([]);
  });

  it('waits out the entries’ lifetime for a node it heard from that does not answer; not for one silent long enough to distrust its cache', async () => {
    const ch = channel();
    const a = await node(ch, { maxWaitMs: 600, peerMs: 1_000 });
    const ghost = await client();
    await ghost.publish(ch, JSON.stringify({ t: 'heartbeat', from: 'stuck-node', sentAt: 0 }));
    await new Promise((r) => setTimeout(r, 50));

    let started = Date.now();
    await a.bus.broadcast(['session:s1']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);

    await new Promise((r) => setTimeout(r, 1_100));
    started = Date.now();
    await a.bus.broadcast(['session:s2']);
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('a node that says goodbye is not waited for', async () => {
    const ch = channel();
    const a = await node(ch, { maxWaitMs: 3_000 });
    const b = await node(ch);
    await new Promise((r) => setTimeout(r, 700));
    await b.bus.close();
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await a.bus.broadcast(['user:u1']);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
