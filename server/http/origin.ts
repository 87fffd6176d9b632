import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import { forbidden } from './errors.js';
import { schemeOf } from './proxy.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** `Sec-Fetch-Site` values a browser sends for a request another site started. */
const FOREIGN_SITES = new Set(['cross-site', 'same-site']);

/**
 * A request may come from the console's public origin or from the origin it
 * was addressed to (same-origin). Browsers cannot forge `Origin`, and cookies
 * are bound to the host name, so this stops cross-site requests.
 */
export function isAllowedOrigin(ctx: AppContext, req: IncomingMessage, origin: string): boolean {
  if (origin === new URL(ctx.publicUrl()).origin) return true;
  const host = req.headers.host;
  if (!host) return false;
  return origin === `${schemeOf(req, ctx.trustProxy)}://${host}`;
}

/**
 * Whether a browser request was started by this console's own pages: a
 * present `Origin` must be ours; without one, the browser's
 * `Sec-Fetch-Site` must not say another site started it. Programs that send
 * neither header (scripts, the test client) are not browsers and carry no
 * ambient cookie risk of their own.
 */
export function isOwnRequest(ctx: AppContext, req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) return isAllowedOrigin(ctx, req, origin);
  const site = req.headers['sec-fetch-site'];
  return typeof site !== 'string' || !FOREIGN_SITES.has(site.toLowerCase());
}

/** A state-changing request from another site gets 403 `forbidden`. */
export function originCheck(ctx: AppContext): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (!isOwnRequest(ctx, req)) throw forbidden('Cross-origin requests are not allowed');
    next();
  };
}
