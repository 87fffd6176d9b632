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

/** Adds an entry to a person's panel and pushes it to every tab they have open. */
export async function notify(ctx: AppContext, userId: string, type: NotificationType, workspaceId: string | null, data: Record<string, unknown>, actorId: string | null = null) {
  const doc: NotificationDoc = { _id: newId(), userId, type, workspaceId, data, createdAt: ctx.now(), readAt: null };
  await ctx.models.Notification.create(doc);
  await ctx.publisher.toUser(userId, { type: 'notification.created', actorId, workspaceId, data: { notification: presentNotification(doc) } });
}

/** Notifies every Super Admin of a workspace. */
export async function notifyAdmins(ctx: AppContext, workspaceId: string, type: NotificationType, data: Record<string, unknown>, actorId: string | null) {
  const admins = await ctx.models.Membership.find({ workspaceId, role: 'super_admin' }, { userId: 1 }).lean();
  await Promise.all(admins.map((a) => notify(ctx, a.userId, type, workspaceId, data, actorId)));
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
