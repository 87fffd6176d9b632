import { z } from 'zod';
import { LoginSchema, SignupSchema, VerifyEmailSchema } from '../../shared/schemas/auth.js';
import {
  AddMemberSchema,
  AddSeatsSchema,
  AuditQuerySchema,
  CreateSubworkspaceSchema,
  CreateWorkspaceSchema,
  ListQuerySchema,
  MembersQuerySchema,
  TransferOwnershipSchema,
  UpdateMemberSchema,
  UpdateWorkspaceSchema,
} from '../../shared/schemas/workspaces.js';
import {
  ApproveJoinRequestSchema,
  CreateInvitationsSchema,
  InvitationsQuerySchema,
  InviteLinkSchema,
  JoinRequestsQuerySchema,
  NotificationsQuerySchema,
} from '../../shared/schemas/invitations.js';
import { AssetsQuerySchema, AvatarSlotsSchema, CreateAssetSchema, RenameAssetSchema, ShareAssetSchema } from '../../shared/schemas/assets.js';
import { ERROR_STATUS } from '../../shared/errors.js';

interface Operation {
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  multipart?: string;
  ok: number;
  public?: boolean;
}

/**
 * The HTTP API, described from the very schemas the routes validate with.
 * Add an entry here with every new endpoint.
 */
const OPERATIONS: Record<string, Partial<Record<'get' | 'post' | 'patch' | 'put' | 'delete', Operation>>> = {
  '/auth/signup': { post: { summary: 'Create an account and sign in', body: SignupSchema, ok: 201, public: true } },
  '/auth/login': { post: { summary: 'Sign in (rate limited per account and per address)', body: LoginSchema, ok: 200, public: true } },
  '/auth/logout': { post: { summary: 'Sign out: the session ends on every node', ok: 204, public: true } },
  '/auth/verify-email': { post: { summary: 'Verify the address with the token of the verification mail (single use)', body: VerifyEmailSchema, ok: 200, public: true } },
  '/auth/verify-email/resend': { post: { summary: 'Mail a new verification link (the older ones stop working; rate limited)', ok: 204 } },
  '/me': { get: { summary: 'The signed-in user, their memberships and the features offered to them', ok: 200 } },
  '/me/invitations': { get: { summary: 'The caller’s own pending invitations (verified address only)', ok: 200 } },
  '/me/invitations/{invitationId}/accept': { post: { summary: 'Accept an invitation addressed to the caller, from the app', ok: 200 } },
  '/me/invitations/{invitationId}/decline': { post: { summary: 'Decline an invitation addressed to the caller, from the app', ok: 200 } },
  '/me/join-requests': { get: { summary: 'The caller’s own pending join requests', ok: 200 } },
  '/workspaces': {
    get: { summary: 'The workspaces the caller belongs to (switcher tree)', ok: 200 },
    post: { summary: 'Create an account (root) workspace', body: CreateWorkspaceSchema, ok: 201 },
  },
  '/workspaces/{id}': {
    get: { summary: 'A workspace, with the caller’s role and its seat pool', ok: 200 },
    patch: { summary: 'Rename or change settings (Super Admin)', body: UpdateWorkspaceSchema, ok: 200 },
    delete: { summary: 'Delete a sub-workspace (admin above it or owner) or a root (owner)', ok: 204 },
  },
  '/workspaces/{id}/image': {
    get: { summary: 'The workspace image', ok: 200 },
    post: { summary: 'Upload the workspace image (PNG, JPEG or WebP, ≤ 2 MB)', multipart: 'image', ok: 200 },
  },
  '/workspaces/{id}/subworkspaces': {
    get: { summary: 'Sub-workspaces, oldest first, paginated (Super Admin)', query: ListQuerySchema, ok: 200 },
    post: { summary: 'Create a sub-workspace (Super Admin)', body: CreateSubworkspaceSchema, ok: 201 },
  },
  '/workspaces/{id}/seats': { post: { summary: 'Add seats to the pool (simulated purchase)', body: AddSeatsSchema, ok: 200 } },
  '/workspaces/{id}/members': {
    get: { summary: 'Members, paginated and searchable', query: MembersQuerySchema, ok: 200 },
    post: { summary: 'Add someone of the account tree at once ({ member }), or invite anyone else ({ invitation }) (Super Admin)', body: AddMemberSchema, ok: 201 },
  },
  '/workspaces/{id}/members/{userId}': {
    get: { summary: 'One member', ok: 200 },
    patch: { summary: 'Change a role (Super Admin)', body: UpdateMemberSchema, ok: 200 },
    delete: { summary: 'Remove a member (Super Admin), or leave when it is oneself', ok: 204 },
  },
  '/workspaces/{id}/leave': { post: { summary: 'Leave the workspace', ok: 204 } },
  '/workspaces/{id}/transfer-ownership': { post: { summary: 'Hand ownership to another member (owner)', body: TransferOwnershipSchema, ok: 200 } },
  '/workspaces/{id}/audit': { get: { summary: 'Audit log, newest first (Super Admin)', query: AuditQuerySchema, ok: 200 } },
  '/workspaces/{id}/audit.csv': { get: { summary: 'Audit log as CSV (Super Admin)', query: AuditQuerySchema, ok: 200 } },
  '/workspaces/{id}/invitations': {
    get: { summary: 'Invitations with their status (Super Admin)', query: InvitationsQuerySchema, ok: 200 },
    post: { summary: 'Invite up to 100 people by email, each with a role; each line succeeds or fails alone', body: CreateInvitationsSchema, ok: 201 },
  },
  '/workspaces/{id}/invitations/{invitationId}/resend': { post: { summary: 'Resend with a new token and expiry', ok: 200 } },
  '/workspaces/{id}/invitations/{invitationId}': { delete: { summary: 'Revoke; the seat is released', ok: 204 } },
  '/workspaces/{id}/suggestions': { get: { summary: 'People of the company domains who are not members or invited, by address, paginated', query: ListQuerySchema, ok: 200 } },
  '/invitations/{token}': { get: { summary: 'Preview an invitation (no sign-in needed)', ok: 200, public: true } },
  '/invitations/{token}/accept': { post: { summary: 'Accept with the invited account (exactly once; verifies the address)', ok: 200 } },
  '/invitations/{token}/decline': { post: { summary: 'Decline from the mail link (no sign-in needed)', ok: 200, public: true } },
  '/workspaces/{id}/invite-link': {
    get: { summary: 'The workspace’s invite link, without its token', ok: 200 },
    put: { summary: 'Create or rotate the invite link (the old one dies)', body: InviteLinkSchema, ok: 200 },
    delete: { summary: 'Revoke the invite link', ok: 204 },
  },
  '/join/{token}': {
    get: { summary: 'What an invite link opens: workspace name, role, whether approval is required (no sign-in needed)', ok: 200, public: true },
    post: { summary: 'Join through an invite link: active, or 202 pending approval', ok: 200 },
  },
  '/join/{token}/image': { get: { summary: 'The image of the workspace an invite link opens (no sign-in needed)', ok: 200, public: true } },
  '/join/domain': { get: { summary: 'Workspaces the caller may join by company email domain', ok: 200 } },
  '/workspaces/{id}/join': { post: { summary: 'Join by company email domain: active, or 202 pending approval', ok: 200 } },
  '/workspaces/{id}/join-requests': { get: { summary: 'Join requests (Super Admin)', query: JoinRequestsQuerySchema, ok: 200 } },
  '/workspaces/{id}/join-requests/{requestId}/approve': { post: { summary: 'Approve (optionally with another role); exactly one decision counts', body: ApproveJoinRequestSchema, ok: 200 } },
  '/workspaces/{id}/join-requests/{requestId}/deny': { post: { summary: 'Deny', ok: 200 } },
  '/notifications': { get: { summary: 'The caller’s notifications, newest first, with the unread count', query: NotificationsQuerySchema, ok: 200 } },
  '/notifications/{id}/read': { post: { summary: 'Mark one notification read', ok: 200 } },
  '/notifications/read-all': { post: { summary: 'Mark every notification read', ok: 200 } },
  '/workspaces/{id}/assets': {
    get: { summary: 'The library: own assets and those shared into the workspace (with sharedFrom)', query: AssetsQuerySchema, ok: 200 },
    post: { summary: 'Create an asset (an avatar takes an avatar slot)', body: CreateAssetSchema, ok: 201 },
  },
  '/workspaces/{id}/assets/{assetId}': {
    patch: { summary: 'Rename an own asset', body: RenameAssetSchema, ok: 200 },
    delete: { summary: 'Delete an own asset (and every share of it)', ok: 204 },
  },
  '/workspaces/{id}/assets/{assetId}/shares': { post: { summary: 'Share into workspaces of the same account tree (Super Admin)', body: ShareAssetSchema, ok: 200 } },
  '/workspaces/{id}/assets/{assetId}/shares/{targetWorkspaceId}': { delete: { summary: 'Unshare (Super Admin)', ok: 204 } },
  '/workspaces/{id}/assets/{assetId}/logo': {
    get: { summary: 'A brand kit’s logo', ok: 200 },
    post: { summary: 'Upload a brand kit’s logo (PNG, JPEG or WebP, ≤ 2 MB)', multipart: 'image', ok: 200 },
  },
  '/workspaces/{id}/avatar-slots': {
    get: { summary: 'Avatar slots: limit and used', ok: 200 },
    put: { summary: 'Set the avatar slots allocated to the workspace (Super Admin of it or above)', body: AvatarSlotsSchema, ok: 200 },
  },
  '/dev/outbox': { get: { summary: 'Mail kept instead of sent (development, no SMTP configured)', ok: 200, public: true } },
};

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const errorResponse = {
  description: 'An error with a stable code',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string', enum: Object.keys(ERROR_STATUS) }, message: { type: 'string' }, details: {} },
            required: ['code', 'message'],
          },
        },
      },
    },
  },
};

export function buildOpenApi(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(OPERATIONS)) {
    paths[`/api${path}`] = {};
    for (const [method, op] of Object.entries(methods)) {
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      const query = op.query
        ? Object.entries((jsonSchema(op.query).properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({ name, in: 'query', schema }))
        : [];
      paths[`/api${path}`]![method] = {
        summary: op.summary,
        ...(op.public ? { security: [] } : {}),
        parameters: [...params, ...query],
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
        ...(op.multipart
          ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { [op.multipart]: { type: 'string', format: 'binary' } } } } } } }
          : {}),
        responses: { [op.ok]: { description: 'Success' }, default: errorResponse },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Workspace Console API', version, description: 'Errors are `{ error: { code, message, details? } }`. Live events: Socket.IO on the same origin.' },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sid' } } },
    security: [{ session: [] }],
    paths,
  };
}
