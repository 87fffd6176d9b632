import type { AppContext } from '../context.js';
import { withLock } from '../db/claims.js';
import { conflict, notFound } from '../http/errors.js';
import type { WorkspaceDoc } from './workspace.model.js';

/**
 * Avatar slots follow the allocation rules. A root and an independent
 * sub-workspace have slots of their own (up to 1000). The slots given to
 * the inherited sub-workspaces of a parent come out of the parent's: all
 * of them together never exceed the parent's own count, and the parent's
 * count is never lowered below what it has given. Every check and write of
 * a parent's slots and of its inherited children's runs under the parent's
 * slot lock (the database makes no read-then-write atomic).
 */
export const DEFAULT_AVATAR_SLOTS = 3;

type SlotFields = Pick<WorkspaceDoc, '_id' | 'parentId' | 'settings' | 'avatarSlots'>;

export const drawsSlotsFromParent = (w: Pick<WorkspaceDoc, 'parentId' | 'settings'>) => w.parentId !== null && w.settings.billingMode === 'inherited';

/** The workspace whose slots `w`'s come out of: its parent when it is inherited, else itself. */
export const slotPoolOf = (w: SlotFields) => (drawsSlotsFromParent(w) ? w.parentId! : w._id);

/** Runs `work` holding the slot lock of the workspace `poolId` (see above). */
export const withSlotPool = <T>(ctx: AppContext, poolId: string, work: () => Promise<T>) => withLock(ctx.models.Lock, `avatarSlots:${poolId}`, work);

/** The slots `parentId` gives its inherited sub-workspaces, in all (`except`: leaving that one out). */
export async function slotsGivenBelow(ctx: AppContext, parentId: string, except?: string): Promise<number> {
  const children = await ctx.models.Workspace.find({ parentId }, { avatarSlots: 1, settings: 1 }).lean();
  return children.filter((c) => c._id !== except && c.settings.billingMode === 'inherited').reduce((sum, c) => sum + c.avatarSlots, 0);
}

/** How many slots the parent has not given to its inherited sub-workspaces (never below 0). */
export async function slotsLeftToGive(ctx: AppContext, parentId: string): Promise<number> {
  const parent = await ctx.models.Workspace.findById(parentId, { avatarSlots: 1 }).lean();
  return Math.max(0, (parent?.avatarSlots ?? 0) - (await slotsGivenBelow(ctx, parentId)));
}

const slotsWord = (n: number) => (n === 1 ? '1 avatar slot' : `${n} avatar slots`);

export const parentSlotsExhausted = (available: number) =>
  conflict(
    available === 0
      ? 'The parent workspace has no avatar slots left to give. Give the parent more slots, or lower another sub-workspace’s first.'
      : `The parent workspace has only ${slotsWord(available)} left to give. Give the parent more slots, or lower another sub-workspace’s first.`,
    { available },
  );

/**
 * Refuses a slot count for `w` the rules do not allow: below what it gives
 * its own inherited sub-workspaces, or (inherited) more than the parent has
 * left. Lowering is always allowed past the parent's rule. Call it holding
 * the lock of `slotPoolOf(w)`, with `w` read inside it.
 */
export async function checkAvatarSlots(ctx: AppContext, w: SlotFields, limit: number) {
  const given = await slotsGivenBelow(ctx, w._id);
  if (limit < given) throw conflict(`${slotsWord(given)} of this workspace are given to its sub-workspaces. Lower theirs first, or keep at least ${given}.`, { given });
  if (!drawsSlotsFromParent(w) || limit <= w.avatarSlots) return;
  const available = await slotsLeftToGive(ctx, w.parentId!);
  if (limit - w.avatarSlots > available) throw parentSlotsExhausted(available);
}

/**
 * Runs `work` on a fresh copy of the workspace while holding the lock of the
 * pool its slots come out of (taken again if a billing switch moved it
 * meanwhile).
 */
export async function withOwnSlotPool<T>(ctx: AppContext, workspaceId: string, work: (w: WorkspaceDoc) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const seen = await ctx.models.Workspace.findById(workspaceId).lean();
    if (!seen) throw notFound('Workspace not found');
    const poolId = slotPoolOf(seen);
    const done = await withSlotPool(ctx, poolId, async () => {
      const w = await ctx.models.Workspace.findById(workspaceId).lean();
      if (!w) throw notFound('Workspace not found');
      if (slotPoolOf(w) !== poolId && attempt < 5) return null;
      return { value: await work(w) };
    });
    if (done) return done.value;
  }
}
