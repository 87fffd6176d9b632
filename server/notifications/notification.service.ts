import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { NotificationView } from '../../shared/schemas/invitations.js';
import type { Page } from '../../shared/schemas/workspaces.js';
import { notFound } from '../http/errors.js';
import { newId } from '../db/ids.js';
import type { NotificationDoc, NotificationType } from './notification.model.js';

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
  const doc: NotificationDoc = { _id: newId(), userId, type: input.type, workspaceId: input.workspaceId, data: input.data, ref: input.ref ?? null, createdAt: ctx.now(), readAt: null };
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

export async function unreadCount(ctx: AppContext, userId: string) {
  return ctx.models.Notification.countDocuments({ userId, readAt: null });
}

/** Newest first. */
export async function listNotifications(ctx: AppContext, userId: string, q: { limit: number; cursor?: string; unread?: 'true' | 'false' }): Promise<Page<NotificationView> & { unreadCount: number }> {
  const filter: Record<string, unknown> = { userId };
  if (q.unread === 'true') filter.readAt = null;
  if (q.cursor) filter._id = mongoose.trusted({ $lt: q.cursor });
  const docs = await ctx.models.Notification.find(filter).sort({ _id: -1 }).limit(q.limit + 1).lean();
  const page = docs.slice(0, q.limit);
  return { items: page.map(presentNotification), nextCursor: docs.length > q.limit ? page[page.length - 1]!._id : null, unreadCount: await unreadCount(ctx, userId) };
}

/** Marks one (or, without an id, every) notification read; every open tab hears of it. */
export async function markRead(ctx: AppContext, userId: string, notificationId?: string) {
  if (notificationId) {
    const n = await ctx.models.Notification.findById(notificationId).lean();
    if (!n || n.userId !== userId) throw notFound('Notification not found');
    if (n.readAt === null) await ctx.models.Notification.updateOne({ _id: n._id }, { $set: { readAt: ctx.now() } });
  } else {
    await ctx.models.Notification.updateMany({ userId, readAt: null }, { $set: { readAt: ctx.now() } });
  }
  const count = await unreadCount(ctx, userId);
  await ctx.publisher.toUser(userId, { type: 'notification.read', actorId: userId, data: { ids: notificationId ? [notificationId] : 'all', unreadCount: count } });
  return count;
}
