import { Schema, type Connection } from 'mongoose';
import type { GeneralAccess, ItemKind, ShareRole } from '../../shared/schemas/content.js';

/**
 * A folder, draft or video of a workspace's content tree. `ancestorIds` are
 * the folders above it, top first (materialised on every move), so an access
 * check reads the item and its ancestors by `_id`, and a folder's subtree is
 * one equality on `ancestorIds`.
 */
export interface ItemDoc {
  _id: string;
  workspaceId: string;
  kind: ItemKind;
  name: string;
  /** Lower-cased name: sorting and search. */
  nameKey: string;
  parentId: string | null;
  /**
   * The folder it is in, or `top:<workspaceId>` at the top level (folderKeyOf):
   * listing a folder is one equality FerretDB hands its backend, which it
   * never does for `parentId: null`. Kept with `parentId` on every move.
   */
  folderKey: string;
  ancestorIds: string[];
  ownerId: string;
  general: GeneralAccess;
  /** A draft's script; null otherwise. */
  body: string | null;
  /** A video's render status (issue 12); null otherwise. */
  status: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A direct grant of an item to a person: `_id` = `<itemId>:<userId>`, so a person's grants along a chain are one `_id` lookup each. */
export interface GrantDoc {
  _id: string;
  itemId: string;
  userId: string;
  workspaceId: string;
  role: ShareRole;
  expiresAt: Date | null;
  grantedBy: string;
  at: Date;
}

export const grantId = (itemId: string, userId: string) => `${itemId}:${userId}`;

/** Where an item sits, as one value: its folder's id, or the workspace's top level. */
export const folderKeyOf = (workspaceId: string, parentId: string | null) => parentId ?? `top:${workspaceId}`;

/** Someone asked for access to an item they cannot see. */
export interface AccessRequestDoc {
  _id: string;
  itemId: string;
  workspaceId: string;
  requesterId: string;
  role: ShareRole;
  message: string | null;
  status: 'pending' | 'approved' | 'denied';
  decidedBy: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

const generalSchema = new Schema<GeneralAccess>({ scope: { type: String, required: true }, role: { type: String, required: true } }, { _id: false });

const itemSchema = new Schema<ItemDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    kind: { type: String, required: true },
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    parentId: { type: String, default: null, index: true },
    folderKey: {
      type: String,
      required: true,
      index: true,
      default(this: ItemDoc) {
        return folderKeyOf(this.workspaceId, this.parentId ?? null);
      },
    },
    ancestorIds: { type: [String], default: [], index: true },
    ownerId: { type: String, required: true },
    general: { type: generalSchema, required: true },
    body: { type: String, default: null },
    status: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

const grantSchema = new Schema<GrantDoc>(
  {
    _id: { type: String, required: true },
    itemId: { type: String, required: true, index: true },
    userId: { type: String, required: true, index: true },
    workspaceId: { type: String, required: true, index: true },
    role: { type: String, required: true },
    expiresAt: { type: Date, default: null },
    grantedBy: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

const accessRequestSchema = new Schema<AccessRequestDoc>(
  {
    _id: { type: String, required: true },
    itemId: { type: String, required: true, index: true },
    workspaceId: { type: String, required: true },
    requesterId: { type: String, required: true, index: true },
    role: { type: String, required: true },
    message: { type: String, default: null },
    status: { type: String, required: true },
    decidedBy: { type: String, default: null },
    createdAt: { type: Date, required: true },
    decidedAt: { type: Date, default: null },
  },
  { versionKey: false },
);

export const itemModel = (conn: Connection) => conn.model<ItemDoc>('Item', itemSchema, 'items');
export const grantModel = (conn: Connection) => conn.model<GrantDoc>('Grant', grantSchema, 'grants');
export const accessRequestModel = (conn: Connection) => conn.model<AccessRequestDoc>('AccessRequest', accessRequestSchema, 'access_requests');
