import type { z } from 'zod';
import { validationFailed } from './errors.js';

/** Parses client input with a schema of `shared/`; a mismatch is a 400 `validation_failed`. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationFailed(result.error);
  return result.data;
}
