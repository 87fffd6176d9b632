import type { AppContext } from '../context.js';
import { rateLimited } from '../http/errors.js';

const DAY = 86_400;
/** Counting only: the slowdown reads how many failures an account had, it never refuses on this key. */
const COUNT_ONLY = 1_000_000_000;
const MAX_DELAY_MS = 10_000;

/**
 * The sign-in limits, chosen so that strangers cannot lock an owner out:
 * - an address gets `LOGIN_MAX_PER_IP` attempts per day, whatever the account;
 * - an (account, address) pair gets `LOGIN_MAX_PER_ACCOUNT` attempts since its
 *   last success within the window, then waits out the window — the same
 *   account from another address is not affected;
 * - an account that failed `LOGIN_SLOWDOWN_AFTER` times in the window (from
 *   every address together) is slowed down, never refused: each attempt waits
 *   a little longer, up to 10 s.
 * Returns what to call once the password was checked.
 */
export async function guardLogin(ctx: AppContext, email: string, ip: string) {
  const { config, limiter } = ctx;
  const window = config.LOGIN_WINDOW_SECONDS;
  const perIp = await limiter.hit(`login:ip:${ip}`, config.LOGIN_MAX_PER_IP, DAY);
  if (!perIp.allowed) throw rateLimited(perIp.retryAfter, 'Too many sign-in attempts from your network');
  const pairKey = `login:pair:${email}|${ip}`;
  const pair = await limiter.hit(pairKey, config.LOGIN_MAX_PER_ACCOUNT, window);
  if (!pair.allowed) throw rateLimited(pair.retryAfter, 'Too many failed sign-ins to this account');

  const accountKey = `login:failures:${email}`;
  const failures = (await limiter.peek(accountKey, COUNT_ONLY, window)).count;
  const over = failures - config.LOGIN_SLOWDOWN_AFTER;
  if (over >= 0) await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_DELAY_MS, 250 * (over + 1))));

  return {
    succeeded: () => limiter.reset(pairKey),
    failed: async () => {
      await limiter.hit(accountKey, COUNT_ONLY, window);
    },
  };
}
