import type { Role, UserView } from './schemas/auth.js';
import type { MemberView, SeatsView, SubworkspaceView, WorkspaceSettingsView } from './schemas/workspaces.js';
import type { IncomingInvitationView, InvitationView, InviteLinkView, JoinRequestView, MyJoinRequestView, NotificationView } from './schemas/invitations.js';
import type { AssetView, AvatarSlotsView } from './schemas/assets.js';
import type { CreditBalanceView, PurchaseView } from './schemas/credits.js';
import type { CaptionTrackView, VideoShareView, VideoStatus, VideoView } from './schemas/videos.js';
import type { ApiKeyView } from './schemas/api-keys.js';
import type { ItemView, AccessRequestView, GeneralAccess } from './schemas/content.js';

/**
 * The data of every event of a workspace's stream, by type: one type per kind
 * of change. The publisher, the web stores and the audit log use this map,
 * so a payload cannot drift from what its readers expect.
 */
export interface WorkspaceEventMap {
  /** Renamed, new image, or settings changed (only the fields that changed). */
  'workspace.updated': {
    workspaceId: string;
    name?: string;
    imageUrl?: string | null;
    settings?: WorkspaceSettingsView;
    /** The seat pool it draws from (changes with its billing mode). */
    poolId?: string;
  };
  'ownership.transferred': { workspaceId: string; ownerId: string; previousOwnerId: string };
  /** The seat counts of a pool the workspace draws from. */
  'seats.updated': { poolId: string; seats: SeatsView };
  /** Admins only: seats bought for the workspace's own pool. */
  'seats.purchased': { workspaceId: string; added: number; seats: SeatsView };
  'avatarSlots.updated': { workspaceId: string; avatarSlots: AvatarSlotsView };
  'member.added': { member: MemberView };
  'member.updated': { member: MemberView };
  'member.removed': { userId: string; reason: 'removed' | 'left' };
  /** Admins only, like the invite-link and join-request events. */
  'invitation.created': { invitation: InvitationView };
  'invitation.updated': { invitation: InvitationView };
  'invitation.revoked': { invitation: InvitationView };
  /** Never with the link's token. */
  'inviteLink.created': { link: InviteLinkView };
  'inviteLink.rotated': { link: InviteLinkView };
  'inviteLink.revoked': { workspaceId: string };
  'joinRequest.created': { request: JoinRequestView; pendingCount: number };
  'joinRequest.decided': { request: JoinRequestView; pendingCount: number };
  /** On the owner: the asset with `sharedWith`; on a workspace it is shared into: with `sharedFrom`. */
  'asset.created': { asset: AssetView };
  'asset.updated': { asset: AssetView };
  'asset.deleted': { assetId: string };
  'asset.shared': { asset: AssetView };
  /** On the target: only the id; on the owner: the asset with its remaining shares. */
  'asset.unshared': { assetId: string } | { asset: AssetView; targetWorkspaceId: string };
  /** Admins of the parent: its sub-workspaces. */
  'subworkspace.created': { subworkspace: SubworkspaceView };
  'subworkspace.updated': { subworkspace: SubworkspaceView };
  'subworkspace.deleted': { workspaceId: string; name: string };
  /** Members: the workspace's balances after a change (purchase, allocation, spending). */
  'credits.updated': { workspaceId: string; generative: CreditBalanceView; api: CreditBalanceView };
  /** Admins: a simulated purchase of seats or credits. */
  'purchase.completed': { workspaceId: string; purchase: PurchaseView };
  /** Admins of the parent: credits moved to or from a sub-workspace. */
  'allocation.updated': { workspaceId: string; subworkspaceId: string; generative: number; api: number };
  /** A sub-workspace switched between its own pool and the parent's. */
  'billing.updated': { workspaceId: string; billingMode: 'inherited' | 'independent' };
  /** Those who may manage keys (Developers, Super Admins); never with the secret. */
  'apiKey.created': { key: ApiKeyView };
  'apiKey.revoked': { key: ApiKeyView };
  /** Those who may manage keys: usage moved (throttled, at most about once a second). */
  'usage.updated': { workspaceId: string };
  /**
   * Content: to those who can see the item only (audience `item`), each with
   * their own `item.access` and `item.manage`.
   */
  'item.created': { item: ItemView };
  'item.updated': { item: ItemView };
  /** With `descendants`: how many items inside a deleted folder went with it. */
  'item.deleted': { itemId: string; parentId: string | null; descendants: number };
  'item.sharing.updated': { item: ItemView; general: GeneralAccess };
  /**
   * Videos, to those who can see the video (audience `item`): its render
   * moved (status changes at once, progress at most about once a second).
   */
  'video.updated': { id: string; status: VideoStatus; progress: number; video: VideoView };
  /** A caption track was added, changed or removed (`track: null`): open players reload it. */
  'video.captions.updated': { id: string; lang: string; track: CaptionTrackView | null };
  /** The share page's settings changed (published, password, indexable). */
  'video.share.updated': { id: string; share: VideoShareView };
  /** To those who may manage the item: someone asked for access; then the decision. */
  'accessRequest.created': { request: AccessRequestView };
  'accessRequest.decided': { request: AccessRequestView };
}

/**
 * The data of every event of a person's own stream, by type. A type shared
 * with the workspace map means "about you": `member.added` here says "you
 * were added", `invitation.created` "you were invited".
 */
export interface UserEventMap {
  'member.added': { workspaceId: string; role: Role };
  'member.updated': { workspaceId: string; role: Role };
  /** Lost a workspace, or (with `itemId`) lost access to one item of it. */
  'access.revoked': { workspaceId: string; workspaceName: string; reason: 'removed' | 'left' | 'deleted' } | { workspaceId: string; itemId: string };
  'notification.created': { notification: NotificationView };
  /** A notification whose subject changed (a join request decided by another admin). */
  'notification.updated': { notification: NotificationView };
  /** Read in some tab: every tab of the person sets the same count. */
  'notification.read': { ids: string[] | 'all'; unreadCount: number };
  'invitation.created': { invitation: IncomingInvitationView };
  'invitation.updated': { invitation: IncomingInvitationView };
  'joinRequest.created': { request: MyJoinRequestView };
  'joinRequest.decided': { request: MyJoinRequestView };
  /** The address was verified (perhaps in another browser): every tab drops its banner. */
  'user.verified': { user: UserView };
}

export type WorkspaceEventType = keyof WorkspaceEventMap;
export type UserEventType = keyof UserEventMap;
export type EventType = WorkspaceEventType | UserEventType;

/**
 * Every event type, and whether it is an admin action of the audit log
 * (`audited`: read there as a sentence, offered by its filter) or only a
 * live update (`live`). Complete by construction: a type of the maps
 * missing here, or one here the maps lack, does not compile.
 */
const EVENT_KINDS = {
  'workspace.updated': 'audited',
  'ownership.transferred': 'audited',
  'seats.updated': 'live',
  'seats.purchased': 'audited',
  'avatarSlots.updated': 'audited',
  'member.added': 'audited',
  'member.updated': 'audited',
  'member.removed': 'audited',
  'invitation.created': 'audited',
  'invitation.updated': 'audited',
  'invitation.revoked': 'audited',
  'inviteLink.created': 'audited',
  'inviteLink.rotated': 'audited',
  'inviteLink.revoked': 'audited',
  'joinRequest.created': 'live',
  'joinRequest.decided': 'audited',
  'asset.created': 'audited',
  'asset.updated': 'audited',
  'asset.deleted': 'audited',
  'asset.shared': 'audited',
  'asset.unshared': 'audited',
  'subworkspace.created': 'audited',
  'subworkspace.updated': 'live',
  'subworkspace.deleted': 'audited',
  'credits.updated': 'live',
  'purchase.completed': 'audited',
  'allocation.updated': 'audited',
  'billing.updated': 'audited',
  'apiKey.created': 'audited',
  'apiKey.revoked': 'audited',
  'usage.updated': 'live',
  'item.created': 'audited',
  'item.updated': 'audited',
  'item.deleted': 'audited',
  'item.sharing.updated': 'audited',
  'video.updated': 'live',
  'video.captions.updated': 'audited',
  'video.share.updated': 'audited',
  'accessRequest.created': 'live',
  'accessRequest.decided': 'audited',
  'access.revoked': 'live',
  'notification.created': 'live',
  'notification.updated': 'live',
  'notification.read': 'live',
  'user.verified': 'live',
} as const satisfies Record<EventType, 'audited' | 'live'>;

export const EVENT_TYPES = Object.keys(EVENT_KINDS) as EventType[];

export type AuditedType = { [K in keyof typeof EVENT_KINDS]: (typeof EVENT_KINDS)[K] extends 'audited' ? K : never }[keyof typeof EVENT_KINDS];

/** The admin actions of the audit log, in the order its filter offers them. */
export const AUDITED_TYPES: readonly AuditedType[] = EVENT_TYPES.filter((type): type is AuditedType => EVENT_KINDS[type] === 'audited');
