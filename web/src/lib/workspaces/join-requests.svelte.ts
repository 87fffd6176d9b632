import type { EventEnvelope } from '$shared/events.js';
import type { JoinRequestView } from '$shared/schemas/invitations.js';
import { listJoinRequests } from '../api/invitations.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import { onWorkspaceEvent, type LiveStore } from './events.js';

const HISTORY_SIZE = 20;

/**
 * A workspace's join requests (Super Admins only): those waiting for a
 * decision, and the latest decided ones. A decision made anywhere (another
 * admin, the notifications panel) moves the request live.
 */
export class JoinRequestsList implements LiveStore {
  pending = $state<JoinRequestView[]>([]);
  pendingCursor = $state<string | null>(null);
  history = $state<JoinRequestView[]>([]);
  loading = $state<'first' | 'more' | null>('first');
  error = $state<Message | null>(null);

  constructor(private readonly workspaceId: string) {}

  async reload() {
    this.loading = 'first';
    try {
      const [pending, approved, denied] = await Promise.all([
        listJoinRequests(this.workspaceId, { status: 'pending', limit: 50 }),
        listJoinRequests(this.workspaceId, { status: 'approved', limit: HISTORY_SIZE }),
        listJoinRequests(this.workspaceId, { status: 'denied', limit: HISTORY_SIZE }),
      ]);
      this.pending = pending.items;
      this.pendingCursor = pending.nextCursor;
      this.history = [...approved.items, ...denied.items].sort(byDecision).slice(0, HISTORY_SIZE);
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
      throw err;
    } finally {
      this.loading = null;
    }
  }

  async loadMore() {
    if (!this.pendingCursor || this.loading) return;
    this.loading = 'more';
    try {
      const page = await listJoinRequests(this.workspaceId, { status: 'pending', limit: 50, cursor: this.pendingCursor });
      const known = new Set(this.pending.map((r) => r.id));
      this.pending = [...this.pending, ...page.items.filter((r) => !known.has(r.id))];
      this.pendingCursor = page.nextCursor;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = null;
    }
  }

  /** Puts a request where its status says (after this user's decision, or an event). */
  place(request: JoinRequestView) {
    this.pending = this.pending.filter((r) => r.id !== request.id);
    this.history = this.history.filter((r) => r.id !== request.id);
    if (request.status === 'pending') this.pending = [request, ...this.pending];
    else this.history = [request, ...this.history].slice(0, HISTORY_SIZE);
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'joinRequest.created': ({ request }) => this.place(request),
      'joinRequest.decided': ({ request }) => this.place(request),
    });
  }
}

const byDecision = (a: JoinRequestView, b: JoinRequestView) => ((a.decidedAt ?? '') < (b.decidedAt ?? '') ? 1 : -1);
