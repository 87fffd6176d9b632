import { describe, expect, it } from 'vitest';
import { NodeCache, type InvalidationBus } from '../../server/cache/node-cache.js';
import { everyOf, tagsOf } from '../../server/cache/tags.js';

/** A load the test finishes by hand, counting how often it was started. */
function controlledLoad<V>() {
  const pending: Array<(v: V) => void> = [];
  const load = () => new Promise<V>((resolve) => pending.push(resolve));
  return {
    load,
    get started() {
      return pending.length;
    },
    finish: (i: number, value: V) => pending[i]!(value),
  };
}

/** A bus whose health and epoch the test sets, recording what was broadcast. */
class FakeBus implements InvalidationBus {
  up = true;
  epoch = 0;
  sent: string[][] = [];
  private release: Array<() => void> = [];
  holdBroadcasts = false;
  healthy() {
    return this.up;
  }
  broadcast(tags: readonly string[]) {
    this.sent.push([...tags]);
    if (!this.holdBroadcasts) return Promise.resolve();
    return new Promise<void>((resolve) => this.release.push(resolve));
  }
  confirmAll() {
    for (const r of this.release.splice(0)) r();
  }
  async close() {}
}

const flush = () => new Promise((r) => setImmediate(r));

describe('the node cache', () => {
  it('a read that began before an invalidation of its tags is handed out but never kept (fill vs invalidate)', async () => {
    const cache = new NodeCache();
    const loads = controlledLoad<string>();
    const tags = tagsOf('membership', 'w1:u1');

    const before = cache.read('m', loads.load, () => tags);
    // The write lands and is invalidated while that read is still loading what it saw before the write.
    cache.apply(['membership:w1:u1']);
    loads.finish(0, 'creator (read before the write)');
    expect(await before).toBe('creator (read before the write)');

    // The next read does not get the old value: it loads again, and that one is kept.
    const after = cache.read('m', loads.load, () => tags);
    expect(loads.started).toBe(2);
    loads.finish(1, 'none (read after the write)');
    expect(await after).toBe('none (read after the write)');
    expect(await cache.read('m', loads.load, () => tags)).toBe('none (read after the write)');
    expect(loads.started).toBe(2);
  });

  it('a read that begins after an invalidation does not share a load that began before it', async () => {
    const cache = new NodeCache();
    const loads = controlledLoad<string>();
    const tags = tagsOf('session', 's1');
    const first = cache.read('s', loads.load, () => tags);
    const joined = cache.read('s', loads.load, () => tags);
    expect(loads.started).toBe(1);
    cache.apply(['session:s1']);
    const fresh = cache.read('s', loads.load, () => tags);
    expect(loads.started).toBe(2);
    loads.finish(0, 'live');
    loads.finish(1, 'signed out');
    expect([await first, await joined, await fresh]).toEqual(['live', 'live', 'signed out']);
    expect(await cache.read('s', loads.load, () => tags)).toBe('signed out');
  });

  it('an invalidation of another document, or that came before the read began, leaves the entry alone', async () => {
    const cache = new NodeCache();
    let loads = 0;
    const load = async () => ++loads;
    cache.apply(['workspace:w1']);
    expect(await cache.read('w', load, () => tagsOf('workspace', 'w1'))).toBe(1);
    cache.apply(['workspace:w2']);
    expect(await cache.read('w', load, () => tagsOf('workspace', 'w1'))).toBe(1);
    // A write that could not name its documents invalidates the whole kind.
    cache.apply([everyOf('workspace')]);
    expect(await cache.read('w', load, () => tagsOf('workspace', 'w1'))).toBe(2);
  });

  it('keeps an entry for its lifetime from the start of its read, and nothing untagged', async () => {
    let now = 1_000;
    const cache = new NodeCache({ ttlMs: 5_000, clock: () => now });
    const loads = controlledLoad<number>();
    const tags = () => tagsOf('user', 'u1');
    const read = cache.read('u', loads.load, tags);
    now += 3_000; // a slow database
    loads.finish(0, 1);
    await read;
    now += 1_999;
    expect(await cache.read('u', loads.load, tags)).toBe(1);
    now += 2;
    const expired = cache.read('u', loads.load, tags);
    expect(loads.started).toBe(2);
    loads.finish(1, 2);
    expect(await expired).toBe(2);

    let misses = 0;
    const unknown = async () => (misses++, null);
    await cache.read('nobody', unknown, (v) => (v ? ['user:x'] : null));
    await cache.read('nobody', unknown, (v) => (v ? ['user:x'] : null));
    expect(misses).toBe(2);
  });

  it('freezes what it hands out: callers share it', async () => {
    const cache = new NodeCache();
    const value = await cache.read('w', async () => ({ settings: { companyDomains: ['a.test'] } }), () => ['workspace:w']);
    expect(() => value.settings.companyDomains.push('b.test')).toThrow(TypeError);
  });

  it('fails closed: while invalidations may not arrive it neither reads nor keeps; after, nothing kept before counts', async () => {
    const bus = new FakeBus();
    const cache = new NodeCache();
    cache.useBus(bus);
    let loads = 0;
    const load = async () => ++loads;
    const tags = () => tagsOf('membership', 'w1:u1');
    expect(await cache.read('m', load, tags)).toBe(1);
    expect(await cache.read('m', load, tags)).toBe(1);

    bus.up = false;
    expect(await cache.read('m', load, tags)).toBe(2);
    expect(await cache.read('m', load, tags)).toBe(3);

    // Back, but invalidations sent meanwhile were lost: the entry from before must not come back.
    bus.up = true;
    bus.epoch++;
    expect(await cache.read('m', load, tags)).toBe(4);
    expect(await cache.read('m', load, tags)).toBe(4);

    // A read that began before a lapse is not kept after it.
    const loads2 = controlledLoad<number>();
    const slow = cache.read('slow', loads2.load, tags);
    bus.epoch++;
    loads2.finish(0, 1);
    await slow;
    void cache.read('slow', loads2.load, tags);
    expect(loads2.started).toBe(2);
  });

  it('invalidates here at once, and resolves only once the other nodes confirmed', async () => {
    const bus = new FakeBus();
    bus.holdBroadcasts = true;
    const cache = new NodeCache();
    cache.useBus(bus);
    let loads = 0;
    const load = async () => ++loads;
    const tags = () => tagsOf('membership', 'w1:u1');
    await cache.read('m', load, tags);

    let settled = false;
    const done = cache.invalidate(['membership:w1:u1']).then(() => (settled = true));
    expect(await cache.read('m', load, tags)).toBe(2);
    expect(bus.sent).toEqual([['membership:w1:u1']]);
    await flush();
    expect(settled).toBe(false);
    bus.confirmAll();
    await done;
    expect(settled).toBe(true);
  });
});
