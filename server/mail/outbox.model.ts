import { Schema, type Connection } from 'mongoose';

/** Mail kept instead of sent, when no SMTP server is configured (development and tests). */
export interface OutboxDoc {
  _id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  at: Date;
}

const outboxSchema = new Schema<OutboxDoc>(
  {
    _id: { type: String, required: true },
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    html: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export const outboxModel = (conn: Connection) => conn.model<OutboxDoc>('Outbox', outboxSchema, 'outbox');
