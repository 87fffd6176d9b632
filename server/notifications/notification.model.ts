import { Schema, type Connection } from 'mongoose';

export type NotificationType =
  | 'joinRequest.created'
  | 'joinRequest.approved'
  | 'joinRequest.denied'
  | 'invitation.received'
  | 'invitation.accepted'
  | 'invitation.declined'
  | 'member.added'
  | 'member.roleChanged'
  | 'member.removed';

/** One entry of a person's notifications panel. */
export interface NotificationDoc {
  _id: string;
  userId: string;
  type: NotificationType;
  workspaceId: string | null;
  data: Record<string, unknown>;
  /**
   * What the notification is about (`joinRequest:<id>`, `invitation:<id>`)
   * when that can still change: once it is decided, every notification of
   * the subject shows the outcome (`data.outcome`), in every panel.
   */
  ref: string | null;
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
    ref: { type: String, default: null, index: true },
    createdAt: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false },
);

export const notificationModel = (conn: Connection) => conn.model<NotificationDoc>('Notification', notificationSchema, 'notifications');
