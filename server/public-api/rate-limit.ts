import type { RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import { rateLimited } from '../http/errors.js';
import type { RateLimitResult } from '../http/rate-limit.js';
import { apiKeyOf } from './bearer-auth.js';

const WINDOW_SECONDS = 60;

/**
 * Public API calls are limited per key (`API_RATE_PER_MINUTE`) and per
 * workspace across its keys (`API_WORKSPACE_RATE_PER_MINUTE`), in fixed
 * one-minute windows shared by every node through Redis when configured.
 * Every reply carries the tighter of the two as `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` (seconds); past it, 429
 * `rate_limited` with `Retry-After`. A call the key's own limit refuses does
 * not count against the workspace's.
 */
export function limitApiCalls(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const { key, workspace } = apiKeyOf(req);
    const perKey = ctx.config.API_RATE_PER_MINUTE;
    const perWorkspace = ctx.config.API_WORKSPACE_RATE_PER_MINUTE;
    const show = (limit: number, r: RateLimitResult) =>
      res.set({ 'RateLimit-Limit': String(limit), 'RateLimit-Remaining': String(Math.max(0, r.remaining)), 'RateLimit-Reset': String(r.retryAfter) });

    const byKey = await ctx.limiter.hit(`api-key:${key._id}`, perKey, WINDOW_SECONDS);
    if (!byKey.allowed) {
      show(perKey, byKey);
      throw rateLimited(byKey.retryAfter, 'Too many calls with this API key');
    }
    const byWorkspace = await ctx.limiter.hit(`api-workspace:${workspace._id}`, perWorkspace, WINDOW_SECONDS);
    if (!byWorkspace.allowed) {
      show(perWorkspace, byWorkspace);
      throw rateLimited(byWorkspace.retryAfter, 'Too many calls to the API for this workspace');
    }
    if (byWorkspace.remaining < byKey.remaining) show(perWorkspace, byWorkspace);
    else show(perKey, byKey);
    next();
  };
}
