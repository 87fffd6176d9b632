import { Schema, type Connection } from 'mongoose';
import type { Role } from '../../shared/schemas/auth.js';

export type InvitationStatus = 'sent' | 'accepted' | 'declined' | 'revoked' | 'expired';

/**
 * An invitation by email. While it is `sent` it holds a seat of the pool
 * (holder `i:<id>`) and its `pendingKey` is `<workspaceId>|<email>`, unique:
 * one pending invitation per person and workspace, whatever the race. Once
 * decided, `pendingKey` becomes `done:<id>`. How it ended is claimed in
 * `invitation_decisions` under `<id>:<round>` (see invitation-decision.model.ts).
 */
export interface InvitationDoc {
  _id: string;
  workspaceId: string;
  poolId: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  pendingKey: string;
  /** The current token's hash (resend replaces it). */
  tokenHash: string;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  acceptedBy: string | null;
  /** Starts at 0; resending an expired invitation opens the next round. */
  round: number;
}

const invitationSchema = new Schema<InvitationDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    poolId: { type: String, required: true },
    email: { type: String, required: true, index: true },
    role: { type: String, required: true },
    status: { type: String, required: true },
    pendingKey: { type: String, required: true, unique: true },
    tokenHash: { type: String, required: true },
    invitedBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    decidedAt: { type: Date, default: null },
    acceptedBy: { type: String, default: null },
    round: { type: Number, default: 0 },
  },
  { versionKey: false },
);

export const invitationModel = (conn: Connection) => conn.model<InvitationDoc>('Invitation', invitationSchema, 'invitations');
export const pendingInvitationKey = (workspaceId: string, email: string) => `${workspaceId}|${email}`;
