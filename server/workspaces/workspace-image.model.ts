import { Schema, type Connection } from 'mongoose';

/** A workspace's image (≤ 2 MB), stored with the workspace's id as `_id`. */
export interface WorkspaceImageDoc {
  _id: string;
  contentType: 'image/png' | 'image/jpeg' | 'image/webp';
  data: Buffer;
  version: string;
}

const workspaceImageSchema = new Schema<WorkspaceImageDoc>(
  {
    _id: { type: String, required: true },
    contentType: { type: String, required: true },
    data: { type: Buffer, required: true },
    version: { type: String, required: true },
  },
  { versionKey: false },
);

export const workspaceImageModel = (conn: Connection) => conn.model<WorkspaceImageDoc>('WorkspaceImage', workspaceImageSchema, 'workspace_images');
