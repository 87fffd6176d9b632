import type { Model } from 'mongoose';

/**
 * Documents by `_id`, as a map. FerretDB 1.24 pushes down to its backend
 * only top-level equalities (`{ field: value }`), never `$in`, `$or` or
 * ranges: `{ _id: { $in: ids } }` reads the whole collection and filters it
 * in Go. So a batch of ids is one `_id` lookup per distinct id, in parallel —
 * each an index lookup on PostgreSQL, whatever the collection's size. Keep
 * batches page-sized.
 */
export async function findByIds<T extends { _id: string }>(
  model: Model<T>,
  ids: Iterable<string | null | undefined>,
  projection?: Record<string, 0 | 1>,
): Promise<Map<string, T>> {
  const distinct = [...new Set([...ids].filter((id): id is string => typeof id === 'string' && id.length > 0))];
  const docs = await Promise.all(distinct.map((id) => model.findById(id, projection).lean<T>()));
  return new Map(docs.filter((d): d is NonNullable<typeof d> => d !== null).map((d) => [d._id, d as T]));
}
