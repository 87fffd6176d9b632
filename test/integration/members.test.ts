import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { connectSocket, emitAck, waitFor, type Reply } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { addMembership } from '../../server/workspaces/member.service.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_SEATS: '100' } });
});
afterAll(() => server?.close());

async function team(n = 2) {
  const owner = await createUser(server.ctx, server.url, 'Owner');
  const people = await Promise.all(Array.from({ length: n }, () => createUser(server.ctx, server.url, 'Person')));
  const ws = await createWorkspace(server.ctx, owner.user._id, people.map((p) => ({ userId: p.user._id, role: 'creator' as const })));
  return { owner, people, ws };
}

describe('members list', () => {
  it('pages through every member exactly once and searches name and email case-insensitively', async () => {
    const { owner, people, ws } = await team(7);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Reply = await owner.client.get(`/api/workspaces/${ws}/members?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((m: { userId: string }) => m.userId));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([owner.user._id, ...people.map((p) => p.user._id)].sort());

    const target = people[4]!;
    const byName = await owner.client.get(`/api/workspaces/${ws}/members?q=${encodeURIComponent(target.user.name.toUpperCase())}`);
    expect(byName.body.items).toEqual([
      { userId: target.user._id, name: target.user.name, email: target.email, role: 'creator', status: 'active', joinedAt: expect.any(String), isOwner: false },
    ]);
    const byEmail = await owner.client.get(`/api/workspaces/${ws}/members?q=${encodeURIComponent(target.email)}`);
    expect(byEmail.body.items.map((m: { userId: string }) => m.userId)).toEqual([target.user._id]);
    const regexy = await owner.client.get(`/api/workspaces/${ws}/members?q=${encodeURIComponent('.*')}`);
    expect(regexy.body.items).toEqual([]);
    expect((await owner.client.get(`/api/workspaces/${ws}/members?limit=500`)).status).toBe(400);
  });
});

describe('adding, roles, removal, leaving and ownership', () => {
  it('adds people of the account tree at once; invites anyone else, whether or not they have an account; refuses people already in', async () => {
    const { owner, people, ws } = await team(1);
    const root = (await server.ctx.models.Workspace.findById(ws).lean())!;
    const sub = (await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Team', billingMode: 'inherited', apiAccess: false })).body;
    // Already a member of the tree (the root): added to the sub-workspace straight away.
    const added = await owner.client.post(`/api/workspaces/${sub.id}/members`, { email: `  ${people[0]!.email.toUpperCase()} `, role: 'developer' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ member: { userId: people[0]!.user._id, name: people[0]!.user.name, email: people[0]!.email, role: 'developer', status: 'active', joinedAt: expect.any(String), isOwner: false } });
    // Outside the tree, with or without an account: an invitation, and nothing else differs.
    const stranger = await createUser(server.ctx, server.url, 'Stranger');
    const withAccount = await owner.client.post(`/api/workspaces/${ws}/members`, { email: stranger.email, role: 'viewer' });
    const withoutAccount = await owner.client.post(`/api/workspaces/${ws}/members`, { email: 'nobody.here@example.com', role: 'viewer' });
    for (const [reply, email] of [[withAccount, stranger.email], [withoutAccount, 'nobody.here@example.com']] as const) {
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({ invitation: { id: expect.any(String), email, role: 'viewer', status: 'sent', invitedBy: { id: owner.user._id, name: owner.user.name }, createdAt: expect.any(String), expiresAt: expect.any(String) } });
    }
    expect(Object.keys(withAccount.headers).sort()).toEqual(Object.keys(withoutAccount.headers).sort());
    expect(await server.ctx.models.Membership.exists({ _id: `${ws}:${stranger.user._id}` })).toBeNull();
    expect(root.rootId).toBe(ws);
    const again = await owner.client.post(`/api/workspaces/${ws}/members`, { email: people[0]!.email, role: 'viewer' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_member');
    const twice = await owner.client.post(`/api/workspaces/${ws}/members`, { email: stranger.email, role: 'viewer' });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toEqual({ code: 'conflict', message: 'Already invited: resend the pending invitation instead' });
  });

  it('the owner cannot be demoted, removed or leave until ownership is transferred; then they can', async () => {
    const { owner, people, ws } = await team(1);
    const other = people[0]!;
    const demote = await owner.client.request('PATCH', `/api/workspaces/${ws}/members/${owner.user._id}`, { role: 'viewer' });
    expect(demote.status).toBe(409);
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/members/${owner.user._id}`)).status).toBe(409);
    expect((await owner.client.post(`/api/workspaces/${ws}/leave`)).status).toBe(409);

    const transfer = await owner.client.post(`/api/workspaces/${ws}/transfer-ownership`, { userId: other.user._id });
    expect(transfer.status).toBe(200);
    expect(transfer.body.ownerId).toBe(other.user._id);
    const members = (await owner.client.get(`/api/workspaces/${ws}/members`)).body.items;
    expect(members.find((m: { userId: string }) => m.userId === other.user._id)).toMatchObject({ role: 'super_admin', isOwner: true });
    // There is always a Super Admin: the new owner. The old owner may now be demoted and leave.
    expect((await other.client.request('PATCH', `/api/workspaces/${ws}/members/${owner.user._id}`, { role: 'viewer' })).status).toBe(200);
    expect((await owner.client.post(`/api/workspaces/${ws}/leave`)).status).toBe(204);
    expect((await owner.client.get(`/api/workspaces/${ws}`)).status).toBe(404);
    const audit = await other.client.get(`/api/workspaces/${ws}/audit`);
    expect(audit.body.items.map((e: { type: string }) => e.type)).toEqual(['member.removed', 'member.updated', 'ownership.transferred', 'member.updated']);
    expect(audit.body.items[1]).toMatchObject({ before: { role: 'super_admin' }, after: { role: 'viewer' }, actor: { id: other.user._id } });
  });

  it('transferring to someone outside the workspace is not found; to oneself is a conflict', async () => {
    const { owner, ws } = await team(0);
    const stranger = await createUser(server.ctx, server.url, 'Stranger');
    expect((await owner.client.post(`/api/workspaces/${ws}/transfer-ownership`, { userId: stranger.user._id })).status).toBe(404);
    expect((await owner.client.post(`/api/workspaces/${ws}/transfer-ownership`, { userId: owner.user._id })).status).toBe(409);
    expect((await server.ctx.models.Workspace.findById(ws).lean())!.ownerId).toBe(owner.user._id);
  });
});

describe('revocation reaches live connections', () => {
  it('a removed member loses the feed at once: access.revoked, no workspace event after, 404 on the next request', async () => {
    const { owner, people, ws } = await team(2);
    const [gone, stays] = people as [typeof people[0], typeof people[0]];
    const goneSocket = await connectSocket(server.url, gone.client.cookie);
    const staysSocket = await connectSocket(server.url, stays.client.cookie);
    await emitAck(goneSocket, 'workspace:subscribe', { workspaceId: ws });
    await emitAck(staysSocket, 'workspace:subscribe', { workspaceId: ws });

    const removedAt = Date.now();
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/members/${gone.user._id}`)).status).toBe(204);
    await waitFor(() => goneSocket.received.some((e) => e.type === 'access.revoked'), 'access.revoked', 2000);
    expect(Date.now() - removedAt).toBeLessThan(2000);
    expect(goneSocket.received.find((e) => e.type === 'access.revoked')!.data).toEqual({ workspaceId: ws, workspaceName: 'Test Workspace', reason: 'removed' });
    expect((await gone.client.get(`/api/workspaces/${ws}`)).status).toBe(404);
    expect((await gone.client.get(`/api/workspaces/${ws}/members`)).status).toBe(404);

    const before = goneSocket.received.length;
    expect((await owner.client.request('PATCH', `/api/workspaces/${ws}`, { name: 'Renamed' })).status).toBe(200);
    await waitFor(() => staysSocket.received.some((e) => e.type === 'workspace.updated'), 'the rename on the remaining member');
    await new Promise((r) => setTimeout(r, 200));
    expect(goneSocket.received.length).toBe(before);
    expect(staysSocket.received.find((e) => e.type === 'member.removed')!.data).toEqual({ userId: gone.user._id, reason: 'removed' });
    // Subscribing again is refused.
    expect(await emitAck(goneSocket, 'workspace:subscribe', { workspaceId: ws })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    goneSocket.close();
    staysSocket.close();
  });

  it('a demoted Super Admin stops receiving admin-only events at once and loses admin actions on the next request', async () => {
    const { owner, people, ws } = await team(1);
    const admin = people[0]!;
    await owner.client.request('PATCH', `/api/workspaces/${ws}/members/${admin.user._id}`, { role: 'super_admin' });
    const socket = await connectSocket(server.url, admin.client.cookie);
    await emitAck(socket, 'workspace:subscribe', { workspaceId: ws });
    expect((await owner.client.post(`/api/workspaces/${ws}/seats`, { add: 1 })).status).toBe(200);
    await waitFor(() => socket.received.some((e) => e.type === 'seats.purchased'), 'admin event while admin');

    expect((await owner.client.request('PATCH', `/api/workspaces/${ws}/members/${admin.user._id}`, { role: 'viewer' })).status).toBe(200);
    await waitFor(() => socket.received.some((e) => e.type === 'member.updated' && e.id.startsWith('user:')), 'own role change', 2000);
    expect((await admin.client.post(`/api/workspaces/${ws}/seats`, { add: 1 })).status).toBe(403);

    const count = () => socket.received.filter((e) => e.type === 'seats.purchased').length;
    const adminEvents = count();
    expect((await owner.client.post(`/api/workspaces/${ws}/seats`, { add: 1 })).status).toBe(200);
    await waitFor(() => socket.received.filter((e) => e.type === 'seats.updated').length >= 2, 'member-level seats.updated');
    await new Promise((r) => setTimeout(r, 200));
    expect(count()).toBe(adminEvents);
    socket.close();
  });
});

describe('bad input on member endpoints', () => {
  it('answers 400 with details and changes nothing', async () => {
    const { owner, people, ws } = await team(1);
    const target = people[0]!;
    const cases: Array<[string, string, unknown]> = [
      ['POST', `/api/workspaces/${ws}/members`, {}],
      ['POST', `/api/workspaces/${ws}/members`, { email: 'not-an-email', role: 'viewer' }],
      ['POST', `/api/workspaces/${ws}/members`, { email: target.email, role: 'owner' }],
      ['POST', `/api/workspaces/${ws}/members`, { email: { $ne: null }, role: 'viewer' }],
      ['PATCH', `/api/workspaces/${ws}/members/${target.user._id}`, { role: 'god' }],
      ['PATCH', `/api/workspaces/${ws}/members/${target.user._id}`, { role: 'viewer', userId: owner.user._id }],
      ['PATCH', `/api/workspaces/${ws}/members/${target.user._id}`, []],
      ['POST', `/api/workspaces/${ws}/transfer-ownership`, { userId: { $gt: '' } }],
      ['POST', `/api/workspaces/${ws}/transfer-ownership`, {}],
    ];
    for (const [method, path, body] of cases) {
      const res = await owner.client.request(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(Array.isArray(res.body.error.details)).toBe(true);
    }
    const members = (await owner.client.get(`/api/workspaces/${ws}/members`)).body.items;
    expect(members.map((m: { role: string }) => m.role).sort()).toEqual(['creator', 'super_admin']);
    expect((await server.ctx.models.Workspace.findById(ws).lean())!.ownerId).toBe(owner.user._id);
    // A path id that cannot exist is simply not found.
    expect((await owner.client.request('PATCH', `/api/workspaces/${ws}/members/${'$where'}`, { role: 'viewer' })).status).toBe(404);
  });
});

describe('admins of the workspace above', () => {
  it("get a sub-workspace's live feed without being its members, and lose it with their role above", async () => {
    const { owner, ws } = await team(0);
    const parentAdmin = await createUser(server.ctx, server.url, 'ParentAdmin');
    await addMembership(server.ctx, (await server.ctx.models.Workspace.findById(ws).lean())!, parentAdmin.user, 'super_admin', null);
    const sub = (await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Client', billingMode: 'inherited', apiAccess: false })).body;
    const socket = await connectSocket(server.url, parentAdmin.client.cookie);
    expect(await emitAck(socket, 'workspace:subscribe', { workspaceId: sub.id })).toMatchObject({ ok: true });

    await owner.client.request('PATCH', `/api/workspaces/${sub.id}`, { name: 'Client renamed' });
    await waitFor(() => socket.received.some((e) => e.type === 'workspace.updated' && e.workspaceId === sub.id), 'the sub-workspace event');

    expect((await owner.client.request('PATCH', `/api/workspaces/${ws}/members/${parentAdmin.user._id}`, { role: 'viewer' })).status).toBe(200);
    await waitFor(() => socket.received.some((e) => e.type === 'member.updated' && e.id.startsWith('user:')), 'own role change');
    const seen = socket.received.filter((e) => e.workspaceId === sub.id && e.id.startsWith('workspace:')).length;
    await owner.client.request('PATCH', `/api/workspaces/${sub.id}`, { name: 'Client renamed again' });
    await new Promise((r) => setTimeout(r, 300));
    expect(socket.received.filter((e) => e.workspaceId === sub.id && e.id.startsWith('workspace:')).length).toBe(seen);
    expect(await emitAck(socket, 'workspace:subscribe', { workspaceId: sub.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    socket.close();
  });
});
