import { z } from 'zod';
import { IdSchema } from './ids.js';
import { ListQuerySchema } from './workspaces.js';
import { replyOf } from './reply.js';

/**
 * Content: folders, drafts and videos of a workspace, in a tree of folders.
 * The names here are the API contract (../shared/API.md, "Content and sharing").
 */
export const ItemKindSchema = z.enum(['folder', 'draft', 'video']);
export type ItemKind = z.infer<typeof ItemKindSchema>;

/** What a person may do with an item: nothing, look, or change it. */
export const AccessLevelSchema = z.enum(['none', 'view', 'edit']);
export type AccessLevel = z.infer<typeof AccessLevelSchema>;

/** The role a grant or the general access gives. */
export const ShareRoleSchema = z.enum(['view', 'edit']);
export type ShareRole = z.infer<typeof ShareRoleSchema>;

/** Who else the item is open to: nobody, the people added, or every member of the workspace. */
export const GeneralScopeSchema = z.enum(['only_me', 'selected', 'workspace']);
export type GeneralScope = z.infer<typeof GeneralScopeSchema>;

export const GeneralAccessSchema = z.strictObject({ scope: GeneralScopeSchema, role: ShareRoleSchema });
export type GeneralAccess = z.infer<typeof GeneralAccessSchema>;

/** How deep folders may nest: bounds the ancestors an access check reads. */
export const MAX_FOLDER_DEPTH = 20;
/** How many people may be added to one item directly. */
export const MAX_GRANTS = 200;
/** A draft's script: plain text. */
export const MAX_BODY_LENGTH = 100_000;

export const ItemNameSchema = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(120, 'Name must be at most 120 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Name cannot contain control characters');
export const DraftBodySchema = z.string().max(MAX_BODY_LENGTH, `A script is at most ${MAX_BODY_LENGTH} characters`);

/** `POST /api/workspaces/:id/items` (videos are made by `POST …/videos`, not here). */
export const CreateItemSchema = z.strictObject({
  kind: z.enum(['folder', 'draft']),
  name: ItemNameSchema,
  parentId: IdSchema.nullable().optional(),
  body: DraftBodySchema.optional(),
});
export type CreateItem = z.infer<typeof CreateItemSchema>;

/** `PATCH …/items/:itemId`: rename, move (`parentId: null` = top level), edit a draft's body. */
export const UpdateItemSchema = z
  .strictObject({ name: ItemNameSchema.optional(), parentId: IdSchema.nullable().optional(), body: DraftBodySchema.optional() })
  .refine((v) => v.name !== undefined || v.parentId !== undefined || v.body !== undefined, 'Nothing to change');
export type UpdateItem = z.infer<typeof UpdateItemSchema>;

export const ItemSortSchema = z.enum(['name', 'updated', 'kind']);
export type ItemSort = z.infer<typeof ItemSortSchema>;

/**
 * `GET …/items`: one folder's content (`parentId` omitted = top level), or
 * `shared=me` (what was shared with the caller directly), or `q` (a name
 * search across the tree). `sort` orders a page: name (default), updated
 * (newest first) or kind (folders first, then name).
 */
export const ItemsQuerySchema = ListQuerySchema.extend({
  /** Opaque; carries the sort key of the last item shown (a name may take several hundred characters). */
  cursor: z.string().max(1000).optional(),
  parentId: IdSchema.optional(),
  kind: ItemKindSchema.optional(),
  q: z.string().trim().max(120).optional(),
  shared: z.literal('me').optional(),
  sort: ItemSortSchema.optional(),
});
export type ItemsQuery = z.infer<typeof ItemsQuerySchema>;

export const GrantInputSchema = z.strictObject({
  userId: IdSchema,
  role: ShareRoleSchema,
  /** Until when (time-limited access); null or omitted = no end. Must be in the future. */
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
});
export type GrantInput = z.infer<typeof GrantInputSchema>;

/** `PUT …/items/:itemId/sharing`: `grants` is the full list of direct grants (one per person). */
export const PutSharingSchema = z
  .strictObject({ general: GeneralAccessSchema.optional(), grants: z.array(GrantInputSchema).max(MAX_GRANTS, `At most ${MAX_GRANTS} people`).optional() })
  .refine((v) => v.general !== undefined || v.grants !== undefined, 'Nothing to change')
  .refine((v) => !v.grants || new Set(v.grants.map((g) => g.userId)).size === v.grants.length, 'Each person at most once');
export type PutSharing = z.infer<typeof PutSharingSchema>;

export const AccessRequestInputSchema = z.strictObject({ role: ShareRoleSchema, message: z.string().trim().max(500).optional() });
export const DecideAccessRequestSchema = z.strictObject({ role: ShareRoleSchema.optional() });

/* Views (replies). */

export interface ItemRef {
  id: string;
  name: string;
}

export interface ItemView {
  id: string;
  kind: ItemKind;
  name: string;
  parentId: string | null;
  ownerId: string;
  /** The caller's access. */
  access: AccessLevel;
  /** Whether the caller may change its sharing. */
  manage: boolean;
  updatedAt: string;
  createdAt: string;
  /** Videos only: where the render is (issue 12); null for folders and drafts. */
  status: string | null;
}

export interface ItemDetailView extends ItemView {
  /** The folders above it, top first. */
  path: ItemRef[];
  /** A draft's script; null for folders and videos. */
  body: string | null;
  /** For a folder: how many items are inside it, at every depth (what a delete takes with it). */
  descendants: number | null;
}

export interface PersonRef {
  id: string;
  name: string;
  email: string;
}

export interface GrantView {
  user: PersonRef;
  role: ShareRole;
  expiresAt: string | null;
  /** The folder above this grant comes from; null for a grant on the item itself. */
  inheritedFrom: ItemRef | null;
}

export const ACCESS_REASON_KINDS = ['owner', 'role', 'direct', 'folder', 'general'] as const;
export type AccessReasonKind = (typeof ACCESS_REASON_KINDS)[number];

export interface AccessReason {
  kind: AccessReasonKind;
  /** What the reason gives (before the Viewer ceiling). */
  role: ShareRole;
  /** The folder it comes from (folder grants, ownership or general access of a folder above). */
  via?: ItemRef;
  expiresAt?: string;
}

export interface AccessRow {
  user: PersonRef;
  access: Exclude<AccessLevel, 'none'>;
  /** True when the Viewer ceiling lowered edit to view. */
  capped: boolean;
  reasons: AccessReason[];
}

export interface SharingView {
  general: GeneralAccess;
  grants: GrantView[];
  access: AccessRow[];
  /** Whether the caller may change this sharing. */
  manage: boolean;
}

export type AccessRequestStatus = 'pending' | 'approved' | 'denied';

export interface AccessRequestView {
  id: string;
  itemId: string;
  /** Only to those who may manage the item; null to the requester while pending. */
  itemName: string | null;
  requester: PersonRef;
  role: ShareRole;
  message: string | null;
  status: AccessRequestStatus;
  createdAt: string;
  decidedAt: string | null;
}

/* Reply schemas (OpenAPI), checked against the views. */

const ItemRefSchema = replyOf<ItemRef>()(z.object({ id: z.string(), name: z.string() }));
const PersonRefSchema = replyOf<PersonRef>()(z.object({ id: z.string(), name: z.string(), email: z.string() }));

const itemFields = {
  id: z.string(),
  kind: ItemKindSchema,
  name: z.string(),
  parentId: z.string().nullable(),
  ownerId: z.string(),
  access: AccessLevelSchema,
  manage: z.boolean(),
  updatedAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  status: z.string().nullable(),
};
export const ItemViewSchema = replyOf<ItemView>()(z.object(itemFields));
export const ItemDetailViewSchema = replyOf<ItemDetailView>()(
  z.object({ ...itemFields, path: z.array(ItemRefSchema), body: z.string().nullable(), descendants: z.number().int().nullable() }),
);
export const ItemPageSchema = z.object({ items: z.array(ItemViewSchema), nextCursor: z.string().nullable() });

const AccessReasonSchema = replyOf<AccessReason>()(
  z.object({ kind: z.enum(ACCESS_REASON_KINDS), role: ShareRoleSchema, via: ItemRefSchema.optional(), expiresAt: z.iso.datetime().optional() }),
);
export const SharingViewSchema = replyOf<SharingView>()(
  z.object({
    general: z.object({ scope: GeneralScopeSchema, role: ShareRoleSchema }),
    grants: z.array(z.object({ user: PersonRefSchema, role: ShareRoleSchema, expiresAt: z.iso.datetime().nullable(), inheritedFrom: ItemRefSchema.nullable() })),
    access: z.array(z.object({ user: PersonRefSchema, access: z.enum(['view', 'edit']), capped: z.boolean(), reasons: z.array(AccessReasonSchema) })),
    manage: z.boolean(),
  }),
);
export const AccessRequestViewSchema = replyOf<AccessRequestView>()(
  z.object({
    id: z.string(),
    itemId: z.string(),
    itemName: z.string().nullable(),
    requester: PersonRefSchema,
    role: ShareRoleSchema,
    message: z.string().nullable(),
    status: z.enum(['pending', 'approved', 'denied']),
    createdAt: z.iso.datetime(),
    decidedAt: z.iso.datetime().nullable(),
  }),
);

/* The co-editing document (Yjs, `/collab`, document `item:<itemId>`). */

export const collabDocumentName = (itemId: string) => `item:${itemId}`;
export const CollabDocumentNameSchema = z.string().regex(/^item:[A-Za-z0-9_-]{1,64}$/);
/** A value of the `grants` map: key = user id. */
export const CollabGrantSchema = z.strictObject({ role: ShareRoleSchema, expiresAt: z.iso.datetime({ offset: true }).nullable() });
/** What awareness carries; `user` is set by the server. */
export interface CollabPresence {
  user: { id: string; name: string; color: string };
  /** What the person is editing: `general`, or `grant:<userId>`, or null. */
  focus: string | null;
}
