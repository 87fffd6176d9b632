import { Schema, type Connection } from 'mongoose';

/**
 * A company domain belongs to at most one account tree: `_id` is the
 * domain, claimed by insert the first time a Super Admin with a verified
 * address at that domain adds it to a workspace of the tree.
 */
export interface DomainClaimDoc {
  _id: string;
  rootId: string;
  claimedBy: string;
  at: Date;
}

const domainClaimSchema = new Schema<DomainClaimDoc>(
  {
    _id: { type: String, required: true },
    rootId: { type: String, required: true, index: true },
    claimedBy: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export const domainClaimModel = (conn: Connection) => conn.model<DomainClaimDoc>('DomainClaim', domainClaimSchema, 'domain_claims');
