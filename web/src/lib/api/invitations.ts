import type { Role } from '$shared/schemas/auth.js';
import type {
  CreateInvitations,
  IncomingInvitationView,
  InvitationPreview,
  InvitationStatus,
  InvitationView,
  InviteLinkInput,
  InviteLinkView,
  JoinLinkPreview,
  JoinRequestView,
  MyJoinRequestView,
  NotificationView,
  SuggestionView,
} from '$shared/schemas/invitations.js';
import type { Page } from '$shared/schemas/workspaces.js';
import { api, type Fetch } from './client.js';
import { queryOf } from './workspaces.js';

const ws = (id: string) => `/workspaces/${encodeURIComponent(id)}`;
const tok = (token: string) => encodeURIComponent(token);

export interface InvitationFailure {
  email: string;
  code: string;
  message: string;
}

/** Each line is created or fails on its own. */
export const createInvitations = (id: string, input: CreateInvitations) =>
  api<{ created: InvitationView[]; failed: InvitationFailure[] }>('POST', `${ws(id)}/invitations`, { body: input });

export const listInvitations = (id: string, q: { status?: InvitationStatus; cursor?: string; limit?: number }) =>
  api<Page<InvitationView>>('GET', `${ws(id)}/invitations${queryOf(q)}`);

export const resendInvitation = (id: string, invitationId: string) =>
  api<InvitationView>('POST', `${ws(id)}/invitations/${encodeURIComponent(invitationId)}/resend`);

export const revokeInvitation = (id: string, invitationId: string) => api<void>('DELETE', `${ws(id)}/invitations/${encodeURIComponent(invitationId)}`);

/** Public: what an invitation opens, before signing in. */
export const previewInvitation = (token: string) => api<InvitationPreview>('GET', `/invitations/${tok(token)}`);

export const acceptInvitation = (token: string) => api<{ workspaceId: string; role: Role }>('POST', `/invitations/${tok(token)}/accept`);

/** Public: declines from the mail's link (the token is the proof; no sign-in needed). */
export const declineInvitationByToken = (token: string) => api<InvitationView>('POST', `/invitations/${tok(token)}/decline`);

const mine = (invitationId: string) => `/me/invitations/${encodeURIComponent(invitationId)}`;

/** The signed-in person's own pending invitations (only once their address is verified). */
export const listMyInvitations = () => api<Page<IncomingInvitationView>>('GET', '/me/invitations');

export const acceptMyInvitation = (invitationId: string) => api<{ workspaceId: string; role: Role }>('POST', `${mine(invitationId)}/accept`);

export const declineMyInvitation = (invitationId: string) => api<InvitationView>('POST', `${mine(invitationId)}/decline`);

/** The signed-in person's own join requests still waiting for a decision. */
export const listMyJoinRequests = () => api<Page<MyJoinRequestView>>('GET', '/me/join-requests');

export const getInviteLink = (id: string) => api<{ link: InviteLinkView | null }>('GET', `${ws(id)}/invite-link`);

/** Creates or rotates the link: the reply alone carries its URL (shown once). */
export const setInviteLink = (id: string, input: InviteLinkInput) => api<InviteLinkView>('PUT', `${ws(id)}/invite-link`, { body: input });

export const deleteInviteLink = (id: string) => api<void>('DELETE', `${ws(id)}/invite-link`);

export type JoinResult = { status: 'active'; workspaceId: string } | { status: 'pending'; joinRequestId: string; workspaceId: string };

export const joinByLink = (token: string) => api<JoinResult>('POST', `/join/${tok(token)}`);

/** Public: what an invite link opens (404 dead, 410 expired), before signing in. */
export const previewJoinLink = (token: string, fetch?: Fetch) => api<JoinLinkPreview>('GET', `/join/${tok(token)}`, { fetch });

export interface DomainWorkspace {
  id: string;
  name: string;
  imageUrl: string | null;
  requireApproval: boolean;
}

export const listDomainWorkspaces = () => api<{ items: DomainWorkspace[] }>('GET', '/join/domain');

export const joinByDomain = (id: string) => api<JoinResult>('POST', `${ws(id)}/join`);

export type JoinRequestStatus = JoinRequestView['status'];

/** `pendingCount`: how many wait in the workspace, whatever the page holds. */
export const listJoinRequests = (id: string, q: { status?: JoinRequestStatus; cursor?: string; limit?: number }) =>
  api<Page<JoinRequestView> & { pendingCount: number }>('GET', `${ws(id)}/join-requests${queryOf(q)}`);

export const approveJoinRequest = (id: string, requestId: string, role?: Role) =>
  api<JoinRequestView>('POST', `${ws(id)}/join-requests/${encodeURIComponent(requestId)}/approve`, { body: role ? { role } : {} });

export const denyJoinRequest = (id: string, requestId: string) => api<JoinRequestView>('POST', `${ws(id)}/join-requests/${encodeURIComponent(requestId)}/deny`);

export const listSuggestions = (id: string) => api<{ items: SuggestionView[] }>('GET', `${ws(id)}/suggestions`);

export const listNotifications = (q: { unread?: 'true'; cursor?: string; limit?: number }) =>
  api<Page<NotificationView> & { unreadCount: number }>('GET', `/notifications${queryOf(q)}`);

export const markNotificationRead = (notificationId: string) => api<{ unreadCount: number }>('POST', `/notifications/${encodeURIComponent(notificationId)}/read`);

export const markAllNotificationsRead = () => api<{ unreadCount: number }>('POST', '/notifications/read-all');

export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  at: string;
}

/** Dev only: the mail the server would have sent (404 when it sends real mail). */
export const listOutbox = () => api<{ items: OutboxMail[] }>('GET', '/dev/outbox');
