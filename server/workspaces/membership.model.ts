import { Schema, type Connection } from 'mongoose';
import type { Role } from '../../shared/schemas/auth.js';
import { invalidatesCache } from '../cache/cache-hooks.js';
import { membersOf } from '../cache/tags.js';

/**
 * A person's membership of one workspace. `_id` is `<workspaceId>:<userId>`,
 * so "is this user a member, and with which role" is one `_id` lookup.
 */
export interface MembershipDoc {
  _id: string;
  workspaceId: string;
  userId: string;
  /** The seat pool the membership holds a seat of. */
  poolId: string;
  role: Role;
  /** The person's name and address when they joined (neither ever changes): a page of members reads no users. Empty on memberships made before they were stored. */
  name: string;
  email: string;
  /** Lower-cased "name email" of the member, for search. */
  search: string;
  joinedAt: Date;
}

export const membershipId = (workspaceId: string, userId: string) => `${workspaceId}:${userId}`;

const membershipSchema = new Schema<MembershipDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    userId: { type: String, required: true, index: true },
    poolId: { type: String, required: true },
    name: { type: String, default: '' },
    email: { type: String, default: '' },
    search: { type: String, default: '' },
    role: { type: String, enum: ['super_admin', 'developer', 'creator', 'viewer'], required: true },
    joinedAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);

// A membership's `_id` starts with its workspace's: lists of that workspace's members change with it.
membershipSchema.plugin(invalidatesCache('membership', { alsoTags: (id) => [membersOf(id.slice(0, id.indexOf(':')))] }));

export const membershipModel = (conn: Connection) => conn.model<MembershipDoc>('Membership', membershipSchema, 'memberships');
