import { Router } from 'express';
import type { AppContext } from '../context.js';
import { ApproveJoinRequestSchema, JoinRequestsQuerySchema } from '../../shared/schemas/invitations.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam, workspaceIdParam } from '../http/params.js';
import { loadAuthorized } from '../workspaces/access.js';
import { decideJoinRequest, listJoinRequests } from './join-request.service.js';

export function joinRequestRoutes(ctx: AppContext): Router {
  const r = Router();
  const requestId = (params: Record<string, string | string[] | undefined>) => idParam(params.requestId, 'Join request not found');

  r.get('/workspaces/:id/join-requests', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'joinRequests.decide');
    res.json(await listJoinRequests(ctx, workspace, parse(JoinRequestsQuerySchema, req.query)));
  });

  r.post('/workspaces/:id/join-requests/:requestId/approve', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'joinRequests.decide');
    const { role } = parse(ApproveJoinRequestSchema, req.body ?? {});
    res.json(await decideJoinRequest(ctx, workspace, requestId(req.params), user, 'approved', role));
  });

  r.post('/workspaces/:id/join-requests/:requestId/deny', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'joinRequests.decide');
    res.json(await decideJoinRequest(ctx, workspace, requestId(req.params), user, 'denied'));
  });

  return r;
}
