import { Schema, type Connection } from 'mongoose';
import type { Role } from '../../shared/schemas/auth.js';

/** A workspace's shareable invite link (at most one; `_id` = the workspace id). Rotating it replaces the token. */
export interface InviteLinkDoc {
  _id: string;
  tokenHash: string;
  role: Role;
  expiresAt: Date | null;
  maxUses: number | null;
  createdBy: string;
  createdAt: Date;
}

/** One use of a link: `_id` = `<tokenHash>:<n>`, claimed by insert, so `maxUses` holds under parallel joins. */
export interface LinkUseDoc {
  _id: string;
  tokenHash: string;
  n: number;
  userId: string;
  at: Date;
}

const inviteLinkSchema = new Schema<InviteLinkDoc>(
  {
    _id: { type: String, required: true },
    tokenHash: { type: String, required: true },
    role: { type: String, required: true },
    expiresAt: { type: Date, default: null },
    maxUses: { type: Number, default: null },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const linkUseSchema = new Schema<LinkUseDoc>(
  {
    _id: { type: String, required: true },
    tokenHash: { type: String, required: true, index: true },
    n: { type: Number, required: true },
    userId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export const inviteLinkModel = (conn: Connection) => conn.model<InviteLinkDoc>('InviteLink', inviteLinkSchema, 'invite_links');
export const linkUseModel = (conn: Connection) => conn.model<LinkUseDoc>('LinkUse', linkUseSchema, 'invite_link_uses');
