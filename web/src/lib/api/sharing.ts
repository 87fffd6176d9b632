import type { AccessRequestView, PutSharing, SharingView } from '$shared/schemas/content.js';
import { api } from './client.js';

const item = (workspaceId: string, itemId: string) => `/workspaces/${encodeURIComponent(workspaceId)}/items/${encodeURIComponent(itemId)}`;

/** Who has access to an item and why, with its general access and direct grants. */
export const getSharing = (workspaceId: string, itemId: string) => api<SharingView>('GET', `${item(workspaceId, itemId)}/sharing`);

/** Sets the general access and/or the full list of direct grants; the reply is the sharing as stored. */
export const putSharing = (workspaceId: string, itemId: string, body: PutSharing) => api<SharingView>('PUT', `${item(workspaceId, itemId)}/sharing`, { body });

export const approveAccessRequest = (workspaceId: string, itemId: string, requestId: string, role?: 'view' | 'edit') =>
  api<AccessRequestView>('POST', `${item(workspaceId, itemId)}/access-requests/${encodeURIComponent(requestId)}/approve`, { body: role ? { role } : {} });

export const denyAccessRequest = (workspaceId: string, itemId: string, requestId: string) =>
  api<AccessRequestView>('POST', `${item(workspaceId, itemId)}/access-requests/${encodeURIComponent(requestId)}/deny`, { body: {} });
