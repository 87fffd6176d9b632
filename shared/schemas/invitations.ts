import { z } from 'zod';
import { RoleSchema, type Role } from './auth.js';
import { ListQuerySchema } from './workspaces.js';

/** Each line's email is checked on its own, so one bad address fails only its line. */
export const InviteLineSchema = z.strictObject({ email: z.string().max(320, 'Email is too long'), role: RoleSchema });
export const CreateInvitationsSchema = z.strictObject({
  invites: z.array(InviteLineSchema).min(1, 'Add at least one address').max(100, 'At most 100 invitations at once'),
});
export type CreateInvitations = z.infer<typeof CreateInvitationsSchema>;

export const InvitationStatusSchema = z.enum(['sent', 'accepted', 'declined', 'revoked', 'expired']);
export type InvitationStatus = z.infer<typeof InvitationStatusSchema>;
export const InvitationsQuerySchema = ListQuerySchema.extend({ status: InvitationStatusSchema.optional() });

/** A token from a link: URL-safe base64 of 32 random bytes. */
export const TokenSchema = z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/);

export const InviteLinkSchema = z.strictObject({
  role: RoleSchema,
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  maxUses: z.number().int().min(1, 'At least 1 use').max(100_000).nullable().optional(),
});
export type InviteLinkInput = z.infer<typeof InviteLinkSchema>;

export const ApproveJoinRequestSchema = z.strictObject({ role: RoleSchema.optional() });
export const JoinRequestsQuerySchema = ListQuerySchema.extend({ status: z.enum(['pending', 'approved', 'denied']).optional() });
export const NotificationsQuerySchema = ListQuerySchema.extend({ unread: z.enum(['true', 'false']).optional() });

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  invitedBy: { id: string; name: string } | null;
  createdAt: string;
  expiresAt: string;
}

export interface InvitationPreview {
  workspace: { name: string };
  role: Role;
  invitedBy: { name: string };
  email: string;
  /** Whether an account already uses the invited email (sign in) or not (sign up). */
  hasAccount: boolean;
}

export interface InviteLinkView {
  /** Present only in the reply that created it: the token is stored hashed and shown once. */
  url?: string;
  token?: string;
  role: Role;
  expiresAt: string | null;
  maxUses: number | null;
  uses: number;
  createdAt: string;
}

export interface JoinRequestView {
  id: string;
  workspaceId: string;
  user: { id: string; name: string; email: string };
  status: 'pending' | 'approved' | 'denied';
  role: Role;
  via: 'link' | 'domain';
  createdAt: string;
  decidedBy: { id: string; name: string } | null;
  decidedAt: string | null;
}

export interface NotificationView {
  id: string;
  type: string;
  workspaceId: string | null;
  data: Record<string, unknown>;
  createdAt: string;
  read: boolean;
}

export interface SuggestionView {
  userId: string;
  name: string;
  email: string;
}

/** An invitation as the invited person sees it (their own pending invitations, in the app). */
export interface IncomingInvitationView {
  id: string;
  workspace: { id: string; name: string };
  role: Role;
  invitedBy: { name: string };
  status: InvitationStatus;
  createdAt: string;
  expiresAt: string;
}

/** A join request as the person who made it sees it. */
export interface MyJoinRequestView {
  id: string;
  workspace: { id: string; name: string };
  status: 'pending' | 'approved' | 'denied';
  role: Role;
  createdAt: string;
  decidedAt: string | null;
}

/** What an invite link opens, shown before joining. */
export interface JoinLinkPreview {
  workspace: { name: string; imageUrl: string | null };
  role: Role;
  requireApproval: boolean;
}
