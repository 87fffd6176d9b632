import { LoginSchema, SignupSchema, VerifyEmailSchema } from '../../../shared/schemas/auth.js';
import { NotificationsQuerySchema } from '../../../shared/schemas/invitations.js';
import { ListQuerySchema } from '../../../shared/schemas/workspaces.js';
import type { Area } from './operation.js';

export const accounts: Area = {
  tag: 'Accounts',
  description: 'Sign-up and sign-in (the `sid` cookie), email verification, and what belongs to the signed-in person: invitations, join requests, notifications.',
  paths: {
    '/auth/signup': { post: { operationId: 'signUp', summary: 'Create an account and sign in', auth: 'none', body: SignupSchema, ok: 201, errors: ['conflict', 'rate_limited'] } },
    '/auth/login': {
      post: { operationId: 'logIn', summary: 'Sign in (rate limited per account and per address)', auth: 'none', body: LoginSchema, ok: 200, errors: ['invalid_credentials', 'rate_limited'] },
    },
    '/auth/logout': { post: { operationId: 'logOut', summary: 'Sign out: the session ends on every node', auth: 'none', ok: 204 } },
    '/auth/verify-email': {
      post: {
        operationId: 'verifyEmail',
        summary: 'Verify the address with the token of the verification mail (single use)',
        auth: 'none',
        body: VerifyEmailSchema,
        ok: 200,
        errors: ['not_found', 'revoked', 'expired', 'rate_limited'],
      },
    },
    '/auth/verify-email/resend': {
      post: { operationId: 'resendVerificationEmail', summary: 'Mail a new verification link (the older ones stop working; rate limited)', ok: 204, errors: ['rate_limited'] },
    },
    '/me': { get: { operationId: 'getMe', summary: 'The signed-in user, their memberships and the features offered to them', ok: 200 } },
    '/me/invitations': { get: { operationId: 'listMyInvitations', summary: 'The caller’s own pending invitations (verified address only)', ok: 200 } },
    '/me/invitations/{invitationId}/accept': {
      post: { operationId: 'acceptMyInvitation', summary: 'Accept an invitation addressed to the caller, from the app', ok: 200, errors: ['revoked', 'expired', 'seat_limit_reached'] },
    },
    '/me/invitations/{invitationId}/decline': {
      post: { operationId: 'declineMyInvitation', summary: 'Decline an invitation addressed to the caller, from the app', ok: 200, errors: ['revoked', 'expired'] },
    },
    '/me/join-requests': { get: { operationId: 'listMyJoinRequests', summary: 'The caller’s own pending join requests', ok: 200 } },
    '/notifications': {
      get: { operationId: 'listNotifications', summary: 'The caller’s notifications, newest first, with the unread count', query: NotificationsQuerySchema, ok: 200 },
    },
    '/notifications/{id}/read': { post: { operationId: 'markNotificationRead', summary: 'Mark one notification read', ok: 200 } },
    '/notifications/read-all': { post: { operationId: 'markAllNotificationsRead', summary: 'Mark every notification read', ok: 200 } },
    '/dev/outbox': {
      get: {
        operationId: 'listDevOutbox',
        summary: 'Mail kept instead of sent (development, no SMTP configured; to clients on this machine only, 404 to anyone else)',
        auth: 'none',
        query: ListQuerySchema,
        ok: 200,
        errors: ['not_found'],
      },
    },
  },
};
