import { Router } from 'express';
import type { AppContext } from '../context.js';
import { CreateItemSchema, ItemsQuerySchema, UpdateItemSchema } from '../../shared/schemas/content.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam, workspaceIdParam } from '../http/params.js';
import { loadAuthorized } from '../workspaces/access.js';
import { listItems } from './item-list.service.js';
import { createItem, deleteItem, openItem, updateItem } from './item.service.js';

/** The content tree of a workspace (folders, drafts, videos); what each person sees is the access resolver's answer. */
export function itemRoutes(ctx: AppContext): Router {
  const r = Router();
  const itemId = (params: Record<string, string | string[] | undefined>) => idParam(params.itemId, 'Item not found');

  r.get('/workspaces/:id/items', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'content.view');
    res.json(await listItems(ctx, access, user._id, parse(ItemsQuerySchema, req.query)));
  });

  r.post('/workspaces/:id/items', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'content.view');
    const input = parse(CreateItemSchema, req.body);
    res.status(201).json(await createItem(ctx, access, user._id, input));
  });

  r.get('/workspaces/:id/items/:itemId', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'content.view');
    res.json(await openItem(ctx, access, user._id, itemId(req.params)));
  });

  r.patch('/workspaces/:id/items/:itemId', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'content.view');
    const id = itemId(req.params);
    res.json(await updateItem(ctx, access, user._id, id, parse(UpdateItemSchema, req.body)));
  });

  r.delete('/workspaces/:id/items/:itemId', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'content.view');
    await deleteItem(ctx, access, user._id, itemId(req.params));
    res.status(204).end();
  });

  return r;
}
