import type { AppContext } from '../context.js';

const THROTTLE_MS = 1000;
/** Per node: what is due to be published, by key. */
const pending = new WeakMap<AppContext, Map<string, NodeJS.Timeout>>();

/**
 * Runs `publish` at most about once a second per key on this node while
 * calls go on, and always once after the last of them (trailing), so a
 * burst of changes (metered API calls) becomes a few events whose last one
 * carries the final state.
 */
export function throttled(ctx: AppContext, key: string, publish: () => Promise<unknown>) {
  let due = pending.get(ctx);
  if (!due) pending.set(ctx, (due = new Map()));
  if (due.has(key)) return;
  const timer = setTimeout(() => {
    due.delete(key);
    publish().catch((err: unknown) => ctx.log.warn({ err, key }, 'throttled event not published'));
  }, THROTTLE_MS);
  timer.unref();
  due.set(key, timer);
}
