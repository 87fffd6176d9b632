import type { Request, RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { authenticateApiKey, type ApiKeyAuth } from '../api-keys/api-key-auth.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      apiKey?: ApiKeyAuth;
    }
  }
}

/** One 401 for every refused key (absent, malformed, unknown, revoked, expired, API access off): nothing tells them apart. */
const refused = () =>
  new AppError('unauthenticated', 'Send a valid API key: Authorization: Bearer <key>. Keys are made in the workspace’s API tab.', undefined, {
    'WWW-Authenticate': 'Bearer realm="api"',
  });

/** `Bearer <secret>`: the scheme in any case, one or more spaces, nothing after the secret. */
const BEARER = /^Bearer +(\S+)$/i;

/**
 * `/api/v1` is authenticated by an API key in `Authorization: Bearer …`
 * only: no cookie counts (a browser's ambient session never reaches the
 * public API), so no Origin rule is needed either.
 */
export function requireApiKey(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const secret = typeof header === 'string' && header.length <= 200 ? BEARER.exec(header)?.[1] : undefined;
    const auth = secret ? await authenticateApiKey(ctx, secret) : null;
    if (!auth) throw refused();
    req.apiKey = auth;
    next();
  };
}

/** The key of a request that passed `requireApiKey`. */
export function apiKeyOf(req: Request): ApiKeyAuth {
  if (!req.apiKey) throw refused();
  return req.apiKey;
}
