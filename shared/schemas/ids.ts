import { z } from 'zod';

/** A document id from a path or a body: short, URL-safe; anything else cannot exist. */
export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Invalid id');
