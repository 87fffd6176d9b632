import type { EventEnvelope } from '$shared/events.js';
import type { ItemDetailView, ItemView, UpdateItem } from '$shared/schemas/content.js';
import { ApiError } from '../api/client.js';
import { getItem, updateItem } from '../api/content.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import { onUserEvent, onWorkspaceEvent, type LiveStore } from './events.js';

/**
 * `hidden`: the server answers 404 (never there, deleted before, or not
 * shared with the person: it does not say which, and neither does the page).
 * `deleted`, `revoked`: it was open here and went away while open.
 */
export type ItemLoss = 'hidden' | 'deleted' | 'revoked';

/**
 * One opened item (a folder, a draft or a video) with the folders above it,
 * kept live: a rename or a new access applies at once; a change of its place
 * or of its script is read again; deleted, or no longer shared with the
 * person (itself or a folder above), and the page shows that instead.
 */
export class OpenItem implements LiveStore {
  view = $state<ItemDetailView | null>(null);
  error = $state<Message | null>(null);
  loss = $state<ItemLoss | null>(null);
  loading = $state(true);
  /** Bumped when the script changed elsewhere and was read again. */
  bodyVersion = $state(0);

  #request = 0;

  constructor(
    readonly workspaceId: string,
    readonly itemId: string,
    /** The person viewing: their own saves are already applied. */
    private readonly userId: string | null,
  ) {}

  async load() {
    const request = ++this.#request;
    try {
      const view = await getItem(this.workspaceId, this.itemId);
      if (request !== this.#request) return;
      if (this.view && view.body !== this.view.body) this.bodyVersion++;
      this.view = view;
      this.error = null;
    } catch (err) {
      if (request !== this.#request) return;
      if (err instanceof ApiError && err.code === 'not_found') this.#lose(this.view ? 'revoked' : 'hidden');
      else this.error = errorMessage(err);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  reload() {
    return this.load();
  }

  #lose(loss: ItemLoss) {
    this.loss = loss;
    this.view = null;
  }

  #inPath(id: string) {
    return id === this.itemId || (this.view?.path.some((p) => p.id === id) ?? false);
  }

  #merge(item: ItemView) {
    if (!this.view) return;
    this.view = { ...this.view, ...item };
  }

  /** Saves a change; the view becomes the item as stored. */
  async save(patch: UpdateItem) {
    const view = await updateItem(this.workspaceId, this.itemId, patch);
    this.view = view;
    return view;
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'item.updated': ({ item }, envelope) => {
        const view = this.view;
        if (!view) return;
        if (item.id === this.itemId) {
          const moved = item.parentId !== view.parentId;
          this.#merge(item);
          // The event has no path nor script: read them again when they may have changed.
          if (moved || (view.kind === 'draft' && envelope.actorId !== this.userId)) void this.load();
        } else {
          const at = view.path.findIndex((p) => p.id === item.id);
          if (at < 0) return;
          // A folder above was renamed (the breadcrumbs follow) or moved (the path is read again).
          this.view = { ...view, path: view.path.map((p) => (p.id === item.id ? { id: p.id, name: item.name } : p)) };
          if (item.parentId !== (view.path[at - 1]?.id ?? null)) void this.load();
        }
      },
      'item.sharing.updated': ({ item }) => {
        if (item.id === this.itemId) this.#merge(item);
        // A folder above now gives more or less: the item's own access is asked again.
        else if (this.#inPath(item.id)) void this.load();
      },
      'item.created': ({ item }) => {
        if (this.view?.kind === 'folder' && item.parentId === this.itemId && this.view.descendants !== null) this.view.descendants++;
      },
      'item.deleted': ({ itemId, parentId, descendants }) => {
        if (this.#inPath(itemId)) return this.#lose('deleted');
        if (this.view?.kind === 'folder' && parentId === this.itemId && this.view.descendants !== null) {
          this.view.descendants = Math.max(0, this.view.descendants - 1 - descendants);
        }
      },
    });
    onUserEvent(e, {
      'access.revoked': (d) => {
        if (!('itemId' in d) || d.workspaceId !== this.workspaceId || !this.#inPath(d.itemId)) return;
        // Lost on this item, or on a folder above (it may still be shared on its own): the server tells.
        if (d.itemId === this.itemId) this.#lose('revoked');
        else void this.load();
      },
    });
  }
}
