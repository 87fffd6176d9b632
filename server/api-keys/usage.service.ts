import type { AppContext } from '../context.js';
import type { UsageQuery, UsageView } from '../../shared/schemas/credits.js';
import { AppError } from '../http/errors.js';
import { isDuplicateKey } from '../db/claims.js';
import { findByIds } from '../db/lookups.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { ledgerChain, ledgerHour } from '../credits/ledger.model.js';
import { linkId } from '../db/chain.js';
import type { UsageRollupDoc } from './usage-rollup.model.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Ranges a chart may ask for: hours over a week at most (168 points), days over 90 days. */
const MAX_RANGE_MS = { hour: 7 * DAY_MS, day: 90 * DAY_MS } as const;
const DEFAULT_RANGE_MS = { hour: DAY_MS, day: 30 * DAY_MS } as const;
/**
 * An hour counts as closed (its rollup may be written) only this long after
 * it ends: an append stamped just before the hour's end may still be landing,
 * or come from a node whose clock is a little behind.
 */
const CLOSE_GRACE_MS = 2 * 60_000;
/** How many buckets are read at once when none is rolled up yet. */
const PARALLEL_READS = 8;

type Totals = Pick<UsageRollupDoc, 'calls' | 'credits' | 'keys'>;
const NONE: Totals = { calls: 0, credits: 0, keys: [] };

/** The ledger's own hour key: its entries of that hour are read by equality on it. */
const hourKey = (workspaceId: string, start: number) => ledgerHour(workspaceId, 'api', new Date(start));
const dayKey = (workspaceId: string, start: number) => `${workspaceId}:api:${new Date(start).toISOString().slice(0, 10)}`;
const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit;

const invalid = (path: string, message: string) => new AppError('validation_failed', message, [{ path, message }]);

/** The buckets (start times) a query covers, whole hours or UTC days from `from` to `to`, `to` clamped to now. */
export function bucketsOf(q: UsageQuery, now: Date): number[] {
  const unit = q.granularity === 'hour' ? HOUR_MS : DAY_MS;
  const to = Math.min(q.to ? Date.parse(q.to) : now.getTime(), now.getTime());
  const from = q.from ? Date.parse(q.from) : to - DEFAULT_RANGE_MS[q.granularity] + unit;
  if (from > to) throw invalid('from', 'from must be before to (and not in the future)');
  if (to - from > MAX_RANGE_MS[q.granularity]) {
    throw invalid('from', q.granularity === 'hour' ? 'Hourly usage covers at most 7 days; ask for granularity=day' : 'Usage covers at most 90 days at once');
  }
  const buckets: number[] = [];
  for (let t = floorTo(from, unit); t <= to; t += unit) buckets.push(t);
  return buckets;
}

function merge(parts: Totals[]): Totals {
  const keys = new Map<string, Totals['keys'][number]>();
  let calls = 0;
  let credits = 0;
  for (const p of parts) {
    calls += p.calls;
    credits += p.credits;
    for (const k of p.keys) {
      const seen = keys.get(k.keyId);
      if (seen) {
        seen.calls += k.calls;
        seen.credits += k.credits;
      } else keys.set(k.keyId, { ...k });
    }
  }
  return { calls, credits, keys: [...keys.values()] };
}

/** Keeps a closed bucket's totals for good; another reader may have done it first (same entries, same totals). */
async function keep(ctx: AppContext, _id: string, workspaceId: string, at: number, totals: Totals) {
  await ctx.models.UsageRollup.create({ _id, workspaceId, at: new Date(at), ...totals }).catch((err: unknown) => {
    if (!isDuplicateKey(err)) throw err;
  });
}

/** What a read of buckets knows: the time now, and the start of the API ledger (nothing before it needs a read). */
interface Span {
  now: number;
  /** When the workspace's API ledger began (its first entry), or null for no ledger at all. */
  since: number | null;
}

/** One hour's usage: its rollup once closed, else counted from its ledger entries (read by the indexed hour key). */
async function hourTotals(ctx: AppContext, workspaceId: string, start: number, { now, since }: Span): Promise<Totals> {
  if (since === null || start + HOUR_MS <= since) return NONE;
  const _id = hourKey(workspaceId, start);
  const closed = start + HOUR_MS + CLOSE_GRACE_MS <= now;
  if (closed) {
    const rollup = await ctx.models.UsageRollup.findById(_id).lean();
    if (rollup) return rollup;
  }
  const entries = await ctx.models.LedgerEntry.find({ hour: _id }, { type: 1, amount: 1, ref: 1 }).lean();
  const totals = merge(
    entries
      .filter((e) => e.type === 'api_usage')
      .map((e) => ({ calls: 1, credits: -e.amount, keys: e.ref ? [{ keyId: e.ref.id, name: e.ref.label ?? '', calls: 1, credits: -e.amount }] : [] })),
  );
  if (closed) await keep(ctx, _id, workspaceId, start, totals);
  return totals;
}

/** One UTC day's usage: its rollup once closed, else the sum of its hours. */
async function dayTotals(ctx: AppContext, workspaceId: string, start: number, span: Span): Promise<Totals> {
  const { now, since } = span;
  if (since === null || start + DAY_MS <= since) return NONE;
  const _id = dayKey(workspaceId, start);
  const closed = start + DAY_MS + CLOSE_GRACE_MS <= now;
  if (closed) {
    const rollup = await ctx.models.UsageRollup.findById(_id).lean();
    if (rollup) return rollup;
  }
  const hours = await inBatches(Array.from({ length: 24 }, (_, i) => start + i * HOUR_MS).filter((h) => h <= now), (h) => hourTotals(ctx, workspaceId, h, span));
  const totals = merge(hours);
  if (closed) await keep(ctx, _id, workspaceId, start, totals);
  return totals;
}

async function inBatches<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += PARALLEL_READS) out.push(...(await Promise.all(items.slice(i, i + PARALLEL_READS).map(work))));
  return out;
}

/**
 * A workspace's API usage per hour or day, and per key over the range. Every
 * number is counted from the ledger's `api_usage` entries (one per call), so
 * it equals the ledger exactly, whatever the concurrency of the calls: no
 * counter is incremented anywhere. Closed buckets are read from their
 * rollups (one `_id` lookup each); only the open hour, and the open day's
 * hours, read entries. Buckets before the API ledger's first entry (its
 * grant or first allocation) hold nothing and are not read: entries are
 * appended in time order.
 */
export async function usageOf(ctx: AppContext, w: WorkspaceDoc, q: UsageQuery): Promise<UsageView> {
  const now = ctx.now();
  const buckets = bucketsOf(q, now);
  const first = await ctx.models.LedgerEntry.findById(linkId(ledgerChain(w._id, 'api'), 1), { at: 1 }).lean();
  const span: Span = { now: now.getTime(), since: first ? first.at.getTime() : null };
  const read = q.granularity === 'hour' ? hourTotals : dayTotals;
  const totals = await inBatches(buckets, (start) => read(ctx, w._id, start, span));
  const overall = merge(totals);
  const keys = await findByIds(ctx.models.ApiKey, overall.keys.map((k) => k.keyId), { name: 1, workspaceId: 1 });
  return {
    series: buckets.map((start, i) => ({ at: new Date(start).toISOString(), calls: totals[i]!.calls, credits: totals[i]!.credits })),
    byKey: overall.keys
      .map((k) => ({ keyId: k.keyId, name: keys.get(k.keyId)?.name ?? k.name, calls: k.calls, credits: k.credits }))
      .sort((x, y) => y.calls - x.calls || (x.keyId < y.keyId ? -1 : 1)),
  };
}
