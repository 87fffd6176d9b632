import type { AppContext } from '../context.js';
import type { Role } from '../../shared/schemas/auth.js';
import type { Resolution } from '../../shared/access.js';
import { findByIds } from '../db/lookups.js';
import { accessWithin } from './access-loader.js';
import { grantId, type GrantDoc, type ItemDoc } from './item.model.js';

/**
 * One person's access to many items of a workspace at once (a list's
 * batches). An item's chain is the folders above it (its materialised
 * `ancestorIds`) and itself; each folder and each of the person's grants
 * along the chains is read once, by `_id`, and remembered for the next
 * batches of the same list — within one folder the chain above is shared,
 * so a batch costs its items' own grant lookups and nothing more.
 * The resolver (shared/access.ts) decides; this only gathers its facts.
 */
export class ChainResolver {
  private readonly items = new Map<string, ItemDoc | null>();
  private readonly grants = new Map<string, GrantDoc | null>();

  constructor(
    private readonly ctx: AppContext,
    private readonly workspaceId: string,
    private readonly userId: string,
    private readonly role: Role | null,
    known: ItemDoc[] = [],
  ) {
    for (const d of known) this.items.set(d._id, d);
  }

  /** Tells what is already known of the person's grants (e.g. the list came from their grants). */
  knowGrants(grants: GrantDoc[]) {
    for (const g of grants) if (g.userId === this.userId) this.grants.set(g.itemId, g);
  }

  /** The chain of an item from the top folder down to itself (a folder deleted a moment ago is left out, as ancestorsOf does). */
  chainOf(doc: ItemDoc): ItemDoc[] {
    const above = doc.ancestorIds.map((id) => this.items.get(id)).filter((d): d is ItemDoc => !!d && d.workspaceId === this.workspaceId);
    return [...above, doc];
  }

  /** The resolver's answer for each item, in order. */
  async resolve(docs: ItemDoc[]): Promise<Resolution[]> {
    for (const d of docs) this.items.set(d._id, d);
    const missing = [...new Set(docs.flatMap((d) => d.ancestorIds))].filter((id) => !this.items.has(id));
    if (missing.length) {
      const found = await findByIds(this.ctx.models.Item, missing);
      for (const id of missing) this.items.set(id, found.get(id) ?? null);
    }
    const chains = docs.map((d) => this.chainOf(d));
    const unread = [...new Set(chains.flat().map((c) => c._id))].filter((id) => !this.grants.has(id));
    if (unread.length) {
      const found = await findByIds(this.ctx.models.Grant, unread.map((id) => grantId(id, this.userId)));
      for (const id of unread) this.grants.set(id, found.get(grantId(id, this.userId)) ?? null);
    }
    const now = this.ctx.now();
    return chains.map((chain) =>
      accessWithin(this.userId, this.role, chain, chain.map((c) => this.grants.get(c._id)).filter((g): g is GrantDoc => !!g), now),
    );
  }
}

/** The items of a folder's subtree (at every depth): what a delete takes, what a move rewrites. */
export function descendantsOf(ctx: AppContext, folder: Pick<ItemDoc, '_id' | 'workspaceId'>) {
  return ctx.models.Item.find({ workspaceId: folder.workspaceId, ancestorIds: folder._id }, { _id: 1, ancestorIds: 1, kind: 1 }).lean<Pick<ItemDoc, '_id' | 'ancestorIds' | 'kind'>[]>();
}

/** How many items a folder holds at every depth. */
export function countDescendants(ctx: AppContext, folder: Pick<ItemDoc, '_id' | 'workspaceId'>) {
  return ctx.models.Item.countDocuments({ workspaceId: folder.workspaceId, ancestorIds: folder._id });
}

/** The ancestor ids of an item placed in `parent` (null = top level). */
export const ancestorIdsUnder = (parent: Pick<ItemDoc, '_id' | 'ancestorIds'> | null): string[] => (parent ? [...parent.ancestorIds, parent._id] : []);

/**
 * The folders above an item that the person can see: what its path shows.
 * Access flows down the tree (every reason a folder gives holds for what is
 * inside it), so the visible folders are the lower part of the chain; a
 * folder above them — someone's private folder holding a draft shared on its
 * own — is left out, name and all.
 */
export async function visibleAncestors(ctx: AppContext, workspaceId: string, userId: string, role: Role | null, ancestors: ItemDoc[]): Promise<ItemDoc[]> {
  if (ancestors.length === 0) return [];
  const resolutions = await new ChainResolver(ctx, workspaceId, userId, role, ancestors).resolve(ancestors);
  const first = resolutions.findIndex((r) => r.access !== 'none');
  return first === -1 ? [] : ancestors.slice(first);
}
