import type { EventEnvelope } from '$shared/events.js';

/**
 * An event id is `<stream key>:<sequence>` (shared/events.ts), and the ids of
 * one stream sort as strings. A workspace's events form the stream
 * `workspace:<id>`; a person's own events form another stream.
 */
export const streamOf = (eventId: string) => eventId.slice(0, eventId.lastIndexOf(':'));

export const workspaceStream = (workspaceId: string) => `workspace:${workspaceId}`;

export const byId = (a: EventEnvelope, b: EventEnvelope) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The newest event id seen on each stream. An event at or below it was seen
 * already (live, then again in a replay) and is dropped.
 */
export class StreamCursors {
  #last = new Map<string, string>();

  /** Records the event and says whether it is new. */
  accept(event: EventEnvelope): boolean {
    const stream = streamOf(event.id);
    const last = this.#last.get(stream);
    if (last !== undefined && event.id <= last) return false;
    this.#last.set(stream, event.id);
    return true;
  }

  /** Moves a stream's cursor forward (never back), e.g. to a subscribe ack's `cursor`. */
  advance(id: string | null) {
    if (!id) return;
    const stream = streamOf(id);
    const last = this.#last.get(stream);
    if (last === undefined || id > last) this.#last.set(stream, id);
  }

  cursorOf(stream: string): string | null {
    return this.#last.get(stream) ?? null;
  }
}
