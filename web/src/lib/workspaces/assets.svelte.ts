import type { EventEnvelope } from '$shared/events.js';
import type { AssetKind, AssetView, AvatarSlotsView } from '$shared/schemas/assets.js';
import { getAvatarSlots, listAssets } from '../api/assets.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import { onWorkspaceEvent, type LiveStore } from './events.js';

/** Newest first, as the server lists them (ids grow with time). */
const newestFirst = (a: AssetView, b: AssetView) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * A workspace's asset library: its own assets and those shared into it, and
 * its avatar slots, kept live. An asset unshared from or deleted in its
 * owning workspace leaves the list the moment the event arrives.
 */
export class AssetLibrary implements LiveStore {
  items = $state<AssetView[]>([]);
  loading = $state(true);
  error = $state<Message | null>(null);
  slots = $state<AvatarSlotsView | null>(null);

  /** Each avatar of the workspace holds one slot, so the own avatars are the slots in use. */
  avatarsUsed = $derived(this.items.filter((a) => a.kind === 'avatar' && !a.sharedFrom).length);

  constructor(readonly workspaceId: string) {}

  ofKind(kind: AssetKind | null) {
    return kind ? this.items.filter((a) => a.kind === kind) : this.items;
  }

  has(assetId: string) {
    return this.items.some((a) => a.id === assetId);
  }

  async reload() {
    this.loading = true;
    try {
      const [items, slots] = await Promise.all([this.#loadAll(), getAvatarSlots(this.workspaceId)]);
      this.items = items.sort(newestFirst);
      this.slots = slots;
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
      throw err;
    } finally {
      this.loading = false;
    }
  }

  /** Every page: the library is filtered and picked from as a whole. */
  async #loadAll() {
    const all: AssetView[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAssets(this.workspaceId, { limit: 200, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  upsert(asset: AssetView) {
    const i = this.items.findIndex((a) => a.id === asset.id);
    if (i >= 0) this.items[i] = asset;
    else this.items = [...this.items, asset].sort(newestFirst);
  }

  drop(assetId: string) {
    this.items = this.items.filter((a) => a.id !== assetId);
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'asset.created': ({ asset }) => this.upsert(asset),
      'asset.updated': ({ asset }) => this.upsert(asset),
      'asset.shared': ({ asset }) => this.upsert(asset),
      'asset.deleted': ({ assetId }) => this.drop(assetId),
      'asset.unshared': (d) => ('asset' in d ? this.upsert(d.asset) : this.drop(d.assetId)),
      'avatarSlots.updated': ({ avatarSlots }) => {
        this.slots = avatarSlots;
      },
    });
  }
}
