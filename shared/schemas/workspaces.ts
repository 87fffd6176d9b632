import { z } from 'zod';
import { EmailSchema, RoleSchema, type Role } from './auth.js';

export const WorkspaceNameSchema = z.string().trim().min(1, 'Name is required').max(80, 'Name must be at most 80 characters');
export const BillingModeSchema = z.enum(['inherited', 'independent']);
export type BillingMode = z.infer<typeof BillingModeSchema>;

/** Public webmail domains are never company domains. */
export const PUBLIC_EMAIL_DOMAINS = ['gmail.com', 'googlemail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'live.com', 'icloud.com', 'me.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'yandex.ru', 'mail.ru', 'orange.fr', 'free.fr', 'laposte.net', 'wanadoo.fr'];

export const DomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, 'Enter a domain such as example.com')
  .refine((d) => !PUBLIC_EMAIL_DOMAINS.includes(d), 'Public email domains cannot be company domains');

export const CreateWorkspaceSchema = z.strictObject({ name: WorkspaceNameSchema });
export type CreateWorkspace = z.infer<typeof CreateWorkspaceSchema>;

export const WorkspaceSettingsPatchSchema = z.strictObject({
  requireApproval: z.boolean().optional(),
  companyDomains: z.array(DomainSchema).max(20, 'At most 20 domains').optional(),
  apiAccess: z.boolean().optional(),
  /** A sub-workspace's billing, switched by an admin above it (a root's is always its own). */
  billingMode: BillingModeSchema.optional(),
});

/** Only these fields can change; anything else (ownerId, parentId, seats, _id…) is refused. */
export const UpdateWorkspaceSchema = z
  .strictObject({ name: WorkspaceNameSchema.optional(), settings: WorkspaceSettingsPatchSchema.optional() })
  .refine((v) => v.name !== undefined || v.settings !== undefined, 'Nothing to change');
export type UpdateWorkspace = z.infer<typeof UpdateWorkspaceSchema>;

export const MemberInputSchema = z.strictObject({ email: EmailSchema, role: RoleSchema });

export const CreateSubworkspaceSchema = z.strictObject({
  name: WorkspaceNameSchema,
  billingMode: BillingModeSchema.default('inherited'),
  apiAccess: z.boolean().default(false),
  members: z.array(MemberInputSchema).max(100, 'At most 100 members at once').default([]),
});
export type CreateSubworkspace = z.infer<typeof CreateSubworkspaceSchema>;

export const AddSeatsSchema = z.strictObject({ add: z.number().int('Whole seats only').min(1, 'Add at least 1 seat').max(1000, 'At most 1000 seats at once') });

export const AddMemberSchema = MemberInputSchema;
export const UpdateMemberSchema = z.strictObject({ role: RoleSchema });
export const TransferOwnershipSchema = z.strictObject({ userId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'Invalid id') });

export const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export const MembersQuerySchema = ListQuerySchema.extend({ q: z.string().trim().max(100).optional() });
export const AuditQuerySchema = ListQuerySchema.extend({
  type: z.string().max(60).optional(),
  actorId: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export interface SeatsView {
  limit: number;
  used: number;
  reserved: number;
}

export interface WorkspaceSettingsView {
  requireApproval: boolean;
  companyDomains: string[];
  apiAccess: boolean;
  billingMode: BillingMode;
}

export interface WorkspaceView {
  id: string;
  name: string;
  imageUrl: string | null;
  parentId: string | null;
  rootId: string;
  ownerId: string;
  /** The caller's role here. */
  role: Role;
  settings: WorkspaceSettingsView;
  /** The seat pool this workspace draws from (its own, or the nearest one above). */
  seats: SeatsView;
  poolId: string;
  memberCount: number;
  /** Only the root and independent sub-workspaces may have sub-workspaces. */
  canHaveSubworkspaces: boolean;
  /** Whether the caller may change allocations and API access: a root's Super Admins; for a sub-workspace, the admins above it. */
  canAllocate: boolean;
}

export interface SubworkspaceView {
  id: string;
  name: string;
  imageUrl: string | null;
  parentId: string;
  settings: WorkspaceSettingsView;
  memberCount: number;
  seats: SeatsView;
}

export interface MemberView {
  userId: string;
  name: string;
  email: string;
  role: Role;
  status: 'active';
  joinedAt: string;
  isOwner: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AuditEntryView {
  id: string;
  type: string;
  actor: { id: string; name: string; email: string } | null;
  target: { kind: string; id: string; label: string } | null;
  before: unknown;
  after: unknown;
  at: string;
}

/** A workspace in the switcher tree: the user's memberships with their parents. */
export interface WorkspaceTreeNode {
  id: string;
  name: string;
  imageUrl: string | null;
  parentId: string | null;
  role: Role;
}
