import { createHash } from 'node:crypto';
import type { Request } from 'express';
import busboy from 'busboy';
import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import type { WorkspaceDoc } from './workspace.model.js';
import type { WorkspaceImageDoc } from './workspace-image.model.js';
import { announceWorkspace } from './workspace.service.js';

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** The image type told by the file's first bytes, never by its name or declared type. */
export function sniffImageType(data: Buffer): WorkspaceImageDoc['contentType'] | null {
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

const invalid = (message: string) => new AppError('validation_failed', message, [{ path: 'image', message }]);

/** Reads the multipart field `image` (one file, ≤ 2 MB) into memory. */
export function readImageUpload(req: Request): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: MAX_IMAGE_BYTES, fields: 5, parts: 6 } });
    } catch {
      return reject(invalid('Send the image as multipart/form-data in a field named "image"'));
    }
    let file: Buffer | null = null;
    let failure: AppError | null = null;
    bb.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => (failure = new AppError('too_large', 'The image must be 2 MB or smaller')));
      stream.on('end', () => {
        if (name === 'image') file = Buffer.concat(chunks);
      });
    });
    bb.on('error', () => reject(invalid('The upload could not be read')));
    bb.on('close', () => {
      if (failure) return reject(failure);
      if (!file || file.length === 0) return reject(invalid('Choose an image file (PNG, JPEG or WebP)'));
      resolve(file);
    });
    req.pipe(bb);
  });
}

export async function setWorkspaceImage(ctx: AppContext, w: WorkspaceDoc, data: Buffer, actorId: string): Promise<string> {
  const contentType = sniffImageType(data);
  if (!contentType) throw invalid('The file is not a PNG, JPEG or WebP image');
  const version = createHash('sha256').update(data).digest('hex').slice(0, 16);
  await ctx.models.WorkspaceImage.replaceOne({ _id: w._id }, { _id: w._id, contentType, data, version }, { upsert: true });
  const imageUrl = `/api/workspaces/${w._id}/image?v=${version}`;
  await ctx.models.Workspace.updateOne({ _id: w._id }, { $set: { imageUrl } });
  await announceWorkspace(ctx, { ...w, imageUrl }, actorId, { before: { imageUrl: w.imageUrl }, after: { imageUrl } });
  return imageUrl;
}
