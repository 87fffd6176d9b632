import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Level, Logger } from 'pino';

/** Express rewrites `req.url` inside mounted routers; the path as requested is `originalUrl`. */
const pathOf = (req: IncomingMessage) => (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';

/** A request id a proxy in front may pass on; anything else is replaced by our own. */
const FORWARDED_ID = /^[A-Za-z0-9._:-]{8,100}$/;

const QUIET = new Set(['/healthz', '/readyz']);

type RequestWithId = IncomingMessage & { requestId?: string };

/** The logger for what a request logs besides its line: each line names the request (an internal error, for instance). */
export function requestLogger(req: IncomingMessage, log: Logger): Logger {
  const id = (req as RequestWithId).requestId;
  return id ? log.child({ req: { id, method: req.method, url: pathOf(req) } }) : log;
}

/**
 * One log line per request: id, method, path, status and duration. The id
 * is also sent back as `X-Request-Id` and carried by every line the request
 * logs (`requestLogger`; an internal error names it), so a user's report
 * finds its log. Health probes are not logged; pages and static files only
 * at debug. Nothing is built for a line the log level drops (no child logger
 * per request).
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && FORWARDED_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    const path = pathOf(req);
    (req as RequestWithId).requestId = id;
    if (QUIET.has(path)) return next();

    const started = Date.now();
    // A response emits `close` once, whether it finished or the client went away.
    res.once('close', () => {
      const failed = res.statusCode >= 500;
      const level: Level = failed ? 'error' : path.startsWith('/api/') ? 'info' : 'debug';
      if (!log.isLevelEnabled(level)) return;
      const line = { req: { id, method: req.method, url: path }, res: { status: res.statusCode }, responseTime: Date.now() - started };
      if (failed) log[level]({ ...line, err: new Error(`failed with status code ${res.statusCode}`) }, `${req.method} ${path} ${res.statusCode}`);
      else log[level](line, `${req.method} ${path} ${res.statusCode} ${Math.round(line.responseTime)} ms`);
    });
    next();
  };
}
