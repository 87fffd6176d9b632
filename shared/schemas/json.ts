import { z } from 'zod';

export interface SafeJsonLimits {
  /** Levels of objects and arrays below the top one. */
  maxDepth: number;
  /** Size of the value written as JSON, in characters. */
  maxBytes: number;
}

/** A key both MongoDB and FerretDB store as given, and that no query can mistake for an operator or a path. */
const SAFE_KEY = /^(?!\$)(?!__proto__$)[^.\u0000-\u001f]{1,60}$/;

type Issue = { path: Array<string | number>; message: string };

/**
 * Free-form JSON a client may store (a template's layout…): objects, arrays,
 * strings, finite numbers, booleans and null only; keys without `.`, a
 * leading `$` or control characters; no NUL in strings; no array directly
 * inside an array (neither database nests arrays); bounded depth and size.
 * Checked without recursion, so a hostile depth costs no stack.
 */
export function checkSafeJson(value: unknown, limits: SafeJsonLimits): Issue | null {
  const stack: Array<{ value: unknown; path: Array<string | number>; depth: number; inArray: boolean }> = [{ value, path: [], depth: 0, inArray: false }];
  let size = 0;
  while (stack.length) {
    const { value: v, path, depth, inArray } = stack.pop()!;
    if (v === null || typeof v === 'boolean') {
      size += 5;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, message: 'Numbers must be finite' };
      size += 12;
    } else if (typeof v === 'string') {
      if (v.includes('\u0000')) return { path, message: 'Text cannot contain the NUL character' };
      size += v.length + 2;
    } else if (Array.isArray(v) || typeof v === 'object') {
      if (depth >= limits.maxDepth) return { path, message: `Nested too deeply (at most ${limits.maxDepth} levels)` };
      if (Array.isArray(v)) {
        if (inArray) return { path, message: 'A list cannot directly contain another list' };
        v.forEach((item, i) => stack.push({ value: item, path: [...path, i], depth: depth + 1, inArray: true }));
        size += 2 + v.length;
      } else {
        if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return { path, message: 'Not a plain JSON object' };
        for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
          if (!SAFE_KEY.test(key)) return { path: [...path, key], message: 'Keys are 1–60 characters, without “.”, a leading “$” or control characters' };
          size += key.length + 4;
          stack.push({ value: item, path: [...path, key], depth: depth + 1, inArray: false });
        }
        size += 2;
      }
    } else {
      return { path, message: 'Only JSON values are allowed' };
    }
    if (size > limits.maxBytes) return { path, message: `Too large (${Math.round(limits.maxBytes / 1000)} kB at most)` };
  }
  return null;
}

/** The one schema for free-form JSON objects; a refusal is a `validation_failed` issue naming the path. */
export const SafeJsonObjectSchema = (limits: SafeJsonLimits = { maxDepth: 8, maxBytes: 16_000 }) =>
  z
    // Checked as received: a record schema would rebuild the object and silently drop keys such as `__proto__`.
    .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'Expected a JSON object')
    .superRefine((value, ctx) => {
      const issue = checkSafeJson(value, limits);
      if (issue) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    });
