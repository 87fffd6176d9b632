import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { ItemKind, ItemsQuery, ItemSort, ItemView } from '../../shared/schemas/content.js';
import type { Page } from '../../shared/schemas/workspaces.js';
import { grantActive } from '../../shared/access.js';
import { invalidField, notFound } from '../http/errors.js';
import { findByIds } from '../db/lookups.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { loadItem } from './access-loader.js';
import { ChainResolver } from './item-chain.js';
import { itemView } from './item.presenter.js';
import { folderKeyOf, type GrantDoc, type ItemDoc } from './item.model.js';

/**
 * Lists of content cost a page, not the workspace's tree: rows are read in
 * the list's order in batches of `limit + 1`, each batch resolved at once
 * (ChainResolver), and after MAX_BATCHES batches the list stops with a
 * cursor even if the page is short (a folder full of what the caller cannot
 * see is paged through, never read whole).
 */
export const MAX_BATCHES = 5;

const KIND_ORDER: ItemKind[] = ['folder', 'draft', 'video'];
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Key = [string, string] | [number, string, string];

/**
 * The cursor is opaque to clients: the list's order, the sort key of the last
 * item returned (`k`), and — when a bounded scan stopped on an item the
 * caller cannot see — that item's id (`a`) rather than its key, so a cursor
 * never carries the name of what the caller may not know of. A cursor whose
 * `a` is gone resumes from `k` (it only re-reads what was not shown).
 */
interface Cursor {
  s: ItemSort | 'shared';
  /** Null: nothing was shown yet (the list resumes from its start, or from `a`). */
  k: Key | null;
  a?: string;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decode(raw: string, order: Cursor['s']): Cursor {
  const bad = () => invalidField('cursor', 'This cursor is not one of this list');
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const { s, k, a } = (c ?? {}) as Partial<Cursor>;
  if (s !== order || (a !== undefined && (typeof a !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(a)))) throw bad();
  if (k === null && a !== undefined) return { s, k, a };
  if (!Array.isArray(k)) throw bad();
  const kindKey = order === 'kind';
  if (k.length !== (kindKey ? 3 : 2) || (kindKey ? !Number.isInteger(k[0]) || typeof k[1] !== 'string' || typeof k[2] !== 'string' : !k.every((v) => typeof v === 'string'))) throw bad();
  if ((order === 'updated' || order === 'shared') && Number.isNaN(Date.parse(k[0] as string))) throw bad();
  return { s, k: k as Key, ...(a ? { a } : {}) };
}

/** Rows after `after` in one two-field order (`_id` breaks ties). */
function afterFilter(field: string, value: unknown, id: string, dir: 1 | -1) {
  const op = dir === 1 ? '$gt' : '$lt';
  return { $or: [{ [field]: mongoose.trusted({ [op]: value }) }, { [field]: value, _id: mongoose.trusted({ [op]: id }) }] };
}

/** A list's rows in order: one batch after a key, the key of a row, and the item it shows. */
interface Source<R> {
  batch(after: Key | null, size: number): Promise<R[]>;
  keyOf(row: R): Key;
  itemsOf(rows: R[]): Promise<(ItemDoc | null)[]>;
  /** Whether a row's key may be shown to the caller even when they cannot see its item. */
  keyIsPublic: boolean;
}

function itemSource(ctx: AppContext, base: Record<string, unknown>, sort: ItemSort, kind?: ItemKind): Source<ItemDoc> {
  const find = (filter: Record<string, unknown>, order: Record<string, 1 | -1>, size: number) => ctx.models.Item.find(filter).sort(order).limit(size).lean<ItemDoc[]>();
  const byName = (extra: Record<string, unknown>, after: [string, string] | null, size: number) =>
    find({ ...base, ...extra, ...(after ? afterFilter('nameKey', after[0], after[1], 1) : {}) }, { nameKey: 1, _id: 1 }, size);
  const kindFilter = kind ? { kind } : {};
  if (sort === 'name') return { batch: (after, size) => byName(kindFilter, after as [string, string] | null, size), keyOf: (d) => [d.nameKey, d._id], itemsOf: async (r) => r, keyIsPublic: false };
  if (sort === 'updated')
    return {
      batch: (after, size) =>
        find({ ...base, ...kindFilter, ...(after ? afterFilter('updatedAt', new Date(after[0] as string), after[1] as string, -1) : {}) }, { updatedAt: -1, _id: -1 }, size),
      keyOf: (d) => [d.updatedAt.toISOString(), d._id],
      itemsOf: async (r) => r,
      keyIsPublic: false,
    };
  // Folders first, then drafts, then videos; by name within each: one ordered query per kind, from the cursor's kind on.
  const kinds = kind ? [kind] : KIND_ORDER;
  return {
    async batch(after, size) {
      const rows: ItemDoc[] = [];
      const from = after ? (after[0] as number) : 0;
      for (const k of kinds) {
        const rank = KIND_ORDER.indexOf(k);
        if (rank < from || rows.length >= size) continue;
        rows.push(...(await byName({ kind: k }, after && rank === from ? [after[1] as string, after[2] as string] : null, size - rows.length)));
      }
      return rows;
    },
    keyOf: (d) => [KIND_ORDER.indexOf(d.kind), d.nameKey, d._id],
    itemsOf: async (r) => r,
    keyIsPublic: false,
  };
}

/** The caller's own grants in the workspace, newest first: a grant key names only the caller's own grant. */
function sharedSource(ctx: AppContext, workspaceId: string, userId: string, resolver: ChainResolver, match: (d: ItemDoc) => boolean): Source<GrantDoc> {
  return {
    async batch(after, size) {
      const filter = { userId, workspaceId, ...(after ? afterFilter('at', new Date(after[0] as string), after[1] as string, -1) : {}) };
      const rows = await ctx.models.Grant.find(filter).sort({ at: -1, _id: -1 }).limit(size).lean<GrantDoc[]>();
      resolver.knowGrants(rows);
      return rows;
    },
    keyOf: (g) => [g.at.toISOString(), g._id],
    async itemsOf(rows) {
      const now = ctx.now();
      const live = rows.filter((g) => grantActive({ expiresAt: g.expiresAt ? g.expiresAt.toISOString() : null }, now));
      const items = await findByIds(ctx.models.Item, live.map((g) => g.itemId));
      return rows.map((g) => {
        const d = live.includes(g) ? items.get(g.itemId) : undefined;
        return d && d.workspaceId === workspaceId && match(d) ? d : null;
      });
    },
    keyIsPublic: true,
  };
}

/** Where a resumed list starts: the key of the item the last scan stopped on, if it is still there, else the last key shown. */
async function startOf(ctx: AppContext, workspaceId: string, cursor: Cursor | null, keyOf: (d: ItemDoc) => Key): Promise<Key | null> {
  if (!cursor) return null;
  if (cursor.a) {
    const d = await ctx.models.Item.findById(cursor.a).lean<ItemDoc>();
    if (d && d.workspaceId === workspaceId) return keyOf(d);
  }
  return cursor.k;
}

async function scan<R>(source: Source<R>, resolver: ChainResolver, start: Key | null, shownBefore: Key | null, order: Cursor['s'], limit: number): Promise<Page<ItemView>> {
  const size = limit + 1;
  const page: ItemView[] = [];
  let after = start;
  let lastShown = shownBefore;
  let stoppedOn: { row: R; visible: boolean } | null = null;
  for (let b = 0; b < MAX_BATCHES; b++) {
    const rows = await source.batch(after, size);
    const items = await source.itemsOf(rows);
    const present = items.filter((d): d is ItemDoc => d !== null);
    const resolutions = new Map((await resolver.resolve(present)).map((r, i) => [present[i]!._id, r]));
    for (const [i, row] of rows.entries()) {
      const d = items[i];
      const r = d ? resolutions.get(d._id) : undefined;
      const visible = !!d && !!r && r.access !== 'none';
      stoppedOn = { row, visible };
      if (!visible) continue;
      // One more than the page: there is a next page, and the cursor is the last item shown.
      if (page.length === limit) return { items: page, nextCursor: encode({ s: order, k: lastShown! }) };
      page.push(itemView(d!, r!));
      lastShown = source.keyOf(row);
    }
    if (rows.length < size) return { items: page, nextCursor: null };
    after = source.keyOf(rows[rows.length - 1]!);
  }
  // The bound: a cursor past what was read, without the key of what the caller cannot see.
  if (!stoppedOn) return { items: page, nextCursor: null };
  const k = source.keyOf(stoppedOn.row);
  if (stoppedOn.visible || source.keyIsPublic) return { items: page, nextCursor: encode({ s: order, k }) };
  const id = (stoppedOn.row as ItemDoc)._id;
  return { items: page, nextCursor: encode({ s: order, k: lastShown, a: id }) };
}

/**
 * `GET …/items`: one folder's content (top level without `parentId`; the
 * folder itself must be visible), a name search (`q`) across the tree or a
 * folder's subtree, or what was shared with the caller directly
 * (`shared=me`, newest grant first). Only what the caller can see.
 */
export async function listItems(ctx: AppContext, access: WorkspaceAccess, userId: string, q: ItemsQuery): Promise<Page<ItemView>> {
  const workspaceId = access.workspace._id;
  const known: ItemDoc[] = [];
  let parent: ItemDoc | null = null;
  if (q.parentId) {
    const folder = await loadItem(ctx, access, q.parentId, userId);
    if (folder.item.kind !== 'folder') throw notFound('Folder not found');
    parent = folder.item;
    known.push(...folder.ancestors, folder.item);
  }
  const resolver = new ChainResolver(ctx, workspaceId, userId, access.role, known);
  const search = q.q ? q.q.toLowerCase() : '';
  if (q.shared === 'me') {
    const match = (d: ItemDoc) => (!q.kind || d.kind === q.kind) && (!search || d.nameKey.includes(search)) && (!parent || d.ancestorIds.includes(parent._id));
    const cursor = q.cursor ? decode(q.cursor, 'shared') : null;
    return scan(sharedSource(ctx, workspaceId, userId, resolver, match), resolver, cursor?.k ?? null, null, 'shared', q.limit);
  }
  const sort = q.sort ?? 'name';
  const base: Record<string, unknown> = { workspaceId };
  if (search) {
    base.nameKey = mongoose.trusted({ $regex: escapeRegex(search) });
    if (parent) base.ancestorIds = parent._id;
  } else base.folderKey = folderKeyOf(workspaceId, parent?._id ?? null);
  const source = itemSource(ctx, base, sort, q.kind);
  const cursor = q.cursor ? decode(q.cursor, sort) : null;
  const start = await startOf(ctx, workspaceId, cursor, (d) => source.keyOf(d));
  return scan(source, resolver, start, cursor?.k ?? null, sort, q.limit);
}
