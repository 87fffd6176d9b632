import type { NotificationView } from '$shared/schemas/invitations.js';
import { RoleSchema } from '$shared/schemas/auth.js';
import { locale, roleName, t, type Message } from '../i18n/index.js';

const text = (v: unknown) => (typeof v === 'string' ? v : '');
/** The access an access request asks for or was given, in words. */
const shareRole = (v: unknown) => (v === 'edit' || v === 'view' ? t(`notification.accessRequest.role.${v}`) : text(v));

/** Notification types about an item's access requests (to its managers, and the outcome to the requester). */
export const ACCESS_REQUEST_CREATED = new Set(['accessRequest.created', 'access_request']);
const ACCESS_REQUEST_DECIDED = new Set(['accessRequest.decided', 'accessRequest.approved', 'accessRequest.denied', 'access_request_decided']);

/** How an access request was decided, as the requester's notification says it. */
function decisionOf(n: NotificationView): string {
  if (n.type === 'accessRequest.approved') return 'approved';
  if (n.type === 'accessRequest.denied') return 'denied';
  const d = n.data as { status?: unknown; decision?: unknown; request?: { status?: unknown } };
  return text(d.status ?? d.decision ?? d.request?.status);
}

/** An access request waiting for a decision that this notification offers (its item and request ids). */
export function accessRequestOf(n: NotificationView): { itemId: string; requestId: string } | null {
  if (!ACCESS_REQUEST_CREATED.has(n.type) || !n.workspaceId) return null;
  const d = n.data as { itemId?: unknown; requestId?: unknown; request?: { id?: unknown; itemId?: unknown } };
  const itemId = d.itemId ?? d.request?.itemId;
  const requestId = d.requestId ?? d.request?.id;
  return typeof itemId === 'string' && typeof requestId === 'string' ? { itemId, requestId } : null;
}

/** A video's render ended: its id and title, however the server names them. */
function videoOf(n: NotificationView): { id: string; title: string } {
  const d = n.data as { videoId?: unknown; itemId?: unknown; id?: unknown; title?: unknown; name?: unknown; itemName?: unknown; video?: { id?: unknown; title?: unknown } };
  return { id: text(d.videoId ?? d.itemId ?? d.video?.id ?? d.id), title: text(d.title ?? d.video?.title ?? d.name ?? d.itemName) };
}

const role = (v: unknown) => {
  const parsed = RoleSchema.safeParse(v);
  return parsed.success ? roleName(parsed.data) : text(v);
};

/** What a notification says, in the current language. */
export function notificationMessage(n: NotificationView): Message {
  const d = n.data;
  const workspace = text(d.workspaceName);
  if (ACCESS_REQUEST_CREATED.has(n.type)) {
    const r = (d.request ?? {}) as { requester?: { name?: unknown; email?: unknown }; itemName?: unknown; role?: unknown };
    return {
      key: 'notification.accessRequest.created',
      params: { name: text(d.name ?? r.requester?.name), email: text(d.email ?? r.requester?.email), item: text(d.itemName ?? r.itemName), role: shareRole(d.role ?? r.role) },
    };
  }
  if (ACCESS_REQUEST_DECIDED.has(n.type)) {
    const r = (d.request ?? {}) as { itemName?: unknown; role?: unknown };
    const item = text(d.itemName ?? r.itemName);
    const approved = decisionOf(n) === 'approved';
    if (approved) return item ? { key: 'notification.accessRequest.approved', params: { item, role: shareRole(d.role ?? r.role) } } : { key: 'notification.accessRequest.approved.unnamed', params: { role: shareRole(d.role ?? r.role) } };
    return item ? { key: 'notification.accessRequest.denied', params: { item } } : { key: 'notification.accessRequest.denied.unnamed' };
  }
  switch (n.type) {
    case 'joinRequest.created':
      return { key: 'notification.joinRequest.created', params: { name: text(d.name), email: text(d.email), workspace } };
    case 'invitation.received':
      return { key: 'notification.invitation.received', params: { inviter: text(d.inviterName), workspace, role: role(d.role) } };
    case 'invitation.accepted':
      return { key: 'notification.invitation.accepted', params: { name: text(d.name), email: text(d.email), workspace } };
    case 'invitation.declined':
      // Declined from the mail's link, the person may have no account: then only the address is known.
      return d.name
        ? { key: 'notification.invitation.declined', params: { name: text(d.name), email: text(d.email), workspace } }
        : { key: 'notification.invitation.declined.email', params: { email: text(d.email), workspace } };
    case 'joinRequest.approved':
      return { key: 'notification.joinRequest.approved', params: { workspace, role: role(d.role) } };
    case 'joinRequest.denied':
      return { key: 'notification.joinRequest.denied', params: { workspace } };
    case 'member.roleChanged':
      return { key: 'notification.member.roleChanged', params: { workspace, before: role(d.before), role: role(d.role) } };
    case 'member.removed':
      return { key: 'notification.member.removed', params: { workspace } };
    case 'video.completed':
      return { key: 'notification.video.completed', params: { title: videoOf(n).title } };
    case 'video.failed': {
      const reason = text(d.error ?? d.reason);
      return reason ? { key: 'notification.video.failed.reason', params: { title: videoOf(n).title, reason } } : { key: 'notification.video.failed', params: { title: videoOf(n).title } };
    }
    default:
      return { key: 'notification.other', params: { workspace } };
  }
}

export interface NotificationOutcome {
  status: string;
  by?: { id: string; name: string } | null;
  role?: string;
  at?: string | null;
}

/** How the subject of a notification was decided (`data.outcome`, set by the server once it is), or null while it waits. */
export function outcomeOf(n: NotificationView): NotificationOutcome | null {
  const o = n.data.outcome as NotificationOutcome | undefined;
  return o && typeof o.status === 'string' ? o : null;
}

const when = (iso: string | null | undefined) => (iso ? new Intl.DateTimeFormat(locale.current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '');

/** The outcome in words: "Approved by Olivia · 3 Mar, 10:04", "You accepted · …". */
export function outcomeMessage(n: NotificationView): Message | null {
  const o = outcomeOf(n);
  if (!o) return null;
  const date = when(o.at);
  if (n.type === 'joinRequest.created' && (o.status === 'approved' || o.status === 'denied')) {
    const name = o.by?.name;
    if (!name) return { key: `bell.outcome.${o.status}`, params: { date } };
    return o.status === 'approved' && o.role
      ? { key: 'bell.outcome.approvedBy.role', params: { name, date, role: role(o.role) } }
      : { key: `bell.outcome.${o.status}By`, params: { name, date } };
  }
  if (ACCESS_REQUEST_CREATED.has(n.type) && (o.status === 'approved' || o.status === 'denied')) {
    const name = o.by?.name;
    return name ? { key: `bell.outcome.${o.status}By`, params: { name, date } } : { key: `bell.outcome.${o.status}`, params: { date } };
  }
  if (n.type === 'invitation.received' && (o.status === 'accepted' || o.status === 'declined' || o.status === 'revoked' || o.status === 'expired')) {
    return { key: `bell.outcome.invitation.${o.status}`, params: { date } };
  }
  return null;
}

/** Where to act on a notification: a workspace's tab, or home when the person has no access there. */
export function notificationHref(n: NotificationView): string {
  const w = n.workspaceId ? `/app/w/${encodeURIComponent(n.workspaceId)}` : null;
  if (!w) return '/app';
  const itemId = typeof n.data.itemId === 'string' ? n.data.itemId : null;
  if ((ACCESS_REQUEST_CREATED.has(n.type) || ACCESS_REQUEST_DECIDED.has(n.type)) && itemId) return `${w}/content/d/${encodeURIComponent(itemId)}`;
  switch (n.type) {
    case 'video.completed':
    case 'video.failed': {
      const video = videoOf(n).id;
      return video ? `${w}/content/v/${encodeURIComponent(video)}` : `${w}/content`;
    }
    case 'joinRequest.created':
      return `${w}/members/requests`;
    case 'invitation.accepted':
    case 'invitation.declined':
      return `${w}/members`;
    case 'invitation.received':
      // Not a member (yet): the home page lists the invitation; once accepted, the workspace opens.
      return outcomeOf(n)?.status === 'accepted' ? w : '/app';
    case 'joinRequest.denied':
    case 'member.removed':
      return '/app';
    default:
      return w;
  }
}
