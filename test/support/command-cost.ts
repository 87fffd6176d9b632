import type { Connection } from 'mongoose';
import type { CommandStartedEvent, Document } from 'mongodb';
import type { Models } from '../../server/db/models.js';

/** One filter the server sent: the collection, the command and its filter. */
export interface SentFilter {
  collection: string;
  command: string;
  filter: Document;
}

/** The filters of a command (find, aggregate's leading `$match`, count, distinct, update, delete, findAndModify); none for others. */
export function filtersOf(cmd: Document): SentFilter[] {
  const of = (command: string, collection: unknown, filter: unknown) => [{ command, collection: String(collection), filter: (filter ?? {}) as Document }];
  if ('find' in cmd) return of('find', cmd.find, cmd.filter);
  if ('aggregate' in cmd) {
    const stages = (cmd.pipeline ?? []) as Document[];
    // FerretDB pushes down a `$match` among the first two stages (with a `$sort`).
    const match = stages.slice(0, 2).find((s) => '$match' in s)?.$match;
    return of('aggregate', cmd.aggregate, match);
  }
  if ('count' in cmd) return of('count', cmd.count, cmd.query);
  if ('distinct' in cmd) return of('distinct', cmd.distinct, cmd.query);
  if ('findAndModify' in cmd) return of('findAndModify', cmd.findAndModify, cmd.query);
  if ('update' in cmd) return ((cmd.updates ?? []) as Document[]).flatMap((u) => of('update', cmd.update, u.q));
  if ('delete' in cmd) return ((cmd.deletes ?? []) as Document[]).flatMap((d) => of('delete', cmd.delete, d.q));
  return [];
}

const isPlain = (v: unknown) =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || v instanceof Date || (v as { _bsontype?: string } | null)?._bsontype === 'ObjectId';

/**
 * The part of a filter FerretDB 1.24 hands its backend (internal/backends/
 * postgresql/query.go, prepareWhereClause): top-level keys without a dot or
 * a leading `$`, whose value is a string, number, boolean, date or ObjectId,
 * or `{ $eq: such a value }`. Everything else — `$in`, ranges, `$regex`,
 * `$or`, `null`, arrays, dotted paths — is filtered in Go over every row
 * this part matched. With no such key it reads the whole collection.
 */
export function pushedDown(filter: Document): Document {
  const out: Document = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$') || key.includes('.')) continue;
    if (isPlain(value)) out[key] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value) && isPlain((value as Document).$eq)) out[key] = (value as Document).$eq;
  }
  return out;
}

/** Per collection, the fields that lead a declared index (the embedded PostgreSQL backend mirrors them as GIN indexes), and `_id`. */
export function indexedFields(models: Models): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const model of Object.values(models)) {
    const fields = new Set(['_id', ...model.schema.indexes().map(([keys]) => Object.keys(keys)[0]!)]);
    map.set(model.collection.collectionName, fields);
  }
  return map;
}

/** Records the commands a connection sends while `run` runs (the URI must ask for `monitorCommands=true`). */
export async function commandsDuring<T>(conn: Connection, run: () => Promise<T>): Promise<{ result: T; commands: Document[] }> {
  const client = conn.getClient();
  const commands: Document[] = [];
  const listener = (e: CommandStartedEvent) => commands.push(e.command);
  client.on('commandStarted', listener);
  try {
    const result = await run();
    return { result, commands };
  } finally {
    client.off('commandStarted', listener);
  }
}

export interface FilterCost extends SentFilter {
  pushed: Document;
  /** Rows FerretDB fetches for it: those its pushed-down part matches. */
  rowsRead: number;
  indexed: boolean;
}

/** What each filter of `commands` costs on FerretDB: the rows its pushed-down part matches, and whether an index serves it. */
export async function costOf(conn: Connection, models: Models, commands: Document[]): Promise<FilterCost[]> {
  const indexes = indexedFields(models);
  const costs: FilterCost[] = [];
  const counted = new Map<string, number>();
  for (const f of commands.flatMap(filtersOf)) {
    const pushed = pushedDown(f.filter);
    const key = `${f.collection} ${JSON.stringify(pushed)}`;
    const rowsRead = counted.get(key) ?? (await conn.db!.collection(f.collection).countDocuments(pushed));
    counted.set(key, rowsRead);
    const indexed = Object.keys(pushed).some((k) => indexes.get(f.collection)?.has(k));
    costs.push({ ...f, pushed, rowsRead, indexed });
  }
  return costs;
}
