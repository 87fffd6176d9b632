import {
  ApproveJoinRequestSchema,
  CreateInvitationsSchema,
  InvitationsQuerySchema,
  InviteLinkSchema,
  JoinRequestsQuerySchema,
} from '../../../shared/schemas/invitations.js';
import { ListQuerySchema } from '../../../shared/schemas/workspaces.js';
import type { Area } from './operation.js';

export const invitations: Area = {
  tag: 'Invitations',
  description: 'Invitations by email, invite links, joining by link or company domain, and join requests.',
  paths: {
    '/workspaces/{id}/invitations': {
      get: { operationId: 'listInvitations', summary: 'Invitations with their status (Super Admin)', query: InvitationsQuerySchema, ok: 200, errors: ['forbidden'] },
      post: {
        operationId: 'createInvitations',
        summary: 'Invite up to 100 people by email, each with a role; each line succeeds or fails alone',
        body: CreateInvitationsSchema,
        ok: 201,
        errors: ['forbidden', 'rate_limited'],
      },
    },
    '/workspaces/{id}/invitations/{invitationId}/resend': {
      post: { operationId: 'resendInvitation', summary: 'Resend with a new token and expiry', ok: 200, errors: ['forbidden', 'conflict', 'rate_limited'] },
    },
    '/workspaces/{id}/invitations/{invitationId}': {
      delete: { operationId: 'revokeInvitation', summary: 'Revoke; the seat is released', ok: 204, errors: ['forbidden', 'conflict'] },
    },
    '/workspaces/{id}/suggestions': {
      get: {
        operationId: 'listSuggestions',
        summary: 'People of the company domains who are not members or invited, by address, paginated',
        query: ListQuerySchema,
        ok: 200,
        errors: ['forbidden'],
      },
    },
    '/invitations/{token}': {
      get: { operationId: 'previewInvitation', summary: 'Preview an invitation (no sign-in needed)', auth: 'none', ok: 200, errors: ['revoked', 'expired', 'rate_limited'] },
    },
    '/invitations/{token}/accept': {
      post: {
        operationId: 'acceptInvitation',
        summary: 'Accept with the invited account (exactly once; verifies the address)',
        ok: 200,
        errors: ['forbidden', 'revoked', 'expired', 'seat_limit_reached', 'rate_limited'],
      },
    },
    '/invitations/{token}/decline': {
      post: { operationId: 'declineInvitation', summary: 'Decline from the mail link (no sign-in needed)', auth: 'none', ok: 200, errors: ['revoked', 'expired', 'rate_limited'] },
    },
    '/workspaces/{id}/invite-link': {
      get: { operationId: 'getInviteLink', summary: 'The workspace’s invite link, without its token', ok: 200, errors: ['forbidden'] },
      put: { operationId: 'setInviteLink', summary: 'Create or rotate the invite link (the old one dies)', body: InviteLinkSchema, ok: 200, errors: ['forbidden'] },
      delete: { operationId: 'deleteInviteLink', summary: 'Revoke the invite link', ok: 204, errors: ['forbidden'] },
    },
    '/join/{token}': {
      get: {
        operationId: 'previewInviteLink',
        summary: 'What an invite link opens: workspace name, role, whether approval is required (no sign-in needed)',
        auth: 'none',
        ok: 200,
        errors: ['expired', 'rate_limited'],
      },
      post: {
        operationId: 'joinByLink',
        summary: 'Join through an invite link: 200 active, or 202 pending approval',
        ok: 200,
        alsoOk: 202,
        errors: ['expired', 'seat_limit_reached', 'rate_limited'],
      },
    },
    '/join/{token}/image': {
      get: {
        operationId: 'getInviteLinkImage',
        summary: 'The image of the workspace an invite link opens (no sign-in needed)',
        auth: 'none',
        ok: 200,
        reply: 'image',
        errors: ['expired', 'rate_limited'],
      },
    },
    '/join/domain': { get: { operationId: 'listDomainWorkspaces', summary: 'Workspaces the caller may join by company email domain', ok: 200 } },
    '/workspaces/{id}/join': {
      post: {
        operationId: 'joinByDomain',
        summary: 'Join by company email domain: 200 active, or 202 pending approval',
        ok: 200,
        alsoOk: 202,
        errors: ['seat_limit_reached', 'rate_limited'],
      },
    },
    '/workspaces/{id}/join-requests': {
      get: { operationId: 'listJoinRequests', summary: 'Join requests (Super Admin)', query: JoinRequestsQuerySchema, ok: 200, errors: ['forbidden'] },
    },
    '/workspaces/{id}/join-requests/{requestId}/approve': {
      post: {
        operationId: 'approveJoinRequest',
        summary: 'Approve (optionally with another role); exactly one decision counts',
        body: ApproveJoinRequestSchema,
        ok: 200,
        errors: ['forbidden', 'already_decided', 'seat_limit_reached'],
      },
    },
    '/workspaces/{id}/join-requests/{requestId}/deny': {
      post: { operationId: 'denyJoinRequest', summary: 'Deny', ok: 200, errors: ['forbidden', 'already_decided'] },
    },
  },
};
