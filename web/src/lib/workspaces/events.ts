import type { EventEnvelope } from '$shared/events.js';
import type { UserEventMap, WorkspaceEventMap } from '$shared/event-map.js';
import type { RealtimeConnection } from '../realtime/socket.svelte.js';
import { streamOf, workspaceStream } from '../realtime/streams.js';

/**
 * The data of each event type comes from the one map in `shared/`: the same
 * type can come on a workspace's stream (for its members) or on a person's
 * own stream (about them): `member.added` there says "you were added".
 */
export type OrganisationEvents = WorkspaceEventMap;
export type { UserEventMap as UserEvents };

type Handlers<E> = { [K in keyof E]?: (data: E[K], envelope: EventEnvelope) => void };

export const isUserStream = (e: EventEnvelope) => streamOf(e.id).startsWith('user:');

/** Calls the handler of `e`'s type when it comes on workspace `workspaceId`'s own stream. */
export function onWorkspaceEvent(e: EventEnvelope, workspaceId: string, handlers: Handlers<OrganisationEvents>) {
  if (streamOf(e.id) !== workspaceStream(workspaceId)) return;
  const handler = handlers[e.type as keyof OrganisationEvents] as ((data: unknown, e: EventEnvelope) => void) | undefined;
  handler?.(e.data, e);
}

/** Calls the handler of `e`'s type when it comes on the person's own stream. */
export function onUserEvent(e: EventEnvelope, handlers: Handlers<UserEventMap>) {
  if (!isUserStream(e)) return;
  const handler = handlers[e.type as keyof UserEventMap] as ((data: unknown, e: EventEnvelope) => void) | undefined;
  handler?.(e.data, e);
}

/** What a screen's store does with the live feed of one workspace. */
export interface LiveStore {
  apply(e: EventEnvelope): void;
  /** More was missed than can be replayed: load everything again. */
  reload(): void | Promise<void>;
}

/**
 * Feeds `store` with workspace `workspaceId`'s events until the returned
 * function is called. Stores get the socket manager, never the socket.
 */
export function follow(realtime: RealtimeConnection, workspaceId: string, store: LiveStore): () => void {
  const stopWatching = realtime.watch(workspaceId);
  const stopListening = realtime.listen({
    event: (e) => store.apply(e),
    resync: (id) => {
      if (id === workspaceId) void store.reload();
    },
  });
  return () => {
    stopListening();
    stopWatching();
  };
}
