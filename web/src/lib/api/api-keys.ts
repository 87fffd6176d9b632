import type { ApiKeyView, CreateApiKey, CreatedApiKey } from '$shared/schemas/api-keys.js';
import type { Page } from '$shared/schemas/workspaces.js';
import { api } from './client.js';
import { queryOf } from './workspaces.js';

const keys = (id: string) => `/workspaces/${encodeURIComponent(id)}/api-keys`;

export const listApiKeys = (id: string, q: { cursor?: string; limit?: number } = {}) => api<Page<ApiKeyView>>('GET', `${keys(id)}${queryOf({ ...q })}`);

/** The reply holds the secret: the only time it is ever sent. */
export const createApiKey = (id: string, input: CreateApiKey) => api<CreatedApiKey>('POST', keys(id), { body: input });

export const revokeApiKey = (id: string, keyId: string) => api<void>('DELETE', `${keys(id)}/${encodeURIComponent(keyId)}`);
