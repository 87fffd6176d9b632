import { Router } from 'express';
import type { AppContext } from '../context.js';
import { UsageQuerySchema } from '../../shared/schemas/credits.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { workspaceIdParam } from '../http/params.js';
import { loadAuthorized } from '../workspaces/access.js';
import { usageOf } from './usage.service.js';

/** API usage of a workspace: for those who may manage its keys (Developers, Super Admins, and Super Admins above). */
export function usageRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/workspaces/:id/usage', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'apiKeys.manage');
    res.json(await usageOf(ctx, workspace, parse(UsageQuerySchema, req.query)));
  });
  return r;
}
