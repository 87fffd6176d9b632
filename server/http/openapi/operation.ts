import type { z } from 'zod';
import type { ErrorCode } from '../../../shared/errors.js';

/**
 * One operation of the HTTP API, as the routes implement it. The builder
 * (../openapi.ts) adds what every route of its kind can answer: 503
 * `unavailable` everywhere, 401 without a session or key, 403 for a
 * state-changing call from another origin (not `/api/v1`), 400 when there
 * is input to validate, 413 when there is a body, 404 when the path names
 * something, 409 for an `Idempotency-Key` reused with another body, and
 * for `/api/v1` 402 (each call costs a credit) and 429.
 */
export interface Operation {
  /** Unique and stable: client generators name their methods after it. camelCase, verb first. */
  operationId: string;
  summary: string;
  description?: string;
  /** `session` (default): the `sid` cookie; `apiKey`: `Authorization: Bearer wsc_…` (`/api/v1`); `none`: anyone. */
  auth?: 'session' | 'apiKey' | 'none';
  body?: z.ZodType;
  query?: z.ZodObject;
  /** A multipart upload of one file under this field name. */
  multipart?: string;
  /** Takes an `Idempotency-Key` header: the first result is replayed for the same key. */
  idempotent?: boolean;
  ok: number;
  /** Another success status the call may answer with the same body (202 pending approval…). */
  alsoOk?: number;
  /** The success body: a schema, or the media type of a file (`image/*`, `text/csv`, `video/*`, `text/vtt`). */
  reply?: z.ZodType | 'image' | 'csv' | 'video' | 'vtt';
  /** The further errors the call answers with, beyond those the builder adds. */
  errors?: ErrorCode[];
}

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
export type Paths = Record<string, Partial<Record<Method, Operation>>>;

/** A part of the API, one tag of the document. */
export interface Area {
  tag: string;
  description: string;
  paths: Paths;
}
