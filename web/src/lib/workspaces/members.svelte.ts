import type { EventEnvelope } from '$shared/events.js';
import type { MemberView } from '$shared/schemas/workspaces.js';
import { listMembers } from '../api/workspaces.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import { onWorkspaceEvent, type LiveStore } from './events.js';

export const MEMBERS_PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;

const matches = (m: MemberView, q: string) => !q || `${m.name} ${m.email}`.toLowerCase().includes(q.trim().toLowerCase());

/**
 * A workspace's members as the Members tab shows them: pages loaded so far,
 * a debounced search, and live changes applied as they come.
 */
export class MembersList implements LiveStore {
  items = $state<MemberView[]>([]);
  nextCursor = $state<string | null>(null);
  query = $state('');
  /** 'first' while the list (re)loads, 'more' while the next page loads. */
  loading = $state<'first' | 'more' | null>('first');
  error = $state<Message | null>(null);

  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Only the newest request may write: a slow old search never overwrites a newer one. */
  #request = 0;

  constructor(private readonly workspaceId: string) {}

  async reload() {
    const request = ++this.#request;
    this.loading = 'first';
    try {
      const page = await listMembers(this.workspaceId, { q: this.query.trim() || undefined, limit: MEMBERS_PAGE_SIZE });
      if (request !== this.#request) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.error = null;
    } catch (err) {
      if (request === this.#request) this.error = errorMessage(err);
      throw err;
    } finally {
      if (request === this.#request) this.loading = null;
    }
  }

  async loadMore() {
    if (!this.nextCursor || this.loading) return;
    const request = this.#request;
    this.loading = 'more';
    try {
      const page = await listMembers(this.workspaceId, { q: this.query.trim() || undefined, cursor: this.nextCursor, limit: MEMBERS_PAGE_SIZE });
      if (request !== this.#request) return;
      const known = new Set(this.items.map((m) => m.userId));
      this.items = [...this.items, ...page.items.filter((m) => !known.has(m.userId))];
      this.nextCursor = page.nextCursor;
      this.error = null;
    } catch (err) {
      if (request === this.#request) this.error = errorMessage(err);
    } finally {
      if (request === this.#request) this.loading = null;
    }
  }

  /** Searches once typing pauses. */
  search(query: string, onError: (err: unknown) => void) {
    this.query = query;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.reload().catch(onError), SEARCH_DELAY_MS);
  }

  dispose() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#request++;
  }

  /** Puts a member's new state in place (after an action of this user, or an event). */
  upsert(member: MemberView) {
    const i = this.items.findIndex((m) => m.userId === member.userId);
    if (i >= 0) this.items[i] = member;
    // A new member is shown once the list is complete; before that, a later page brings them.
    else if (this.nextCursor === null && matches(member, this.query)) this.items.push(member);
  }

  drop(userId: string) {
    this.items = this.items.filter((m) => m.userId !== userId);
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'member.added': ({ member }) => this.upsert(member),
      'member.updated': ({ member }) => {
        if (this.items.some((m) => m.userId === member.userId)) this.upsert(member);
      },
      'member.removed': ({ userId }) => this.drop(userId),
      'workspace.updated': ({ ownerId }) => {
        if (ownerId) this.items = this.items.map((m) => ({ ...m, isOwner: m.userId === ownerId }));
      },
    });
  }
}
