import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { AssetsQuerySchema, AvatarSlotsSchema, CreateAssetSchema, RenameAssetSchema, ShareAssetSchema } from '../../shared/schemas/assets.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam, workspaceIdParam } from '../http/params.js';
import { AppError, notFound } from '../http/errors.js';
import { loadAuthorized } from '../workspaces/access.js';
import { readImageUpload, sniffImageType } from '../workspaces/workspace-image.js';
import { avatarSlots, createAsset, deleteAsset, listAssets, loadOwnAsset, loadVisibleAsset, presentOwned, renameAsset, shareAsset, unshareAsset } from './asset.service.js';

const logoKey = (assetId: string) => `asset-${assetId}`;

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
    await ctx.models.WorkspaceImage.deleteOne({ _id: logoKey(asset._id) });
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
    const asset = await loadOwnAsset(ctx, workspace, assetId(req.params));
    if (asset.kind !== 'brand_kit') throw new AppError('validation_failed', 'Only brand kits have a logo', [{ path: 'image', message: 'Only brand kits have a logo' }]);
    const data = await readImageUpload(req);
    const contentType = sniffImageType(data);
    if (!contentType) throw new AppError('validation_failed', 'The file is not a PNG, JPEG or WebP image', [{ path: 'image', message: 'The file is not a PNG, JPEG or WebP image' }]);
    const version = createHash('sha256').update(data).digest('hex').slice(0, 16);
    await ctx.models.WorkspaceImage.replaceOne({ _id: logoKey(asset._id) }, { _id: logoKey(asset._id), contentType, data, version }, { upsert: true });
    await ctx.models.Asset.updateOne({ _id: asset._id }, { $set: { logo: { version } } });
    res.json(await presentOwned(ctx, { ...asset, logo: { version } }));
  });

  r.get('/workspaces/:id/assets/:assetId/logo', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'assets.view');
    const asset = await loadVisibleAsset(ctx, workspace, assetId(req.params));
    const image = await ctx.models.WorkspaceImage.findById(logoKey(asset._id)).lean();
    if (!image) throw notFound('No logo');
    res.set({ 'Content-Type': image.contentType, 'Cache-Control': 'private, max-age=31536000, immutable', 'Content-Security-Policy': "default-src 'none'" });
    res.send(Buffer.from(image.data.buffer ?? image.data));
  });

  r.get('/workspaces/:id/avatar-slots', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'assets.view');
    res.json(await avatarSlots(ctx, workspace));
  });

  /** The avatar slots allocated to a workspace (a Super Admin of it or above, from its settings). */
  r.put('/workspaces/:id/avatar-slots', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'allocations.manage');
    const { avatarSlots: limit } = parse(AvatarSlotsSchema, req.body);
    await ctx.models.Workspace.updateOne({ _id: workspace._id }, { $set: { avatarSlots: limit } });
    const slots = await avatarSlots(ctx, { ...workspace, avatarSlots: limit });
    await ctx.publisher.toWorkspace(workspace._id, 'members', {
      type: 'workspace.updated',
      actorId: user._id,
      data: { workspaceId: workspace._id, avatarSlots: slots },
      audit: { target: { kind: 'avatarSlots', id: workspace._id, label: workspace.name }, before: { avatarSlots: workspace.avatarSlots }, after: { avatarSlots: limit } },
    });
    res.json(slots);
  });

  return r;
}
