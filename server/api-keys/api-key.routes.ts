import { Router } from 'express';
import type { AppContext } from '../context.js';
import { ApiKeysQuerySchema, CreateApiKeySchema } from '../../shared/schemas/api-keys.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam, workspaceIdParam } from '../http/params.js';
import { loadAuthorized } from '../workspaces/access.js';
import { createApiKey, listApiKeys, requireApiAccess, revokeApiKey } from './api-key.service.js';

/** A workspace's API keys: Developers and Super Admins (also those above, through the access module) manage them. */
export function apiKeyRoutes(ctx: AppContext): Router {
  const r = Router();

  r.get('/workspaces/:id/api-keys', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'apiKeys.manage');
    requireApiAccess(workspace);
    res.json(await listApiKeys(ctx, workspace, parse(ApiKeysQuerySchema, req.query)));
  });

  r.post('/workspaces/:id/api-keys', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'apiKeys.manage');
    const input = parse(CreateApiKeySchema, req.body);
    res.status(201).json(await createApiKey(ctx, workspace, user._id, input));
  });

  r.delete('/workspaces/:id/api-keys/:keyId', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'apiKeys.manage');
    await revokeApiKey(ctx, workspace, idParam(req.params.keyId, 'API key not found'), user._id);
    res.status(204).end();
  });

  return r;
}
