import type { RedisClientType } from 'redis';

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window resets (for `Retry-After`). */
  retryAfter: number;
}

/** Fixed-window counters: `max` hits per `windowSeconds` for each key. */
export interface RateLimiter {
  hit(key: string, max: number, windowSeconds: number): Promise<RateLimitResult>;
  /** Whether one more hit would be allowed, without counting it. */
  peek(key: string, max: number, windowSeconds: number): Promise<RateLimitResult>;
  reset(key: string): Promise<void>;
  close(): void;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  async hit(key: string, max: number, windowSeconds: number): Promise<RateLimitResult> {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, w);
    }
    w.count++;
    return { allowed: w.count <= max, retryAfter: Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  }

  async peek(key: string, max: number, windowSeconds: number): Promise<RateLimitResult> {
    const now = Date.now();
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) return { allowed: true, retryAfter: windowSeconds };
    return { allowed: w.count < max, retryAfter: Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  }

  async reset(key: string) {
    this.windows.delete(key);
  }

  close() {
    clearInterval(this.sweeper);
  }

  private sweep() {
    const now = Date.now();
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}

/** Shared by every node through Redis: INCR then set the expiry on the first hit of a window. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: RedisClientType,
    private readonly prefix = 'rl:',
  ) {}

  async hit(key: string, max: number, windowSeconds: number): Promise<RateLimitResult> {
    const k = this.prefix + key;
    const [count, , ttl] = (await this.redis
      .multi()
      .incr(k)
      .expire(k, windowSeconds, 'NX')
      .pTTL(k)
      .exec()) as unknown as [number, number, number];
    const ms = ttl > 0 ? ttl : windowSeconds * 1000;
    return { allowed: count <= max, retryAfter: Math.max(1, Math.ceil(ms / 1000)) };
  }

  async peek(key: string, max: number, windowSeconds: number): Promise<RateLimitResult> {
    const k = this.prefix + key;
    const [count, ttl] = await Promise.all([this.redis.get(k), this.redis.pTTL(k)]);
    const ms = ttl > 0 ? ttl : windowSeconds * 1000;
    return { allowed: Number(count ?? 0) < max, retryAfter: Math.max(1, Math.ceil(ms / 1000)) };
  }

  async reset(key: string) {
    await this.redis.del(this.prefix + key);
  }

  close() {}
}
