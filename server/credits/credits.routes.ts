import { Router } from 'express';
import type { AppContext } from '../context.js';
import { AllocationsSchema, LedgerQuerySchema, PurchaseSchema } from '../../shared/schemas/credits.js';
import { can } from '../../shared/permissions.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam } from '../http/params.js';
import { forbidden } from '../http/errors.js';
import { idempotent } from '../http/idempotency.js';
import { loadAuthorized, loadWorkspace, mayAllocate, type WorkspaceAccess } from '../workspaces/access.js';
import { presentCredits, purchase, setAllocations } from './credits.service.js';
import { listLedger } from './ledger-list.service.js';

const workspaceId = (id: unknown) => idParam(id, 'Workspace not found');

export function creditRoutes(ctx: AppContext): Router {
  const r = Router();
  const mayOf = async (access: WorkspaceAccess, userId: string) => ({ purchase: can(access.role, 'credits.purchase'), allocate: await mayAllocate(ctx, access, userId) });

  r.get('/workspaces/:id/credits', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceId(req.params.id), user._id, 'workspace.view');
    res.json(await presentCredits(ctx, access.workspace, await mayOf(access, user._id)));
  });

  r.post('/workspaces/:id/purchases', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceId(req.params.id), user._id, 'credits.purchase');
    const input = parse(PurchaseSchema, req.body);
    const may = await mayOf(access, user._id);
    await idempotent(ctx, req, res, user._id, 201, () => purchase(ctx, access.workspace, input, user._id, may));
  });

  /** Only admins above the sub-workspace set what it is given. */
  r.put('/workspaces/:id/allocations', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadWorkspace(ctx, workspaceId(req.params.id), user._id);
    const may = await mayOf(access, user._id);
    if (!may.allocate || access.workspace.parentId === null) throw forbidden('The credits of a sub-workspace are allocated by an admin of the workspace above it');
    const input = parse(AllocationsSchema, req.body);
    await idempotent(ctx, req, res, user._id, 200, async () => {
      await setAllocations(ctx, access.workspace, input, user._id);
      return { credits: await presentCredits(ctx, access.workspace, may) };
    });
  });

  r.get('/workspaces/:id/ledger', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceId(req.params.id), authOf(req).user._id, 'billing.view');
    res.json(await listLedger(ctx, workspace._id, parse(LedgerQuerySchema, req.query)));
  });

  return r;
}
