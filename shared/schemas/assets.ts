import { z } from 'zod';
import { IdSchema } from './ids.js';
import { SafeJsonObjectSchema } from './json.js';
import { ListQuerySchema } from './workspaces.js';
import { replyOf } from './reply.js';

export const AssetKindSchema = z.enum(['avatar', 'voice', 'brand_kit', 'template']);
export type AssetKind = z.infer<typeof AssetKindSchema>;

const HexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour such as #4F46E5');
const ShortText = (max: number) => z.string().trim().min(1).max(max);

/** What each kind of asset holds; anything else is refused. */
export const AssetDataSchemas = {
  avatar: z.strictObject({ look: ShortText(60).optional(), style: z.enum(['studio', 'casual', 'animated']).optional() }),
  voice: z.strictObject({ language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'Use a language code such as en or fr-FR').optional(), gender: z.enum(['female', 'male', 'neutral']).optional() }),
  brand_kit: z.strictObject({ colors: z.array(HexColor).max(12, 'At most 12 colours').optional(), fonts: z.array(ShortText(60)).max(6, 'At most 6 fonts').optional() }),
  template: z.strictObject({
    layout: SafeJsonObjectSchema({ maxDepth: 8, maxBytes: 16_000 }).optional(),
  }),
} as const;

export const AssetNameSchema = z.string().trim().min(1, 'Name is required').max(80, 'Name must be at most 80 characters');

export const CreateAssetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('avatar'), name: AssetNameSchema, data: AssetDataSchemas.avatar.optional() }),
  z.strictObject({ kind: z.literal('voice'), name: AssetNameSchema, data: AssetDataSchemas.voice.optional() }),
  z.strictObject({ kind: z.literal('brand_kit'), name: AssetNameSchema, data: AssetDataSchemas.brand_kit.optional() }),
  z.strictObject({ kind: z.literal('template'), name: AssetNameSchema, data: AssetDataSchemas.template.optional() }),
]);
export type CreateAsset = z.infer<typeof CreateAssetSchema>;

export const RenameAssetSchema = z.strictObject({ name: AssetNameSchema });
export const ShareAssetSchema = z.strictObject({ workspaceIds: z.array(IdSchema).min(1, 'Pick at least one workspace').max(50) });
export const AssetsQuerySchema = ListQuerySchema.extend({ kind: AssetKindSchema.optional() });
export const AvatarSlotsSchema = z.strictObject({ avatarSlots: z.number().int().min(0).max(1000) });

export interface WorkspaceRef {
  id: string;
  name: string;
}

export interface AssetView {
  id: string;
  kind: AssetKind;
  name: string;
  data: Record<string, unknown>;
  logoUrl: string | null;
  /** The workspace that owns it; null when it is this workspace's own. */
  sharedFrom: WorkspaceRef | null;
  /** Where it is shared (only listed to the owning workspace). */
  sharedWith: WorkspaceRef[];
  createdAt: string;
}

export interface AvatarSlotsView {
  limit: number;
  used: number;
  /** For an inherited sub-workspace: how many more slots the parent has left to give (beyond `limit`). */
  parentAvailable?: number;
}

/* Replies, described for the OpenAPI document (checked against the view types above). */

const WorkspaceRefSchema = replyOf<WorkspaceRef>()(z.object({ id: z.string(), name: z.string() }));

export const AssetViewSchema = replyOf<AssetView>()(
  z.object({
    id: z.string(),
    kind: AssetKindSchema,
    name: z.string(),
    data: z.record(z.string(), z.unknown()),
    logoUrl: z.string().nullable(),
    sharedFrom: WorkspaceRefSchema.nullable(),
    sharedWith: z.array(WorkspaceRefSchema),
    createdAt: z.iso.datetime(),
  }),
);

export const AssetPageSchema = z.object({ items: z.array(AssetViewSchema), nextCursor: z.string().nullable() });
