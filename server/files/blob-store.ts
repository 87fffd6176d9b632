import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { notFound } from '../http/errors.js';

/**
 * The files of the console that are too big for a document (rendered
 * videos, posters): under one directory (`BLOB_DIR`, by default
 * `<DATA_DIR>/blobs`). Several nodes share it (a shared volume), as they
 * share the database. Keys are `/`-separated names of [a-z0-9._-] parts,
 * never `..`; a file is written under a temporary name and renamed, so a
 * reader never sees half of it.
 */
const KEY = /^[a-z0-9][a-z0-9._-]{0,127}(\/[a-z0-9][a-z0-9._-]{0,127}){0,7}$/;

export class BlobStore {
  constructor(readonly dir: string) {}

  pathOf(key: string) {
    if (!KEY.test(key) || key.split('/').some((p) => p === '..' || p === '.')) throw new Error(`bad blob key ${JSON.stringify(key)}`);
    return path.join(this.dir, ...key.split('/'));
  }

  /** Moves (or copies, across devices) a finished file into the store under `key`. */
  async putFile(key: string, source: string): Promise<{ size: number }> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
    try {
      await rename(source, temp);
    } catch {
      await copyFile(source, temp);
    }
    await rename(temp, target);
    return { size: (await stat(target)).size };
  }

  async putBuffer(key: string, data: Buffer | string): Promise<{ size: number }> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, data);
    await rename(temp, target);
    return { size: (await stat(target)).size };
  }

  /** The file's size, or null when there is none. */
  async size(key: string): Promise<number | null> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? s.size : null;
    } catch {
      return null;
    }
  }

  read(key: string, range?: { start: number; end: number }) {
    return createReadStream(this.pathOf(key), range);
  }

  /** Removes a file, or a whole prefix (`videos/<id>`). Missing is fine. */
  async remove(keyOrPrefix: string) {
    await rm(this.pathOf(keyOrPrefix), { recursive: true, force: true });
  }
}

/** One `bytes=` range of a file of `size` bytes: the bytes to send, `'unsatisfiable'` (416), or null for the whole file. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges or another unit: the whole file, as RFC 9110 allows.
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export interface SendBlobOptions {
  contentType: string;
  /** `private, max-age=…` for URLs that carry a version; `no-store` for what must stop working at once (public links). */
  cacheControl: string;
  /** A download name (`Content-Disposition: attachment`); inline when omitted. */
  downloadName?: string;
}

/** Sends a stored file with HTTP range support (seeking), HEAD, and a strict content type; 404 when it is missing. */
export async function sendBlob(req: Request, res: Response, store: BlobStore, key: string, opts: SendBlobOptions) {
  const size = await store.size(key);
  if (size === null) throw notFound('No such file');
  res.set({
    'Content-Type': opts.contentType,
    'Cache-Control': opts.cacheControl,
    'Accept-Ranges': 'bytes',
    'Content-Security-Policy': "default-src 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  if (opts.downloadName) res.set('Content-Disposition', `attachment; filename="${opts.downloadName.replace(/[^\w.-]+/g, '_')}"`);
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.status(416).set('Content-Range', `bytes */${size}`).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  if (range) res.status(206).set('Content-Range', `bytes ${start}-${end}/${size}`);
  res.set('Content-Length', String(size === 0 ? 0 : end - start + 1));
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  await pipeline(store.read(key, { start, end }), res).catch(() => {
    /* the client went away mid-file (seeking does that): nothing to answer */
  });
}
