import { Schema, type Connection } from 'mongoose';

/**
 * What a token opens: `_id` is the SHA-256 of the token (never the token),
 * so looking a token up is one `_id` lookup and a database leak reveals none.
 */
export interface InviteTokenDoc {
  _id: string;
  kind: 'invitation' | 'link';
  workspaceId: string;
  invitationId: string | null;
}

const inviteTokenSchema = new Schema<InviteTokenDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    workspaceId: { type: String, required: true },
    invitationId: { type: String, default: null },
  },
  { versionKey: false },
);

export const inviteTokenModel = (conn: Connection) => conn.model<InviteTokenDoc>('InviteToken', inviteTokenSchema, 'invite_tokens');
