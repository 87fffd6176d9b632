import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventOrder } from '../../shared/event-order.js';
import { catchUpMs, streamStart, type CountedAudience, type EventEnvelope, type StreamCounts } from '../../shared/events.js';

/**
 * The subscriber's side of stream order (shared/event-order.ts), against a
 * model of the server: a stream of counted and content events, delivered
 * shuffled, repeated and with some never pushed (their node died), the
 * subscriber's resubscriptions answered by a replay of the model.
 */
const STREAM = 'workspace:w1';
const id = (seq: number) => `${STREAM}:${String(seq).padStart(12, '0')}`;
const seqOf = (eventId: string) => Number(eventId.slice(eventId.lastIndexOf(':') + 1));

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Audience = CountedAudience | 'item';
function makeStream(audiences: Audience[]) {
  const counts: StreamCounts = { members: 0, admins: 0, apiKeys: 0 };
  return audiences.map((audience, i): EventEnvelope & { audience: Audience; after: StreamCounts } => {
    const before = { ...counts };
    if (audience !== 'item') counts[audience]++;
    return {
      id: id(i + 1),
      type: 'workspace.updated',
      workspaceId: 'w1',
      actorId: null,
      at: new Date(0).toISOString(),
      data: audience === 'item' ? { item: { id: `i${i}` } } : { n: i + 1 },
      ...(audience === 'item' ? {} : { order: { audience, before } }),
      audience,
      after: { ...counts },
    };
  });
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('EventOrder', () => {
  it('shows every event of its audiences once, in stream order, over random shuffles, repeats and lost pushes', async () => {
    let repaired = 0;
    for (let run = 0; run < 300; run++) {
      const random = rng(1000 + run);
      const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
      const kinds: Audience[] = ['members', 'members', 'admins', 'apiKeys', 'item'];
      const events = makeStream(Array.from({ length: 5 + Math.floor(random() * 60) }, () => pick(kinds)));
      const mine: CountedAudience[] = pick([['members'], ['members', 'admins'], ['members', 'apiKeys'], ['members', 'admins', 'apiKeys']]);
      const ours = (e: (typeof events)[number]) => e.audience === 'item' || mine.includes(e.audience);
      // The subscriber starts at a random point; what came before is on its screen already.
      const start = Math.floor(random() * events.length * 0.3);
      const cursor = start > 0 ? events[start - 1]! : null;
      const shown: EventEnvelope[] = [];
      let resubscriptions = 0;
      let resyncs = 0;
      const replay = (since: string) => events.filter((e) => seqOf(e.id) > seqOf(since) && ours(e));
      const order: EventOrder = new EventOrder(STREAM, {
        deliver: (e) => shown.push(e),
        resubscribe: () => {
          resubscriptions++;
          const since = order.since()!;
          order.subscribing();
          // Something may arrive live while the replay is read.
          queueMicrotask(() => order.subscribed({ missed: replay(since), resync: false, cursor: events.at(-1)!.id, audiences: mine, position: null }));
        },
        resync: () => resyncs++,
      });
      order.subscribing();
      order.subscribed({ missed: [], resync: false, cursor: cursor?.id ?? null, audiences: mine, position: cursor?.after ?? { members: 0, admins: 0, apiKeys: 0 } });
      expect(order.since()).toBe(cursor?.id ?? streamStart(STREAM));
      // Live pushes: each of ours after the cursor, some twice, some never (a node died), in a shuffled order.
      const live = events.slice(start).filter(ours).flatMap((e) => (random() < 0.1 ? [] : random() < 0.15 ? [e, e] : [e]));
      for (let i = live.length - 1; i > 0; i--) {
        const j = Math.max(0, i - Math.floor(random() * 4));
        [live[i], live[j]] = [live[j]!, live[i]!];
      }
      for (const e of live) {
        order.receive(e);
        if (random() < 0.2) await vi.advanceTimersByTimeAsync(Math.floor(random() * 300));
      }
      await vi.advanceTimersByTimeAsync(5000);
      // The last events, never pushed, leave no hole behind them: the server's nudge after a lost
      // node or a Redis outage (\`streams:check\`) makes every subscriber replay from where it is.
      const since = order.since()!;
      order.subscribing();
      order.subscribed({ missed: replay(since), resync: false, cursor: events.at(-1)!.id, audiences: mine, position: null });
      const expected = events.slice(start).filter(ours);
      const counted = (es: EventEnvelope[]) => es.filter((e) => e.order).map((e) => e.id);
      const context = `run ${run}, audiences ${mine.join('+')}`;
      expect(counted(shown), context).toEqual(counted(expected));
      expect(new Set(shown.map((e) => e.id)).size, context).toBe(shown.length);
      // A content event never pushed is not a hole it can see: it comes back only with a replay.
      const items = shown.filter((e) => !e.order).map((e) => e.id);
      for (const e of live.filter((x) => !x.order)) expect(items, context).toContain(e.id);
      expect(resyncs, context).toBe(0);
      expect(order.waiting).toBe(0);
      if (live.length === new Set(live).size && live.every((e, i) => i === 0 || seqOf(e.id) > seqOf(live[i - 1]!.id)) && live.filter((e) => e.order).length === expected.filter((e) => e.order).length) {
        expect(resubscriptions, context).toBe(0);
      }
      repaired += resubscriptions;
      order.close();
    }
    // The mixes did lose pushes, and the holes were found and repaired by replays.
    expect(repaired).toBeGreaterThan(100);
  });

  it('waits for an overtaken event rather than dropping it, without asking the server', async () => {
    const events = makeStream(['members', 'members', 'members']);
    const shown: string[] = [];
    const resubscribe = vi.fn();
    const order = new EventOrder(STREAM, { deliver: (e) => shown.push(e.id), resubscribe });
    order.subscribing();
    order.subscribed({ missed: [], resync: false, cursor: null, audiences: ['members'], position: { members: 0, admins: 0, apiKeys: 0 } });
    order.receive(events[1]!);
    order.receive(events[2]!);
    expect(shown).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    order.receive(events[0]!);
    expect(shown).toEqual([id(1), id(2), id(3)]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(resubscribe).not.toHaveBeenCalled();
  });

  it('asks for a replay from the last event in order when a hole does not fill, and from the start of a stream that was empty', async () => {
    const events = makeStream(['members', 'admins', 'members']);
    const shown: string[] = [];
    const resubscribe = vi.fn();
    const order = new EventOrder(STREAM, { deliver: (e) => shown.push(e.id), resubscribe }, { holeMs: 1000 });
    order.subscribing();
    order.subscribed({ missed: [], resync: false, cursor: null, audiences: ['members', 'admins'], position: { members: 0, admins: 0, apiKeys: 0 } });
    expect(order.since()).toBe(streamStart(STREAM));
    order.receive(events[2]!);
    await vi.advanceTimersByTimeAsync(999);
    expect(resubscribe).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(resubscribe).toHaveBeenCalledTimes(1);
    expect(shown).toEqual([]);
    order.subscribing();
    order.subscribed({ missed: [events[0]!, events[1]!, events[2]!], resync: false, cursor: id(3), audiences: ['members', 'admins'], position: null });
    expect(shown).toEqual([id(1), id(2), id(3)]);
    expect(order.since()).toBe(id(3));
  });

  it('drops what a demotion took away and starts over at the cursor of a resync', async () => {
    const events = makeStream(['members', 'admins', 'members', 'admins', 'members']);
    const shown: string[] = [];
    const order = new EventOrder(STREAM, { deliver: (e) => shown.push(e.id), resubscribe: () => {} });
    order.subscribing();
    order.subscribed({ missed: [], resync: false, cursor: id(1), audiences: ['members', 'admins'], position: events[0]!.after });
    order.receive(events[3]!); // waits for event 2 and 3
    order.subscribing();
    order.subscribed({ missed: [events[2]!], resync: false, cursor: id(3), audiences: ['members'], position: null });
    // Event 2 and 4 were for admins: no longer ours.
    expect(shown).toEqual([id(3)]);
    expect(order.waiting).toBe(0);
    order.subscribing();
    order.subscribed({ missed: [], resync: true, cursor: id(5), audiences: ['members'], position: events[4]!.after });
    order.receive(events[4]!);
    expect(shown).toEqual([id(3)]);
    expect(order.since()).toBe(id(5));
  });

  it('a catch-up replays from a while back, so a content event whose push was lost comes back, and nothing shows twice', async () => {
    const events = makeStream(['members', 'members', 'item', 'members']);
    const shown: string[] = [];
    const order = new EventOrder(STREAM, { deliver: (e) => shown.push(e.id), resubscribe: () => {} });
    order.subscribing();
    order.subscribed({ missed: [], resync: false, cursor: null, audiences: ['members'], position: { members: 0, admins: 0, apiKeys: 0 } });
    order.receive(events[0]!);
    await vi.advanceTimersByTimeAsync(20_000);
    order.receive(events[1]!);
    // The content event 3 was never pushed (its node died sending it); 4 came through another node.
    order.receive(events[3]!);
    expect(shown).toEqual([id(1), id(2), id(4)]);
    expect(order.since()).toBe(id(4));
    order.rewind(15_000);
    expect(order.since()).toBe(id(1));
    const since = order.since()!;
    order.subscribing();
    order.subscribed({ missed: events.filter((e) => seqOf(e.id) > seqOf(since)), resync: false, cursor: id(4), audiences: ['members'], position: null });
    expect(shown).toEqual([id(1), id(2), id(4), id(3)]);
    expect(order.since()).toBe(id(4));
  });
});

describe('how far a catch-up replays', () => {
  const now = Date.parse('2026-12-04T12:00:00.000Z');
  it('reaches back past the check’s `from` with a second to spare, never less than the usual catch-up', () => {
    expect(catchUpMs(15_000, undefined, now)).toBe(15_000);
    expect(catchUpMs(15_000, {}, now)).toBe(15_000);
    expect(catchUpMs(15_000, { from: '2026-12-04T11:59:30.000Z' }, now)).toBe(31_000);
    expect(catchUpMs(15_000, { from: '2026-12-04T11:59:59.000Z' }, now)).toBe(15_000);
    expect(catchUpMs(15_000, { from: 'not a time' }, now)).toBe(15_000);
  });
});
