import { expect } from 'vitest';
import type { ApiClient, Reply } from './client.js';
import { createUser, createWorkspace } from './factories.js';
import { invitePathFromMail } from './invitations.js';
import type { WebServer } from './organisation.js';

/** Names and addresses long enough to find what does not wrap. */
const PEOPLE = [
  'Bartholomew Oyelaran-Whitfield',
  'Chiara Esposito-Vandenberghe',
  'Dmitri Aleksandrovich Volkonsky',
  'Eun-ji Park',
  'François-Xavier de La Rochefoucauld',
] as const;
const ROLES = ['super_admin', 'developer', 'creator', 'viewer', 'viewer'] as const;
/** A draft whose share dialog has every kind of row. */
export const SHARED_DRAFT = 'Spring launch — master script for every market';
export const LONG_INVITEE = 'maximiliana.featherstonehaugh-worthington@subsidiary-holdings.example.com';

async function ok<T>(reply: Promise<Reply<T>>, status = [200, 201, 202]): Promise<T> {
  const { status: got, body } = await reply;
  expect(status, JSON.stringify(body)).toContain(got);
  return body;
}

/**
 * A workspace with something on every screen: members with long names and
 * addresses (made members through the real service), then what an admin does
 * through the API, so the audit log and the notifications are real: a role
 * change, seats, a rename, pending invitations, an invite link
 * with a pending and a decided join request, two sub-workspaces, assets of
 * every kind (one shared), and a second workspace whose link asks approval.
 */
export async function buildScene(server: WebServer) {
  const owner = await createUser(server.ctx, server.url, 'Alexandra Montgomery-Fitzwilliam');
  const people = await Promise.all(PEOPLE.map((name) => createUser(server.ctx, server.url, name)));
  const members = people.map((person, i) => ({ userId: person.user._id as string, role: i === 0 ? ('creator' as const) : ROLES[i]! }));
  const workspaceId = await createWorkspace(server.ctx, owner.user._id, members, 'Northwind Creative');
  const api: ApiClient = owner.client;
  const ws = `/api/workspaces/${workspaceId}`;

  await ok(api.request('PATCH', `${ws}/members/${people[0]!.user._id}`, { role: ROLES[0] }));
  await ok(api.post(`${ws}/seats`, { add: 15 }));
  await ok(api.request('PATCH', ws, { name: 'Northwind Creative Studios International' }));
  await ok(api.post(`${ws}/invitations`, { invites: [{ email: LONG_INVITEE, role: 'creator' }, { email: 'li.wei@example.com', role: 'viewer' }] }));

  const retail = await ok<{ id: string }>(api.post(`${ws}/subworkspaces`, { name: 'Northwind Retail — Europe, Middle East & Africa', billingMode: 'inherited', apiAccess: false, members: [] }));
  await ok(api.post(`${ws}/subworkspaces`, { name: 'Northwind Labs', billingMode: 'independent', apiAccess: true, members: [{ email: people[1]!.email, role: 'developer' }] }));

  await ok(api.post(`${ws}/assets`, { kind: 'voice', name: 'Warm narrator (British English)', data: { language: 'en-GB', gender: 'female' } }));
  const kit = await ok<{ id: string }>(
    api.post(`${ws}/assets`, {
      kind: 'brand_kit',
      name: 'Northwind corporate identity 2026',
      data: { colors: ['#4F46E5', '#0EA5E9', '#F59E0B', '#111827', '#F9FAFB', '#DC2626'], fonts: ['Inter', 'Source Serif Pro'] },
    }),
  );
  await ok(api.post(`${ws}/assets/${kit.id}/shares`, { workspaceIds: [retail.id] }));
  await ok(api.post(`${ws}/assets`, { kind: 'avatar', name: 'Presenter — studio look', data: { look: 'Navy blazer, soft light', style: 'studio' } }));
  await ok(api.post(`${ws}/assets`, { kind: 'template', name: 'Quarterly results', data: { layout: { preset: 'split' } } }));

  // Content for the share dialog: a folder shared with a Viewer, a draft inside it open to the workspace,
  // with a Creator until a day and a Viewer given edit (who stays view-only).
  const campaigns = await ok<{ id: string }>(api.post(`${ws}/items`, { kind: 'folder', name: 'Campaigns 2026 — Europe, Middle East & Africa' }));
  const draft = await ok<{ id: string }>(api.post(`${ws}/items`, { kind: 'draft', name: SHARED_DRAFT, parentId: campaigns.id, body: 'Open on the skyline.' }));
  await ok(api.request('PUT', `${ws}/items/${campaigns.id}/sharing`, { grants: [{ userId: people[3]!.user._id, role: 'view' }] }));
  await ok(
    api.request('PUT', `${ws}/items/${draft.id}/sharing`, {
      general: { scope: 'workspace', role: 'view' },
      grants: [
        { userId: people[2]!.user._id, role: 'edit', expiresAt: '2099-06-30T12:00:00.000Z' },
        { userId: people[4]!.user._id, role: 'edit' },
      ],
    }),
  );

  // The link asks approval: one request waits (and rings the admins' bells), one was approved.
  await ok(api.request('PATCH', ws, { settings: { requireApproval: true } }));
  const link = await ok<{ token: string }>(api.request('PUT', `${ws}/invite-link`, { role: 'creator' }));
  const waiting = await createUser(server.ctx, server.url, 'Guadalupe Hernández-Villanueva');
  const approved = await createUser(server.ctx, server.url, 'Hiroshi Takahashi');
  await ok(waiting.client.post(`/api/join/${link.token}`), [202]);
  const request = await ok<{ joinRequestId: string }>(approved.client.post(`/api/join/${link.token}`), [202]);
  await ok(api.post(`${ws}/join-requests/${request.joinRequestId}/approve`, {}));

  // Another account's workspace, for the join page: its link also asks approval.
  const partnerOwner = await createUser(server.ctx, server.url, 'Ingrid Halvorsen');
  const partnerId = await createWorkspace(server.ctx, partnerOwner.user._id, [], 'Globex Partner Network');
  await ok(partnerOwner.client.request('PATCH', `/api/workspaces/${partnerId}`, { settings: { requireApproval: true } }));
  const partnerLink = await ok<{ token: string }>(partnerOwner.client.request('PUT', `/api/workspaces/${partnerId}/invite-link`, { role: 'viewer' }));

  return {
    owner,
    people,
    workspaceId,
    retailId: retail.id,
    campaignsId: campaigns.id,
    invitePath: await invitePathFromMail(server, LONG_INVITEE),
    joinPath: `/join/${partnerLink.token}`,
  };
}

export type Scene = Awaited<ReturnType<typeof buildScene>>;
