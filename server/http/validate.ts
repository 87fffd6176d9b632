import type { z } from 'zod';
import { invalidField, validationFailed } from './errors.js';

/**
 * Parses client input with a schema of `shared/`; a mismatch is a 400
 * `validation_failed`. Input that fits its schema may still hold U+0000,
 * which the database can neither store nor compare (PostgreSQL text): it is
 * refused here, for every route and socket message, naming the field.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationFailed(result.error);
  const nul = nulPath(result.data);
  if (nul !== null) throw invalidField(nul, 'Text cannot contain the NUL character');
  return result.data;
}

/** The path of the first string (or key) holding U+0000 in a parsed value, or null; walked without recursion. */
function nulPath(value: unknown): string | null {
  const stack: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path.join('.');
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, path: [...path, String(i)] }));
    } else if (v !== null && typeof v === 'object' && !(v instanceof Date) && !ArrayBuffer.isView(v)) {
      for (const [key, item] of Object.entries(v)) {
        if (key.includes('\u0000')) return [...path, key].join('.');
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return null;
}
