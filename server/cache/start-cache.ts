import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { RedisClientType } from 'redis';
import { attachCache } from './cache-hooks.js';
import { RedisInvalidationBus } from './invalidation-bus.js';
import { NodeCache } from './node-cache.js';

/**
 * The node's cache, invalidated by every write through `conn`'s models and,
 * with Redis, by the other nodes' writes: nodes sharing a database share one
 * invalidation channel. `onPushesMayBeLost`: the bus saw a node vanish, or
 * this node's channel come back after an outage.
 */
export async function startNodeCache(conn: Connection, redis: RedisClientType | null, log: Logger, onPushesMayBeLost?: (reason: 'peer-lost' | 'rejoined') => void): Promise<NodeCache> {
  const cache = new NodeCache();
  attachCache(conn, cache);
  if (redis) {
    const bus = await RedisInvalidationBus.start(redis, log, (tags) => cache.apply(tags), {
      channel: `console:cache:${conn.name}`,
      maxWaitMs: cache.ttlMs + 100,
      onPushesMayBeLost,
    });
    cache.useBus(bus);
  }
  return cache;
}
