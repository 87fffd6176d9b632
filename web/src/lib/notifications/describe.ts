import type { NotificationView } from '$shared/schemas/invitations.js';
import { RoleSchema } from '$shared/schemas/auth.js';
import { locale, roleName, type Message } from '../i18n/index.js';

const text = (v: unknown) => (typeof v === 'string' ? v : '');
const role = (v: unknown) => {
  const parsed = RoleSchema.safeParse(v);
  return parsed.success ? roleName(parsed.data) : text(v);
};

/** What a notification says, in the current language. */
export function notificationMessage(n: NotificationView): Message {
  const d = n.data;
  const workspace = text(d.workspaceName);
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
  if (n.type === 'invitation.received' && (o.status === 'accepted' || o.status === 'declined' || o.status === 'revoked' || o.status === 'expired')) {
    return { key: `bell.outcome.invitation.${o.status}`, params: { date } };
  }
  return null;
}

/** Where to act on a notification: a workspace's tab, or home when the person has no access there. */
export function notificationHref(n: NotificationView): string {
  const w = n.workspaceId ? `/app/w/${encodeURIComponent(n.workspaceId)}` : null;
  if (!w) return '/app';
  switch (n.type) {
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
