import type { AppContext } from '../context.js';
import type { AckError } from '../../shared/events.js';
import { toAppError } from '../http/errors.js';

/**
 * Wraps a socket message handler: the ack is optional for the client, and
 * anything thrown becomes an error ack with a stable code; the process never
 * crashes on input.
 */
export function handle<R extends object>(
  ctx: AppContext,
  work: (payload: unknown) => Promise<R>,
): (payload: unknown, ack?: unknown) => void {
  return (payload, ack) => {
    const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => {};
    work(payload).then(
      (result) => reply({ ok: true, ...result }),
      (err) => {
        const e = toAppError(err);
        if (e.status >= 500) ctx.log.error({ err }, 'socket handler failed');
        const body: AckError = { ok: false, error: e.toJSON() };
        reply(body);
      },
    );
  };
}
