import mongoose from 'mongoose';
import { sharingOf } from '../cache/tags.js';
import type { AppContext } from '../context.js';
import type { CreateItem, ItemDetailView, ItemView, UpdateItem } from '../../shared/schemas/content.js';
import { MAX_FOLDER_DEPTH } from '../../shared/schemas/content.js';
import type { WorkspaceEventType } from '../../shared/event-map.js';
import { atLeast } from '../../shared/access.js';
import { can } from '../../shared/permissions.js';
import { conflict, forbidden, invalidField } from '../http/errors.js';
import { newId } from '../db/ids.js';
import { withLock } from '../db/claims.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { loadItem, recipientsOf, viewersOf, type ItemAccess, type Viewer } from './access-loader.js';
import { ancestorIdsUnder, countDescendants, descendantsOf, visibleAncestors } from './item-chain.js';
import { itemAudit, itemDetailView, itemTarget, itemView } from './item.presenter.js';
import { folderKeyOf, type ItemDoc } from './item.model.js';
import { dropVideos } from '../videos/video-drop.js';

/**
 * The content tree: create, open, rename, edit a draft's script, move and
 * delete. Every change needs `edit` on what it touches (the resolver's
 * answer); a move also needs `edit` on the folder it leaves and the folder it
 * enters. `ancestorIds` are rewritten for the item and everything below it on
 * a move, so the tree never has a cycle and never nests past MAX_FOLDER_DEPTH.
 */

const needEdit = (a: Pick<ItemAccess, 'access'>, what = 'You may only look at this item') => {
  if (!atLeast(a.access, 'edit')) throw forbidden(what);
};

/** A folder an item goes into: visible (else 404), a folder of the same workspace, where the caller may edit. */
export async function loadDestination(ctx: AppContext, access: WorkspaceAccess, parentId: string, userId: string): Promise<ItemAccess> {
  const parent = await loadItem(ctx, access, parentId, userId);
  if (parent.item.kind !== 'folder') throw invalidField('parentId', 'Items go into folders only');
  needEdit(parent, 'You may not add to this folder');
  return parent;
}

/** Everyone who can see the item with this chain, as a content event reaches them. */
const audienceOf = (ctx: AppContext, workspace: WorkspaceDoc, chain: ItemDoc[]) => viewersOf(ctx, workspace, chain);

export async function announce(
  ctx: AppContext,
  workspace: WorkspaceDoc,
  viewers: Viewer[],
  type: Extract<WorkspaceEventType, 'item.created' | 'item.updated'>,
  actor: { userId: string; view: ItemView },
  audit: { target: ReturnType<typeof itemTarget>; before?: unknown; after?: unknown },
) {
  await ctx.publisher.toItemViewers(workspace._id, recipientsOf(viewers), { type, actorId: actor.userId, data: { item: actor.view }, audit });
}

/**
 * Changes to the shape of a workspace's tree — an item placed in a folder,
 * a move, a delete — run one at a time per workspace, on every node (a lock,
 * db/claims.ts): each reads the folders it checks inside it, so two moves
 * cannot make a cycle between them and nothing lands in a folder being
 * deleted or is left with the ancestors a move is rewriting. Renames,
 * scripts and top-level creations do not take it.
 */
export const inTree = <T>(ctx: AppContext, workspaceId: string, work: () => Promise<T>) => withLock(ctx.models.Lock, `content-tree:${workspaceId}`, work);

export function createItem(ctx: AppContext, access: WorkspaceAccess, userId: string, input: CreateItem): Promise<ItemView> {
  return input.parentId ? inTree(ctx, access.workspace._id, () => placeItem(ctx, access, userId, input)) : placeItem(ctx, access, userId, input);
}

async function placeItem(ctx: AppContext, access: WorkspaceAccess, userId: string, input: CreateItem): Promise<ItemView> {
  if (!can(access.role, 'content.create')) throw forbidden('You may not create content in this workspace');
  if (input.kind !== 'draft' && input.body !== undefined) throw invalidField('body', 'Only drafts have a script');
  const parent = input.parentId ? await loadDestination(ctx, access, input.parentId, userId) : null;
  const ancestorIds = ancestorIdsUnder(parent?.item ?? null);
  if (ancestorIds.length > MAX_FOLDER_DEPTH) throw conflict(`Folders nest at most ${MAX_FOLDER_DEPTH} deep`);
  const now = ctx.now();
  const doc: ItemDoc = {
    _id: newId(),
    workspaceId: access.workspace._id,
    kind: input.kind,
    name: input.name,
    nameKey: input.name.toLowerCase(),
    parentId: parent?.item._id ?? null,
    folderKey: folderKeyOf(access.workspace._id, parent?.item._id ?? null),
    ancestorIds,
    ownerId: userId,
    general: { scope: 'only_me', role: 'view' },
    body: input.kind === 'draft' ? (input.body ?? '') : null,
    status: null,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.models.Item.create(doc);
  const chain = [...(parent ? [...parent.ancestors, parent.item] : []), doc];
  const viewers = await audienceOf(ctx, access.workspace, chain);
  const mine = viewers.find((v) => v.userId === userId)!.resolution;
  const view = itemView(doc, mine);
  await announce(ctx, access.workspace, viewers, 'item.created', { userId, view }, { target: itemTarget(doc), after: itemAudit(doc) });
  return view;
}

/** `GET …/items/:itemId`: the item with the folders above it, a draft's script, a folder's count of what it holds. */
export async function openItem(ctx: AppContext, access: WorkspaceAccess, userId: string, itemId: string): Promise<ItemDetailView> {
  const found = await loadItem(ctx, access, itemId, userId);
  const descendants = found.item.kind === 'folder' ? await countDescendants(ctx, found.item) : null;
  const path = await visibleAncestors(ctx, access.workspace._id, userId, access.role, found.ancestors);
  return itemDetailView(found.item, found, path, descendants);
}

/** Rename, edit a draft's script, move (`parentId`, null = top level). */
export function updateItem(ctx: AppContext, access: WorkspaceAccess, userId: string, itemId: string, input: UpdateItem): Promise<ItemDetailView> {
  const change = () => changeItem(ctx, access, userId, itemId, input);
  return input.parentId !== undefined ? inTree(ctx, access.workspace._id, change) : change();
}

async function changeItem(ctx: AppContext, access: WorkspaceAccess, userId: string, itemId: string, input: UpdateItem): Promise<ItemDetailView> {
  const found = await loadItem(ctx, access, itemId, userId);
  needEdit(found);
  const { item } = found;
  if (input.body !== undefined && item.kind !== 'draft') throw invalidField('body', 'Only drafts have a script');
  const moving = input.parentId !== undefined && input.parentId !== item.parentId;
  const set: Partial<ItemDoc> = {};
  if (input.name !== undefined && input.name !== item.name) Object.assign(set, { name: input.name, nameKey: input.name.toLowerCase() });
  if (input.body !== undefined && input.body !== item.body) set.body = input.body;

  let destination: ItemAccess | null = null;
  let subtree: Awaited<ReturnType<typeof descendantsOf>> = [];
  if (moving) {
    // Leaving a folder needs edit there; the top level belongs to those who may create content.
    const source = found.ancestors[found.ancestors.length - 1];
    if (source && source._id === item.parentId) {
      const from = await loadItem(ctx, access, source._id, userId).catch(() => null);
      if (!from || !atLeast(from.access, 'edit')) throw forbidden('You may not take items out of this folder');
    }
    if (input.parentId === itemId) throw conflict('A folder cannot go into itself');
    destination = input.parentId ? await loadDestination(ctx, access, input.parentId, userId) : null;
    if (!destination && !can(access.role, 'content.create')) throw forbidden('You may not put items at the top level');
    if (destination && destination.item.ancestorIds.includes(item._id)) throw conflict('A folder cannot go into a folder inside it');
    subtree = item.kind === 'folder' ? await descendantsOf(ctx, item) : [];
    const newAncestors = ancestorIdsUnder(destination?.item ?? null);
    const below = Math.max(0, ...subtree.map((d) => d.ancestorIds.length - item.ancestorIds.length));
    if (newAncestors.length + below > MAX_FOLDER_DEPTH) throw conflict(`Folders nest at most ${MAX_FOLDER_DEPTH} deep`);
    const parentId = destination?.item._id ?? null;
    Object.assign(set, { parentId, folderKey: folderKeyOf(item.workspaceId, parentId), ancestorIds: newAncestors });
  }
  if (Object.keys(set).length === 0) return openItem(ctx, access, userId, item._id);

  const viewersBefore = moving ? await audienceOf(ctx, access.workspace, [...found.ancestors, item]) : null;
  set.updatedAt = ctx.now();
  await ctx.models.Item.updateOne({ _id: item._id }, { $set: set });
  if (moving && subtree.length) {
    const prefix = set.ancestorIds!;
    const cut = item.ancestorIds.length;
    await ctx.models.Item.bulkWrite(
      subtree.map((d) => ({ updateOne: { filter: { _id: d._id }, update: { $set: { ancestorIds: [...prefix, ...d.ancestorIds.slice(cut)] } } } })),
      { ordered: false },
    );
  }
  const updated: ItemDoc = { ...item, ...set };
  const ancestors = destination ? [...destination.ancestors, destination.item] : moving ? [] : found.ancestors;
  const viewers = await audienceOf(ctx, access.workspace, [...ancestors, updated]);
  const mine = viewers.find((v) => v.userId === userId)?.resolution ?? { access: 'none' as const, manage: false };
  const view = itemView(updated, mine);
  const changed = (d: ItemDoc) => ({ ...itemAudit(d), ...(set.body !== undefined ? { body: d.body === null ? 0 : d.body.length } : {}) });
  await announce(ctx, access.workspace, viewers, 'item.updated', { userId, view }, { target: itemTarget(updated), before: changed(item), after: changed(updated) });
  if (viewersBefore) {
    const still = new Set(viewers.map((v) => v.userId));
    for (const lost of viewersBefore.filter((v) => !still.has(v.userId))) {
      await ctx.publisher.toUser(lost.userId, { type: 'access.revoked', actorId: userId, workspaceId: access.workspace._id, data: { workspaceId: access.workspace._id, itemId: item._id } });
    }
  }
  // Open share dialogs of what moved re-check who may be there now (every node).
  if (moving) await accessMayHaveChanged(ctx, [item._id, ...subtree.map((d) => d._id)]);
  const path = await visibleAncestors(ctx, access.workspace._id, userId, access.role, ancestors);
  return itemDetailView(updated, mine, path, item.kind === 'folder' ? (moving ? subtree.length : await countDescendants(ctx, updated)) : null);
}

/**
 * Tells every node that who may see these items may have changed (a move, a
 * delete), as a sharing change does: open co-editing documents of them
 * re-check their connections at once rather than at the periodic re-check.
 */
function accessMayHaveChanged(ctx: AppContext, itemIds: string[]) {
  return ctx.cache.invalidate(itemIds.map(sharingOf), { confirmed: false }).catch((err: unknown) => ctx.log.warn({ err }, 'sharing invalidation not sent'));
}

/** Deletes an item; a folder goes with everything inside it, their grants and access requests. Returns how many items went with it. */
export function deleteItem(ctx: AppContext, access: WorkspaceAccess, userId: string, itemId: string): Promise<number> {
  return inTree(ctx, access.workspace._id, () => removeItem(ctx, access, userId, itemId));
}

async function removeItem(ctx: AppContext, access: WorkspaceAccess, userId: string, itemId: string): Promise<number> {
  const found = await loadItem(ctx, access, itemId, userId);
  needEdit(found, 'You may not delete this item');
  const { item } = found;
  const viewers = await audienceOf(ctx, access.workspace, [...found.ancestors, item]);
  const inside = item.kind === 'folder' ? await descendantsOf(ctx, item) : [];
  const ids = [item._id, ...inside.map((d) => d._id)];
  const workspaceId = access.workspace._id;
  // People given something inside it on its own (who may not see the folder) are told it is gone for them.
  const grantsInside = inside.length ? await ctx.models.Grant.find({ workspaceId, itemId: mongoose.trusted({ $in: ids.slice(1) }) }, { itemId: 1, userId: 1 }).lean() : [];
  // Videos first: their renders are cancelled, holds given back, files and share links gone (videos/video-drop.ts).
  const videos = [...(item.kind === 'video' ? [item] : []), ...inside.filter((d) => d.kind === 'video')].map((v) => v._id);
  if (videos.length) await dropVideos(ctx, workspaceId, videos, userId);
  await ctx.models.Item.deleteMany({ workspaceId, _id: mongoose.trusted({ $in: ids }) });
  await ctx.models.Grant.deleteMany({ workspaceId, itemId: mongoose.trusted({ $in: ids }) });
  await ctx.models.AccessRequest.deleteMany({ workspaceId, itemId: mongoose.trusted({ $in: ids }) });
  await ctx.publisher.toItemViewers(workspaceId, recipientsOf(viewers), {
    type: 'item.deleted',
    actorId: userId,
    data: { itemId: item._id, parentId: item.parentId, descendants: inside.length },
    audit: { target: itemTarget(item), before: { ...itemAudit(item), descendants: inside.length }, after: null },
  });
  const told = new Set(viewers.map((v) => v.userId));
  for (const g of grantsInside.filter((g) => !told.has(g.userId))) {
    await ctx.publisher.toUser(g.userId, { type: 'access.revoked', actorId: userId, workspaceId, data: { workspaceId, itemId: g.itemId } });
  }
  await accessMayHaveChanged(ctx, ids);
  return inside.length;
}
