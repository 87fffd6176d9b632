import { AssetPageSchema, AssetsQuerySchema } from '../../../shared/schemas/assets.js';
import { PublicCreateVideoSchema, PublicVideoSchema, PublicWorkspaceSchema } from '../../../shared/schemas/api-keys.js';
import type { Area } from './operation.js';

/**
 * `/api/v1`: a key acts for its workspace only (another workspace's ids are
 * 404); every call costs 1 API credit (402 when none is left) and is rate
 * limited per key and per workspace (429).
 */
export const publicApi: Area = {
  tag: 'Public API',
  description:
    'For integrations: `Authorization: Bearer wsc_…` with a key of the workspace, no cookie. Every call costs 1 API credit of the key’s workspace and is rate limited per key and per workspace.',
  paths: {
    '/v1/workspace': {
      get: { operationId: 'v1GetWorkspace', summary: 'The key’s workspace and its credits (after this call’s)', auth: 'apiKey', ok: 200, reply: PublicWorkspaceSchema },
    },
    '/v1/assets': {
      get: {
        operationId: 'v1ListAssets',
        summary: 'The assets available to the key’s workspace (own and shared in), paginated',
        auth: 'apiKey',
        query: AssetsQuerySchema,
        ok: 200,
        reply: AssetPageSchema,
      },
    },
    '/v1/videos': {
      post: {
        operationId: 'v1CreateVideo',
        summary: 'Start generating a video as the key’s maker: 202 with the video, status `pending`; its estimated generative credits are held (402 when there are not enough)',
        auth: 'apiKey',
        body: PublicCreateVideoSchema,
        ok: 202,
        reply: PublicVideoSchema,
        errors: ['not_found', 'forbidden', 'conflict'],
      },
    },
    '/v1/videos/{videoId}': {
      get: { operationId: 'v1GetVideo', summary: 'A video with its `status` and `progress`', auth: 'apiKey', ok: 200, reply: PublicVideoSchema },
    },
  },
};
