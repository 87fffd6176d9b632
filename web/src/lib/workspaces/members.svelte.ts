import type { EventEnvelope } from '$shared/events.js';
import type { MemberView } from '$shared/schemas/workspaces.js';
import { listMembers } from '../api/workspaces.js';
import { CursorPages } from './cursor-pages.svelte.js';
import { onWorkspaceEvent, type LiveStore } from './events.js';

export const MEMBERS_PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;

const matches = (m: MemberView, q: string) => !q || `${m.name} ${m.email}`.toLowerCase().includes(q.trim().toLowerCase());

/**
 * A workspace's members as the Members tab shows them: pages loaded so far,
 * a debounced search, and live changes applied as they come.
 */
export class MembersList extends CursorPages<MemberView> implements LiveStore {
  query = $state('');

  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly workspaceId: string) {
    super();
  }

  protected fetchPage(cursor?: string) {
    return listMembers(this.workspaceId, { q: this.query.trim() || undefined, cursor, limit: MEMBERS_PAGE_SIZE });
  }

  protected keyOf(member: MemberView) {
    return member.userId;
  }

  /** Searches once typing pauses. */
  search(query: string, onError: (err: unknown) => void) {
    this.query = query;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.reload().catch(onError), SEARCH_DELAY_MS);
  }

  dispose() {
    if (this.#timer) clearTimeout(this.#timer);
    this.cancel();
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
      'ownership.transferred': ({ ownerId }) => {
        this.items = this.items.map((m) => ({ ...m, isOwner: m.userId === ownerId }));
      },
    });
  }
}
