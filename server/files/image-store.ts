import { createHash } from 'node:crypto';
import type { Response } from 'express';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../http/errors.js';
import { sniffImageType } from './sniff.js';
import type { StoredImageDoc } from './stored-image.model.js';

/**
 * Stores an image under `key` after checking by its bytes that it is a PNG,
 * JPEG or WebP; returns its version (a hash of the bytes, for cache-busting URLs).
 */
export async function storeImage(ctx: AppContext, key: string, data: Buffer): Promise<string> {
  const contentType = sniffImageType(data);
  if (!contentType) {
    const message = 'The file is not a PNG, JPEG or WebP image';
    throw new AppError('validation_failed', message, [{ path: 'image', message }]);
  }
  const version = createHash('sha256').update(data).digest('hex').slice(0, 16);
  await ctx.models.StoredImage.replaceOne({ _id: key }, { _id: key, contentType, data, version }, { upsert: true });
  return version;
}

export async function loadImage(ctx: AppContext, key: string): Promise<StoredImageDoc> {
  const image = await ctx.models.StoredImage.findById(key).lean();
  if (!image) throw notFound('No image');
  return image;
}

export async function deleteImage(ctx: AppContext, key: string) {
  await ctx.models.StoredImage.deleteOne({ _id: key });
}

/** Sends a stored image: immutable (its URL carries the version), never interpreted as a document. */
export function sendImage(res: Response, image: StoredImageDoc) {
  res.set({
    'Content-Type': image.contentType,
    'Cache-Control': 'private, max-age=31536000, immutable',
    'Content-Security-Policy': "default-src 'none'",
  });
  const data = image.data as Buffer | { buffer: Buffer };
  res.send(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer));
}
