import type { Role } from '$shared/schemas/auth.js';
import type { InvitationView } from '$shared/schemas/invitations.js';
import type {
  AuditEntryView,
  CreateSubworkspace,
  MemberView,
  Page,
  SeatsView,
  SubworkspaceView,
  UpdateWorkspace,
  WorkspaceTreeNode,
  WorkspaceView,
} from '$shared/schemas/workspaces.js';
import { api } from './client.js';

const ws = (id: string) => `/workspaces/${encodeURIComponent(id)}`;

/** `?a=1&b=2` of the defined, non-empty values (or nothing). */
export function queryOf(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const listWorkspaceTree = () => api<{ items: WorkspaceTreeNode[] }>('GET', '/workspaces');

export const createWorkspace = (name: string) => api<WorkspaceView>('POST', '/workspaces', { body: { name } });

export const getWorkspace = (id: string) => api<WorkspaceView>('GET', ws(id));

export const updateWorkspace = (id: string, patch: UpdateWorkspace) => api<WorkspaceView>('PATCH', ws(id), { body: patch });

export const deleteWorkspace = (id: string) => api<void>('DELETE', ws(id));

/** Uploads a PNG, JPEG or WebP image (≤ 2 MB) as the workspace's image. */
export function uploadWorkspaceImage(id: string, file: Blob) {
  const body = new FormData();
  body.append('image', file);
  return api<{ imageUrl: string }>('POST', `${ws(id)}/image`, { body });
}

/** Every sub-workspace right below `id`: the server pages them, this follows the pages. */
export async function listSubworkspaces(id: string): Promise<{ items: SubworkspaceView[] }> {
  const items: SubworkspaceView[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<Page<SubworkspaceView>>('GET', `${ws(id)}/subworkspaces${queryOf({ limit: 200, cursor })}`);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { items };
}

export interface MemberFailure {
  email: string;
  code: string;
  message: string;
}

/** People of the account tree are `added`; anyone else is `invited` (account or not); `failed` says why someone was neither. */
export type CreatedSubworkspace = SubworkspaceView & { members: { added: string[]; invited: string[]; failed: MemberFailure[] } };

export const createSubworkspace = (parentId: string, input: CreateSubworkspace) =>
  api<CreatedSubworkspace>('POST', `${ws(parentId)}/subworkspaces`, { body: input });

export const addSeats = (id: string, add: number) => api<{ seats: SeatsView }>('POST', `${ws(id)}/seats`, { body: { add } });

export const listMembers = (id: string, q: { q?: string; cursor?: string; limit?: number }) =>
  api<Page<MemberView>>('GET', `${ws(id)}/members${queryOf(q)}`);

/**
 * Someone already in the account tree is added at once (`member`); anyone
 * else is invited (`invitation`), with the same reply whether or not the
 * address has an account.
 */
export type AddPersonResult = { member: MemberView } | { invitation: InvitationView };

export const addMember = (id: string, input: { email: string; role: Role }) => api<AddPersonResult>('POST', `${ws(id)}/members`, { body: input });

export const changeMemberRole = (id: string, userId: string, role: Role) =>
  api<MemberView>('PATCH', `${ws(id)}/members/${encodeURIComponent(userId)}`, { body: { role } });

export const removeMember = (id: string, userId: string) => api<void>('DELETE', `${ws(id)}/members/${encodeURIComponent(userId)}`);

export const leaveWorkspace = (id: string) => api<void>('POST', `${ws(id)}/leave`);

export const transferOwnership = (id: string, userId: string) => api<WorkspaceView>('POST', `${ws(id)}/transfer-ownership`, { body: { userId } });

export interface AuditFilters {
  type?: string;
  from?: string;
  to?: string;
}

export const listAudit = (id: string, q: AuditFilters & { cursor?: string; limit?: number }) =>
  api<Page<AuditEntryView>>('GET', `${ws(id)}/audit${queryOf({ ...q })}`);

/** The CSV export of the same filters, for a plain download link. */
export const auditCsvUrl = (id: string, filters: AuditFilters) => `/api${ws(id)}/audit.csv${queryOf({ ...filters })}`;
