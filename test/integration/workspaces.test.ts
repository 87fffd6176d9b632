import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { connectSocket, emitAck, waitFor } from '../support/client.js';
import { createUser, createWorkspace, addMember } from '../support/factories.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cf00000301010018dd8db00000000049454e44ae426082', 'hex');

function upload(cookie: string, ws: string, data: Buffer, filename: string, field = 'image', type = 'image/png') {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(data)], { type }), filename);
  return fetch(`${server.url}/api/workspaces/${ws}/image`, { method: 'POST', body: form, headers: { cookie } });
}

describe('creating and viewing a workspace', () => {
  it('a new account workspace: the caller is its owner and Super Admin, with 10 seats of which one is used', async () => {
    const me = await createUser(server.ctx, server.url, 'Founder');
    const res = await me.client.post('/api/workspaces', { name: '  Acme Studio ' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Acme Studio',
      imageUrl: null,
      parentId: null,
      rootId: res.body.id,
      ownerId: me.user._id,
      role: 'super_admin',
      settings: { requireApproval: false, companyDomains: [], apiAccess: false, billingMode: 'independent' },
      seats: { limit: 10, used: 1, reserved: 0 },
      poolId: res.body.id,
      memberCount: 1,
      canHaveSubworkspaces: true,
      canAllocate: true,
    });
    expect((await me.client.get(`/api/workspaces/${res.body.id}`)).body).toEqual(res.body);
    expect((await me.client.get('/api/me')).body.memberships).toEqual([{ workspace: { id: res.body.id, name: 'Acme Studio', parentId: null }, role: 'super_admin' }]);
    expect((await me.client.get('/api/workspaces')).body.items).toEqual([{ id: res.body.id, name: 'Acme Studio', imageUrl: null, parentId: null, role: 'super_admin' }]);
  });

  it('refuses a bad name and stores nothing', async () => {
    const me = await createUser(server.ctx, server.url);
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(81) }, { name: 5 }, { name: 'ok', ownerId: 'x' }]) {
      const res = await me.client.post('/api/workspaces', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect(await server.ctx.models.Membership.countDocuments({ userId: me.user._id })).toBe(0);
  });
});

describe('updating a workspace', () => {
  it('renames and changes settings, recorded in the audit log with before and after, pushed live to members', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const viewer = await createUser(server.ctx, server.url, 'Viewer');
    const ws = await createWorkspace(server.ctx, owner.user._id, [{ userId: viewer.user._id, role: 'viewer' }], 'Before');
    const socket = await connectSocket(server.url, viewer.client.cookie);
    await emitAck(socket, 'workspace:subscribe', { workspaceId: ws });
    // The owner's verified address is at example.com: that domain is theirs to add.
    const res = await owner.client.request('PATCH', `/api/workspaces/${ws}`, { name: 'After', settings: { requireApproval: true, companyDomains: ['Example.COM'] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'After', settings: { requireApproval: true, companyDomains: ['example.com'], apiAccess: false, billingMode: 'independent' } });
    await waitFor(() => socket.received.some((e) => e.type === 'workspace.updated'), 'workspace.updated');
    expect(socket.received.find((e) => e.type === 'workspace.updated')!.data).toMatchObject({ workspaceId: ws, name: 'After' });
    const audit = await owner.client.get(`/api/workspaces/${ws}/audit`);
    expect(audit.body.items[0]).toMatchObject({
      type: 'workspace.updated',
      actor: { id: owner.user._id, name: owner.user.name, email: owner.email },
      target: { kind: 'workspace', id: ws, label: 'After' },
      before: { name: 'Before', requireApproval: false, companyDomains: [] },
      after: { name: 'After', requireApproval: true, companyDomains: ['example.com'] },
    });
    socket.close();
  });

  it('mass assignment: ownerId, parentId, seats, role, _id or __proto__ in a PATCH change nothing, nor does a root\'s billingMode', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const attacker = await createUser(server.ctx, server.url, 'Attacker');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const before = await server.ctx.models.Workspace.findById(ws).lean();
    const bodies = [
      { ownerId: attacker.user._id },
      { parentId: 'aaaaaaaaaaaaaaaaaaaaaaaa' },
      { seats: { limit: 9999 } },
      { role: 'viewer' },
      { _id: 'other' },
      { name: 'x', settings: { apiAccess: true, seats: 5 } },
    ];
    for (const body of bodies) {
      const res = await owner.client.request('PATCH', `/api/workspaces/${ws}`, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    // A sub-workspace's billing mode can change (billing-mode.test.ts); a root's never does.
    const billing = await owner.client.request('PATCH', `/api/workspaces/${ws}`, { name: 'x', settings: { billingMode: 'inherited' } });
    expect([billing.status, billing.body.error.code]).toEqual([409, 'conflict']);
    const proto = await owner.client.request('PATCH', `/api/workspaces/${ws}`, '{"name":"y","__proto__":{"ownerId":"evil"}}');
    expect(proto.status).toBe(400);
    const empty = await owner.client.request('PATCH', `/api/workspaces/${ws}`, {});
    expect(empty.status).toBe(400);
    expect(await server.ctx.models.Workspace.findById(ws).lean()).toEqual(before);
    expect(await server.ctx.models.Audit.countDocuments({ workspaceId: ws, type: 'workspace.updated' })).toBe(0);
  });

  it('refuses public webmail and malformed company domains with a field error', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    for (const domain of ['gmail.com', 'not a domain', '-bad.com', 'nodot']) {
      const res = await owner.client.request('PATCH', `/api/workspaces/${ws}`, { settings: { companyDomains: [domain] } });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('settings.companyDomains.0');
    }
    expect((await server.ctx.models.Workspace.findById(ws).lean())!.settings.companyDomains).toEqual([]);
  });
});

describe('workspace image', () => {
  it('accepts a PNG checked by content, serves it to members only, and shows it in the views', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const stranger = await createUser(server.ctx, server.url, 'Stranger');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const res = await upload(owner.client.cookie, ws, PNG, 'logo.gif', 'image', 'application/octet-stream');
    expect(res.status).toBe(200);
    const { imageUrl } = await res.json();
    expect(imageUrl).toMatch(new RegExp(`^/api/workspaces/${ws}/image\\?v=[0-9a-f]{16}$`));
    expect((await owner.client.get(`/api/workspaces/${ws}`)).body.imageUrl).toBe(imageUrl);
    const img = await fetch(server.url + imageUrl, { headers: { cookie: owner.client.cookie } });
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await img.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(server.url + imageUrl, { headers: { cookie: stranger.client.cookie } })).status).toBe(404);
  });

  it('refuses a text file named .png, a file over 2 MB, and a missing field, keeping the old image', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const fake = await upload(owner.client.cookie, ws, Buffer.from('<svg onload=alert(1)>'), 'logo.png');
    expect(fake.status).toBe(400);
    expect((await fake.json()).error).toMatchObject({ code: 'validation_failed', details: [{ path: 'image', message: 'The file is not a PNG, JPEG or WebP image' }] });
    const huge = await upload(owner.client.cookie, ws, Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]), 'big.png');
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('too_large');
    const wrongField = await upload(owner.client.cookie, ws, PNG, 'logo.png', 'file');
    expect(wrongField.status).toBe(400);
    const notMultipart = await owner.client.post(`/api/workspaces/${ws}/image`, { image: 'x' });
    expect(notMultipart.status).toBe(400);
    expect(await server.ctx.models.StoredImage.exists({ _id: ws })).toBeNull();
    expect((await server.ctx.models.Workspace.findById(ws).lean())!.imageUrl).toBeNull();
  });
});

describe('sub-workspaces', () => {
  it('creates one with members by email and roles; people without an account are invited; the parent admins see it live', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const coAdmin = await createUser(server.ctx, server.url, 'CoAdmin');
    const creator = await createUser(server.ctx, server.url, 'Creator');
    const stranger = await createUser(server.ctx, server.url, 'Stranger');
    // The creator is already in the account tree; the stranger is not.
    const ws = await createWorkspace(server.ctx, owner.user._id, [
      { userId: coAdmin.user._id, role: 'super_admin' },
      { userId: creator.user._id, role: 'viewer' },
    ]);
    const socket = await connectSocket(server.url, coAdmin.client.cookie);
    await emitAck(socket, 'workspace:subscribe', { workspaceId: ws });
    const res = await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, {
      name: 'Client B',
      billingMode: 'inherited',
      apiAccess: true,
      members: [
        { email: creator.email, role: 'creator' },
        { email: stranger.email, role: 'viewer' },
        { email: 'ghost@example.com', role: 'viewer' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Client B',
      parentId: ws,
      settings: { billingMode: 'inherited', apiAccess: true, requireApproval: false, companyDomains: [] },
      memberCount: 2,
      seats: { limit: 10, used: 3, reserved: 2 },
      // Someone with an account outside the tree is invited exactly like someone without one.
      members: { added: [creator.email], invited: [stranger.email, 'ghost@example.com'], failed: [] },
    });
    expect((await server.ctx.models.Invitation.find({ workspaceId: res.body.id }).sort({ email: 1 }).lean()).map((i) => [i.email, i.role, i.status])).toEqual(
      [
        ['ghost@example.com', 'viewer', 'sent'],
        [stranger.email, 'viewer', 'sent'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    expect(await server.ctx.models.Membership.exists({ workspaceId: res.body.id, userId: stranger.user._id })).toBeNull();
    await waitFor(() => socket.received.some((e) => e.type === 'subworkspace.created'), 'subworkspace.created');
    expect(socket.received.find((e) => e.type === 'subworkspace.created')!.data).toMatchObject({ subworkspace: { id: res.body.id, name: 'Client B' } });
    const list = await coAdmin.client.get(`/api/workspaces/${ws}/subworkspaces`);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([res.body.id]);
    // The creator of the sub sees it in the switcher, under its parent.
    expect((await creator.client.get('/api/workspaces')).body.items).toEqual([
      { id: res.body.id, name: 'Client B', imageUrl: null, parentId: ws, role: 'creator' },
      { id: ws, name: 'Test Workspace', imageUrl: null, parentId: null, role: 'viewer' },
    ]);
    // A parent Super Admin who is not a member still manages it from the gear menu.
    expect((await coAdmin.client.request('PATCH', `/api/workspaces/${res.body.id}`, { settings: { apiAccess: false } })).status).toBe(200);
    socket.close();
  });

  it("tells the parent's admins live when a sub-workspace's members change", async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const joiner = await createUser(server.ctx, server.url, 'Joiner');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const sub = await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Counted', billingMode: 'inherited', apiAccess: false });
    await addMember(server.ctx, ws, joiner.user, 'viewer');
    const socket = await connectSocket(server.url, owner.client.cookie);
    await emitAck(socket, 'workspace:subscribe', { workspaceId: ws });
    const counts = () => socket.received.filter((e) => e.type === 'subworkspace.updated').map((e) => (e.data as { subworkspace: { memberCount: number } }).subworkspace.memberCount);
    await owner.client.post(`/api/workspaces/${sub.body.id}/members`, { email: joiner.email, role: 'viewer' });
    await waitFor(() => counts().includes(2), 'count 2');
    await owner.client.request('DELETE', `/api/workspaces/${sub.body.id}/members/${joiner.user._id}`);
    await waitFor(() => counts().at(-1) === 1, 'count back to 1');
    socket.close();
  });

  it('refuses bad sub-workspace input and stores nothing', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const bodies = [
      {},
      { name: 'x', billingMode: 'shared' },
      { name: 'x', apiAccess: 'yes' },
      { name: 'x', members: [{ email: 'bad', role: 'creator' }] },
      { name: 'x', members: [{ email: 'a@b.co', role: 'owner' }] },
      { name: 'x', members: Array.from({ length: 101 }, (_, i) => ({ email: `p${i}@example.com`, role: 'viewer' })) },
      { name: 'x', parentId: 'other' },
    ];
    for (const body of bodies) expect((await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, body)).status).toBe(400);
    expect(await server.ctx.models.Workspace.countDocuments({ parentId: ws })).toBe(0);
  });
});

describe('audit log', () => {
  it('filters by type and date, pages newest first, and exports CSV safe for spreadsheets', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    for (const name of ['One', 'Two', '=HYPERLINK("http://x")']) await owner.client.request('PATCH', `/api/workspaces/${ws}`, { name });
    await owner.client.post(`/api/workspaces/${ws}/seats`, { add: 3 });
    const page1 = await owner.client.get(`/api/workspaces/${ws}/audit?limit=2`);
    expect(page1.body.items.map((e: { type: string }) => e.type)).toEqual(['seats.purchased', 'workspace.updated']);
    expect(page1.body.items[0].target.kind).toBe('seats');
    const page2 = await owner.client.get(`/api/workspaces/${ws}/audit?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((e: { after: { name: string } }) => e.after.name)).toEqual(['Two', 'One']);
    expect(page2.body.nextCursor).toBeNull();
    const future = await owner.client.get(`/api/workspaces/${ws}/audit?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.items).toEqual([]);
    expect((await owner.client.get(`/api/workspaces/${ws}/audit?from=yesterday`)).status).toBe(400);

    const csv = await fetch(`${server.url}/api/workspaces/${ws}/audit.csv`, { headers: { cookie: owner.client.cookie } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="audit-${ws}.csv"`);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('at,type,actor_name,actor_email,target_kind,target,before,after');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://x"")"`);
  });
});
