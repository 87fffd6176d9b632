import { streamStart, type CountedAudience, type EventEnvelope, type StreamCounts, type SubscribeResult } from './events.js';

/**
 * Puts one workspace stream's events in order for one subscriber, whatever
 * node they came through. Events of several nodes reach a socket by
 * different paths (its own node at once, the others through Redis), so they
 * can arrive out of sequence, and an event whose node died between storing
 * and pushing it never arrives live at all. Each counted event carries
 * `order`: how many events of each audience came before it in the stream.
 * A subscriber knows its audiences (the subscribe ack says them), so it
 * knows exactly which event comes next for it, whatever it may not see:
 *
 * - the next one is shown at once;
 * - one already shown (live, then again in a replay) is dropped;
 * - one past a hole is held; the hole is usually filled a moment later by
 *   the other path, and when it is not within `holeMs`, the owner
 *   subscribes again with `since` = the last event in order, and the replay
 *   fills it.
 *
 * Content events (`item`, personal to each recipient) and events stored
 * before streams were counted carry no `order`: they are shown once by id.
 */
export interface EventOrderOwner {
  /** Shows an event: each once, counted events in stream order. */
  deliver(envelope: EventEnvelope): void;
  /** A hole did not fill in time: subscribe again with `since()`. */
  resubscribe(): void;
  /** A hole a replay could not fill either (should not happen): reload the screen's data. */
  resync?(): void;
}

export interface EventOrderOptions {
  /** How long an event past a hole waits for the hole to fill before a resubscription (ms). */
  holeMs?: number;
  /** How many ids of uncounted events are remembered to drop their repeats. */
  remember?: number;
}

type Ack = Pick<SubscribeResult, 'missed' | 'resync' | 'cursor'> & Partial<Pick<SubscribeResult, 'audiences' | 'position'>>;

const AUDIENCES: CountedAudience[] = ['members', 'admins', 'apiKeys'];
const after = (e: EventEnvelope): StreamCounts => {
  const { audience, before } = e.order!;
  return { ...before, [audience]: before[audience] + 1 };
};
const byId = (a: EventEnvelope, b: EventEnvelope) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class EventOrder {
  /** The stream's counts after the last event shown in order; null until known (then ids decide). */
  #counts: StreamCounts | null = null;
  /** Where the counts stand: the `since` of the next subscription. */
  #since: string | null = null;
  #audiences: Set<CountedAudience> | null = null;
  /** Events that arrived while a subscription was being made. */
  #held: EventEnvelope[] | null = null;
  /** Events past a hole, by id. */
  #waiting = new Map<string, EventEnvelope>();
  #holeTimer: ReturnType<typeof setTimeout> | null = null;
  #seen = new Set<string>();
  /** Counted events shown lately, with when: where a catch-up replays from. */
  #history: { at: number; id: string }[] = [];
  /** The rewound `since` of the subscription under way, given back if it fails. */
  #asked: string | null = null;
  /** Where this subscription began (its first cursor), or the oldest counted event forgotten from the history. */
  #start: string | null = null;
  /** A one-off `since` further back than the counts (a catch-up), for the next subscription. */
  #rewound: string | null = null;
  #closed = false;
  readonly #holeMs: number;
  readonly #remember: number;

  constructor(
    readonly stream: string,
    private readonly owner: EventOrderOwner,
    options: EventOrderOptions = {},
  ) {
    this.#holeMs = options.holeMs ?? 1000;
    this.#remember = options.remember ?? 2000;
  }

  /** The last event id in order: the `since` of the next subscription (null: none yet). */
  since(): string | null {
    return this.#rewound ?? this.#since;
  }

  /**
   * The next subscription replays from the last counted event shown at
   * least `ms` ago, not from the last one: content events carry no count,
   * so one whose push was lost (its node died as it sent it) leaves no hole
   * to find; a replay reaching back past it brings it. What was shown
   * already is dropped again. Used after a reconnection and a `streams:check`.
   */
  rewind(ms: number) {
    const before = Date.now() - ms;
    let back: string | null = null;
    for (const h of this.#history) if (h.at <= before) back = h.id;
    // Nothing that old: from the oldest point known (the subscription's start, or the first event remembered).
    this.#rewound = back ?? this.#start ?? this.#since;
  }

  /** Events waiting for a hole to fill (for tests and diagnostics). */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** A live event of the stream. */
  receive(envelope: EventEnvelope) {
    if (this.#closed) return;
    if (this.#held) this.#held.push(envelope);
    else {
      this.#take(envelope);
      this.#settle();
    }
  }

  /** A subscription is being made: events are held until its ack. */
  subscribing() {
    this.#held ??= [];
    // The subscription being made carries the rewound `since` (owners read `since()` first): it is used up.
    this.#asked = this.#rewound;
    this.#rewound = null;
  }

  /**
   * The subscription's ack: its replay, then what arrived meanwhile, then
   * what waited past a hole. A first subscription (no `since`) or a resync
   * starts from the ack's cursor instead.
   */
  subscribed(ack: Ack) {
    if (this.#closed) return;
    if (ack.audiences) this.#audiences = new Set(ack.audiences);
    const replayed = !ack.resync && this.#since !== null;
    this.#asked = null;
    if (!replayed) {
      this.#counts = ack.position ?? null;
      // An empty stream: a later replay starts from its beginning.
      this.#since = ack.cursor ?? (ack.position ? streamStart(this.stream) : null);
      this.#start = this.#since;
      this.#history = [];
    }
    const held = this.#held ?? [];
    this.#held = null;
    // What waited before this replay was read must be filled by it.
    const waitedBefore = replayed ? new Set(this.#waiting.keys()) : new Set<string>();
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const e of [...(replayed ? ack.missed : []), ...held, ...waiting].sort(byId)) {
      // Audiences may have shrunk (a demotion): a counted event no longer ours is dropped.
      this.#take(e);
    }
    if ([...this.#waiting.keys()].some((id) => waitedBefore.has(id))) this.#giveUp();
    this.#settle();
  }

  /** Starts over from the ack's cursor (a resync: the owner reloads its data). */
  reset(ack: Ack) {
    this.#since = null;
    this.#waiting.clear();
    this.subscribed({ ...ack, resync: true });
  }

  /** The subscription got no ack (connection lost meanwhile): what was held is taken as it is. */
  subscribeFailed() {
    this.#rewound ??= this.#asked;
    this.#asked = null;
    const held = this.#held ?? [];
    this.#held = null;
    for (const e of held.sort(byId)) this.#take(e);
    if (this.#holeTimer) clearTimeout(this.#holeTimer);
    this.#holeTimer = null;
    // The next subscription repairs the hole; no timer runs without a connection.
  }

  /** Nobody watches the stream for now: nothing waits; the next subscription replays from `since()`. */
  pause() {
    if (this.#holeTimer) clearTimeout(this.#holeTimer);
    this.#holeTimer = null;
    this.#waiting.clear();
    this.#held = null;
  }

  close() {
    this.#closed = true;
    if (this.#holeTimer) clearTimeout(this.#holeTimer);
    this.#holeTimer = null;
    this.#waiting.clear();
    this.#held = null;
  }

  #take(e: EventEnvelope) {
    if (this.#seen.has(e.id)) return;
    if (!e.order || !this.#audiences || !this.#audiences.has(e.order.audience)) return this.#uncounted(e);
    if (e.order.restart || this.#counts === null) return this.#show(e);
    const gap = this.#gap(e);
    if (gap < 0) return;
    if (gap > 0) return void this.#waiting.set(e.id, e);
    this.#show(e);
    // What waited may come next now.
    for (let next = this.#nextWaiting(); next; next = this.#nextWaiting()) {
      this.#waiting.delete(next.id);
      if (this.#gap(next) === 0) this.#show(next);
    }
  }

  /** How many events this subscriber should see come between what it showed and `e`. */
  #gap(e: EventEnvelope) {
    let gap = 0;
    for (const a of this.#audiences!) gap += e.order!.before[a] - this.#counts![a];
    return gap;
  }

  /** A waiting event that is next (or was overtaken), if any. */
  #nextWaiting() {
    for (const e of this.#waiting.values()) if (this.#gap(e) <= 0) return e;
    return undefined;
  }

  #show(e: EventEnvelope) {
    this.#counts = after(e);
    this.#since = e.id;
    const now = Date.now();
    this.#history.push({ at: now, id: e.id });
    // A minute of history is more than any catch-up asks for.
    while (this.#history.length > 1 && (this.#history.length > 500 || this.#history[0]!.at < now - 60_000)) this.#start = this.#history.shift()!.id;
    this.#remembered(e.id);
    this.owner.deliver(e);
  }

  #uncounted(e: EventEnvelope) {
    // Without counts, ids decide: one at or below the last one shown was shown (the old rule).
    if (e.order && this.#audiences) return; // counted, but not for an audience of ours: not ours to show
    if (!e.order && this.#counts === null && (this.#since === null || e.id > this.#since) && e.id.startsWith(this.stream + ':') && !isItem(e)) this.#since = e.id;
    this.#remembered(e.id);
    this.owner.deliver(e);
  }

  #remembered(id: string) {
    if (this.#seen.size >= this.#remember) {
      // Forget the oldest half: what is forgotten is below every count anyway.
      let drop = this.#seen.size / 2;
      for (const old of this.#seen) {
        if (drop-- <= 0) break;
        this.#seen.delete(old);
      }
    }
    this.#seen.add(id);
  }

  /** Starts or stops the hole timer after events were taken. */
  #settle() {
    if (this.#waiting.size === 0) {
      if (this.#holeTimer) clearTimeout(this.#holeTimer);
      this.#holeTimer = null;
      return;
    }
    if (this.#holeTimer || this.#held) return;
    this.#holeTimer = setTimeout(() => {
      this.#holeTimer = null;
      if (!this.#closed && this.#waiting.size > 0) this.owner.resubscribe();
    }, this.#holeMs);
  }

  /** A hole that a replay did not fill: show what waited, in order, and let the owner reload. */
  #giveUp() {
    const waiting = [...this.#waiting.values()].sort(byId);
    this.#waiting.clear();
    for (const e of waiting) if (!this.#seen.has(e.id)) this.#show(e);
    this.owner.resync?.();
  }
}

/** Content events are counted in no audience: they carry no `order`, and their id never moves `since` past a hole. */
const isItem = (e: EventEnvelope) => typeof e.data === 'object' && e.data !== null && 'item' in e.data;

export { AUDIENCES as COUNTED_AUDIENCES };
