import { Router } from 'express';
import type { AppContext } from '../context.js';
import { AddSeatsSchema, CreateSubworkspaceSchema, CreateWorkspaceSchema, ListQuerySchema, UpdateWorkspaceSchema } from '../../shared/schemas/workspaces.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam } from '../http/params.js';
import { forbidden } from '../http/errors.js';
import { loadAuthorized, loadWorkspace, mayAllocate, mayDelete } from './access.js';
import { listMyWorkspaces } from './membership.service.js';
import { addSeats, listSubworkspaces, updateWorkspace } from './workspace.service.js';
import { createAccount } from '../commands/create-account.js';
import { createSubworkspace } from '../commands/create-subworkspace.js';
import { deleteWorkspace } from '../commands/delete-workspace.js';
import { changeBillingMode } from '../commands/change-billing-mode.js';
import { presentSubworkspace, presentWorkspace } from './workspace.presenter.js';
import { setWorkspaceImage } from './workspace-image.js';
import { readImageUpload } from '../files/upload.js';
import { loadImage, sendImage } from '../files/image-store.js';
import { mayJoinByDomain } from '../domains/suggestion.service.js';

export function workspaceRoutes(ctx: AppContext): Router {
  const r = Router();

  /** The workspaces the caller belongs to, for the switcher tree. */
  r.get('/workspaces', async (req, res) => {
    res.json({ items: await listMyWorkspaces(ctx, authOf(req).user._id), nextCursor: null });
  });

  r.post('/workspaces', async (req, res) => {
    const { user } = authOf(req);
    const { name } = parse(CreateWorkspaceSchema, req.body);
    const workspace = await createAccount(ctx, user, name);
    res.status(201).json(await presentWorkspace(ctx, workspace, 'super_admin'));
  });

  r.get('/workspaces/:id', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, idParam(req.params.id, 'Workspace not found'), user._id, 'workspace.view');
    res.json(await presentWorkspace(ctx, access.workspace, access.role, await mayAllocate(ctx, access, user._id)));
  });

  r.patch('/workspaces/:id', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, idParam(req.params.id, 'Workspace not found'), user._id, 'workspace.update');
    const { settings: { billingMode, ...settings } = {}, ...rest } = parse(UpdateWorkspaceSchema, req.body);
    const mayAllocateHere = await mayAllocate(ctx, access, user._id);
    if (settings.apiAccess !== undefined && settings.apiAccess !== access.workspace.settings.apiAccess && !mayAllocateHere) {
      throw forbidden('API access of a sub-workspace is turned on or off by an admin of the workspace above it');
    }
    let workspace = access.workspace;
    if (billingMode !== undefined && billingMode !== workspace.settings.billingMode) {
      if (workspace.parentId !== null && !mayAllocateHere) throw forbidden('The billing mode of a sub-workspace is changed by an admin of the workspace above it');
      workspace = await changeBillingMode(ctx, workspace, billingMode, user._id);
    }
    const patch = { ...rest, ...(Object.keys(settings).length ? { settings } : {}) };
    const updated = patch.name !== undefined || patch.settings ? await updateWorkspace(ctx, workspace, patch, user) : workspace;
    res.json(await presentWorkspace(ctx, updated, access.role, mayAllocateHere));
  });

  r.post('/workspaces/:id/image', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, idParam(req.params.id, 'Workspace not found'), user._id, 'workspace.update');
    const data = await readImageUpload(req);
    res.json({ imageUrl: await setWorkspaceImage(ctx, access.workspace, data, user._id) });
  });

  /** Seen by those who may see the workspace, and by those it offers to join by company domain. */
  r.get('/workspaces/:id/image', async (req, res) => {
    const id = idParam(req.params.id, 'Workspace not found');
    const { user } = authOf(req);
    const allowed = await loadAuthorized(ctx, id, user._id, 'workspace.view').then(
      () => true,
      async (err: unknown) => {
        const workspace = await ctx.models.Workspace.findById(id).lean();
        if (workspace && (await mayJoinByDomain(ctx, workspace, user))) return true;
        throw err;
      },
    );
    if (allowed) sendImage(res, await loadImage(ctx, id));
  });

  r.get('/workspaces/:id/subworkspaces', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, idParam(req.params.id, 'Workspace not found'), authOf(req).user._id, 'subworkspaces.manage');
    res.json(await listSubworkspaces(ctx, workspace, parse(ListQuerySchema, req.query)));
  });

  r.post('/workspaces/:id/subworkspaces', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, idParam(req.params.id, 'Workspace not found'), user._id, 'subworkspaces.manage');
    const input = parse(CreateSubworkspaceSchema, req.body);
    const created = await createSubworkspace(ctx, workspace, user, input);
    res.status(201).json({ ...(await presentSubworkspace(ctx, created.workspace)), members: created.members });
  });

  /**
   * A sub-workspace is deleted by a Super Admin of a workspace above it, or
   * by its owner; a root only by its owner.
   */
  r.delete('/workspaces/:id', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadWorkspace(ctx, idParam(req.params.id, 'Workspace not found'), user._id);
    if (!(await mayDelete(ctx, access, user._id))) {
      throw forbidden(access.workspace.parentId === null ? 'Only the owner can delete the account workspace' : 'Only its owner or an admin of the workspace above can delete it');
    }
    const { workspace } = access;
    await deleteWorkspace(ctx, workspace, user._id);
    res.status(204).end();
  });

  r.post('/workspaces/:id/seats', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, idParam(req.params.id, 'Workspace not found'), user._id, 'seats.purchase');
    const { add } = parse(AddSeatsSchema, req.body);
    res.json({ seats: await addSeats(ctx, workspace, add, user._id) });
  });

  return r;
}
