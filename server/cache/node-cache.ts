import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';

/**
 * How invalidations reach the other nodes (see invalidation-bus.ts). Without
 * one the console runs on a single node and every write passes through this
 * node's own cache.
 */
export interface InvalidationBus {
  /** Whether every other node's invalidations reach this node right now; while they may not, nothing cached is trusted. */
  healthy(): boolean;
  /** Moves on each time trust was lost and regained: what was cached before may have missed an invalidation. */
  readonly epoch: number;
  /**
   * Tells every other node that `tags` changed. Resolves once each node has
   * applied it, or once no node can still hold an entry read before the
   * change (the entries' lifetime has passed): never earlier.
   */
  broadcast(tags: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface NodeCacheOptions {
  /** Every entry's life, counted from the start of the read that filled it. */
  ttlMs?: number;
  max?: number;
  /** Monotonic milliseconds (tests move it by hand). */
  clock?: () => number;
}

/** Tags of a value worth keeping, or null to hand it out without keeping it. */
export type TagsOf<V> = (value: V) => readonly string[] | null;

interface Entry {
  value: unknown;
  tags: readonly string[];
  /** The invalidation count when the read that filled it began. */
  tick: number;
  epoch: Epoch;
}

/** This node's own starts-over and the bus's regained trusts: an entry counts only within the pair it was read in. */
interface Epoch {
  local: number;
  bus: number;
}

interface Fill {
  promise: Promise<unknown>;
  began: Began;
}

interface Began {
  tick: number;
  epoch: Epoch;
  at: number;
}

/** A few seconds: the longest a node that stopped hearing invalidations could go on answering from memory. */
export const CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 50_000;
/** Past this many remembered invalidations the cache starts over instead (a burst of writes; memory stays bounded). */
const MAX_REMEMBERED = 100_000;

/**
 * The per-node cache of the request path (sessions, users, memberships,
 * workspaces, computed access, stored counts). Each entry is kept under
 * tags naming what it was read from; a write anywhere invalidates the tags
 * it touched, here at once and on every node before the write returns
 * (see cache-hooks.ts).
 *
 * Rules that make it safe:
 * - A read that began before an invalidation of one of its tags is never
 *   kept, and never shared with a read that began after it: every
 *   invalidation is numbered, an entry remembers the number its read began
 *   at, and a tag invalidated since makes it stale.
 * - An entry lives `ttlMs` from the start of its read, whatever happens.
 * - While the bus says invalidations may not be arriving, nothing is read
 *   from or kept in the cache; once they arrive again, nothing kept before
 *   counts (the bus's epoch moved).
 *
 * Cached values are shared between requests and frozen: callers never
 * change them.
 */
export class NodeCache {
  readonly ttlMs: number;
  private readonly clock: () => number;
  private readonly entries: LRUCache<string, Entry>;
  /** tag → number and time of its latest invalidation; forgotten once no entry can predate it. */
  private readonly invalidated = new Map<string, { tick: number; at: number }>();
  private readonly fills = new Map<string, Fill>();
  private ticks = 0;
  private localEpoch = 0;
  private bus: InvalidationBus | null = null;
  private readonly listeners = new Set<(tags: readonly string[]) => void>();

  constructor(opts: NodeCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? CACHE_TTL_MS;
    this.clock = opts.clock ?? (() => performance.now());
    this.entries = new LRUCache<string, Entry>({ max: opts.max ?? MAX_ENTRIES, ttl: this.ttlMs, ttlResolution: 0, perf: { now: this.clock } });
  }

  /** Invalidations from other nodes arrive through `bus`; this node's go out through it. */
  useBus(bus: InvalidationBus | null) {
    this.bus = bus;
  }

  /** Whether cached entries may be used right now. */
  trusted(): boolean {
    return this.bus === null || this.bus.healthy();
  }

  private epoch(): Epoch {
    return { local: this.localEpoch, bus: this.bus?.epoch ?? 0 };
  }

  private inEpoch(epoch: Epoch) {
    return epoch.local === this.localEpoch && epoch.bus === (this.bus?.epoch ?? 0);
  }

  /**
   * The value under `key`: a current entry, or `load()`'s result. Parallel
   * misses of one key share one load, unless an invalidation (or a lapse of
   * trust, or an entry's lifetime) came between.
   * The result is kept under `tagsOf(value)` if no such tag was invalidated
   * while it loaded.
   */
  read<V>(key: string, load: () => Promise<V>, tagsOf: TagsOf<V>): Promise<V> {
    if (!this.trusted()) return load();
    const entry = this.entries.get(key);
    if (entry && this.isCurrent(entry)) return Promise.resolve(entry.value as V);
    const shared = this.fills.get(key);
    if (shared && this.inEpoch(shared.began.epoch) && this.clock() - shared.began.at < this.ttlMs) return shared.promise as Promise<V>;

    const began: Began = { tick: this.ticks, epoch: this.epoch(), at: this.clock() };
    const promise = load().then((value) => {
      const tags = tagsOf(value);
      if (tags) this.keep(key, value, tags, began);
      return value;
    });
    const fill: Fill = { promise, began };
    this.fills.set(key, fill);
    const done = () => {
      if (this.fills.get(key) === fill) this.fills.delete(key);
    };
    promise.then(done, done);
    return promise;
  }

  private keep(key: string, value: unknown, tags: readonly string[], began: Began) {
    if (!this.trusted() || !this.inEpoch(began.epoch)) return;
    if (this.clock() - began.at >= this.ttlMs) return;
    const entry: Entry = { value: deepFreeze(value), tags, tick: began.tick, epoch: began.epoch };
    if (!this.isCurrent(entry)) return;
    this.entries.set(key, entry, { start: began.at });
  }

  private isCurrent(entry: Entry): boolean {
    if (!this.inEpoch(entry.epoch)) return false;
    for (const tag of entry.tags) {
      const last = this.invalidated.get(tag);
      if (last && last.tick > entry.tick) return false;
    }
    return true;
  }

  /** Marks `tags` changed on this node only (what the bus calls for other nodes' writes). */
  apply(tags: readonly string[]) {
    if (tags.length === 0) return;
    const at = this.clock();
    const tick = ++this.ticks;
    for (const tag of tags) {
      this.invalidated.delete(tag);
      this.invalidated.set(tag, { tick, at });
    }
    // A read in flight began before this: later readers start their own.
    this.fills.clear();
    this.forgetOld(at);
    for (const listener of this.listeners) listener(tags);
  }

  /**
   * Hears every invalidation applied on this node — its own writes' and, over
   * the bus, every other node's — for live state that must follow the
   * database (co-editing connections). Listeners must not throw or block.
   */
  onInvalidate(listener: (tags: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Marks `tags` changed here, then on every node: resolves once no node
   * will answer from an entry read before the change. Call it after the
   * write, before replying. `confirmed: false` only sends it (for counts a
   * screen shows, where a moment's delay on another node does no harm).
   */
  async invalidate(tags: readonly string[], opts: { confirmed?: boolean } = {}): Promise<void> {
    this.apply(tags);
    const sent = this.bus?.broadcast(tags);
    if (opts.confirmed ?? true) await sent;
  }

  /** Drops everything this node has cached. */
  clear() {
    this.localEpoch++;
    this.entries.clear();
    this.fills.clear();
    this.invalidated.clear();
  }

  /** An invalidation older than an entry's life can no longer make one stale. */
  private forgetOld(now: number) {
    if (this.invalidated.size > MAX_REMEMBERED) return this.clear();
    for (const [tag, last] of this.invalidated) {
      if (now - last.at <= this.ttlMs + 1_000) break;
      this.invalidated.delete(tag);
    }
  }

  get size() {
    return this.entries.size;
  }

  async close() {
    await this.bus?.close();
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Date)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
