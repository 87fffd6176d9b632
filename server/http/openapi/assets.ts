import { AssetPageSchema, AssetViewSchema, AssetsQuerySchema, AvatarSlotsSchema, CreateAssetSchema, RenameAssetSchema, ShareAssetSchema } from '../../../shared/schemas/assets.js';
import type { Area } from './operation.js';

export const assets: Area = {
  tag: 'Assets',
  description: 'The asset library (avatars, voices, brand kits, templates), avatar slots, and sharing across the account tree.',
  paths: {
    '/workspaces/{id}/assets': {
      get: {
        operationId: 'listAssets',
        summary: 'The library: own assets and those shared into the workspace (with sharedFrom)',
        query: AssetsQuerySchema,
        ok: 200,
        reply: AssetPageSchema,
      },
      post: {
        operationId: 'createAsset',
        summary: 'Create an asset (an avatar takes an avatar slot)',
        body: CreateAssetSchema,
        ok: 201,
        reply: AssetViewSchema,
        errors: ['forbidden', 'avatar_slots_exhausted'],
      },
    },
    '/workspaces/{id}/assets/{assetId}': {
      patch: { operationId: 'renameAsset', summary: 'Rename an own asset', body: RenameAssetSchema, ok: 200, reply: AssetViewSchema, errors: ['forbidden'] },
      delete: { operationId: 'deleteAsset', summary: 'Delete an own asset (and every share of it)', ok: 204, errors: ['forbidden'] },
    },
    '/workspaces/{id}/assets/{assetId}/shares': {
      post: { operationId: 'shareAsset', summary: 'Share into workspaces of the same account tree (Super Admin)', body: ShareAssetSchema, ok: 200, errors: ['forbidden'] },
    },
    '/workspaces/{id}/assets/{assetId}/shares/{targetWorkspaceId}': {
      delete: { operationId: 'unshareAsset', summary: 'Unshare (Super Admin)', ok: 204, errors: ['forbidden'] },
    },
    '/workspaces/{id}/assets/{assetId}/logo': {
      get: { operationId: 'getBrandKitLogo', summary: 'A brand kit’s logo', ok: 200, reply: 'image' },
      post: { operationId: 'uploadBrandKitLogo', summary: 'Upload a brand kit’s logo (PNG, JPEG or WebP, ≤ 2 MB)', multipart: 'image', ok: 200, errors: ['forbidden'] },
    },
    '/workspaces/{id}/avatar-slots': {
      get: { operationId: 'getAvatarSlots', summary: 'Avatar slots: limit and used', ok: 200 },
      put: {
        operationId: 'setAvatarSlots',
        summary: 'Set the avatar slots allocated to the workspace (Super Admin of it or above)',
        body: AvatarSlotsSchema,
        ok: 200,
        errors: ['forbidden'],
      },
    },
  },
};
