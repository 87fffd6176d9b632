import type { AccessRequestView, CreateItem, ItemDetailView, ItemKind, ItemSort, ItemView, ShareRole, UpdateItem } from '$shared/schemas/content.js';
import type { Page } from '$shared/schemas/workspaces.js';
import { api } from './client.js';
import { queryOf } from './workspaces.js';

const items = (id: string) => `/workspaces/${encodeURIComponent(id)}/items`;
const item = (id: string, itemId: string) => `${items(id)}/${encodeURIComponent(itemId)}`;

/** What a list of content asks for: one folder (none = top level), a name search, or what was shared with the caller. */
export interface ItemsFilter {
  parentId?: string;
  q?: string;
  shared?: 'me';
  kind?: ItemKind;
  sort?: ItemSort;
}

export const listItems = (id: string, filter: ItemsFilter & { cursor?: string; limit?: number } = {}) =>
  api<Page<ItemView>>('GET', `${items(id)}${queryOf({ ...filter })}`);

export const getItem = (id: string, itemId: string) => api<ItemDetailView>('GET', item(id, itemId));

export const createItem = (id: string, input: CreateItem) => api<ItemView>('POST', items(id), { body: input });

export const updateItem = (id: string, itemId: string, patch: UpdateItem) => api<ItemDetailView>('PATCH', item(id, itemId), { body: patch });

export const deleteItem = (id: string, itemId: string) => api<void>('DELETE', item(id, itemId));

export const requestAccess = (id: string, itemId: string, input: { role: ShareRole; message?: string }) =>
  api<AccessRequestView>('POST', `${item(id, itemId)}/access-requests`, { body: input });
