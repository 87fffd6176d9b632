import { Schema, type Connection } from 'mongoose';

/** The one decision on an access request: `_id` = the request's id, so a second decider's insert fails (updates are not atomic). */
export interface AccessDecisionDoc {
  _id: string;
  decidedBy: string;
  decision: 'approved' | 'denied';
  at: Date;
}

const accessDecisionSchema = new Schema<AccessDecisionDoc>(
  {
    _id: { type: String, required: true },
    decidedBy: { type: String, required: true },
    decision: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export const accessDecisionModel = (conn: Connection) => conn.model<AccessDecisionDoc>('AccessDecision', accessDecisionSchema, 'access_decisions');
