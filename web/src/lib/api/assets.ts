import type { AssetKind, AssetView, AvatarSlotsView, CreateAsset } from '$shared/schemas/assets.js';
import type { Page } from '$shared/schemas/workspaces.js';
import { api } from './client.js';
import { queryOf } from './workspaces.js';

const assets = (id: string) => `/workspaces/${encodeURIComponent(id)}/assets`;
const asset = (id: string, assetId: string) => `${assets(id)}/${encodeURIComponent(assetId)}`;

export const listAssets = (id: string, q: { kind?: AssetKind; cursor?: string; limit?: number } = {}) =>
  api<Page<AssetView>>('GET', `${assets(id)}${queryOf({ ...q })}`);

export const createAsset = (id: string, input: CreateAsset) => api<AssetView>('POST', assets(id), { body: input });

export const renameAsset = (id: string, assetId: string, name: string) => api<AssetView>('PATCH', asset(id, assetId), { body: { name } });

export const deleteAsset = (id: string, assetId: string) => api<void>('DELETE', asset(id, assetId));

export const shareAsset = (id: string, assetId: string, workspaceIds: string[]) =>
  api<AssetView>('POST', `${asset(id, assetId)}/shares`, { body: { workspaceIds } });

export const unshareAsset = (id: string, assetId: string, targetWorkspaceId: string) =>
  api<void>('DELETE', `${asset(id, assetId)}/shares/${encodeURIComponent(targetWorkspaceId)}`);

/** Uploads a brand kit's logo: a PNG, JPEG or WebP image (≤ 2 MB). */
export function uploadAssetLogo(id: string, assetId: string, file: Blob) {
  const body = new FormData();
  body.append('image', file);
  return api<AssetView>('POST', `${asset(id, assetId)}/logo`, { body });
}

const slots = (id: string) => `/workspaces/${encodeURIComponent(id)}/avatar-slots`;

export const getAvatarSlots = (id: string) => api<AvatarSlotsView>('GET', slots(id));

export const setAvatarSlots = (id: string, avatarSlots: number) => api<AvatarSlotsView>('PUT', slots(id), { body: { avatarSlots } });
