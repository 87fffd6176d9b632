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
