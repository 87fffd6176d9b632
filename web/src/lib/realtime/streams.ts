/**
 * An event id is `<stream key>:<sequence>` (shared/events.ts), and the ids of
 * one stream sort as strings. A workspace's events form the stream
 * `workspace:<id>`; a person's own events form another stream.
 */
export const streamOf = (eventId: string) => eventId.slice(0, eventId.lastIndexOf(':'));

export const workspaceStream = (workspaceId: string) => `workspace:${workspaceId}`;
