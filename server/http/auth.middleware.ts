import type { Request, RequestHandler, Response } from 'express';
import { parse as parseCookie } from 'cookie';
import type { AppContext } from '../context.js';
import { authenticateToken, type Auth } from '../accounts/session.service.js';
import { rateLimited, unauthenticated } from './errors.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      auth?: Auth;
    }
  }
}

export const SESSION_COOKIE = 'sid';

export function sessionTokenOf(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return parseCookie(cookieHeader)[SESSION_COOKIE];
}

/** Every `/api` call but the public ones needs a live session. */
export function requireUser(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    const auth = await authenticateToken(ctx, sessionTokenOf(req.headers.cookie));
    if (!auth) throw unauthenticated();
    req.auth = auth;
    next();
  };
}

/** The authenticated user of a request that passed `requireUser`. */
export function authOf(req: Request): Auth {
  if (!req.auth) throw unauthenticated();
  return req.auth;
}

export function setSessionCookie(ctx: AppContext, res: Response, token: string) {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.publicUrl().startsWith('https:'),
    path: '/',
    maxAge: ctx.config.SESSION_TTL_DAYS * 86_400_000,
  });
}

export function clearSessionCookie(ctx: AppContext, res: Response) {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: ctx.publicUrl().startsWith('https:'), path: '/' });
}

/** Counts one attempt against a limit; past it, 429 `rate_limited` with `Retry-After`. */
export async function enforceLimit(ctx: AppContext, key: string, max: number, windowSeconds: number) {
  const { allowed, retryAfter } = await ctx.limiter.hit(key, max, windowSeconds);
  if (!allowed) throw rateLimited(retryAfter);
}
