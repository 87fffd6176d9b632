import type { NotificationView } from '$shared/schemas/invitations.js';
import { RoleSchema } from '$shared/schemas/auth.js';
import { roleName, type Message } from '../i18n/index.js';

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
    case 'invitation.accepted':
      return { key: 'notification.invitation.accepted', params: { name: text(d.name), email: text(d.email), workspace } };
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

/** Where to act on a notification: a workspace's tab, or home when the person has no access there. */
export function notificationHref(n: NotificationView): string {
  const w = n.workspaceId ? `/app/w/${encodeURIComponent(n.workspaceId)}` : null;
  if (!w) return '/app';
  switch (n.type) {
    case 'joinRequest.created':
      return `${w}/members/requests`;
    case 'invitation.accepted':
      return `${w}/members`;
    case 'joinRequest.denied':
    case 'member.removed':
      return '/app';
    default:
      return w;
  }
}
