import { Schema, type Connection } from 'mongoose';

export type InvitationOutcome = 'accepted' | 'declined' | 'revoked' | 'expired';

/**
 * How a round of an invitation ended: `_id` = `<invitationId>:<round>`,
 * claimed by insert, so exactly one of accept, decline, revoke and expiry
 * counts however many race (twenty parallel accepts: one wins). Resending an
 * expired invitation opens the next round.
 */
export interface InvitationDecisionDoc {
  _id: string;
  outcome: InvitationOutcome;
  by: string | null;
  at: Date;
}

const invitationDecisionSchema = new Schema<InvitationDecisionDoc>(
  {
    _id: { type: String, required: true },
    outcome: { type: String, required: true },
    by: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export const invitationDecisionModel = (conn: Connection) =>
  conn.model<InvitationDecisionDoc>('InvitationDecision', invitationDecisionSchema, 'invitation_decisions');
