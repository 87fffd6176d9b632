import { getContext, setContext } from 'svelte';
import type { EventEnvelope } from '$shared/events.js';
import type { NotificationView } from '$shared/schemas/invitations.js';
import { listNotifications, markAllNotificationsRead, markNotificationRead } from '../api/invitations.js';
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
