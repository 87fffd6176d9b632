import type { AppContext } from '../context.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { CREDIT_KINDS, type Allocations, type CreditBalanceView, type CreditKind, type CreditsView, type Purchase, type PurchaseReply } from '../../shared/schemas/credits.js';
import { conflict } from '../http/errors.js';
import { newId } from '../db/ids.js';
import { withLock } from '../db/claims.js';
import { ownsPool } from '../workspaces/workspace.presenter.js';
import { seatsOf } from '../workspaces/seat.service.js';
import { addSeats, workspaceTarget } from '../workspaces/workspace.service.js';
import { appendEntry, balanceOf } from './ledger.service.js';
import { finishTransfers, transferCredits } from './transfer.service.js';
import { throttled } from '../realtime/throttle.js';

export type Balances = Record<CreditKind, CreditBalanceView>;

export async function creditsOf(ctx: AppContext, workspaceId: string): Promise<Balances> {
  const [generative, api] = await Promise.all(CREDIT_KINDS.map((kind) => balanceOf(ctx, workspaceId, kind)));
  return { generative: generative!, api: api! };
}

/** What the workspace above has left to give (shown beside an allocation). */
async function parentView(ctx: AppContext, w: WorkspaceDoc): Promise<CreditsView['parent']> {
  if (!w.parentId) return null;
  const parent = await ctx.models.Workspace.findById(w.parentId, { name: 1 }).lean();
  if (!parent) return null;
  const credits = await creditsOf(ctx, parent._id);
  return { workspaceId: parent._id, name: parent.name, generative: credits.generative.available, api: credits.api.available };
}

/**
 * The credits of a workspace as its screen shows them: its own pool (a
 * root, an independent sub-workspace) or what was allocated to it.
 * `mayAllocate` — an admin above an inherited sub-workspace — also sees
 * what the parent has left.
 */
export async function presentCredits(ctx: AppContext, w: WorkspaceDoc, may: { purchase: boolean; allocate: boolean }): Promise<CreditsView> {
  const own = ownsPool(w);
  const canAllocate = !own && may.allocate;
  const [balances, parent] = await Promise.all([creditsOf(ctx, w._id), canAllocate ? parentView(ctx, w) : null]);
  return { ...balances, billing: own ? 'own' : 'allocated', canPurchase: own && may.purchase, canAllocate, parent };
}

/**
 * `credits.updated` to the workspace's members with its balances after a
 * change. Spending by the public API is throttled to about one event a
 * second per workspace (the last balance always goes out).
 */
export async function announceCredits(ctx: AppContext, workspaceId: string, actorId: string | null, opts: { throttle?: boolean } = {}) {
  const publish = async () => {
    const balances = await creditsOf(ctx, workspaceId);
    await ctx.publisher.toWorkspace(workspaceId, 'members', { type: 'credits.updated', actorId, data: { workspaceId, ...balances } });
  };
  if (opts.throttle) throttled(ctx, `credits:${workspaceId}`, publish);
  else await publish();
}

/** A new account's starting credits, recorded in its ledger like any other change. */
export async function grantStartingCredits(ctx: AppContext, workspaceId: string) {
  const grants: Array<[CreditKind, number]> = [
    ['generative', ctx.config.DEFAULT_GENERATIVE_CREDITS],
    ['api', ctx.config.DEFAULT_API_CREDITS],
  ];
  for (const [kind, amount] of grants) {
    if (amount > 0) await appendEntry(ctx, { workspaceId, kind, type: 'grant', amount, actorId: null, ref: { kind: 'grant', id: workspaceId }, op: `grant:${workspaceId}:${kind}` });
  }
}

const PURCHASED_KIND: Record<Exclude<Purchase['item'], 'seats'>, CreditKind> = { generative_credits: 'generative', api_credits: 'api' };

/**
 * A simulated purchase for a pool the workspace owns (a root or an
 * independent sub-workspace); a workspace spending its parent's pool buys
 * nothing itself.
 */
export async function purchase(ctx: AppContext, w: WorkspaceDoc, input: Purchase, actorId: string, may: { purchase: boolean; allocate: boolean }): Promise<PurchaseReply> {
  if (!ownsPool(w)) throw conflict('This workspace uses its parent’s seats and credits. Buy them for the parent workspace, or make this one independent.');
  const record = { _id: newId(), workspaceId: w._id, item: input.item, quantity: input.quantity, actorId, at: ctx.now() };
  await ctx.models.Purchase.create(record);
  if (input.item === 'seats') await addSeats(ctx, w, input.quantity, actorId);
  else {
    const kind = PURCHASED_KIND[input.item];
    await appendEntry(ctx, { workspaceId: w._id, kind, type: 'purchase', amount: input.quantity, actorId, ref: { kind: 'purchase', id: record._id }, op: `purchase:${record._id}` });
  }
  const view = { id: record._id, item: record.item, quantity: record.quantity, at: record.at.toISOString() };
  await ctx.publisher.toWorkspace(w._id, 'admins', {
    type: 'purchase.completed',
    actorId,
    data: { workspaceId: w._id, purchase: view },
    // Seats have their own entry in the audit log (`seats.purchased`, written by addSeats).
    audit: input.item === 'seats' ? undefined : { target: workspaceTarget(w), after: { item: input.item, quantity: input.quantity } },
  });
  if (input.item !== 'seats') await announceCredits(ctx, w._id, actorId);
  const [credits, seats] = await Promise.all([presentCredits(ctx, w, may), seatsOf(ctx, w.poolId)]);
  return { purchase: view, credits, seats };
}

const ALLOCATION_FIELDS: Record<CreditKind, keyof Allocations> = { generative: 'generativeCredits', api: 'apiCredits' };

/**
 * Sets what an inherited sub-workspace has available, per kind: the
 * difference moves from the parent's ledger (refused with
 * `insufficient_credits` when the parent lacks it) or, when lowered, the
 * unspent rest goes back to it. One change of a sub-workspace's
 * allocations at a time, on every node, so "what it has after the call"
 * is what it has.
 */
export async function setAllocations(ctx: AppContext, w: WorkspaceDoc, input: Allocations, actorId: string): Promise<Balances> {
  if (!w.parentId || ownsPool(w)) throw conflict('Only a sub-workspace that uses its parent’s credits is given an allocation. An independent one buys its own.');
  const parent = await ctx.models.Workspace.findById(w.parentId).lean();
  if (!parent) throw conflict('The parent workspace is gone');
  return withLock(ctx.models.Lock, `allocation:${w._id}`, async () => {
    // A transfer an earlier allocation left pending (its process died, or the database went away under it) is
    // settled first: the new target is measured from what it left, and it can never land after this one.
    await finishTransfers(ctx, { involving: w._id });
    const before = await creditsOf(ctx, w._id);
    const moved: CreditKind[] = [];
    try {
      for (const kind of CREDIT_KINDS) {
        const target = input[ALLOCATION_FIELDS[kind]];
        if (target === undefined) continue;
        const diff = target - (await balanceOf(ctx, w._id, kind)).available;
        if (diff === 0) continue;
        const [from, to] = diff > 0 ? [parent, w] : [w, parent];
        await transferCredits(ctx, { from: { id: from._id, name: from.name }, to: { id: to._id, name: to.name }, kind, amount: Math.abs(diff), reason: diff > 0 ? 'allocation' : 'return', actorId });
        moved.push(kind);
      }
    } finally {
      if (moved.length) await announceAllocation(ctx, parent, w, before, actorId);
    }
    return creditsOf(ctx, w._id);
  });
}

/** The balances of both sides, and the parent's admins' record of what the sub-workspace was given. */
async function announceAllocation(ctx: AppContext, parent: WorkspaceDoc, w: WorkspaceDoc, before: Balances, actorId: string | null) {
  const after = await creditsOf(ctx, w._id);
  await ctx.publisher.toWorkspace(parent._id, 'admins', {
    type: 'allocation.updated',
    actorId,
    data: { workspaceId: parent._id, subworkspaceId: w._id, generative: after.generative.available, api: after.api.available },
    audit: {
      target: workspaceTarget(w),
      before: { generative: before.generative.available, api: before.api.available },
      after: { generative: after.generative.available, api: after.api.available },
    },
  });
  await Promise.all([announceCredits(ctx, w._id, actorId), announceCredits(ctx, parent._id, actorId)]);
}

/** A deleted sub-workspace's unspent credits go back to the workspace above it. */
export async function returnUnspentCredits(ctx: AppContext, w: WorkspaceDoc, actorId: string) {
  if (!w.parentId) return;
  const parent = await ctx.models.Workspace.findById(w.parentId, { name: 1 }).lean();
  if (!parent) return;
  let returned = false;
  for (const kind of CREDIT_KINDS) {
    const { available } = await balanceOf(ctx, w._id, kind);
    if (available <= 0) continue;
    await transferCredits(ctx, { from: { id: w._id, name: w.name }, to: { id: parent._id, name: parent.name }, kind, amount: available, reason: 'deleted', actorId });
    returned = true;
  }
  if (returned) await announceCredits(ctx, parent._id, actorId);
}
