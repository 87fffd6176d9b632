import { Schema, type Connection } from 'mongoose';
import { newId } from '../db/ids.js';
import { invalidatesCache } from '../cache/cache-hooks.js';

export type BillingMode = 'inherited' | 'independent';

export interface WorkspaceDoc {
  _id: string;
  name: string;
  imageUrl: string | null;
  /** null for a root workspace (the account). */
  parentId: string | null;
  /** The root of this workspace's account tree (itself for a root). */
  rootId: string;
  /** The workspace whose seat pool this one draws from (itself for a root or an independent one). */
  poolId: string;
  ownerId: string;
  settings: {
    requireApproval: boolean;
    companyDomains: string[];
    apiAccess: boolean;
    billingMode: BillingMode;
  };
  /** The base seat count of the pool this workspace owns (roots and independent ones); purchases add to it. */
  seats: { limit: number };
  /** How many avatars the workspace may hold (its allocation). */
  avatarSlots: number;
  createdAt: Date;
}

const workspaceSchema = new Schema<WorkspaceDoc>(
  {
    _id: { type: String, default: newId },
    name: { type: String, required: true },
    imageUrl: { type: String, default: null },
    // Lists and walks of the tree look workspaces up by parent, root and pool.
    parentId: { type: String, default: null, index: true },
    rootId: { type: String, required: true, index: true },
    poolId: { type: String, required: true, index: true },
    ownerId: { type: String, required: true },
    settings: {
      requireApproval: { type: Boolean, default: false },
      companyDomains: { type: [String], default: [] },
      apiAccess: { type: Boolean, default: false },
      billingMode: { type: String, enum: ['inherited', 'independent'], default: 'independent' },
    },
    seats: { limit: { type: Number, default: 10 } },
    avatarSlots: { type: Number, default: 3 },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);

workspaceSchema.plugin(invalidatesCache('workspace'));

export const workspaceModel = (conn: Connection) => conn.model<WorkspaceDoc>('Workspace', workspaceSchema, 'workspaces');
