import type { AppContext } from '../context.js';
import { CREDIT_KINDS, type CreditKind, type LedgerEntryView } from '../../shared/schemas/credits.js';
import type { Page } from '../../shared/schemas/workspaces.js';
import { invalidField } from '../http/errors.js';
import { linkId } from '../db/chain.js';
import { findByIds } from '../db/lookups.js';
import { ledgerChain, type LedgerEntryDoc } from './ledger.model.js';
import { headSeqOf } from './ledger.service.js';

/** Where a newest-first page resumes: per kind, the newest entry number not yet shown (0: none left). */
type Positions = Partial<Record<CreditKind, number>>;

const encode = (p: Positions) => CREDIT_KINDS.filter((k) => p[k] !== undefined).map((k) => `${k}:${p[k]}`).join(',');

function decode(cursor: string, kinds: readonly CreditKind[]): Positions {
  const positions: Positions = {};
  for (const part of cursor.split(',')) {
    const [kind, n] = part.split(':');
    const seq = Number(n);
    if (!kinds.includes(kind as CreditKind) || !/^\d{1,12}$/.test(n ?? '') || !Number.isSafeInteger(seq)) throw invalidField('cursor', 'This cursor is not one the ledger gave');
    positions[kind as CreditKind] = seq;
  }
  return positions;
}

/**
 * A page of a workspace's ledger, newest first, of one kind or both merged
 * by time. Entries are read by `_id` from each chain's head down (a chain
 * has no gaps), at most `limit` per kind: a page costs a page, whatever
 * the ledger's length.
 */
export async function listLedger(ctx: AppContext, workspaceId: string, q: { kind?: CreditKind; limit: number; cursor?: string }): Promise<Page<LedgerEntryView>> {
  const kinds = q.kind ? [q.kind] : CREDIT_KINDS;
  const from: Positions = q.cursor ? decode(q.cursor, kinds) : Object.fromEntries(await Promise.all(kinds.map(async (k) => [k, await headSeqOf(ctx, workspaceId, k)] as const)));
  const ids = kinds.flatMap((k) => {
    const top = from[k] ?? 0;
    return Array.from({ length: Math.max(0, Math.min(q.limit, top)) }, (_, i) => linkId(ledgerChain(workspaceId, k), top - i));
  });
  const found = await findByIds(ctx.models.LedgerEntry, ids);
  const entries = [...found.values()].sort((a, b) => b.at.getTime() - a.at.getTime() || (a.kind === b.kind ? b.seq - a.seq : a.kind.localeCompare(b.kind)));
  const page = entries.slice(0, q.limit);
  const next: Positions = {};
  for (const k of kinds) {
    const shown = page.filter((e) => e.kind === k);
    next[k] = shown.length ? Math.min(...shown.map((e) => e.seq)) - 1 : (from[k] ?? 0);
  }
  const more = kinds.some((k) => (next[k] ?? 0) > 0);
  return { items: await presentEntries(ctx, page), nextCursor: more ? encode(next) : null };
}

async function presentEntries(ctx: AppContext, entries: LedgerEntryDoc[]): Promise<LedgerEntryView[]> {
  const users = await findByIds(ctx.models.User, entries.map((e) => e.actorId), { name: 1 });
  return entries.map((e) => {
    const actor = e.actorId ? users.get(e.actorId) : undefined;
    return {
      id: e._id,
      kind: e.kind,
      type: e.type,
      amount: e.amount,
      balanceAfter: e.balanceAfter,
      heldAfter: e.heldAfter,
      actor: e.actorId ? { id: e.actorId, name: actor?.name ?? '' } : null,
      ref: e.ref,
      at: e.at.toISOString(),
    };
  });
}
