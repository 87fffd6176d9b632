import type { AppContext } from '../context.js';
import { withLock } from '../db/claims.js';
import { ancestorsOf, viewersOf } from '../content/access-loader.js';
import type { GrantDoc, ItemDoc } from '../content/item.model.js';
import { announceSharing, expiredGrants, sharingAudit } from './sharing.service.js';

/**
 * Deletes the grants whose end has come. They already counted for nothing
 * (the resolver ignores an expired grant); the sweep tidies them away and
 * tells screens as a change would: `item.sharing.updated` to those who see
 * the item, `access.revoked` to a grantee left with no access. Returns how
 * many grants went.
 */
export async function sweepExpiredGrants(ctx: AppContext): Promise<number> {
  const expired = await expiredGrants(ctx);
  const byItem = new Map<string, GrantDoc[]>();
  for (const g of expired) byItem.set(g.itemId, [...(byItem.get(g.itemId) ?? []), g]);
  let swept = 0;
  for (const [itemId, grants] of byItem) {
    swept += await withLock(ctx.models.Lock, `sharing:${itemId}`, async () => {
      const item = await ctx.models.Item.findById(itemId).lean<ItemDoc>();
      const workspace = item ? await ctx.models.Workspace.findById(item.workspaceId).lean() : null;
      // Still expired under the lock (a writer may have renewed one meanwhile).
      const now = ctx.now().getTime();
      const fresh = (await Promise.all(grants.map((g) => ctx.models.Grant.findById(g._id).lean<GrantDoc>()))).filter((g): g is GrantDoc => !!g?.expiresAt && g.expiresAt.getTime() <= now);
      const all = item ? await ctx.models.Grant.find({ itemId }).lean<GrantDoc[]>() : [];
      await Promise.all(fresh.map((g) => ctx.models.Grant.deleteOne({ _id: g._id })));
      if (!item || !workspace || fresh.length === 0) return fresh.length;
      const gone = new Set(fresh.map((g) => g._id));
      const chain = [...(await ancestorsOf(ctx, item)), item];
      const viewers = await viewersOf(ctx, workspace, chain);
      // Who the expired grants gave access to, as if they still counted: those not among the viewers now lost it.
      const seen = new Set(viewers.map((v) => v.userId));
      const lost = [...new Set(fresh.map((g) => g.userId))].filter((id) => !seen.has(id));
      const before = [...viewers, ...lost.map((userId) => ({ userId, role: 'viewer' as const, resolution: { access: 'view' as const, manage: false, capped: false, reasons: [] } }))];
      await announceSharing(ctx, workspace, item, null, before, viewers, {
        before: await sharingAudit(ctx, workspace._id, item, all),
        after: await sharingAudit(ctx, workspace._id, item, all.filter((g) => !gone.has(g._id))),
      });
      return fresh.length;
    });
  }
  if (swept) ctx.log.info({ swept }, 'swept expired grants');
  return swept;
}
