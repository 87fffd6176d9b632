import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { claimFreeNumber } from '../db/claims.js';
import { newId } from '../db/ids.js';
import type { InviteLinkDoc } from './invite-link.model.js';

/**
 * One use of an invite link, taken when someone joins through it — or asks
 * to, when the workspace requires approval (a pending request holds its use;
 * a denial gives it back). With `maxUses` the use is claimed by number, so
 * the limit holds under parallel joins and however approvals go.
 */
export async function claimLinkUse(ctx: AppContext, link: InviteLinkDoc, userId: string): Promise<string> {
  if (link.maxUses === null) {
    const id = `${link.tokenHash}:j:${newId()}`;
    await ctx.models.LinkUse.create({ _id: id, tokenHash: link.tokenHash, n: 0, userId, at: ctx.now() });
    return id;
  }
  const taken = await ctx.models.LinkUse.find({ tokenHash: link.tokenHash }, { n: 1 }).lean();
  const n = await claimFreeNumber(
    link.maxUses,
    taken.map((u) => u.n),
    (n) => ctx.models.LinkUse.create({ _id: `${link.tokenHash}:${n}`, tokenHash: link.tokenHash, n, userId, at: ctx.now() }),
  );
  if (n === null) throw new AppError('expired', 'This invite link has been used as many times as allowed. Ask for a new one.');
  return `${link.tokenHash}:${n}`;
}

export async function releaseLinkUse(ctx: AppContext, useId: string | null) {
  if (useId) await ctx.models.LinkUse.deleteOne({ _id: useId });
}

export const countLinkUses = (ctx: AppContext, link: Pick<InviteLinkDoc, 'tokenHash'>) => ctx.models.LinkUse.countDocuments({ tokenHash: link.tokenHash });
