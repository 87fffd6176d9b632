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

export interface EventEnvelope<T = Record<string, unknown>> {
  id: string;
  type: EventType;
  workspaceId: string | null;
  actorId: string | null;
  at: string;
  data: T;
}

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
}

/** Messages a client sends (socket.io `emit`), with their acknowledgement. */
export interface ClientToServerEvents {
  'workspace:subscribe': (payload: unknown, ack: (reply: Ack<SubscribeResult>) => void) => void;
  'workspace:unsubscribe': (payload: unknown, ack: (reply: Ack<object>) => void) => void;
}

/** Messages the server sends. */
export interface ServerToClientEvents {
  event: (envelope: EventEnvelope) => void;
}
