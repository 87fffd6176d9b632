import type { AppContext } from '../context.js';
import { isDuplicateKey } from '../db/claims.js';
import { tagsOf } from '../cache/tags.js';

const MAX_PASSES = 50;

const sameCounts = (stored: Record<string, number>, fresh: object) =>
  Object.keys(stored).length === Object.keys(fresh).length && Object.entries(fresh).every(([k, v]) => stored[k] === v);

/**
 * Brings the tally `id` up to date with `recount()`: stores the recount
 * until a pass finds the stored counts equal to a fresh one. Whoever changes
 * what a tally counts calls this afterwards, so the last write of a tally is
 * followed by a recount that matched it, and any change after that recount
 * is followed by a write of its own: once changes stop, every tally is exact.
 * (Not `$inc`: FerretDB loses parallel increments, see db/claims.ts.)
 */
export async function settleTally<C extends object>(ctx: AppContext, id: string, recount: () => Promise<C>): Promise<C> {
  let counts!: C;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const [stored, fresh] = await Promise.all([ctx.models.Tally.findById(id).lean(), recount()]);
    counts = fresh;
    if (stored && sameCounts(stored.counts, fresh)) return fresh;
    try {
      await ctx.models.Tally.updateOne({ _id: id }, { $set: { counts: fresh, at: new Date() } }, { upsert: true });
    } catch (err) {
      // Two first writes of one tally: the other created it; check again.
      if (!isDuplicateKey(err)) throw err;
    }
  }
  ctx.log.warn({ tally: id }, 'tally still moving after many recounts; the next change settles it');
  return counts;
}

/** The stored counts of `id` (through the node cache), recounted and stored first if there are none yet. */
export function readTally<C extends object>(ctx: AppContext, id: string, recount: () => Promise<C>): Promise<C> {
  return ctx.cache.read(
    `tally:${id}`,
    async () => ((await ctx.models.Tally.findById(id).lean())?.counts as C | undefined) ?? settleTally(ctx, id, recount),
    () => tagsOf('tally', id),
  );
}

export async function dropTallies(ctx: AppContext, ids: string[]) {
  await Promise.all(ids.map((id) => ctx.models.Tally.deleteOne({ _id: id })));
}
