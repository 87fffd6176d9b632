import type { RedisClientType } from 'redis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window resets (for `Retry-After`). */
  retryAfter: number;
  /** Hits left in the window after this one. */
  remaining: number;
  /** Hits counted in the window so far. */
  count: number;
}

/** Fixed-window counters: `max` hits per `windowSeconds` for each key. */
export interface RateLimiter {
  hit(key: string, max: number, windowSeconds: number): Promise<RateLimitResult>;
  /** Whether one more hit would be allowed, without counting it. */
  peek(key: string, max: number, windowSeconds: number): Promise<RateLimitResult>;
  reset(key: string): Promise<void>;
  close(): void;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Counters of `rate-limiter-flexible`: in Redis when the console runs on
 * several nodes (every node counts into the same key), in memory otherwise.
 * While Redis is unreachable each node falls back to its own memory
 * counters (the insurance limiter) rather than failing the request or
 * letting everything through.
 */
export class FlexibleRateLimiter implements RateLimiter {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(private readonly redis: RedisClientType | null) {}

  private limiterFor(max: number, windowSeconds: number): RateLimiterAbstract {
    const id = `${max}/${windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const memory = new RateLimiterMemory({ points: max, duration: windowSeconds, keyPrefix: 'rl' });
      limiter = this.redis
        ? new RateLimiterRedis({ storeClient: this.redis, useRedisPackage: true, rejectIfRedisNotReady: true, points: max, duration: windowSeconds, keyPrefix: 'rl', insuranceLimiter: memory })
        : memory;
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  async hit(key: string, max: number, windowSeconds: number): Promise<RateLimitResult> {
    try {
      const res = await this.limiterFor(max, windowSeconds).consume(key);
      return { allowed: true, retryAfter: seconds(res.msBeforeNext), remaining: res.remainingPoints, count: res.consumedPoints };
    } catch (err) {
      if (err instanceof RateLimiterRes) return { allowed: false, retryAfter: seconds(err.msBeforeNext), remaining: 0, count: err.consumedPoints };
      throw err;
    }
  }

  async peek(key: string, max: number, windowSeconds: number): Promise<RateLimitResult> {
    const res = await this.limiterFor(max, windowSeconds).get(key);
    if (!res) return { allowed: true, retryAfter: windowSeconds, remaining: max, count: 0 };
    return { allowed: res.consumedPoints < max, retryAfter: seconds(res.msBeforeNext), remaining: Math.max(0, max - res.consumedPoints), count: res.consumedPoints };
  }

  /** Keys are the same in every window size (one key has one limit), so each limiter forgets it. */
  async reset(key: string) {
    await Promise.all([...this.limiters.values()].map((l) => l.delete(key).catch(() => false)));
  }

  close() {
    this.limiters.clear();
  }
}
