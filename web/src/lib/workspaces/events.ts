import type { Role } from '$shared/schemas/auth.js';
import type { EventEnvelope } from '$shared/events.js';
import type { MemberView, SeatsView, SubworkspaceView, WorkspaceSettingsView } from '$shared/schemas/workspaces.js';
import type { InvitationView, InviteLinkView, JoinRequestView, NotificationView } from '$shared/schemas/invitations.js';
import type { AssetView, AvatarSlotsView } from '$shared/schemas/assets.js';
import type { RealtimeConnection } from '../realtime/socket.svelte.js';
import { streamOf, workspaceStream } from '../realtime/streams.js';

/**
 * The data of the organisation events (API.md). The same type can come on a
 * workspace's stream (for its members) or on a person's own stream (about
 * them): `member.added` there says "you were added", not "someone was".
 */
export interface OrganisationEvents {
  'member.added': { member: MemberView };
  'member.updated': { member: MemberView };
  'member.removed': { userId: string; reason: 'removed' | 'left' };
  'seats.updated': { poolId: string; seats: SeatsView };
  'workspace.updated': {
    workspaceId: string;
    name?: string;
    imageUrl?: string | null;
    settings?: WorkspaceSettingsView;
    ownerId?: string;
    seatsPurchased?: number;
    /** Admins only: the invite link changed (never with its token), or `null` once revoked. */
    inviteLink?: InviteLinkView | null;
    /** The workspace's avatar slots changed (every member). */
    avatarSlots?: AvatarSlotsView;
  };
  'subworkspace.created': { subworkspace: SubworkspaceView };
  'subworkspace.updated': { subworkspace: SubworkspaceView };
  'subworkspace.deleted': { workspaceId: string; name: string };
  /** Admins only, like the join-request events. */
  'invitation.created': { invitation: InvitationView };
  'invitation.updated': { invitation: InvitationView };
  'invitation.revoked': { invitation: InvitationView };
  'joinRequest.created': { request: JoinRequestView };
  'joinRequest.decided': { request: JoinRequestView };
  /** On the owner: the asset with `sharedWith`; on a workspace it is shared into: with `sharedFrom`. */
  'asset.created': { asset: AssetView };
  'asset.updated': { asset: AssetView };
  'asset.deleted': { assetId: string };
  'asset.shared': { asset: AssetView };
  /** On the target: only the id; on the owner: the asset with its remaining shares. */
  'asset.unshared': { assetId: string } | { asset: AssetView; targetWorkspaceId: string };
}

/** Events of a person's own stream. */
export interface UserEvents {
  'member.added': { workspaceId: string; role: Role };
  'member.updated': { workspaceId: string; role: Role };
  'access.revoked': { workspaceId: string; workspaceName: string; reason: 'removed' | 'left' | 'deleted' };
  'notification.created': { notification: NotificationView };
  /** Read in some tab: every tab of the person sets the same count. */
  'notification.read': { ids: string[] | 'all'; unreadCount: number };
}

type Handlers<E> = { [K in keyof E]?: (data: E[K], envelope: EventEnvelope) => void };

export const isUserStream = (e: EventEnvelope) => streamOf(e.id).startsWith('user:');

/** Calls the handler of `e`'s type when it comes on workspace `workspaceId`'s own stream. */
export function onWorkspaceEvent(e: EventEnvelope, workspaceId: string, handlers: Handlers<OrganisationEvents>) {
  if (streamOf(e.id) !== workspaceStream(workspaceId)) return;
  const handler = handlers[e.type as keyof OrganisationEvents] as ((data: unknown, e: EventEnvelope) => void) | undefined;
  handler?.(e.data, e);
}

/** Calls the handler of `e`'s type when it comes on the person's own stream. */
export function onUserEvent(e: EventEnvelope, handlers: Handlers<UserEvents>) {
  if (!isUserStream(e)) return;
  const handler = handlers[e.type as keyof UserEvents] as ((data: unknown, e: EventEnvelope) => void) | undefined;
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
