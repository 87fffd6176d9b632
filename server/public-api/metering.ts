import type { RequestHandler, Response } from 'express';
import type { LedgerEntryDoc } from '../credits/ledger.model.js';
import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { appendEntry } from '../credits/ledger.service.js';
import { announceCredits } from '../credits/credits.service.js';
import { announceUsage } from '../api-keys/usage-events.js';
import { apiKeyOf } from './bearer-auth.js';

/**
 * Every call of a public API route costs 1 API credit of the key's
 * workspace, charged before the work: an `api_usage` entry appended to its
 * ledger, refused with 402 `insufficient_credits` when none is left (the
 * chain's guard: under any concurrency, N credits pay for exactly N calls).
 * What is charged: a call that is authenticated and not rate limited, to a
 * route that exists — whatever it answers after (a 400 for its input, a 404
 * for an id, a 501) used the API. A refused key, a 429, a body that is not
 * JSON at all (refused before the route) and an unknown path cost nothing.
 * Each call is a new operation (a fresh `op` of the ledger's own, never the
 * client's `X-Request-Id`, which could repeat and make calls free). The
 * entry is the usage record too: it carries the hour and the key.
 */
export function meterCall(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const { key, workspace } = apiKeyOf(req);
    try {
      res.locals.charge = await appendEntry(ctx, {
        workspaceId: workspace._id,
        kind: 'api',
        type: 'api_usage',
        amount: -1,
        actorId: null,
        ref: { kind: 'apiKey', id: key._id, label: key.name },
      });
    } catch (err) {
      if (err instanceof AppError && err.code === 'insufficient_credits') {
        throw new AppError('insufficient_credits', 'This workspace has no API credits left. An admin can buy more or allocate some in Billing & usage.', err.details);
      }
      throw err;
    }
    void announceCredits(ctx, workspace._id, null, { throttle: true });
    announceUsage(ctx, workspace._id);
    next();
  };
}

/** This call's charge (the ledger entry), for a reply that shows the balance right after it. */
export function chargeOf(res: Response): LedgerEntryDoc {
  return res.locals.charge as LedgerEntryDoc;
}
