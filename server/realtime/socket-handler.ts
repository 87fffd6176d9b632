import type { AppContext } from '../context.js';
import type { AckError } from '../../shared/events.js';
import { toAppError } from '../http/errors.js';

/**
 * Wraps a socket message handler: the ack is optional for the client, and
 * anything thrown becomes an error ack with a stable code; the process never
 * crashes on input. The payload is the first argument and the ack the last
 * (Socket.IO appends it to whatever the client sent), so a message with no
 * payload or extra arguments is still answered.
 */
export function handle<R extends object>(ctx: AppContext, work: (payload: unknown) => Promise<R>): (...args: unknown[]) => void {
  return (...args) => {
    const last = args.at(-1);
    const reply = typeof last === 'function' ? (args.pop(), last as (r: unknown) => void) : () => {};
    work(args[0]).then(
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
