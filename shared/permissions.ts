import type { Role } from './schemas/auth.js';

/**
 * The one role → permission matrix. The server, the socket layer and the web
 * app ask `can(role, action)`; nothing else compares roles.
 */
export const ACTIONS = [
  'workspace.view',
  'workspace.update',
  'workspace.delete',
  'workspace.admin_feed',
  'members.view',
  'members.manage',
  'invitations.manage',
  'joinRequests.decide',
  'seats.purchase',
  'credits.purchase',
  'billing.view',
  'subworkspaces.manage',
  'allocations.manage',
  'audit.view',
  'apiKeys.manage',
  'api.use',
  'assets.view',
  'assets.create',
  'assets.share',
  'content.view',
  'content.create',
  'content.manage_all',
] as const;
export type Action = (typeof ACTIONS)[number];

const everything: readonly Action[] = ACTIONS;

export const ROLE_PERMISSIONS: Record<Role, readonly Action[]> = {
  super_admin: everything,
  developer: ['workspace.view', 'members.view', 'apiKeys.manage', 'api.use', 'assets.view', 'assets.create', 'content.view', 'content.create'],
  creator: ['workspace.view', 'members.view', 'assets.view', 'assets.create', 'content.view', 'content.create'],
  viewer: ['workspace.view', 'members.view', 'assets.view', 'content.view'],
};

const lookup = new Map<Role, ReadonlySet<Action>>(
  (Object.keys(ROLE_PERMISSIONS) as Role[]).map((role) => [role, new Set(ROLE_PERMISSIONS[role])]),
);

export function can(role: Role | null | undefined, action: Action): boolean {
  return role ? (lookup.get(role)?.has(action) ?? false) : false;
}
