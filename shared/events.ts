import { z } from 'zod';
import type { ErrorCode } from './errors.js';

export { EVENT_TYPES, type EventType } from './event-map.js';
import type { EventType } from './event-map.js';

/**
 * Who may see an event of a workspace stream: every member, its Super Admins
 * only, or those who may manage its API keys (`apiKeys`: Developers and Super
 * Admins), or — for content (`item`) — the people the access resolver let
 * see the item when it happened, each with their own access. Events of a user
 * stream are seen by that user only.
 */
export type EventAudience = 'members' | 'admins' | 'apiKeys' | 'item' | 'user';

/** The audiences a workspace stream counts its events in (content events are counted in none). */
export type CountedAudience = Exclude<EventAudience, 'item' | 'user'>;
/** How many events of each counted audience a workspace stream holds up to a point. */
export type StreamCounts = Record<CountedAudience, number>;

/**
 * Where a counted event stands in its workspace stream: its audience and how
 * many events of each audience came before it. A subscriber that knows its
 * audiences knows which event comes next for it (shared/event-order.ts).
 * `restart`: counting starts again here (the events before it were swept).
 */
export interface EventOrderInfo {
  audience: CountedAudience;
  before: StreamCounts;
  restart?: true;
}

export interface EventEnvelope<T = Record<string, unknown>> {
  id: string;
  type: EventType;
  workspaceId: string | null;
  actorId: string | null;
  at: string;
  data: T;
  /** Counted events of a workspace stream only (not content events, not a person's own stream). */
  order?: EventOrderInfo;
}

/** The `since` that replays a stream from its first event (a subscriber that started on an empty stream). */
export const streamStart = (stream: string) => `${stream}:${'0'.repeat(12)}`;

export { IdSchema } from './schemas/ids.js';
import { IdSchema } from './schemas/ids.js';

/** An event id is `<stream key>:<sequence>`, opaque to clients. */
export const EventIdSchema = z
  .string()
  .max(160)
  .regex(/^[A-Za-z0-9_:-]+$/, 'Invalid event id');

export const WorkspaceSubscribeSchema = z.strictObject({
  workspaceId: IdSchema,
  since: EventIdSchema.optional(),
});
export type WorkspaceSubscribe = z.infer<typeof WorkspaceSubscribeSchema>;

export const WorkspaceUnsubscribeSchema = z.strictObject({ workspaceId: IdSchema });

export type AckError = { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };
export type Ack<T> = ({ ok: true } & T) | AckError;

export interface SubscribeResult {
  missed: EventEnvelope[];
  /** True when more was missed than can be replayed: reload the screen's data. */
  resync: boolean;
  /** The newest event id of the workspace now: the `since` to send after a reconnection. */
  cursor: string | null;
  /** The audiences whose events this subscription receives. */
  audiences: CountedAudience[];
  /** The stream's counts at `cursor` (zeros for an empty stream), when the subscription starts there (no `since`, or `resync`); else null. */
  position: StreamCounts | null;
}

/** Messages a client sends (socket.io `emit`), with their acknowledgement. */
export interface ClientToServerEvents {
  'workspace:subscribe': (payload: unknown, ack: (reply: Ack<SubscribeResult>) => void) => void;
  'workspace:unsubscribe': (payload: unknown, ack: (reply: Ack<object>) => void) => void;
}

/** What a `streams:check` says about the pushes that may be missing. */
export interface StreamsCheckHint {
  /** ISO time: pushes from then on may be missing. */
  from?: string;
}

/** How far back a catch-up replays after a `streams:check`: at least `minMs`, and past the hint's `from` with a second to spare. */
export function catchUpMs(minMs: number, hint: StreamsCheckHint | undefined, now = Date.now()): number {
  const from = hint?.from ? Date.parse(hint.from) : NaN;
  return Number.isFinite(from) ? Math.max(minMs, now - from + 1000) : minMs;
}

/** Messages the server sends. */
export interface ServerToClientEvents {
  event: (envelope: EventEnvelope) => void;
  /**
   * Live pushes may have been lost (a node vanished, Redis came back after
   * an outage, or an event's storing failed without saying whether it was
   * stored): subscribe again to every watched workspace with `since`, so
   * the replay brings what never arrived, even the last event of a stream.
   * `from`, when given, is when the pushes that may be missing began: the
   * replay reaches back at least that far.
   */
  'streams:check': (hint?: StreamsCheckHint) => void;
}
