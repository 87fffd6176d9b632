import { getContext, setContext } from 'svelte';
import type { EventEnvelope } from '$shared/events.js';
import type { NotificationView } from '$shared/schemas/invitations.js';
import { approveJoinRequest, denyJoinRequest, listNotifications, markAllNotificationsRead, markNotificationRead } from '../api/invitations.js';
import { ApiError } from '../api/client.js';
import { approveAccessRequest, denyAccessRequest } from '../api/sharing.js';
import { accessRequestOf } from './describe.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import type { RealtimeConnection } from '../realtime/socket.svelte.js';
import { onUserEvent } from '../workspaces/events.js';

const PAGE_SIZE = 20;

/**
 * The person's notifications panel and its unread count. The count is the
 * server's: every tab applies `notification.read` with the count it carries,
 * so marking read in one tab clears the badge in all of them.
 */
export class Notifications {
  items = $state<NotificationView[]>([]);
  nextCursor = $state<string | null>(null);
  unreadCount = $state(0);
  loading = $state<'first' | 'more' | null>(null);
  markingAll = $state(false);
  error = $state<Message | null>(null);
  /** Join-request decisions taken from the panel, by notification id: in flight, or refused. */
  decisions = $state<Record<string, { pending?: 'approve' | 'deny'; error?: Message }>>({});

  async load() {
    this.loading = 'first';
    try {
      const page = await listNotifications({ limit: PAGE_SIZE });
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.unreadCount = page.unreadCount;
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = null;
    }
  }

  async loadMore() {
    if (!this.nextCursor || this.loading) return;
    this.loading = 'more';
    try {
      const page = await listNotifications({ limit: PAGE_SIZE, cursor: this.nextCursor });
      const known = new Set(this.items.map((n) => n.id));
      this.items = [...this.items, ...page.items.filter((n) => !known.has(n.id))];
      this.nextCursor = page.nextCursor;
      this.unreadCount = page.unreadCount;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = null;
    }
  }

  async markRead(id: string) {
    const n = this.items.find((x) => x.id === id);
    if (!n || n.read) return;
    n.read = true;
    try {
      this.unreadCount = (await markNotificationRead(id)).unreadCount;
    } catch (err) {
      n.read = false;
      this.error = errorMessage(err);
    }
  }

  async markAllRead() {
    this.markingAll = true;
    this.error = null;
    try {
      this.unreadCount = (await markAllNotificationsRead()).unreadCount;
      for (const n of this.items) n.read = true;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.markingAll = false;
    }
  }

  /**
   * Approves or denies the join request a notification is about. The
   * outcome shows on the item at once (the server then settles it on every
   * decider's panel); when another admin was first, the item shows theirs.
   */
  async decide(n: NotificationView, action: 'approve' | 'deny') {
    if (accessRequestOf(n)) return this.#decideAccess(n, action);
    const requestId = n.data.requestId;
    if (!n.workspaceId || typeof requestId !== 'string' || this.decisions[n.id]?.pending) return;
    this.decisions[n.id] = { pending: action };
    try {
      const request = await (action === 'approve' ? approveJoinRequest : denyJoinRequest)(n.workspaceId, requestId);
      this.settle(n.id, { status: request.status, role: request.role, by: request.decidedBy, at: request.decidedAt });
      delete this.decisions[n.id];
    } catch (err) {
      const first = err instanceof ApiError && err.code === 'already_decided' ? (err.details as { decidedBy?: unknown; decision?: unknown; decidedAt?: unknown } | undefined) : undefined;
      if (first?.decision) this.settle(n.id, { status: first.decision, by: first.decidedBy ?? null, at: first.decidedAt ?? null });
      this.decisions[n.id] = { error: errorMessage(err) };
    }
    void this.markRead(n.id);
  }

  /** Approves or denies an access request to an item, as `decide` does for join requests. */
  async #decideAccess(n: NotificationView, action: 'approve' | 'deny') {
    const subject = accessRequestOf(n);
    if (!subject || !n.workspaceId || this.decisions[n.id]?.pending) return;
    this.decisions[n.id] = { pending: action };
    try {
      const request = await (action === 'approve'
        ? approveAccessRequest(n.workspaceId, subject.itemId, subject.requestId)
        : denyAccessRequest(n.workspaceId, subject.itemId, subject.requestId));
      this.settle(n.id, { status: request.status, role: request.role, by: null, at: request.decidedAt });
      delete this.decisions[n.id];
    } catch (err) {
      const first = err instanceof ApiError && err.code === 'already_decided' ? (err.details as { decidedBy?: unknown; decision?: unknown; decidedAt?: unknown } | undefined) : undefined;
      if (first?.decision) this.settle(n.id, { status: first.decision, by: first.decidedBy ?? null, at: first.decidedAt ?? null });
      this.decisions[n.id] = { error: errorMessage(err) };
    }
    void this.markRead(n.id);
  }

  /** Puts a subject's outcome on its notification (until the server's own `notification.updated` replaces it). */
  settle(id: string, outcome: Record<string, unknown>) {
    const n = this.items.find((x) => x.id === id);
    if (n) n.data = { ...n.data, outcome };
  }

  connect(realtime: RealtimeConnection): () => void {
    return realtime.listen({ event: (e) => this.#apply(e) });
  }

  #apply(e: EventEnvelope) {
    onUserEvent(e, {
      'notification.created': ({ notification }) => {
        if (this.items.some((n) => n.id === notification.id)) return;
        this.items = [notification, ...this.items];
        if (!notification.read) this.unreadCount++;
      },
      'notification.updated': ({ notification }) => {
        const i = this.items.findIndex((n) => n.id === notification.id);
        // Read is for good: an update sent before a read arrived does not make it unread again.
        if (i >= 0) this.items[i] = { ...notification, read: notification.read || this.items[i]!.read };
      },
      'notification.read': ({ ids, unreadCount }) => {
        for (const n of this.items) if (ids === 'all' || ids.includes(n.id)) n.read = true;
        this.unreadCount = unreadCount;
      },
    });
  }
}

const KEY = Symbol('notifications');

export const provideNotifications = (n: Notifications) => setContext(KEY, n);

export function useNotifications(): Notifications {
  const n = getContext<Notifications | undefined>(KEY);
  if (!n) throw new Error('useNotifications() outside of the app shell');
  return n;
}
