// TEMPORARY until shared/event-order.ts lands: dedupe by id, order within a flush, no hole repair.
import type { EventEnvelope } from '../../shared/events.js';
export class EventOrder {
  private seen = new Set<string>();
  private held: EventEnvelope[] | null = null;
  private last: string | null = null;
  constructor(readonly stream: string, private readonly owner: { deliver(e: EventEnvelope): void; resubscribe(): void }) {}
  receive(e: EventEnvelope) {
    if (this.held) this.held.push(e);
    else this.give(e);
  }
  private give(e: EventEnvelope) {
    if (this.seen.has(e.id)) return;
    if (e.id.startsWith(this.stream + ':') && this.last && e.id <= this.last) return;
    this.seen.add(e.id);
    if (e.id.startsWith(this.stream + ':')) this.last = e.id;
    this.owner.deliver(e);
  }
  since() {
    return this.last;
  }
  subscribing() {
    this.held = [];
  }
  subscribed(ack: { missed: EventEnvelope[] }) {
    const held = this.held ?? [];
    this.held = null;
    for (const e of [...ack.missed, ...held].sort((a, b) => (a.id < b.id ? -1 : 1))) this.give(e);
  }
  reset(ack: { cursor: string | null; missed: EventEnvelope[] }) {
    if (ack.cursor && (!this.last || ack.cursor > this.last)) this.last = ack.cursor;
    this.subscribed(ack);
  }
  subscribeFailed() {
    this.subscribed({ missed: [] });
  }
  close() {}
}
