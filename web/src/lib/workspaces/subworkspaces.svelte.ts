import { SvelteSet } from 'svelte/reactivity';
import type { EventEnvelope } from '$shared/events.js';
import type { SubworkspaceView } from '$shared/schemas/workspaces.js';
import { listSubworkspaces } from '../api/workspaces.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import { onWorkspaceEvent, type LiveStore } from './events.js';

/**
 * The sub-workspaces of a workspace (its Super Admins' view), kept live by
 * the admin feed of the parent: created, changed, deleted, and the seat use
 * of those drawing from the parent's pool.
 */
export class SubworkspaceList implements LiveStore {
  items = $state<SubworkspaceView[]>([]);
  loading = $state(true);
  error = $state<Message | null>(null);
  /** Deleted while this page was open, here or by another admin: never offered again. */
  readonly deleted = new SvelteSet<string>();

  constructor(
    private readonly workspaceId: string,
    /** The parent's seat pool: `seats.updated` of it changes the inherited ones. */
    private readonly poolId: () => string | undefined,
  ) {}

  async reload() {
    this.loading = true;
    try {
      this.items = (await listSubworkspaces(this.workspaceId)).items;
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
      throw err;
    } finally {
      this.loading = false;
    }
  }

  upsert(sub: SubworkspaceView) {
    const i = this.items.findIndex((s) => s.id === sub.id);
    if (i >= 0) this.items[i] = sub;
    else this.items.push(sub);
  }

  drop(id: string) {
    this.deleted.add(id);
    this.items = this.items.filter((s) => s.id !== id);
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'subworkspace.created': ({ subworkspace }) => this.upsert(subworkspace),
      'subworkspace.updated': ({ subworkspace }) => this.upsert(subworkspace),
      'subworkspace.deleted': ({ workspaceId }) => this.drop(workspaceId),
      'seats.updated': ({ poolId, seats }) => {
        if (poolId !== this.poolId()) return;
        this.items = this.items.map((s) => (s.settings.billingMode === 'inherited' ? { ...s, seats } : s));
      },
    });
  }
}
