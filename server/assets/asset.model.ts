import { Schema, type Connection } from 'mongoose';
import type { AssetKind } from '../../shared/schemas/assets.js';

/** An avatar, voice, brand kit or template in the library of the workspace that owns it. */
export interface AssetDoc {
  _id: string;
  workspaceId: string;
  rootId: string;
  kind: AssetKind;
  name: string;
  data: Record<string, unknown>;
  /** The brand kit's logo version; its bytes are stored as image `asset-<id>`. */
  logo: { version: string } | null;
  createdBy: string;
  createdAt: Date;
}

/** An asset shared into another workspace of the same account tree: `_id` = `<assetId>:<targetWorkspaceId>`. */
export interface AssetShareDoc {
  _id: string;
  assetId: string;
  ownerWorkspaceId: string;
  targetWorkspaceId: string;
  /** The asset's kind, so a filtered library reads only the shared assets it shows (absent on shares made before it was stored). */
  kind?: AssetKind;
  sharedBy: string;
  at: Date;
}

/** A used avatar slot: `_id` = `<workspaceId>:<n>`, 1 ≤ n ≤ the workspace's slots, claimed by insert. */
export interface AvatarSlotDoc {
  _id: string;
  workspaceId: string;
  n: number;
  assetId: string;
}

const assetSchema = new Schema<AssetDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    rootId: { type: String, required: true },
    kind: { type: String, required: true },
    name: { type: String, required: true },
    data: { type: Schema.Types.Mixed, default: {} },
    logo: { type: Schema.Types.Mixed, default: null },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

const assetShareSchema = new Schema<AssetShareDoc>(
  {
    _id: { type: String, required: true },
    assetId: { type: String, required: true, index: true },
    ownerWorkspaceId: { type: String, required: true },
    targetWorkspaceId: { type: String, required: true, index: true },
    kind: { type: String },
    sharedBy: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

const avatarSlotSchema = new Schema<AvatarSlotDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    n: { type: Number, required: true },
    assetId: { type: String, required: true },
  },
  { versionKey: false },
);

export const assetModel = (conn: Connection) => conn.model<AssetDoc>('Asset', assetSchema, 'assets');
export const assetShareModel = (conn: Connection) => conn.model<AssetShareDoc>('AssetShare', assetShareSchema, 'asset_shares');
export const avatarSlotModel = (conn: Connection) => conn.model<AvatarSlotDoc>('AvatarSlot', avatarSlotSchema, 'avatar_slots');
