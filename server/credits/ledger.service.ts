import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { ChainWriter } from '../db/chain.js';
import type { Models } from '../db/models.js';
import type { CreditBalanceView, CreditKind, LedgerType } from '../../shared/schemas/credits.js';
import { ledgerBucket, ledgerChain, ledgerHour, type LedgerEntryDoc } from './ledger.model.js';
import { newId } from '../db/ids.js';

export interface LedgerChange {
  workspaceId: string;
  kind: CreditKind;
  type: LedgerType;
  /** Signed change of the available balance. */
  amount: number;
  /** Signed change of the held balance. */
  held?: number;
  actorId: string | null;
  ref: LedgerEntryDoc['ref'];
  /** The operation's exactly-once key, for a change that may be retried; a fresh one (`<type>:<id>`) when the change has none. */
  op?: string;
}

const KIND_WORDS: Record<CreditKind, string> = { generative: 'generative', api: 'API' };

export const insufficientCredits = (kind: CreditKind, available: number, needed: number, whose = 'This workspace') =>
  new AppError(
    'insufficient_credits',
    `${whose} has only ${available.toLocaleString('en')} ${KIND_WORDS[kind]} credit${available === 1 ? '' : 's'} left; ${needed.toLocaleString('en')} ${needed === 1 ? 'is' : 'are'} needed.`,
    { kind, available, needed },
  );

/** The chains of every ledger, one writer per process (see db/chain.ts). */
const writers = new WeakMap<Models, ChainWriter<LedgerEntryDoc>>();
function writerOf(ctx: AppContext): ChainWriter<LedgerEntryDoc> {
  let w = writers.get(ctx.models);
  if (!w) {
    w = new ChainWriter(ctx.models.LedgerEntry, ctx.models.Counter, (err, chain) => ctx.log.warn({ err, chain }, 'ledger hint not updated'));
    writers.set(ctx.models, w);
  }
  return w;
}

const balanceOfHead = (entry: LedgerEntryDoc | null): CreditBalanceView => ({ available: entry?.balanceAfter ?? 0, held: entry?.heldAfter ?? 0 });

/** A workspace's balance of one kind, as its ledger's newest entry says. */
export async function balanceOf(ctx: AppContext, workspaceId: string, kind: CreditKind): Promise<CreditBalanceView> {
  return balanceOfHead((await writerOf(ctx).head(ledgerChain(workspaceId, kind))).entry);
}

/**
 * Appends a change to the workspace's ledger of its kind. Refused with
 * `insufficient_credits` when the available or held balance would go below
 * zero — checked against the chain's head, so it holds under any
 * concurrency (db/chain.ts). An `op` already stored is not applied again:
 * its entry is returned.
 */
export async function appendEntry(ctx: AppContext, change: LedgerChange, whose?: string): Promise<LedgerEntryDoc> {
  const op = change.op ?? `${change.type}:${newId()}`;
  const findOp = async () => (await ctx.models.LedgerEntry.findOne({ op }).lean()) as LedgerEntryDoc | null;
  if (change.op) {
    const done = await findOp();
    if (done) return done;
  }
  const chain = ledgerChain(change.workspaceId, change.kind);
  const held = change.held ?? 0;
  return writerOf(ctx).append(chain, {
    next: (head) => {
      const before = balanceOfHead(head.entry);
      const balanceAfter = before.available + change.amount;
      const heldAfter = before.held + held;
      if (balanceAfter < 0) throw insufficientCredits(change.kind, before.available, -change.amount, whose);
      if (heldAfter < 0) throw new AppError('conflict', 'Nothing is held for this any more', { kind: change.kind, held: before.held });
      const at = ctx.now();
      return {
        chain,
        workspaceId: change.workspaceId,
        kind: change.kind,
        type: change.type,
        amount: change.amount,
        held,
        balanceAfter,
        heldAfter,
        actorId: change.actorId,
        ref: change.ref,
        op,
        at,
        hour: ledgerHour(change.workspaceId, change.kind, at),
        bucket: ledgerBucket(chain, head.seq + 1),
      };
    },
    alreadyStored: change.op ? findOp : undefined,
  });
}

/** The ledger's newest entry number of a kind (0 for none): where a newest-first page starts. */
export async function headSeqOf(ctx: AppContext, workspaceId: string, kind: CreditKind): Promise<number> {
  return (await writerOf(ctx).head(ledgerChain(workspaceId, kind))).seq;
}

/**
 * A recount of a ledger from all of its entries: the sums of the changes,
 * and whether every entry's balance follows from the one before it. For
 * tests and the fault harness; reads the whole chain.
 */
export async function recountLedger(ctx: AppContext, workspaceId: string, kind: CreditKind) {
  const entries = (await ctx.models.LedgerEntry.find({ workspaceId }).lean()).filter((e) => e.kind === kind).sort((a, b) => a.seq - b.seq);
  let available = 0;
  let held = 0;
  let consistent = true;
  entries.forEach((e, i) => {
    available += e.amount;
    held += e.held;
    if (e.seq !== i + 1 || e.balanceAfter !== available || e.heldAfter !== held || available < 0 || held < 0) consistent = false;
  });
  return { available, held, entries: entries.length, consistent };
}
