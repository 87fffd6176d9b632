/**
 * What cached entries are read from. A tag names one stored document
 * (`<kind>:<_id>`) or every document of a kind (`<kind>:*`); every entry
 * carries the tags of the documents it was read from, and the kind-wide tag
 * of each, so a write whose documents cannot be named still invalidates it.
 */
export type CachedKind = 'session' | 'user' | 'workspace' | 'membership' | 'tally' | 'apiKey';

export const tagOf = (kind: CachedKind, id: string) => `${kind}:${id}`;
export const everyOf = (kind: CachedKind) => `${kind}:*`;

/** Whichever memberships of a workspace (a list of its members): added, changed or ended. */
export const membersOf = (workspaceId: string) => `members-of:${workspaceId}`;

/** The tags of an entry read from these documents of one kind. */
export const tagsOf = (kind: CachedKind, ...ids: string[]) => [everyOf(kind), ...ids.map((id) => tagOf(kind, id))];

/** An item's sharing changed (REST, co-editing, a sweep, an approval): open co-editing documents are rebuilt from the database on every node. */
export const sharingOf = (itemId: string) => `sharing:${itemId}`;
