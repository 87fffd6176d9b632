import { Schema, type Connection } from 'mongoose';
import type { Role } from '../../shared/schemas/auth.js';

/**
 * A request to join a workspace that requires approval. `pendingKey` is
 * `<workspaceId>|<userId>` while pending (unique: one pending request per
 * person and workspace) and `done:<id>` once decided.
 */
export interface JoinRequestDoc {
  _id: string;
  workspaceId: string;
  userId: string;
  status: 'pending' | 'approved' | 'denied';
  pendingKey: string;
  via: 'link' | 'domain';
  /** The role the link offered; an approver may choose another. */
  role: Role;
  createdAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  /** The use of the invite link this request holds (a denial gives it back); null for a domain join. */
  linkUseId: string | null;
}

/** Exactly one decision per request: `_id` = the request id, claimed by insert. */
export interface JoinDecisionDoc {
  _id: string;
  decidedBy: string;
  decision: 'approved' | 'denied';
  at: Date;
}

const joinRequestSchema = new Schema<JoinRequestDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    userId: { type: String, required: true },
    status: { type: String, required: true },
    pendingKey: { type: String, required: true, unique: true },
    via: { type: String, required: true },
    role: { type: String, required: true },
    createdAt: { type: Date, required: true },
    decidedBy: { type: String, default: null },
    decidedAt: { type: Date, default: null },
    linkUseId: { type: String, default: null },
  },
  { versionKey: false },
);
joinRequestSchema.index({ userId: 1, status: 1 });

const joinDecisionSchema = new Schema<JoinDecisionDoc>(
  {
    _id: { type: String, required: true },
    decidedBy: { type: String, required: true },
    decision: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export const joinRequestModel = (conn: Connection) => conn.model<JoinRequestDoc>('JoinRequest', joinRequestSchema, 'join_requests');
export const joinDecisionModel = (conn: Connection) => conn.model<JoinDecisionDoc>('JoinDecision', joinDecisionSchema, 'join_decisions');
export const pendingRequestKey = (workspaceId: string, userId: string) => `${workspaceId}|${userId}`;
