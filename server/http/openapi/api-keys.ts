import { ApiKeyListSchema, ApiKeysQuerySchema, CreateApiKeySchema, CreatedApiKeySchema } from '../../../shared/schemas/api-keys.js';
import type { Area } from './operation.js';

export const apiKeys: Area = {
  tag: 'API keys',
  description: 'Keys of the public API, managed by Developers and Super Admins of a workspace whose API access is on.',
  paths: {
    '/workspaces/{id}/api-keys': {
      get: {
        operationId: 'listApiKeys',
        summary: 'The workspace’s API keys, newest first, paginated, revoked ones included (never their secrets; 403 when API access is off)',
        query: ApiKeysQuerySchema,
        ok: 200,
        reply: ApiKeyListSchema,
        errors: ['forbidden'],
      },
      post: {
        operationId: 'createApiKey',
        summary: 'Create a key; its secret is in this reply only (403 when API access is off)',
        body: CreateApiKeySchema,
        ok: 201,
        reply: CreatedApiKeySchema,
        errors: ['forbidden'],
      },
    },
    '/workspaces/{id}/api-keys/{keyId}': {
      delete: { operationId: 'revokeApiKey', summary: 'Revoke a key: it stops working at once, on every node', ok: 204, errors: ['forbidden'] },
    },
  },
};
