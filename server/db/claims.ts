import type { Model } from 'mongoose';
import type { LockDoc } from './lock.model.js';
import { AppError } from '../http/errors.js';

/**
 * The one atomic primitive this project relies on: inserting a document whose
 * `_id` (or other unique key) is taken fails with E11000, exactly once per key,
 * however many writers race. It holds on MongoDB and on FerretDB's SQLite
 * backend alike.
 *
 * Read-modify-write updates do NOT hold on FerretDB 1.24 (SQLite): its handler
 * applies `$inc` and guarded `findOneAndUpdate` outside a transaction, so
 * parallel writers lose updates and pass guards they should fail (measured:
 * 50 parallel `$inc` → 6; 30 guarded increments past a limit of 10 all
 * succeed; FerretDB issue #3040). Counters that must hold under concurrency
 * (event sequences, seats, credits, slots) are therefore built from claims:
 * one document per unit, taken by insert, released by delete.
 */
export const isDuplicateKey = (err: unknown): boolean => (err as { code?: number } | null)?.code === 11000;

/**
 * Claims one free number in 1..limit (a seat, a use of a link…): tries the
 * numbers not yet taken, in random order so parallel claimers rarely
 * collide, with `insert` writing the document whose unique key holds that
 * number. Resolves to the number won, or null when none is left.
 */
export async function claimFreeNumber(limit: number, taken: Iterable<number>, insert: (n: number) => Promise<unknown>): Promise<number | null> {
  const takenSet = new Set(taken);
  const free = Array.from({ length: Math.max(0, limit) }, (_, i) => i + 1).filter((n) => !takenSet.has(n));
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [free[i], free[j]] = [free[j]!, free[i]!];
  }
  for (const n of free) {
    try {
      await insert(n);
      return n;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  return null;
}

/** A lock not renewed for this long was left by a process that died in its critical section. */
const STALE_LOCK_MS = 8_000;
/** A holder renews its lock this often, so a long critical section (a billing switch of a big workspace) is never taken for a dead one. */
const LOCK_RENEW_MS = 2_000;
/** A lock whose release failed (the database went away) is given back again this often, until it is. */
const RELEASE_RETRY_MS = 1_000;
const LOCK_WAIT_MS = 15_000;

/**
 * Runs `work` while holding the lock `key`, on every node at once: taken by
 * inserting `_id` = key (see isDuplicateKey), given back by deleting it.
 * For a check and a change that must not interleave with another's (does
 * this person still belong to the pool? then free their seat), which
 * neither database makes atomic. Waiters retry with jitter; a stale lock
 * is broken.
 */
export async function withLock<T>(locks: Model<LockDoc>, key: string, work: () => Promise<T>, opts: { waitMs?: number } = {}): Promise<T> {
  const waitMs = opts.waitMs ?? LOCK_WAIT_MS;
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    const at = new Date();
    try {
      await locks.create({ _id: key, at });
      break;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const held = await locks.findById(key).lean();
      if (held && Date.now() - held.at.getTime() > STALE_LOCK_MS) await locks.deleteOne({ _id: key, at: held.at });
      if (Date.now() > deadline) throw new AppError('unavailable', 'Another change of the same thing is under way. Try again in a moment.', { lock: key.split(':')[0] }, { 'Retry-After': '2' });
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 + attempt * 2) * (0.5 + Math.random())));
    }
  }
  const renew = setInterval(() => {
    locks.updateOne({ _id: key }, { $set: { at: new Date() } }).catch(() => undefined);
  }, LOCK_RENEW_MS);
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await release(locks, key);
  }
}

/** Gives a lock back; when the database cannot be reached, again in the background until it can (or the lock went stale anyway). */
async function release(locks: Model<LockDoc>, key: string) {
  const started = Date.now();
  const attempt = (): Promise<unknown> =>
    locks.deleteOne({ _id: key }).catch(async () => {
      if (Date.now() - started > STALE_LOCK_MS) return;
      await new Promise((resolve) => setTimeout(resolve, RELEASE_RETRY_MS).unref());
      return attempt();
    });
  await Promise.race([attempt(), new Promise((resolve) => setTimeout(resolve, 200).unref())]);
}
