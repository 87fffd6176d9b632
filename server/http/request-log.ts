import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** Express rewrites `req.url` inside mounted routers; the path as requested is `originalUrl`. */
const pathOf = (req: IncomingMessage) => (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';

/** A request id a proxy in front may pass on; anything else is replaced by our own. */
const FORWARDED_ID = /^[A-Za-z0-9._:-]{8,100}$/;

/**
 * One log line per request: id, method, path, status and duration. The id
 * is also sent back as `X-Request-Id` and carried by every line the request
 * logs (an internal error names it), so a user's report finds its log.
 * Health probes are not logged; pages and static files only at debug.
 */
export function requestLog(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && FORWARDED_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    autoLogging: { ignore: (req) => pathOf(req) === '/healthz' || pathOf(req) === '/readyz' },
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      return pathOf(req).startsWith('/api/') ? 'info' : 'debug';
    },
    customSuccessMessage: (req, res, ms) => `${req.method} ${pathOf(req)} ${res.statusCode} ${Math.round(ms)} ms`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    serializers: {
      req: (req: { id: unknown; method: string; url: string; raw?: IncomingMessage }) => ({ id: req.id, method: req.method, url: req.raw ? pathOf(req.raw) : req.url }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
  }) as unknown as RequestHandler;
}
