import { Schema, type Connection } from 'mongoose';
import { bucketKey } from '../db/history.js';

export type NotificationType =
  | 'joinRequest.created'
  | 'joinRequest.approved'
  | 'joinRequest.denied'
  | 'invitation.received'
  | 'invitation.accepted'
  | 'invitation.declined'
  | 'member.added'
  | 'member.roleChanged'
  | 'member.removed'
  | 'accessRequest.created'
  | 'accessRequest.approved'
  | 'accessRequest.denied'
  | 'video.completed'
  | 'video.failed';

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
  /** `readAt === null`, as a value the database filters on (FerretDB pushes down no null): the unread count reads only what is unread. */
  unread: boolean;
  /** Where the person's event stream stood when it was made (0 for entries older than that): orders the panel with `_id`. */
  seq: number;
  /** `<userId>#<n>`: pages of the panel read one bucket at a time (see db/history.ts). */
  bucket: string;
}

/** Notifications per bucket, counted in events of the person's stream (each notification is one of them). */
export const NOTIFICATION_BUCKET_SIZE = 100;
export const notificationBucket = (userId: string, seq: number) => bucketKey(userId, seq, NOTIFICATION_BUCKET_SIZE);

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
    unread: { type: Boolean, default: true },
    seq: { type: Number, default: 0 },
    bucket: { type: String, required: true, index: true },
  },
  { versionKey: false, minimize: false },
);

export const notificationModel = (conn: Connection) => conn.model<NotificationDoc>('Notification', notificationSchema, 'notifications');
