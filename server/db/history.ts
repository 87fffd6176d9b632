/**
 * Pages of histories that grow without end (the audit log, notifications,
 * event streams) at the cost of a page, not of the history.
 *
 * FerretDB 1.24 reads every row its pushed-down equalities match, then
 * filters, sorts and limits in Go (a limit reaches the backend only for a
 * query with no filter and no sort). `{ workspaceId }` sorted newest first
 * therefore reads the tenant's whole history for every page. So each entry
 * carries a `seq` that grows with time within its owner (a workspace, a
 * person, a stream) and `bucket` = `<owner>#<floor(seq / size)>`: a page
 * reads buckets one equality at a time, newest first, until it is full.
 * Entries are ordered by (`seq`, `_id`), newest first.
 */
export const bucketKey = (owner: string, seq: number, size: number) => `${owner}#${Math.floor(Math.max(0, seq) / size)}`;

/** A place in a history: what comes after it is older. `id` '' = before every entry of `seq` too. */
export interface HistoryCursor {
  seq: number;
  id: string;
}

export const encodeCursor = (c: HistoryCursor) => `${c.seq}.${c.id}`;

/** A cursor this module made, or null (a foreign or older cursor starts from the newest). */
export function decodeCursor(text: string | undefined): HistoryCursor | null {
  const m = text ? /^(\d{1,15})\.([A-Za-z0-9:_-]{0,100})$/.exec(text) : null;
  return m ? { seq: Number(m[1]), id: m[2]! } : null;
}

const newerFirst = (a: { seq: number; _id: string }, b: { seq: number; _id: string }) => b.seq - a.seq || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);
const isOlder = (d: { seq: number; _id: string }, c: HistoryCursor) => d.seq < c.seq || (d.seq === c.seq && d._id < c.id);

export interface HistoryPageOptions<T> {
  owner: string;
  size: number;
  /** The newest `seq` there may be (a hint may lag by a little: one bucket above it is read too). */
  newestSeq: number;
  limit: number;
  cursor?: string;
  /** One bucket's entries: an equality on `bucket` (plus any other equality the list filters on). */
  readBucket: (bucket: string) => Promise<T[]>;
  /** What the database could not filter (ranges): applied to each bucket's entries. */
  keep?: (doc: T) => boolean;
  /** At most this many buckets per page; past it the page is short and its cursor goes on below. */
  maxBuckets?: number;
}

/** One page of a bucketed history, newest first. */
export async function readHistoryPage<T extends { seq: number; _id: string }>(o: HistoryPageOptions<T>): Promise<{ items: T[]; nextCursor: string | null }> {
  const cursor = decodeCursor(o.cursor);
  const top = cursor ? Math.floor((cursor.id === '' ? cursor.seq - 1 : cursor.seq) / o.size) : Math.floor(Math.max(0, o.newestSeq) / o.size) + 1;
  const maxBuckets = o.maxBuckets ?? 50;
  const items: T[] = [];
  let b = top;
  // Two buckets at a time: the newest is often the nearly empty one a page starts in.
  for (let read = 0; b >= 0 && read < maxBuckets && items.length <= o.limit; ) {
    const batch = [b, b - 1].filter((n) => n >= 0).slice(0, maxBuckets - read);
    const rows = await Promise.all(batch.map((n) => o.readBucket(`${o.owner}#${n}`)));
    for (const r of rows) items.push(...r.filter((d) => (!cursor || isOlder(d, cursor)) && (!o.keep || o.keep(d))).sort(newerFirst));
    b -= batch.length;
    read += batch.length;
  }
  if (items.length > o.limit) {
    const page = items.slice(0, o.limit);
    const last = page[page.length - 1]!;
    return { items: page, nextCursor: encodeCursor({ seq: last.seq, id: last._id }) };
  }
  // Out of buckets to read for this page, not out of history: go on below the last bucket read.
  return { items, nextCursor: b >= 0 ? encodeCursor({ seq: (b + 1) * o.size, id: '' }) : null };
}

/** A page of entries already read in full (a short list, e.g. what is unread), in the same order and cursor. */
export function pageInMemory<T extends { seq: number; _id: string }>(docs: T[], limit: number, cursorText?: string): { items: T[]; nextCursor: string | null } {
  const cursor = decodeCursor(cursorText);
  const sorted = docs.filter((d) => !cursor || isOlder(d, cursor)).sort(newerFirst);
  const page = sorted.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page, nextCursor: sorted.length > limit && last ? encodeCursor({ seq: last.seq, id: last._id }) : null };
}
