import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { IdempotencyKeySchema } from '../../shared/schemas/credits.js';
import { isDuplicateKey } from '../db/claims.js';
import { AppError, conflict, validationFailed } from './errors.js';

/** A request still in flight after this long belongs to a process that died: its key may be used again. */
const ABANDONED_AFTER_MS = 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A stable text of a JSON value (keys sorted), so the same body always has the same fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Runs `work` once per `Idempotency-Key` of the user (the header is
 * optional; without it the work just runs). The first result — a success
 * or a refusal the client caused (4xx) — is stored and replayed with the
 * same status and body for the same key; the same key with another
 * method, path or body is 409 `conflict`, and so is a duplicate sent while
 * the first is still in flight. A server error forgets the key, so the
 * client may retry with it. Keys are kept IDEMPOTENCY_TTL_HOURS (≥ 24 h).
 */
export async function idempotent(ctx: AppContext, req: Request, res: Response, userId: string, status: number, work: () => Promise<unknown>) {
  const header = req.get('Idempotency-Key');
  if (header === undefined) {
    res.status(status).json(await work());
    return;
  }
  const parsed = IdempotencyKeySchema.safeParse(header);
  if (!parsed.success) throw validationFailed(parsed.error);
  const id = `${userId}:${sha256(parsed.data)}`;
  const fingerprint = sha256(`${req.method} ${req.baseUrl}${req.path}\n${canonical(req.body)}`);
  const record = { _id: id, userId, fingerprint, state: 'in_flight' as const, status: null, body: null, at: ctx.now() };

  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.models.Idempotency.create(record);
      break;
    } catch (err) {
      if (!isDuplicateKey(err) || attempt > 0) throw err;
      const first = await ctx.models.Idempotency.findById(id).lean();
      if (!first) continue;
      if (first.fingerprint !== fingerprint) throw conflict('This Idempotency-Key was already used for a different request. Use a new key for a new request.');
      if (first.state === 'done') {
        res.set('Idempotent-Replayed', 'true').status(first.status!).json(first.body);
        return;
      }
      if (ctx.now().getTime() - first.at.getTime() < ABANDONED_AFTER_MS) throw conflict('A request with this Idempotency-Key is still in progress. Wait for its reply.');
      await ctx.models.Idempotency.deleteOne({ _id: id, at: first.at });
    }
  }

  let result: { status: number; body: unknown };
  try {
    result = { status, body: await work() };
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) {
      await ctx.models.Idempotency.deleteOne({ _id: id });
      throw err;
    }
    result = { status: err.status, body: { error: err.toJSON() } };
    for (const [name, value] of Object.entries(err.headers)) res.set(name, value);
  }
  // Plain JSON: what is replayed is exactly what was sent.
  const body = JSON.parse(JSON.stringify(result.body)) as unknown;
  await ctx.models.Idempotency.updateOne({ _id: id }, { $set: { state: 'done', status: result.status, body } });
  res.status(result.status).json(body);
}

/** Forgets keys older than IDEMPOTENCY_TTL_HOURS. */
export async function sweepIdempotencyKeys(ctx: AppContext) {
  const before = new Date(ctx.now().getTime() - ctx.config.IDEMPOTENCY_TTL_HOURS * 3_600_000);
  await ctx.models.Idempotency.deleteMany({ at: mongoose.trusted({ $lt: before }) });
}
