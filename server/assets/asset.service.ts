import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import { checkAvatarSlots, drawsSlotsFromParent, slotsLeftToGive, withOwnSlotPool } from '../workspaces/avatar-allocation.js';
import type { AssetKind, AssetView, AvatarSlotsView, CreateAsset, WorkspaceRef } from '../../shared/schemas/assets.js';
import type { Page } from '../../shared/schemas/workspaces.js';
import { AppError, notFound } from '../http/errors.js';
import { newId } from '../db/ids.js';
import { claimFreeNumber } from '../db/claims.js';
import { findByIds } from '../db/lookups.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { deleteImage, loadImage, storeImage } from '../files/image-store.js';
import type { AssetDoc } from './asset.model.js';

/** A brand kit's logo bytes are stored as image `asset-<id>`. */
const logoKey = (assetId: string) => `asset-${assetId}`;

const refsOf = async (ctx: AppContext, ids: string[]): Promise<Map<string, WorkspaceRef>> => {
  const ws = await findByIds(ctx.models.Workspace, ids, { name: 1 });
  return new Map([...ws.values()].map((w) => [w._id, { id: w._id, name: w.name }]));
};

/** `viewerId` is the workspace whose library shows it: the logo is served under that workspace. */
function present(a: AssetDoc, viewerId: string, sharedFrom: WorkspaceRef | null, sharedWith: WorkspaceRef[]): AssetView {
  return {
    id: a._id,
    kind: a.kind,
    name: a.name,
    data: a.data,
    logoUrl: a.logo ? `/api/workspaces/${viewerId}/assets/${a._id}/logo?v=${a.logo.version}` : null,
    sharedFrom,
    sharedWith,
    createdAt: a.createdAt.toISOString(),
  };
}

/** The asset as its owning workspace sees it, with where it is shared. */
export async function presentOwned(ctx: AppContext, a: AssetDoc): Promise<AssetView> {
  const shares = await ctx.models.AssetShare.find({ assetId: a._id }, { targetWorkspaceId: 1 }).lean();
  const refs = await refsOf(ctx, shares.map((s) => s.targetWorkspaceId));
  return present(a, a.workspaceId, null, shares.map((s) => refs.get(s.targetWorkspaceId)).filter((r): r is WorkspaceRef => !!r));
}

/** The asset as a workspace it is shared into sees it: read-only, with where it comes from. */
async function presentShared(ctx: AppContext, a: AssetDoc, viewerId: string): Promise<AssetView> {
  const owner = (await refsOf(ctx, [a.workspaceId])).get(a.workspaceId) ?? { id: a.workspaceId, name: '' };
  return present(a, viewerId, owner, []);
}

/**
 * A workspace's library: its own assets and those shared into it, newest
 * first. Reads one page of its own, the share rows pointing into it (no
 * assets), and only the shared assets that can make the page.
 */
export async function listAssets(ctx: AppContext, w: WorkspaceDoc, q: { limit: number; cursor?: string; kind?: AssetKind }): Promise<Page<AssetView>> {
  const wanted = q.limit + 1;
  const ownFilter: Record<string, unknown> = { workspaceId: w._id, ...(q.kind ? { kind: q.kind } : {}) };
  if (q.cursor) ownFilter._id = mongoose.trusted({ $lt: q.cursor });
  const [own, shares] = await Promise.all([
    ctx.models.Asset.find(ownFilter).sort({ _id: -1 }).limit(wanted).lean(),
    ctx.models.AssetShare.find({ targetWorkspaceId: w._id }, { assetId: 1, kind: 1 }).lean(),
  ]);
  const candidates = shares
    .filter((s) => (!q.cursor || s.assetId < q.cursor) && (!q.kind || !s.kind || s.kind === q.kind))
    .map((s) => s.assetId)
    .sort((a, b) => (a < b ? 1 : -1));
  // The page holds the `wanted` newest of own ∪ shared: a shared asset older than the `wanted`-th own one cannot make it.
  const floor = own.length === wanted ? own[own.length - 1]!._id : '';
  const shared: AssetDoc[] = [];
  for (let i = 0; i < candidates.length && shared.length < wanted && candidates[i]! > floor; i += wanted) {
    const batch = candidates.slice(i, i + wanted).filter((id) => id > floor);
    const found = await findByIds(ctx.models.Asset, batch);
    shared.push(...batch.map((id) => found.get(id)).filter((a): a is AssetDoc => !!a && (!q.kind || a.kind === q.kind)));
  }
  const ownIds = new Set(own.map((a) => a._id));
  const all = [...own, ...shared].sort((a, b) => (a._id < b._id ? 1 : -1)).slice(0, wanted);
  const page = all.slice(0, q.limit);
  const ownInPage = page.filter((a) => ownIds.has(a._id));
  const [sharesOfOwn, owners] = await Promise.all([
    Promise.all(ownInPage.map((a) => ctx.models.AssetShare.find({ assetId: a._id }, { assetId: 1, targetWorkspaceId: 1 }).lean())).then((rows) => rows.flat()),
    refsOf(ctx, page.filter((a) => !ownIds.has(a._id)).map((a) => a.workspaceId)),
  ]);
  const targets = await refsOf(ctx, sharesOfOwn.map((s) => s.targetWorkspaceId));
  return {
    items: page.map((a) =>
      ownIds.has(a._id)
        ? present(a, w._id, null, sharesOfOwn.filter((s) => s.assetId === a._id).map((s) => targets.get(s.targetWorkspaceId)).filter((r): r is WorkspaceRef => !!r))
        : present(a, w._id, owners.get(a.workspaceId) ?? null, []),
    ),
    nextCursor: all.length > q.limit ? page[page.length - 1]!._id : null,
  };
}

/** An asset the workspace owns; a shared-in or foreign one is "not found" for changes. */
export async function loadOwnAsset(ctx: AppContext, w: WorkspaceDoc, assetId: string): Promise<AssetDoc> {
  const a = await ctx.models.Asset.findById(assetId).lean();
  if (!a || a.workspaceId !== w._id) throw notFound('Asset not found');
  return a;
}

/** An asset the workspace may see: its own, or one shared into it. */
export async function loadVisibleAsset(ctx: AppContext, w: WorkspaceDoc, assetId: string): Promise<AssetDoc> {
  const a = await ctx.models.Asset.findById(assetId).lean();
  if (!a) throw notFound('Asset not found');
  if (a.workspaceId === w._id || (await ctx.models.AssetShare.exists({ _id: `${a._id}:${w._id}` }))) return a;
  throw notFound('Asset not found');
}

/** The workspace's slots and how many are used; for an inherited sub-workspace, also what its parent has left to give. */
export async function avatarSlots(ctx: AppContext, w: WorkspaceDoc): Promise<AvatarSlotsView> {
  const [used, parentAvailable] = await Promise.all([
    ctx.models.AvatarSlot.countDocuments({ workspaceId: w._id }),
    drawsSlotsFromParent(w) ? slotsLeftToGive(ctx, w.parentId!) : Promise.resolve(undefined),
  ]);
  return { limit: w.avatarSlots, used, ...(parentAvailable === undefined ? {} : { parentAvailable }) };
}

/** Tells the owner's members and every workspace it is shared into. */
async function announce(ctx: AppContext, a: AssetDoc, type: 'asset.created' | 'asset.updated' | 'asset.deleted', actorId: string, targets: string[], audit?: { before?: unknown; after?: unknown }) {
  const owned = type === 'asset.deleted' ? null : await presentOwned(ctx, a);
  await ctx.publisher.toWorkspace(a.workspaceId, 'members', {
    type,
    actorId,
    data: owned ? { asset: owned } : { assetId: a._id },
    audit: audit ? { target: assetTarget(a), ...audit } : undefined,
  });
  await Promise.all(
    targets.map(async (t) =>
      ctx.publisher.toWorkspace(t, 'members', { type, actorId, data: type === 'asset.deleted' ? { assetId: a._id } : { asset: await presentShared(ctx, a, t) } }),
    ),
  );
}

const assetTarget = (a: Pick<AssetDoc, '_id' | 'name'>) => ({ kind: 'asset', id: a._id, label: a.name });

const targetsOf = async (ctx: AppContext, assetId: string) => (await ctx.models.AssetShare.find({ assetId }, { targetWorkspaceId: 1 }).lean()).map((s) => s.targetWorkspaceId);

/** Creates an asset; an avatar takes one of the workspace's avatar slots (claimed, so the limit holds under parallel creation). */
export async function createAsset(ctx: AppContext, w: WorkspaceDoc, actorId: string, input: CreateAsset): Promise<AssetView> {
  const asset: AssetDoc = { _id: newId(), workspaceId: w._id, rootId: w.rootId, kind: input.kind, name: input.name, data: input.data ?? {}, logo: null, createdBy: actorId, createdAt: ctx.now() };
  if (input.kind === 'avatar') {
    const taken = await ctx.models.AvatarSlot.find({ workspaceId: w._id }, { n: 1 }).lean();
    const n = await claimFreeNumber(w.avatarSlots, taken.map((s) => s.n), (n) => ctx.models.AvatarSlot.create({ _id: `${w._id}:${n}`, workspaceId: w._id, n, assetId: asset._id }));
    if (n === null) throw new AppError('avatar_slots_exhausted', `All ${w.avatarSlots} avatar slots of this workspace are used. Delete an avatar or ask an admin for more slots.`);
  }
  try {
    await ctx.models.Asset.create(asset);
  } catch (err) {
    await ctx.models.AvatarSlot.deleteMany({ assetId: asset._id });
    throw err;
  }
  await announce(ctx, asset, 'asset.created', actorId, [], { after: { kind: asset.kind, name: asset.name } });
  return present(asset, w._id, null, []);
}

export async function renameAsset(ctx: AppContext, w: WorkspaceDoc, assetId: string, name: string, actorId: string): Promise<AssetView> {
  const a = await loadOwnAsset(ctx, w, assetId);
  await ctx.models.Asset.updateOne({ _id: a._id }, { $set: { name } });
  const renamed = { ...a, name };
  await announce(ctx, renamed, 'asset.updated', actorId, await targetsOf(ctx, a._id), { before: { kind: a.kind, name: a.name }, after: { kind: a.kind, name } });
  return presentOwned(ctx, renamed);
}

/** Deletes an asset: every share goes with it (it disappears there at once) and an avatar's slot is freed. */
export async function deleteAsset(ctx: AppContext, a: AssetDoc, actorId: string) {
  const targets = await targetsOf(ctx, a._id);
  await ctx.models.Asset.deleteOne({ _id: a._id });
  await ctx.models.AssetShare.deleteMany({ assetId: a._id });
  await ctx.models.AvatarSlot.deleteMany({ assetId: a._id });
  await deleteImage(ctx, logoKey(a._id));
  await announce(ctx, a, 'asset.deleted', actorId, targets, { before: { kind: a.kind, name: a.name }, after: null });
}

/**
 * Shares an asset into workspaces of the same account tree. A target outside
 * the tree, or unknown, makes the whole request "not found" and shares nothing.
 */
export async function shareAsset(ctx: AppContext, w: WorkspaceDoc, assetId: string, workspaceIds: string[], actorId: string): Promise<AssetView> {
  const a = await loadOwnAsset(ctx, w, assetId);
  const ids = [...new Set(workspaceIds)].filter((id) => id !== w._id);
  const targets = [...(await findByIds(ctx.models.Workspace, ids, { rootId: 1 })).values()];
  if (targets.length !== ids.length || targets.some((t) => t.rootId !== w.rootId)) throw notFound('Workspace not found');
  const existing = new Set(await targetsOf(ctx, a._id));
  const fresh = ids.filter((id) => !existing.has(id));
  for (const id of fresh) {
    await ctx.models.AssetShare.create({ _id: `${a._id}:${id}`, assetId: a._id, ownerWorkspaceId: w._id, targetWorkspaceId: id, kind: a.kind, sharedBy: actorId, at: ctx.now() }).catch((err: { code?: number }) => {
      if (err?.code !== 11000) throw err;
    });
  }
  const view = await presentOwned(ctx, a);
  await Promise.all(fresh.map(async (id) => ctx.publisher.toWorkspace(id, 'members', { type: 'asset.shared', actorId, data: { asset: await presentShared(ctx, a, id) } })));
  if (fresh.length) {
    await ctx.publisher.toWorkspace(w._id, 'members', {
      type: 'asset.shared',
      actorId,
      data: { asset: view },
      audit: { target: assetTarget(a), after: { kind: a.kind, sharedWith: view.sharedWith.filter((w) => fresh.includes(w.id)) } },
    });
  }
  return view;
}

export async function unshareAsset(ctx: AppContext, w: WorkspaceDoc, assetId: string, targetId: string, actorId: string) {
  const a = await loadOwnAsset(ctx, w, assetId);
  const { deletedCount } = await ctx.models.AssetShare.deleteOne({ _id: `${a._id}:${targetId}` });
  if (!deletedCount) throw notFound('This asset is not shared with that workspace');
  await ctx.publisher.toWorkspace(targetId, 'members', { type: 'asset.unshared', actorId, data: { assetId: a._id } });
  await ctx.publisher.toWorkspace(w._id, 'members', {
    type: 'asset.unshared',
    actorId,
    data: { asset: await presentOwned(ctx, a), targetWorkspaceId: targetId },
    audit: { target: assetTarget(a), before: { kind: a.kind, sharedWith: [(await refsOf(ctx, [targetId])).get(targetId) ?? { id: targetId, name: '' }] }, after: null },
  });
}

/** Before a workspace is deleted: its assets go (and leave every target), and what was shared into it is unshared. */
export async function dropWorkspaceAssets(ctx: AppContext, w: WorkspaceDoc, actorId: string) {
  for (const a of await ctx.models.Asset.find({ workspaceId: w._id }).lean()) await deleteAsset(ctx, a, actorId);
  await ctx.models.AssetShare.deleteMany({ targetWorkspaceId: w._id });
}

/** A brand kit's logo: a real PNG, JPEG or WebP (checked by content), stored apart from the asset. */
export async function setBrandKitLogo(ctx: AppContext, w: WorkspaceDoc, assetId: string, data: Buffer, actorId: string): Promise<AssetView> {
  const asset = await loadOwnAsset(ctx, w, assetId);
  const invalid = (message: string) => new AppError('validation_failed', message, [{ path: 'image', message }]);
  if (asset.kind !== 'brand_kit') throw invalid('Only brand kits have a logo');
  const version = await storeImage(ctx, logoKey(asset._id), data);
  await ctx.models.Asset.updateOne({ _id: asset._id }, { $set: { logo: { version } } });
  const updated = { ...asset, logo: { version } };
  await announce(ctx, updated, 'asset.updated', actorId, await targetsOf(ctx, asset._id), { before: { kind: asset.kind, logo: asset.logo !== null }, after: { kind: asset.kind, logo: true } });
  return presentOwned(ctx, updated);
}

export async function brandKitLogo(ctx: AppContext, w: WorkspaceDoc, assetId: string) {
  const asset = await loadVisibleAsset(ctx, w, assetId);
  return loadImage(ctx, logoKey(asset._id));
}

/** Sets the avatar slots allocated to a workspace; members see the new counter live. */
export async function setAvatarSlots(ctx: AppContext, workspace: WorkspaceDoc, limit: number, actorId: string): Promise<AvatarSlotsView> {
  // Checked and written under the lock of the workspace the slots come out of (see workspaces/avatar-allocation.ts).
  const w = await withOwnSlotPool(ctx, workspace._id, async (w) => {
    await checkAvatarSlots(ctx, w, limit);
    await ctx.models.Workspace.updateOne({ _id: w._id }, { $set: { avatarSlots: limit } });
    return w;
  });
  const slots = await avatarSlots(ctx, { ...w, avatarSlots: limit });
  await ctx.publisher.toWorkspace(w._id, 'members', {
    type: 'avatarSlots.updated',
    actorId,
    data: { workspaceId: w._id, avatarSlots: slots },
    audit: { target: { kind: 'avatarSlots', id: w._id, label: w.name }, before: { avatarSlots: w.avatarSlots }, after: { avatarSlots: limit } },
  });
  return slots;
}
