import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClock } from '../support/server.js';
import { ApiClient, connectSocket, emitAck, waitFor } from '../support/client.js';
import { createUser, createWorkspace, addMember } from '../support/factories.js';

const clock = new TestClock();
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ clock, env: { DEFAULT_SEATS: '50' } });
});
afterAll(() => server?.close());

async function setup(requireApproval = false) {
  const owner = await createUser(server.ctx, server.url, 'Owner');
  const coAdmin = await createUser(server.ctx, server.url, 'CoAdmin');
  const ws = await createWorkspace(server.ctx, owner.user._id, [{ userId: coAdmin.user._id, role: 'super_admin' }], 'Linked');
  if (requireApproval) await owner.client.request('PATCH', `/api/workspaces/${ws}`, { settings: { requireApproval: true } });
  return { owner, coAdmin, ws };
}

describe('invite link', () => {
  it('joins with the link role; rotating kills the old link at once; revoking kills it too', async () => {
    const { owner, ws } = await setup();
    const link = await owner.client.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'creator' });
    expect(link.status).toBe(200);
    expect(link.body).toEqual({ url: `${server.ctx.publicUrl()}/join/${link.body.token}`, token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), role: 'creator', expiresAt: null, maxUses: null, uses: 0, createdAt: expect.any(String) });
    // Shown once: reading it back gives no token.
    expect((await owner.client.get(`/api/workspaces/${ws}/invite-link`)).body.link).toEqual({ role: 'creator', expiresAt: null, maxUses: null, uses: 0, createdAt: link.body.createdAt });

    const joiner = await createUser(server.ctx, server.url, 'Joiner');
    expect((await joiner.client.post(`/api/join/${link.body.token}`)).body).toEqual({ status: 'active', workspaceId: ws });
    expect((await joiner.client.get(`/api/workspaces/${ws}`)).body.role).toBe('creator');
    expect((await owner.client.get(`/api/workspaces/${ws}/invite-link`)).body.link.uses).toBe(1);

    const rotated = await owner.client.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'viewer' });
    const late = await createUser(server.ctx, server.url, 'Late');
    expect((await late.client.post(`/api/join/${link.body.token}`)).status).toBe(404);
    expect((await late.client.post(`/api/join/${rotated.body.token}`)).status).toBe(200);
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/invite-link`)).status).toBe(204);
    const later = await createUser(server.ctx, server.url, 'Later');
    expect((await later.client.post(`/api/join/${rotated.body.token}`)).status).toBe(404);
    expect((await owner.client.get(`/api/workspaces/${ws}/invite-link`)).body.link).toBeNull();
  });

  it('honours expiry and a use limit under parallel joins', async () => {
    const { owner, ws } = await setup();
    const limited = await owner.client.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'viewer', maxUses: 3 });
    const people = await Promise.all(Array.from({ length: 10 }, () => createUser(server.ctx, server.url, 'Rush')));
    const replies = await Promise.all(people.map((p) => p.client.post(`/api/join/${limited.body.token}`)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(3);
    expect(replies.filter((r) => r.status === 410).every((r) => r.body.error.code === 'expired')).toBe(true);
    expect(replies.filter((r) => r.status === 410)).toHaveLength(7);
    expect(await server.ctx.models.Membership.countDocuments({ workspaceId: ws })).toBe(5);

    const expiring = await owner.client.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'viewer', expiresAt: new Date(clock.now().getTime() + 3600_000).toISOString() });
    clock.advance(3600_000 + 1000);
    const tooLate = await createUser(server.ctx, server.url, 'TooLate');
    const res = await tooLate.client.post(`/api/join/${expiring.body.token}`);
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('expired');
  });

  it('with approval required, creates one pending request per person, shown live to every Super Admin with a notification', async () => {
    const { owner, coAdmin, ws } = await setup(true);
    const link = await owner.client.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'developer' });
    const bell = await connectSocket(server.url, coAdmin.client.cookie);
    await emitAck(bell, 'workspace:subscribe', { workspaceId: ws });
    const asker = await createUser(server.ctx, server.url, 'Asker');
    const first = await asker.client.post(`/api/join/${link.body.token}`);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ status: 'pending', joinRequestId: expect.any(String), workspaceId: ws });
    const again = await Promise.all([1, 2, 3].map(() => asker.client.post(`/api/join/${link.body.token}`)));
    expect(again.map((r) => r.body.joinRequestId)).toEqual([first.body.joinRequestId, first.body.joinRequestId, first.body.joinRequestId]);
    expect(await server.ctx.models.JoinRequest.countDocuments({ workspaceId: ws })).toBe(1);
    expect(await server.ctx.models.Membership.exists({ _id: `${ws}:${asker.user._id}` })).toBeNull();

    await waitFor(() => bell.received.some((e) => e.type === 'notification.created'), 'notification on the bell');
    await waitFor(() => bell.received.some((e) => e.type === 'joinRequest.created'), 'request in the Requests tab');
    const notes = await coAdmin.client.get('/api/notifications?unread=true');
    expect(notes.body.unreadCount).toBe(1);
    expect(notes.body.items[0]).toMatchObject({ type: 'joinRequest.created', workspaceId: ws, data: { requestId: first.body.joinRequestId, email: asker.email } });
    const pending = await owner.client.get(`/api/workspaces/${ws}/join-requests?status=pending`);
    expect(pending.body.items).toEqual([
      { id: first.body.joinRequestId, workspaceId: ws, user: { id: asker.user._id, name: asker.user.name, email: asker.email }, status: 'pending', role: 'developer', via: 'link', createdAt: expect.any(String), decidedBy: null, decidedAt: null },
    ]);
    bell.close();
  });
});

describe('deciding join requests', () => {
  async function requests(n: number) {
    const ctx = await setup(true);
    const link = await ctx.owner.client.request('PUT', `/api/workspaces/${ctx.ws}/invite-link`, { role: 'viewer' });
    const askers = await Promise.all(Array.from({ length: n }, () => createUser(server.ctx, server.url, 'Asker')));
    const ids: string[] = [];
    for (const a of askers) ids.push((await a.client.post(`/api/join/${link.body.token}`)).body.joinRequestId);
    return { ...ctx, askers, ids };
  }

  it('approval makes the person a member at once with the chosen role, tells them live and by mail', async () => {
    const { owner, askers, ids, ws } = await requests(1);
    const asker = askers[0]!;
    const live = await connectSocket(server.url, asker.client.cookie);
    const res = await owner.client.post(`/api/workspaces/${ws}/join-requests/${ids[0]}/approve`, { role: 'creator' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', role: 'creator', decidedBy: { id: owner.user._id } });
    expect((await asker.client.get(`/api/workspaces/${ws}`)).body.role).toBe('creator');
    await waitFor(() => live.received.some((e) => e.type === 'notification.created' && (e.data as { notification: { type: string } }).notification.type === 'joinRequest.approved'), 'approval notice');
    const outbox = await new ApiClient(server.url).get('/api/dev/outbox');
    expect(outbox.body.items.find((m: { to: string }) => m.to === asker.email).subject).toBe('Your request to join Linked was approved');
    live.close();
  });

  it('10 parallel decisions of one request: exactly one counts, the others learn who decided', async () => {
    const { owner, coAdmin, ids, ws } = await requests(1);
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? owner : coAdmin).client.post(`/api/workspaces/${ws}/join-requests/${ids[0]}/${i % 3 ? 'approve' : 'deny'}`, {})),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    const losers = replies.filter((r) => r.status === 409);
    expect(losers).toHaveLength(9);
    const winner = replies.find((r) => r.status === 200)!.body;
    for (const l of losers) {
      expect(l.body.error.code).toBe('already_decided');
      expect(l.body.error.details.decidedBy.id).toBe(winner.decidedBy.id);
      expect(l.body.error.details.decision).toBe(winner.status);
    }
    expect(await server.ctx.models.Membership.countDocuments({ workspaceId: ws })).toBe(winner.status === 'approved' ? 3 : 2);
  });

  it('20 parallel approvals of different requests with 5 free seats: exactly 5 members, 15 seat_limit_reached left pending', async () => {
    const { owner, ids, ws } = await requests(20);
    // 50 seats, 2 used: buy none, but fill all but 5 with direct adds.
    const fill = await Promise.all(Array.from({ length: 43 }, () => createUser(server.ctx, server.url, 'Fill')));
    for (const f of fill) await addMember(server.ctx, ws, f.user, 'viewer');
    expect((await owner.client.get(`/api/workspaces/${ws}`)).body.seats).toEqual({ limit: 50, used: 45, reserved: 0 });
    const replies = await Promise.all(ids.map((id) => owner.client.post(`/api/workspaces/${ws}/join-requests/${id}/approve`)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(5);
    expect(replies.filter((r) => r.status === 409 && r.body.error.code === 'seat_limit_reached')).toHaveLength(15);
    expect(await server.ctx.models.Membership.countDocuments({ workspaceId: ws })).toBe(50);
    expect((await owner.client.get(`/api/workspaces/${ws}/join-requests?status=pending`)).body.items).toHaveLength(15);
  });

  it('deny tells the requester; a decided request cannot be decided again', async () => {
    const { owner, askers, ids, ws } = await requests(1);
    expect((await owner.client.post(`/api/workspaces/${ws}/join-requests/${ids[0]}/deny`)).body.status).toBe('denied');
    const again = await owner.client.post(`/api/workspaces/${ws}/join-requests/${ids[0]}/approve`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'already_decided', details: { decision: 'denied', decidedBy: { id: owner.user._id } } });
    expect((await askers[0]!.client.get('/api/notifications')).body.items[0]).toMatchObject({ type: 'joinRequest.denied', workspaceId: ws });
    expect(await server.ctx.models.Membership.exists({ _id: `${ws}:${askers[0]!.user._id}` })).toBeNull();
  });
});

describe('notifications panel', () => {
  it('marks one and all read; every tab hears the new count', async () => {
    const { owner, coAdmin, ws } = await setup();
    const target = await createUser(server.ctx, server.url, 'Target');
    await addMember(server.ctx, ws, target.user, 'viewer');
    const tab = await connectSocket(server.url, target.client.cookie);
    await owner.client.request('PATCH', `/api/workspaces/${ws}/members/${target.user._id}`, { role: 'creator' });
    await coAdmin.client.request('PATCH', `/api/workspaces/${ws}/members/${target.user._id}`, { role: 'developer' });
    const list = await target.client.get('/api/notifications');
    expect(list.body.unreadCount).toBe(2);
    expect(list.body.items.map((n: { type: string; data: { role: string } }) => [n.type, n.data.role])).toEqual([
      ['member.roleChanged', 'developer'],
      ['member.roleChanged', 'creator'],
    ]);
    expect((await target.client.post(`/api/notifications/${list.body.items[1].id}/read`)).body).toEqual({ unreadCount: 1 });
    await waitFor(() => tab.received.some((e) => e.type === 'notification.read'), 'read event');
    expect((await target.client.post('/api/notifications/read-all')).body).toEqual({ unreadCount: 0 });
    expect((await target.client.get('/api/notifications?unread=true')).body.items).toEqual([]);
    // Someone else's notification is not found.
    expect((await owner.client.post(`/api/notifications/${list.body.items[0].id}/read`)).status).toBe(404);
    tab.close();
  });
});

describe('join requests through a link, as everyone sees them', () => {
  it('a link limited to 3 uses cannot be passed by way of approvals: pending requests hold uses, a denial gives one back', async () => {
    const { owner, ws } = await setup(true);
    const link = (await owner.client.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'creator', maxUses: 3 })).body;
    const askers = await Promise.all(Array.from({ length: 8 }, () => createUser(server.ctx, server.url, 'Asker')));
    const replies = await Promise.all(askers.map((a) => a.client.post(`/api/join/${link.token}`)));
    expect(replies.filter((r) => r.status === 202)).toHaveLength(3);
    const refused = replies.filter((r) => r.status !== 202);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(r.body.error).toEqual({ code: 'expired', message: 'This invite link has been used as many times as allowed. Ask for a new one.' });
    expect((await owner.client.get(`/api/workspaces/${ws}/invite-link`)).body.link.uses).toBe(3);

    // Asking again while pending takes no second use.
    const pendingAsker = askers[replies.findIndex((r) => r.status === 202)]!;
    expect((await pendingAsker.client.post(`/api/join/${link.token}`)).status).toBe(202);
    expect((await owner.client.get(`/api/workspaces/${ws}/invite-link`)).body.link.uses).toBe(3);

    const ids = replies.filter((r) => r.status === 202).map((r) => r.body.joinRequestId as string);
    expect((await owner.client.post(`/api/workspaces/${ws}/join-requests/${ids[0]}/approve`)).status).toBe(200);
    expect((await owner.client.post(`/api/workspaces/${ws}/join-requests/${ids[1]}/deny`)).status).toBe(200);
    expect((await owner.client.get(`/api/workspaces/${ws}/invite-link`)).body.link.uses).toBe(2);
    const nextAsker = askers[replies.findIndex((r) => r.status !== 202)]!;
    expect((await nextAsker.client.post(`/api/join/${link.token}`)).status).toBe(202);
    const another = await createUser(server.ctx, server.url, 'Another');
    expect((await another.client.post(`/api/join/${link.token}`)).status).toBe(410);
    expect((await owner.client.get(`/api/workspaces/${ws}/invite-link`)).body.link.uses).toBe(3);
  });

  it('every decider’s notification shows the decision (who, when) live and after a reload; the count of pending requests follows', async () => {
    const { owner, coAdmin, ws } = await setup(true);
    const link = (await owner.client.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'viewer' })).body;
    const asker = await createUser(server.ctx, server.url, 'Asker');
    const coTab = await connectSocket(server.url, coAdmin.client.cookie);
    const askerTab = await connectSocket(server.url, asker.client.cookie);
    const requestId = (await asker.client.post(`/api/join/${link.token}`)).body.joinRequestId as string;
    expect((await owner.client.get(`/api/workspaces/${ws}/join-requests?status=pending`)).body).toMatchObject({ pendingCount: 1 });
    expect((await asker.client.get('/api/me/join-requests')).body.items).toEqual([
      { id: requestId, workspace: { id: ws, name: 'Linked' }, status: 'pending', role: 'viewer', createdAt: expect.any(String), decidedAt: null },
    ]);
    await waitFor(() => askerTab.received.some((e) => e.type === 'joinRequest.created'), 'the asker’s own request event');

    expect((await owner.client.post(`/api/workspaces/${ws}/join-requests/${requestId}/approve`)).status).toBe(200);
    await waitFor(() => coTab.received.some((e) => e.type === 'notification.updated'), 'the co-admin’s notification settled live');
    const outcome = { status: 'approved', role: 'viewer', by: { id: owner.user._id, name: owner.user.name }, at: expect.any(String) };
    expect(coTab.received.find((e) => e.type === 'notification.updated')!.data).toMatchObject({ notification: { type: 'joinRequest.created', data: { requestId, outcome } } });
    for (const admin of [owner, coAdmin]) {
      const item = (await admin.client.get('/api/notifications')).body.items.find((n: { type: string }) => n.type === 'joinRequest.created');
      expect(item.data.outcome).toEqual(outcome);
    }
    await waitFor(() => askerTab.received.some((e) => e.type === 'joinRequest.decided'), 'the asker’s home page follows');
    expect(askerTab.received.find((e) => e.type === 'joinRequest.decided')!.data).toMatchObject({ request: { id: requestId, status: 'approved' } });
    expect((await asker.client.get('/api/me/join-requests')).body.items).toEqual([]);
    expect((await owner.client.get(`/api/workspaces/${ws}/join-requests?status=pending`)).body.pendingCount).toBe(0);
    coTab.close();
    askerTab.close();
  });

  it('the Super Admins of the workspace above are told of a sub-workspace’s join request too (they may decide it)', async () => {
    const { owner, ws } = await setup();
    const sub = (await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Sub', billingMode: 'inherited', apiAccess: false })).body;
    const subAdmin = await createUser(server.ctx, server.url, 'SubAdmin');
    await addMember(server.ctx, sub.id, subAdmin.user, 'super_admin');
    await owner.client.request('PATCH', `/api/workspaces/${sub.id}`, { settings: { requireApproval: true } });
    const link = (await owner.client.request('PUT', `/api/workspaces/${sub.id}/invite-link`, { role: 'viewer' })).body;
    const asker = await createUser(server.ctx, server.url, 'Asker');
    const requestId = (await asker.client.post(`/api/join/${link.token}`)).body.joinRequestId as string;
    const told = await server.ctx.models.Notification.find({ ref: `joinRequest:${requestId}` }).lean();
    // The sub-workspace's owner (the root's owner), its own Super Admin; the root's co-admin from above.
    expect(new Set(told.map((n) => n.userId)).size).toBe(told.length);
    expect(told.map((n) => n.userId).sort()).toEqual(expect.arrayContaining([owner.user._id, subAdmin.user._id]));
    const coAdmin = (await server.ctx.models.Membership.find({ workspaceId: ws, role: 'super_admin' }).lean()).map((m) => m.userId);
    for (const id of coAdmin) expect(told.map((n) => n.userId)).toContain(id);
  });
});

describe('what a link shows before joining', () => {
  it('names the workspace and shows its image to a visitor who is not signed in; a rotated link shows nothing', async () => {
    const { owner, ws } = await setup(true);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a6b30000000049454e44ae426082', 'hex');
    const form = new FormData();
    form.append('image', new Blob([png], { type: 'image/png' }), 'logo.png');
    const up = await fetch(`${server.url}/api/workspaces/${ws}/image`, { method: 'POST', headers: { cookie: owner.client.cookie }, body: form });
    expect(up.status).toBe(200);
    const link = (await owner.client.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'creator' })).body;
    const visitor = new ApiClient(server.url);
    const preview = await visitor.get(`/api/join/${link.token}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ workspace: { name: 'Linked', imageUrl: expect.stringMatching(new RegExp(`^/api/join/${link.token}/image\\?v=[0-9a-f]{16}$`)) }, role: 'creator', requireApproval: true });
    const image = await fetch(`${server.url}${preview.body.workspace.imageUrl}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
    // The workspace's own image address still needs membership.
    expect((await visitor.get(`/api/workspaces/${ws}/image`)).status).toBe(401);
    await owner.client.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'viewer' });
    expect((await visitor.get(`/api/join/${link.token}`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/join/${link.token}/image`)).status).toBe(404);
  });
});
