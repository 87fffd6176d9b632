import type { AppContext } from '../context.js';
import type { AuditEntryView, Page } from '../../shared/schemas/workspaces.js';
import { AUDIT_BUCKET_SIZE, type AuditDoc } from './audit.model.js';
import { readHistoryPage } from '../db/history.js';
import { rooms } from '../realtime/publisher.js';
import { seqOf } from '../realtime/event.model.js';
import { findByIds } from '../db/lookups.js';

export interface AuditQuery {
  limit: number;
  cursor?: string;
  type?: string;
  actorId?: string;
  from?: string;
  to?: string;
}

/** The equalities the database filters a bucket on; dates are ranges, kept in `keep`. */
function bucketFilter(q: AuditQuery) {
  return { ...(q.type ? { type: q.type } : {}), ...(q.actorId ? { actorId: q.actorId } : {}) };
}

function inRange(q: AuditQuery) {
  const from = q.from ? new Date(q.from).getTime() : -Infinity;
  const to = q.to ? new Date(q.to).getTime() : Infinity;
  return (d: AuditDoc) => d.at.getTime() >= from && d.at.getTime() <= to;
}

/** Newest first, one bucket of the workspace's history at a time (see db/history.ts). */
async function readAudit(ctx: AppContext, workspaceId: string, q: AuditQuery, maxBuckets?: number) {
  const cursor = await ctx.publisher.cursorOf(rooms.workspace(workspaceId));
  return readHistoryPage<AuditDoc>({
    owner: workspaceId,
    size: AUDIT_BUCKET_SIZE,
    newestSeq: (cursor && seqOf(rooms.workspace(workspaceId), cursor)) || 0,
    limit: q.limit,
    cursor: q.cursor,
    readBucket: (bucket) => ctx.models.Audit.find({ bucket, ...bucketFilter(q) }).lean(),
    keep: inRange(q),
    maxBuckets,
  });
}

async function present(ctx: AppContext, docs: AuditDoc[]): Promise<AuditEntryView[]> {
  const actors = await findByIds(ctx.models.User, docs.map((d) => d.actorId), { name: 1, email: 1 });
  const actorOf = (id: string) => {
    const a = actors.get(id);
    return a ? { id, name: a.name, email: a.email } : { id, name: '(deleted account)', email: '' };
  };
  return docs.map((d) => ({
    id: d._id,
    type: d.type,
    actor: d.actorId ? actorOf(d.actorId) : null,
    target: d.target,
    before: d.before,
    after: d.after,
    at: d.at.toISOString(),
  }));
}

/** Newest first; `nextCursor` continues with older entries. */
export async function listAudit(ctx: AppContext, workspaceId: string, q: AuditQuery): Promise<Page<AuditEntryView>> {
  const page = await readAudit(ctx, workspaceId, q);
  return { items: await present(ctx, page.items), nextCursor: page.nextCursor };
}

const CSV_COLUMNS = ['at', 'type', 'actor_name', 'actor_email', 'target_kind', 'target', 'before', 'after'] as const;

/** One CSV cell: quoted, with formula-starting values neutralised for spreadsheets. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** Every matching entry as CSV, newest first (at most 10,000 rows). */
export async function auditCsv(ctx: AppContext, workspaceId: string, q: Omit<AuditQuery, 'limit' | 'cursor'>): Promise<string> {
  const { items: docs } = await readAudit(ctx, workspaceId, { ...q, limit: 10_000 }, Infinity);
  const rows = (await present(ctx, docs)).map((e) =>
    [e.at, e.type, e.actor?.name ?? '', e.actor?.email ?? '', e.target?.kind ?? '', e.target?.label ?? '', e.before, e.after].map(csvCell).join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
