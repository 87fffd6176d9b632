import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { ERROR_STATUS, type ErrorCode, type FieldIssue } from '../../shared/errors.js';
import type { Logger } from 'pino';
import { requestLogger } from './request-log.js';

/** An error a client may see: a stable code, a message for people, optional details. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
  toJSON() {
    return { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}

export const notFound = (what = 'Not found') => new AppError('not_found', what);
export const forbidden = (message = 'You are not allowed to do this') => new AppError('forbidden', message);
export const unauthenticated = (message = 'Sign in to continue') => new AppError('unauthenticated', message);
export const conflict = (message: string, details?: unknown) => new AppError('conflict', message, details);
export const unavailable = () => new AppError('unavailable', 'The database is not reachable right now. Try again in a moment.', undefined, { 'Retry-After': '5' });

/** The driver's errors for a database that cannot be reached (not for a query it refused). */
const UNREACHABLE = /^Mongo(ose)?(Network|NetworkTimeout|ServerSelection|NotConnected|PoolCleared|TopologyClosed)Error$/;
/** Labels the driver puts on errors of a connection that broke or could not be made. */
const UNREACHABLE_LABELS = ['ResetPool', 'SystemOverloadedError'];

/** The database could not be reached: a driver error saying so, itself or as the cause of another (a write error wrapping a network one). */
function isUnreachable(err: unknown): boolean {
  let e = err as { name?: string; cause?: unknown; hasErrorLabel?: (label: string) => boolean } | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as typeof e) {
    if (e.name && UNREACHABLE.test(e.name)) return true;
    if (typeof e.hasErrorLabel === 'function' && UNREACHABLE_LABELS.some((l) => e!.hasErrorLabel!(l))) return true;
  }
  return false;
}

/** A wait as people say it: minutes, or hours past 90 minutes; never raw seconds. */
export function waitText(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  if (minutes <= 90) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hours`;
}

/** 429 with `Retry-After` (seconds, for programs) and the wait in words (for people). */
export const rateLimited = (retryAfterSeconds: number, what = 'Too many attempts') =>
  new AppError('rate_limited', `${what}. Try again in ${waitText(retryAfterSeconds)}.`, { retryAfter: retryAfterSeconds }, {
    'Retry-After': String(retryAfterSeconds),
  });

export function issuesOf(error: ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** A single field the client got wrong, said like a schema's refusal. */
export const invalidField = (path: string, message: string) => new AppError('validation_failed', message, [{ path, message }]);

export const validationFailed = (error: ZodError) =>
  new AppError('validation_failed', 'Some fields are not valid', issuesOf(error));

/** Turns anything thrown into the JSON error body; internals never reach the client. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return validationFailed(err);
  const e = err as { type?: string; status?: number; statusCode?: number; name?: string };
  // Express's own layers: body-parser (malformed JSON, too large, bad charset), the router (a path
  // with a malformed %-escape), mongoose casting a value that slipped past a schema.
  if (e?.type === 'entity.too.large') return new AppError('too_large', 'The request body is too large');
  if (e?.type === 'entity.parse.failed') return new AppError('validation_failed', 'The request body must be a valid JSON object');
  if (e?.name === 'CastError') return new AppError('validation_failed', 'A value has the wrong type');
  if (isUnreachable(err)) return unavailable();
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('validation_failed', e?.type ? 'The request body could not be read' : 'The request could not be read');
  }
  return new AppError('internal', 'Something went wrong on our side');
}

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.code === 'internal') requestLogger(req, log).error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return;
    res.set(appError.headers).status(appError.status).json({ error: appError.toJSON() });
  };
}
