import type { Request } from 'express';
import busboy from 'busboy';
import { AppError } from '../http/errors.js';

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
/** Room for the multipart boundaries and part headers around the file itself. */
const ENVELOPE_BYTES = 64 * 1024;

const invalid = (field: string, message: string) => new AppError('validation_failed', message, [{ path: field, message }]);
/** The rest of the body is not read: the connection closes after the answer. */
const tooLarge = (maxBytes: number) =>
  new AppError('too_large', `The file must be ${Math.round(maxBytes / (1024 * 1024))} MB or smaller`, undefined, { Connection: 'close' });

/**
 * Reads one file of a multipart upload (the field `field`) into memory.
 * Every way an upload can go wrong — not multipart, a body that ends early,
 * a client that goes away, a file over `maxBytes` — rejects with a 4xx
 * error and never leaves a stream error unhandled: the process stays up.
 */
export function readUpload(req: Request, { field, maxBytes }: { field: string; maxBytes: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes + ENVELOPE_BYTES) return reject(tooLarge(maxBytes));

    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 5, parts: 6, fieldSize: 1024 } });
    } catch {
      return reject(invalid(field, `Send the file as multipart/form-data in a field named "${field}"`));
    }

    let settled = false;
    const fail = (err: AppError) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      // Whatever is still on its way is drained and dropped; the answer does not wait for it.
      req.resume();
      reject(err);
    };
    let file: Buffer | null = null;

    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (name === field) chunks.push(chunk);
      });
      stream.on('limit', () => fail(tooLarge(maxBytes)));
      stream.on('error', () => fail(invalid(field, 'The upload ended before the whole file arrived. Try again.')));
      stream.on('end', () => {
        if (name === field) file = Buffer.concat(chunks);
      });
    });
    parser.on('error', () => fail(invalid(field, 'The upload could not be read. Try again.')));
    parser.on('close', () => {
      if (settled) return;
      if (!file || file.length === 0) return fail(invalid(field, 'Choose an image file (PNG, JPEG or WebP)'));
      settled = true;
      resolve(file);
    });
    req.on('aborted', () => fail(invalid(field, 'The upload was interrupted')));
    req.on('error', () => fail(invalid(field, 'The upload was interrupted')));
    req.pipe(parser);
  });
}

/** The multipart field `image`: one PNG, JPEG or WebP of at most 2 MB (checked by content afterwards). */
export const readImageUpload = (req: Request) => readUpload(req, { field: 'image', maxBytes: MAX_IMAGE_BYTES });
