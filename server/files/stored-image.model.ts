import { Schema, type Connection } from 'mongoose';

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp';

/**
 * An uploaded image (≤ 2 MB): a workspace's image under the workspace's id,
 * a brand kit's logo under `asset-<assetId>`. `version` is a hash of the
 * bytes, so URLs that carry it can be cached for ever.
 */
export interface StoredImageDoc {
  _id: string;
  contentType: ImageType;
  data: Buffer;
  version: string;
}

const storedImageSchema = new Schema<StoredImageDoc>(
  {
    _id: { type: String, required: true },
    contentType: { type: String, required: true },
    data: { type: Buffer, required: true },
    version: { type: String, required: true },
  },
  { versionKey: false },
);

export const storedImageModel = (conn: Connection) => conn.model<StoredImageDoc>('StoredImage', storedImageSchema, 'workspace_images');
