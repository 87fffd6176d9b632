import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import { forbidden } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A request may come from the console's public origin or from the origin it
 * was addressed to (same-origin). Browsers cannot forge `Origin`, and cookies
 * are bound to the host name, so this stops cross-site requests.
 */
export function isAllowedOrigin(ctx: AppContext, req: IncomingMessage, origin: string): boolean {
  if (origin === new URL(ctx.publicUrl()).origin) return true;
  const host = req.headers.host;
  if (!host) return false;
  const proto = ctx.config.TRUST_PROXY ? String(req.headers['x-forwarded-proto'] ?? 'http').split(',')[0]!.trim() : (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return origin === `${proto}://${host}`;
}

/** A state-changing request whose `Origin` is present and foreign gets 403 `forbidden`. */
export function originCheck(ctx: AppContext): RequestHandler {
  return (req, _res, next) => {
    const origin = req.headers.origin;
    if (SAFE_METHODS.has(req.method) || origin === undefined) return next();
    if (!isAllowedOrigin(ctx, req, origin)) throw forbidden('Cross-origin requests are not allowed');
    next();
  };
}
