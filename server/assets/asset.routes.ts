import { Router } from 'express';
import type { AppContext } from '../context.js';
import { AssetsQuerySchema, AvatarSlotsSchema, CreateAssetSchema, RenameAssetSchema, ShareAssetSchema } from '../../shared/schemas/assets.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam, workspaceIdParam } from '../http/params.js';
import { loadAuthorized, mayAllocate } from '../workspaces/access.js';
import { forbidden } from '../http/errors.js';
import { readImageUpload } from '../files/upload.js';
import { sendImage } from '../files/image-store.js';
import { avatarSlots, brandKitLogo, createAsset, deleteAsset, listAssets, loadOwnAsset, renameAsset, setAvatarSlots, setBrandKitLogo, shareAsset, unshareAsset } from './asset.service.js';

export function assetRoutes(ctx: AppContext): Router {
  const r = Router();
  const assetId = (params: Record<string, string | string[] | undefined>) => idParam(params.assetId, 'Asset not found');

  r.get('/workspaces/:id/assets', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'assets.view');
    res.json(await listAssets(ctx, workspace, parse(AssetsQuerySchema, req.query)));
  });

  r.post('/workspaces/:id/assets', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'assets.create');
    res.status(201).json(await createAsset(ctx, workspace, user._id, parse(CreateAssetSchema, req.body)));
  });

  r.patch('/workspaces/:id/assets/:assetId', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'assets.create');
    const { name } = parse(RenameAssetSchema, req.body);
    res.json(await renameAsset(ctx, workspace, assetId(req.params), name, user._id));
  });

  r.delete('/workspaces/:id/assets/:assetId', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'assets.create');
    const asset = await loadOwnAsset(ctx, workspace, assetId(req.params));
    await deleteAsset(ctx, asset, user._id);
    res.status(204).end();
  });

  r.post('/workspaces/:id/assets/:assetId/shares', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'assets.share');
    const { workspaceIds } = parse(ShareAssetSchema, req.body);
    res.json(await shareAsset(ctx, workspace, assetId(req.params), workspaceIds, user._id));
  });

  r.delete('/workspaces/:id/assets/:assetId/shares/:targetWorkspaceId', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'assets.share');
    await unshareAsset(ctx, workspace, assetId(req.params), idParam(req.params.targetWorkspaceId, 'Workspace not found'), user._id);
    res.status(204).end();
  });

  /** A brand kit's logo (PNG, JPEG or WebP, ≤ 2 MB, checked by content). */
  r.post('/workspaces/:id/assets/:assetId/logo', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'assets.create');
    const data = await readImageUpload(req);
    res.json(await setBrandKitLogo(ctx, workspace, assetId(req.params), data, user._id));
  });

  r.get('/workspaces/:id/assets/:assetId/logo', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'assets.view');
    const image = await brandKitLogo(ctx, workspace, assetId(req.params));
    sendImage(res, image);
  });

  r.get('/workspaces/:id/avatar-slots', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'assets.view');
    res.json(await avatarSlots(ctx, workspace));
  });

  /** The avatar slots allocated to a workspace (a Super Admin of it or above, from its settings). */
  r.put('/workspaces/:id/avatar-slots', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'allocations.manage');
    if (!(await mayAllocate(ctx, access, user._id))) throw forbidden('Avatar slots of a sub-workspace are allocated by an admin of the workspace above it');
    const { workspace } = access;
    const { avatarSlots: limit } = parse(AvatarSlotsSchema, req.body);
    const slots = await setAvatarSlots(ctx, workspace, limit, user._id);
    res.json(slots);
  });

  return r;
}
