import type { EventEnvelope } from '$shared/events.js';
import type { ItemKind, ItemSort, ItemView, UpdateItem } from '$shared/schemas/content.js';
import { createItem, deleteItem, listItems, updateItem, type ItemsFilter } from '../api/content.js';
import { CursorPages } from './cursor-pages.svelte.js';
import { onUserEvent, onWorkspaceEvent, type LiveStore } from './events.js';

const PAGE_SIZE = 50;
const KIND_ORDER: ItemKind[] = ['folder', 'draft', 'video'];

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: ItemView, b: ItemView) => cmp(a.name.toLowerCase(), b.name.toLowerCase()) || cmp(a.id, b.id);

/** The server's orders (item-list.service): name A→Z, newest change first, or folders first then by name. */
export function compareItems(sort: ItemSort): (a: ItemView, b: ItemView) => number {
  switch (sort) {
    case 'updated':
      return (a, b) => cmp(b.updatedAt, a.updatedAt) || cmp(b.id, a.id);
    case 'kind':
      return (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || byName(a, b);
    default:
      return byName;
  }
}

/**
 * One list of the Content tab: a folder's content (or the top level), a name
 * search, or what was shared with the person, read page by page and kept
 * live. Each event carries the item with the person's own access, so a row
 * shows the actions that person may take. An item that would sort past the
 * last page read is left for "Load more" to bring.
 */
export class ContentList extends CursorPages<ItemView> implements LiveStore {
  #reloadTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly workspaceId: string,
    readonly filter: ItemsFilter,
  ) {
    super();
  }

  get sort(): ItemSort {
    return this.filter.sort ?? 'name';
  }

  /** The folder the list shows the content of (null: the top level); undefined for searches and "Shared with me". */
  get folderId(): string | null | undefined {
    if (this.filter.q || this.filter.shared) return undefined;
    return this.filter.parentId ?? null;
  }

  protected fetchPage(cursor?: string) {
    return listItems(this.workspaceId, { ...this.filter, cursor, limit: PAGE_SIZE });
  }

  protected keyOf(item: ItemView) {
    return item.id;
  }

  /** Whether an item belongs in this list, as far as the item's own fields tell. */
  #belongs(item: ItemView): boolean {
    if (item.access === 'none') return false;
    if (this.filter.kind && item.kind !== this.filter.kind) return false;
    if (this.filter.q) {
      if (!item.name.toLowerCase().includes(this.filter.q.trim().toLowerCase())) return false;
      // A search in a folder covers its whole subtree; an item only known to be in it stays.
      return !this.filter.parentId || item.parentId === this.filter.parentId || this.items.some((i) => i.id === item.id);
    }
    return item.parentId === (this.filter.parentId ?? null);
  }

  upsert(item: ItemView) {
    const order = compareItems(this.sort);
    const rest = this.items.filter((i) => i.id !== item.id);
    const known = rest.length !== this.items.length;
    // Past the last row read while more pages wait: that page brings it in its place.
    const last = rest[rest.length - 1];
    if (!known && this.nextCursor && last && order(item, last) > 0) return;
    this.items = [...rest, item].sort(order);
  }

  drop(itemId: string) {
    this.items = this.items.filter((i) => i.id !== itemId);
  }

  has(itemId: string) {
    return this.items.some((i) => i.id === itemId);
  }

  /** Another change than the list can place from the event (sharing, for "Shared with me"): the first page again, once. */
  #reloadSoon() {
    if (this.#reloadTimer) clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => {
      this.#reloadTimer = null;
      this.reload().catch(() => {});
    }, 250);
  }

  #place(item: ItemView) {
    if (this.#belongs(item)) this.upsert(item);
    else this.drop(item.id);
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'item.created': ({ item }) => {
        if (this.filter.shared) this.#reloadSoon();
        else this.#place(item);
      },
      'item.updated': ({ item }) => {
        if (this.filter.shared) {
          if (this.has(item.id)) this.upsert(item);
        } else this.#place(item);
      },
      'item.sharing.updated': ({ item }) => {
        if (this.filter.shared) this.#reloadSoon();
        else this.#place(item);
      },
      'item.deleted': ({ itemId }) => this.drop(itemId),
    });
    onUserEvent(e, {
      'access.revoked': (d) => {
        if ('itemId' in d && d.workspaceId === this.workspaceId) this.drop(d.itemId);
      },
    });
  }

  stop() {
    if (this.#reloadTimer) clearTimeout(this.#reloadTimer);
    this.#reloadTimer = null;
    this.cancel();
  }

  /* Actions: each applies the server's answer at once (the event that follows finds it in place). */

  async create(kind: 'folder' | 'draft', name: string) {
    const item = await createItem(this.workspaceId, { kind, name, ...(this.filter.parentId ? { parentId: this.filter.parentId } : {}) });
    this.#place(item);
    return item;
  }

  async update(itemId: string, patch: UpdateItem) {
    const item = await updateItem(this.workspaceId, itemId, patch);
    this.#place(item);
    return item;
  }

  async remove(itemId: string) {
    await deleteItem(this.workspaceId, itemId);
    this.drop(itemId);
  }
}
