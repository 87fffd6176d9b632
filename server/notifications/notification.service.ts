import type { AppContext } from '../context.js';
import type { NotificationView } from '../../shared/schemas/invitations.js';
import type { Page } from '../../shared/schemas/workspaces.js';
import { notFound } from '../http/errors.js';
import { newId } from '../db/ids.js';
import { NOTIFICATION_BUCKET_SIZE, notificationBucket, type NotificationDoc, type NotificationType } from './notification.model.js';
import { pageInMemory, readHistoryPage } from '../db/history.js';
import { rooms } from '../realtime/publisher.js';
import { seqOf } from '../realtime/event.model.js';

export const presentNotification = (n: NotificationDoc): NotificationView => ({
  id: n._id,
  type: n.type,
  workspaceId: n.workspaceId,
  data: n.data,
  createdAt: n.createdAt.toISOString(),
  read: n.readAt !== null,
});

export interface NotifyInput {
  type: NotificationType;
  workspaceId: string | null;
  data: Record<string, unknown>;
  actorId?: string | null;
  /** The subject, when its outcome is still to come (see NotificationDoc.ref). */
  ref?: string;
}

/** Adds an entry to a person's panel and pushes it to every tab they have open. */
export async function notify(ctx: AppContext, userId: string, input: NotifyInput) {
  // Its own `notification.created` comes next in the person's stream.
  const seq = (await newestSeqOf(ctx, userId)) + 1;
  const doc: NotificationDoc = {
    _id: newId(),
    userId,
    type: input.type,
    workspaceId: input.workspaceId,
    data: input.data,
    ref: input.ref ?? null,
    createdAt: ctx.now(),
    readAt: null,
    unread: true,
    seq,
    bucket: notificationBucket(userId, seq),
  };
  await ctx.models.Notification.create(doc);
  await ctx.publisher.toUser(userId, { type: 'notification.created', actorId: input.actorId ?? null, workspaceId: input.workspaceId, data: { notification: presentNotification(doc) } });
}

/** Notifies each of several people (e.g. everyone who may decide a join request). */
export async function notifyAll(ctx: AppContext, userIds: string[], input: NotifyInput) {
  await Promise.all([...new Set(userIds)].map((id) => notify(ctx, id, input)));
}

/**
 * Records the outcome of a subject on every notification about it (a join
 * request approved by one admin shows "approved by Olivia" in every admin's
 * panel, after a reload too) and pushes the change to their tabs.
 */
export async function settleNotifications(ctx: AppContext, ref: string, outcome: Record<string, unknown>, actorId: string | null) {
  const docs = await ctx.models.Notification.find({ ref }).lean();
  await Promise.all(
    docs.map(async (n) => {
      const data = { ...n.data, outcome };
      await ctx.models.Notification.updateOne({ _id: n._id }, { $set: { data } });
      await ctx.publisher.toUser(n.userId, { type: 'notification.updated', actorId, workspaceId: n.workspaceId, data: { notification: presentNotification({ ...n, data }) } });
    }),
  );
}

/** The newest sequence number of the person's event stream (a hint: it may lag a little). */
async function newestSeqOf(ctx: AppContext, userId: string) {
  const cursor = await ctx.publisher.cursorOf(rooms.user(userId));
  return (cursor && seqOf(rooms.user(userId), cursor)) || 0;
}

export async function unreadCount(ctx: AppContext, userId: string) {
  return ctx.models.Notification.countDocuments({ userId, unread: true });
}

/** Newest first: the panel one bucket at a time; the unread ones (what the count reads anyway) at once. */
export async function listNotifications(ctx: AppContext, userId: string, q: { limit: number; cursor?: string; unread?: 'true' | 'false' }): Promise<Page<NotificationView> & { unreadCount: number }> {
  const [page, count] = await Promise.all([
    q.unread === 'true'
      ? ctx.models.Notification.find({ userId, unread: true }).lean().then((docs) => pageInMemory(docs, q.limit, q.cursor))
      : newestSeqOf(ctx, userId).then((newest) =>
          readHistoryPage<NotificationDoc>({
            owner: userId,
            size: NOTIFICATION_BUCKET_SIZE,
            newestSeq: newest + 1,
            limit: q.limit,
            cursor: q.cursor,
            readBucket: (bucket) => ctx.models.Notification.find({ bucket }).lean(),
          }),
        ),
    unreadCount(ctx, userId),
  ]);
  return { items: page.items.map(presentNotification), nextCursor: page.nextCursor, unreadCount: count };
}

/** Marks one (or, without an id, every) notification read; every open tab hears of it. */
export async function markRead(ctx: AppContext, userId: string, notificationId?: string) {
  if (notificationId) {
    const n = await ctx.models.Notification.findById(notificationId).lean();
    if (!n || n.userId !== userId) throw notFound('Notification not found');
    if (n.readAt === null) await ctx.models.Notification.updateOne({ _id: n._id }, { $set: { readAt: ctx.now(), unread: false } });
  } else {
    await ctx.models.Notification.updateMany({ userId, unread: true }, { $set: { readAt: ctx.now(), unread: false } });
  }
  const count = await unreadCount(ctx, userId);
  await ctx.publisher.toUser(userId, { type: 'notification.read', actorId: userId, data: { ids: notificationId ? [notificationId] : 'all', unreadCount: count } });
  return count;
}
