import type { Connection, Model, MongooseQueryMiddleware, Query, Schema } from 'mongoose';
import type { NodeCache } from './node-cache.js';
import { everyOf, tagOf, type CachedKind } from './tags.js';

/** The node cache each database connection's writes invalidate (one per node; none for scripts and tools). */
const caches = new WeakMap<Connection, NodeCache>();

export function attachCache(conn: Connection, cache: NodeCache) {
  caches.set(conn, cache);
}

const QUERY_WRITES: MongooseQueryMiddleware[] = ['updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete'];

/** The `_id`s a write's filter is limited to, or null when it may touch any document. */
function idsOf(filter: Record<string, unknown> | undefined): string[] | null {
  const id = filter?._id;
  if (typeof id === 'string') return [id];
  if (id && typeof id === 'object') {
    const { $eq, $in } = id as { $eq?: unknown; $in?: unknown };
    if (typeof $eq === 'string') return [$eq];
    if (Array.isArray($in) && $in.every((v) => typeof v === 'string')) return $in;
  }
  return null;
}

function invalidate(conn: Connection, tags: string[], confirmed: boolean) {
  return caches.get(conn)?.invalidate(tags, { confirmed });
}

/**
 * A write through a model with this plugin invalidates the cached entries
 * read from what it touched — the documents its filter names by `_id` (and
 * `alsoTags` of each), else every document of the kind — on this node and then on every node, before
 * the write's promise resolves (see NodeCache.invalidate; `confirmed: false`
 * resolves once sent, for counts a screen shows). No service can forget it,
 * and a write made anywhere (a test, a script on a node) counts.
 */
export function invalidatesCache(kind: CachedKind, opts: { alsoTags?: (id: string) => string[]; confirmed?: boolean } = {}) {
  const { alsoTags = () => [], confirmed = true } = opts;
  const tagsOfIds = (ids: string[]) => ids.flatMap((id) => [tagOf(kind, id), ...alsoTags(id)]);
  return (schema: Schema) => {
    schema.post(QUERY_WRITES, async function (this: Query<unknown, unknown>) {
      const ids = idsOf(this.getFilter());
      await invalidate(this.model.db, ids ? tagsOfIds(ids) : [everyOf(kind)], confirmed);
    });
    schema.post('save', async function (doc: { _id: unknown; constructor: unknown }) {
      await invalidate((doc.constructor as Model<unknown>).db, tagsOfIds([String(doc._id)]), confirmed);
    });
    schema.post('insertMany', async function (this: Model<unknown>, docs: unknown) {
      await invalidate(this.db, tagsOfIds((docs as Array<{ _id: unknown }>).map((d) => String(d._id))), confirmed);
    });
  };
}
