import type { Logger } from 'pino';
import { createClient, type RedisClientType } from 'redis';

/** How often a Redis outage is logged again while it lasts. */
const ERROR_LOG_EVERY_MS = 10_000;

/**
 * An error listener that logs the first error of an outage, then at most
 * once per ERROR_LOG_EVERY_MS with how many there were: the client retries
 * every few hundred milliseconds and each retry is an error.
 */
export function throttledErrorLog(log: Logger, what: string) {
  let last = 0;
  let since = 0;
  return (err: Error) => {
    since++;
    const now = Date.now();
    if (now - last < ERROR_LOG_EVERY_MS) return;
    log.error({ err, errors: since }, what);
    last = now;
    since = 0;
  };
}

/** The node's Redis client (rate limits, the cache's channel). Commands wait in its queue while Redis is away. */
export async function connectRedis(url: string, log: Logger): Promise<RedisClientType> {
  const redis: RedisClientType = createClient({ url });
  const logError = throttledErrorLog(log, 'redis error');
  redis.on('error', logError);
  redis.on('ready', () => log.info('redis connected'));
  await redis.connect();
  return redis;
}

/**
 * The Socket.IO adapter's publishing client: without an offline queue, so
 * that while Redis is away a broadcast's XADD fails at once and the adapter
 * goes on to deliver to this node's own sockets (with a queue it would wait
 * for Redis, and this node's clients with it). Its reading clients, which
 * the adapter duplicates from it, keep their queue: a blocking XREAD then
 * waits for Redis instead of failing in a tight loop.
 */
export async function adapterRedis(redis: RedisClientType, log: Logger): Promise<RedisClientType> {
  const publisher = redis.duplicate({ disableOfflineQueue: true }) as RedisClientType;
  publisher.on('error', throttledErrorLog(log, 'redis error (socket adapter)'));
  publisher.duplicate = ((overrides?: object) => redis.duplicate(overrides)) as RedisClientType['duplicate'];
  await publisher.connect();
  return publisher;
}

/** Closes a client: politely when Redis answers within a second, at once otherwise (a reconnecting client's QUIT waits for Redis). */
export async function closeRedis(client: RedisClientType) {
  const quit = client.quit().then(
    () => true,
    () => false,
  );
  const done = await Promise.race([quit, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref())]);
  if (!done && client.isOpen) client.destroy();
}
