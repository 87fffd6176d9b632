import { CreateVideoSchema, VideoViewSchema } from './videos.js';
import { replyOf } from './reply.js';
import { CreditBalanceViewSchema } from './credits.js';
import { z } from 'zod';
import { ListQuerySchema } from './workspaces.js';

export const ApiKeyNameSchema = z.string().trim().min(1, 'Name is required').max(80, 'Name must be at most 80 characters');

export const CreateApiKeySchema = z.strictObject({
  name: ApiKeyNameSchema,
  expiresInDays: z.number().int('Whole days only').min(1, 'At least 1 day').max(3650, 'At most 3650 days').optional(),
});
export type CreateApiKey = z.infer<typeof CreateApiKeySchema>;

export interface ApiKeyView {
  id: string;
  name: string;
  /** The first characters of the secret, to recognise it (`wsc_…`). */
  prefix: string;
  createdBy: { id: string; name: string } | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey {
  key: ApiKeyView;
  /** Shown this once; only its hash is kept. */
  secret: string;
}

/* Replies, described for the OpenAPI document (each checked against its view type above). */

export const ApiKeyViewSchema = replyOf<ApiKeyView>()(
  z.object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  }),
);

export const ApiKeyListSchema = z.object({ items: z.array(ApiKeyViewSchema), nextCursor: z.string().nullable() });

export const CreatedApiKeySchema = replyOf<CreatedApiKey>()(z.object({ key: ApiKeyViewSchema, secret: z.string().startsWith('wsc_') }));

/**
 * A video as the public API shows it (API.md "Videos and share pages");
 * the videos issue brings the view type it will be checked against.
 */
export const PublicVideoSchema = VideoViewSchema;

/** `GET /api/v1/workspace`: the workspace the key acts for, and its balances (after this call's charge). */
export const PublicWorkspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
  credits: z.object({ generative: CreditBalanceViewSchema, api: CreditBalanceViewSchema }),
});

/** `POST /api/v1/videos` (the generation job comes with the videos issue). */
export const PublicCreateVideoSchema = CreateVideoSchema;

/** `GET /api/workspaces/:id/api-keys`: newest first, paged. */
export const ApiKeysQuerySchema = ListQuerySchema;
