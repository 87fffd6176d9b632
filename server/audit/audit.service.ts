import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { AuditEntryView, Page } from '../../shared/schemas/workspaces.js';
import type { AuditDoc } from './audit.model.js';
import { findByIds } from '../db/lookups.js';

export interface AuditQuery {
  limit: number;
  cursor?: string;
  type?: string;
  actorId?: string;
  from?: string;
  to?: string;
}

function filterOf(workspaceId: string, q: AuditQuery) {
  const filter: Record<string, unknown> = { workspaceId };
  if (q.cursor) filter._id = mongoose.trusted({ $lt: q.cursor });
  if (q.type) filter.type = q.type;
  if (q.actorId) filter.actorId = q.actorId;
  const at: Record<string, Date> = {};
  if (q.from) at.$gte = new Date(q.from);
  if (q.to) at.$lte = new Date(q.to);
  if (Object.keys(at).length) filter.at = mongoose.trusted(at);
  return filter;
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
  const docs = await ctx.models.Audit.find(filterOf(workspaceId, q)).sort({ _id: -1 }).limit(q.limit + 1).lean();
  const page = docs.slice(0, q.limit);
  return { items: await present(ctx, page), nextCursor: docs.length > q.limit ? page[page.length - 1]!._id : null };
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
  const docs = await ctx.models.Audit.find(filterOf(workspaceId, { ...q, limit: 10_000 })).sort({ _id: -1 }).limit(10_000).lean();
  const rows = (await present(ctx, docs)).map((e) =>
    [e.at, e.type, e.actor?.name ?? '', e.actor?.email ?? '', e.target?.kind ?? '', e.target?.label ?? '', e.before, e.after].map(csvCell).join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
