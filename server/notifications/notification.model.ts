import { Schema, type Connection } from 'mongoose';

export type NotificationType = 'joinRequest.created' | 'invitation.accepted' | 'joinRequest.approved' | 'joinRequest.denied' | 'member.roleChanged' | 'member.removed';

/** One entry of a person's notifications panel. */
export interface NotificationDoc {
  _id: string;
  userId: string;
  type: NotificationType;
  workspaceId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}

const notificationSchema = new Schema<NotificationDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    type: { type: String, required: true },
    workspaceId: { type: String, default: null },
    data: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false },
);

export const notificationModel = (conn: Connection) => conn.model<NotificationDoc>('Notification', notificationSchema, 'notifications');
