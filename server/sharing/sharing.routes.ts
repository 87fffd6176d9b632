import { Router } from 'express';
import type { AppContext } from '../context.js';
import { AccessRequestInputSchema, DecideAccessRequestSchema, PutSharingSchema } from '../../shared/schemas/content.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam, workspaceIdParam } from '../http/params.js';
import { loadAuthorized } from '../workspaces/access.js';
import { loadItem } from '../content/access-loader.js';
import { getSharing, putSharing } from './sharing.service.js';
import { decideAccessRequest, requestAccess } from './access-request.service.js';

/** An item's sharing ("who has access and why", the share dialog's REST side) and access requests. */
export function sharingRoutes(ctx: AppContext): Router {
  const r = Router();
  const itemId = (params: Record<string, string | string[] | undefined>) => idParam(params.itemId, 'Item not found');
  const requestId = (params: Record<string, string | string[] | undefined>) => idParam(params.requestId, 'Access request not found');

  r.get('/workspaces/:id/items/:itemId/sharing', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'content.view');
    const item = await loadItem(ctx, access, itemId(req.params), user._id);
    res.json(await getSharing(ctx, access, item, user._id));
  });

  r.put('/workspaces/:id/items/:itemId/sharing', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'content.view');
    const item = await loadItem(ctx, access, itemId(req.params), user._id);
    const input = parse(PutSharingSchema, req.body);
    res.json((await putSharing(ctx, access, item, input, user._id)).view);
  });

  r.post('/workspaces/:id/items/:itemId/access-requests', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'content.view');
    const id = itemId(req.params);
    const input = parse(AccessRequestInputSchema, req.body);
    res.status(201).json(await requestAccess(ctx, access, id, user, input));
  });

  for (const decision of ['approve', 'deny'] as const) {
    r.post(`/workspaces/:id/items/:itemId/access-requests/:requestId/${decision}`, async (req, res) => {
      const { user } = authOf(req);
      const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'content.view');
      const item = await loadItem(ctx, access, itemId(req.params), user._id);
      const { role } = parse(DecideAccessRequestSchema, req.body ?? {});
      res.json(await decideAccessRequest(ctx, access, item, requestId(req.params), user, decision === 'approve' ? 'approved' : 'denied', role));
    });
  }

  return r;
}
