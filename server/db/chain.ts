import type { Model } from 'mongoose';
import { isDuplicateKey } from './claims.js';
import type { CounterDoc } from '../realtime/event.model.js';

/**
 * A chain: the entries of one owner numbered 1, 2, 3… with no gap, each
 * carrying the state after it (an event stream's position, a credit
 * balance). `_id` = `<chain>:<zero-padded seq>`, so appending entry n+1 is
 * an insert that fails, exactly once per number, when another writer took
 * it (db/claims.ts): the loser re-reads the head, re-checks, retries. Two
 * writers can never both append after the same entry, so a guard checked
 * against the head ("the balance stays ≥ 0") holds under any concurrency,
 * on MongoDB and FerretDB alike, where a guarded update would not.
 *
 * The newest number is also kept as a hint in `counters` (`$max`, after the
 * insert): it may lag, never lead, and finding the head walks forward from
 * it by `_id`, so a lost hint costs a few lookups, never correctness.
 */
export interface ChainLink {
  _id: string;
  seq: number;
}

export const linkId = (chain: string, seq: number) => `${chain}:${String(seq).padStart(12, '0')}`;

/** The sequence number of an entry id of `chain`, or null when the id belongs elsewhere. */
export function seqOfLink(chain: string, id: string): number | null {
  if (!id.startsWith(chain + ':')) return null;
  const n = Number(id.slice(chain.length + 1));
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The head of a chain: its newest entry when still stored (an old one may be swept), and its number. */
export interface ChainHead<E> {
  seq: number;
  entry: E | null;
}

const MAX_ATTEMPTS = 1000;

export interface AppendOptions<E> {
  /**
   * The entry to store after `head` (its `_id` and `seq` are set by the
   * chain), or a thrown error to refuse (the guard). Called again, with the
   * new head, after losing a race.
   */
  next(head: ChainHead<E>): Omit<E, '_id' | 'seq'>;
  /** After a duplicate key: the entry this very change already stored, if it did (another unique key such as an operation id). */
  alreadyStored?(): Promise<E | null>;
}

export class ChainWriter<E extends ChainLink> {
  /** The head this node last saw or wrote, per chain. */
  private readonly heads = new Map<string, ChainHead<E>>();
  /** One append at a time per chain on this node: this node's writers never collide, and entries leave in order. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly model: Model<E>,
    private readonly counters: Model<CounterDoc>,
    private readonly onHintError: (err: unknown, chain: string) => void = () => {},
  ) {}

  /** Appends the entry `next` makes from the head; resolves to the stored entry. */
  append(chain: string, opts: AppendOptions<E>): Promise<E> {
    const previous = this.queues.get(chain) ?? Promise.resolve();
    const run = previous.catch(() => {}).then(() => this.store(chain, opts));
    this.queues.set(chain, run);
    void run
      .finally(() => {
        if (this.queues.get(chain) === run) this.queues.delete(chain);
      })
      .catch(() => {});
    return run;
  }

  /** The newest entry of the chain as stored now: from what this node knows (or the hint), walking forward by `_id`. */
  async head(chain: string): Promise<ChainHead<E>> {
    let head = this.heads.get(chain) ?? (await this.fromHint(chain));
    for (;;) {
      const newer = (await this.model.findById(linkId(chain, head.seq + 1)).lean()) as E | null;
      if (!newer) break;
      head = { seq: newer.seq, entry: newer };
    }
    this.remember(chain, head);
    return head;
  }

  /** The hint's number, without reading the entry (what a fresh event subscriber's cursor needs). */
  async hintOf(chain: string): Promise<number> {
    return (await this.counters.findById(chain).lean())?.seq ?? 0;
  }

  /** The head this node last wrote or saw, without a read. */
  knownHead(chain: string): ChainHead<E> | undefined {
    return this.heads.get(chain);
  }

  /** The newest number this node has written or seen, without a read; 0 when it knows none. */
  knownSeq(chain: string): number {
    return this.heads.get(chain)?.seq ?? 0;
  }

  private async fromHint(chain: string): Promise<ChainHead<E>> {
    const seq = await this.hintOf(chain);
    if (seq === 0) return { seq: 0, entry: null };
    return { seq, entry: (await this.model.findById(linkId(chain, seq)).lean()) as E | null };
  }

  private remember(chain: string, head: ChainHead<E>) {
    const known = this.heads.get(chain);
    if (!known || known.seq <= head.seq) this.heads.set(chain, head);
  }

  private async store(chain: string, opts: AppendOptions<E>): Promise<E> {
    let head = this.heads.get(chain) ?? (await this.head(chain));
    for (let attempt = 0; ; attempt++) {
      const seq = head.seq + 1;
      const entry = { ...opts.next(head), _id: linkId(chain, seq), seq } as E;
      try {
        await this.model.create(entry);
        this.remember(chain, { seq, entry });
        this.advanceHint(chain, seq);
        return entry;
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= MAX_ATTEMPTS) throw err;
        const stored = await opts.alreadyStored?.();
        if (stored) return stored;
        // Someone else wrote entry `seq`: start from it.
        this.heads.delete(chain);
        const taken = (await this.model.findById(linkId(chain, seq)).lean()) as E | null;
        if (taken) this.remember(chain, { seq, entry: taken });
        head = await this.head(chain);
      }
    }
  }

  /** Moves the hint after the insert; `$max`, so it never moves back, and a lost update only costs lookups. */
  private advanceHint(chain: string, seq: number) {
    this.counters.updateOne({ _id: chain }, { $max: { seq } }, { upsert: true }).catch((err: unknown) => {
      if (!isDuplicateKey(err)) this.onHintError(err, chain);
    });
  }
}
