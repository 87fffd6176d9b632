import type { AppContext } from '../context.js';
import { rateLimited } from '../http/errors.js';

/**
 * How guesses at a video's password are limited, checked BEFORE the hash is
 * verified (a refused guess costs no argon2 work), and chosen so that
 * strangers can never lock the owner or everyone else out:
 * - per (link, address), growing delays: 5 guesses a minute, then 10 per
 *   quarter hour, then 20 a day — each step refuses with a longer
 *   `Retry-After`. Only that address waits; a success clears its count.
 * - per link, a budget of LINK_BUDGET guesses an hour from all addresses
 *   together. Past it the link is slowed, never closed: each address may
 *   guess once per SLOW_SECONDS, so a person with the right password from
 *   a new address still gets in at once.
 * Every guess that reaches the hash counts (right or wrong), so parallel
 * guesses cannot slip past a limit: the counters are consumed atomically
 * (rate-limiter-flexible, in Redis when there is one).
 */
export const PAIR_STEPS = [
  { max: 5, windowSeconds: 60 },
  { max: 10, windowSeconds: 15 * 60 },
  { max: 20, windowSeconds: 86_400 },
] as const;
export const LINK_BUDGET = 50;
export const LINK_WINDOW_SECONDS = 3600;
export const SLOW_SECONDS = 60;

const pairKey = (videoId: string, ip: string, step: number) => `unlock:pair:${step}:${videoId}|${ip}`;

export async function guardUnlock(ctx: AppContext, videoId: string, ip: string) {
  const { limiter } = ctx;
  for (const [step, { max, windowSeconds }] of PAIR_STEPS.entries()) {
    const hit = await limiter.hit(pairKey(videoId, ip, step), max, windowSeconds);
    if (!hit.allowed) throw rateLimited(hit.retryAfter, 'Too many wrong passwords from your network');
  }
  const budget = await limiter.hit(`unlock:link:${videoId}`, LINK_BUDGET, LINK_WINDOW_SECONDS);
  if (!budget.allowed) {
    const slow = await limiter.hit(`unlock:slow:${videoId}|${ip}`, 1, SLOW_SECONDS);
    if (!slow.allowed) throw rateLimited(slow.retryAfter, 'Many wrong passwords were tried for this video');
  }
  return {
    succeeded: () => Promise.all(PAIR_STEPS.map((_, step) => limiter.reset(pairKey(videoId, ip, step)))),
  };
}
