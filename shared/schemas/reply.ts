import type { z } from 'zod';

/** Whether two types are the same, optional and nested fields included. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * A schema of a reply, for the OpenAPI document: it must describe its view
 * type exactly — the compiler refuses a schema whose output differs from `T`
 * in any field, nested and optional ones included, so a field added to the
 * view and not to its schema (or the reverse) fails `tsc`. Replies are never
 * parsed at run time.
 */
export const replyOf =
  <T>() =>
  <S extends z.ZodType>(schema: S & (Same<z.output<S>, T> extends true ? unknown : never)): S =>
    schema;
