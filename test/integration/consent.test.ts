import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { ApiClient, connectSocket, waitFor } from '../support/client.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  // 11 seats: the owner takes one, 10 are free.
  server = await startTestServer({ env: { DEFAULT_SEATS: '11', TOKEN_LOOKUP_MAX_PER_HOUR: '10000', SIGNUP_MAX_PER_IP: '1000' } });
});
afterAll(() => server?.close());

async function account() {
  const owner = await createUser(server.ctx, server.url, 'Owner');
  const ws = await createWorkspace(server.ctx, owner.user._id, [], 'Studio');
  return { owner, ws };
}
const seatsOf = async (client: ApiClient, id: string) => (await client.get(`/api/workspaces/${id}`)).body.seats;

/** The token of the newest invitation mail to `to`, as the invitee reads it. */
async function inviteToken(to: string) {
  const mail = await server.ctx.models.Outbox.findOne({ to, subject: /invited you to join/ }).sort({ _id: -1 }).lean();
  return /\/invite\/([A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
}

describe('accepting an invitation happens exactly once', () => {
  it('20 parallel accepts by the invitee: one 200, the others 410; one notification; the reserved seat becomes one used seat', async () => {
    const { owner, ws } = await account();
    const invitee = await createUser(server.ctx, server.url, 'Invitee');
    expect((await owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: invitee.email, role: 'creator' }] })).status).toBe(201);
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 1, reserved: 1 });
    const token = await inviteToken(invitee.email);

    const replies = await Promise.all(Array.from({ length: 20 }, () => invitee.client.post(`/api/invitations/${token}/accept`)));
    const ok = replies.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(ok[0]!.body).toEqual({ workspaceId: ws, role: 'creator' });
    for (const r of replies.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(410);
      expect(r.body.error).toEqual({ code: 'revoked', message: 'This invitation has already been used' });
    }
    expect(await server.ctx.models.Notification.countDocuments({ userId: owner.user._id, type: 'invitation.accepted' })).toBe(1);
    expect(await server.ctx.models.Membership.countDocuments({ workspaceId: ws, userId: invitee.user._id })).toBe(1);
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 2, reserved: 0 });
    // The member really holds a seat: the pool's claims match its members.
    const holder = await server.ctx.models.SeatHolder.findById(`${ws}|u:${invitee.user._id}`).lean();
    expect(await server.ctx.models.Seat.findById(holder!.seatId).lean()).toMatchObject({ holder: `u:${invitee.user._id}`, kind: 'member' });
    expect(await server.ctx.models.Seat.countDocuments({ poolId: ws })).toBe(2);
    expect(await server.ctx.models.SeatHolder.countDocuments({ poolId: ws })).toBe(2);
  });

  it('an invitee already seated in the pool keeps one seat: the reserved one is freed, even with parallel accepts', async () => {
    const { owner, ws } = await account();
    const root = (await server.ctx.models.Workspace.findById(ws).lean())!;
    const sub = (await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Team', billingMode: 'inherited', apiAccess: false })).body;
    const person = await createUser(server.ctx, server.url, 'Seated');
    await addMember(server.ctx, root._id, person.user, 'viewer');
    expect((await owner.client.post(`/api/workspaces/${sub.id}/invitations`, { invites: [{ email: person.email, role: 'creator' }] })).status).toBe(201);
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 2, reserved: 1 });
    const token = await inviteToken(person.email);
    const replies = await Promise.all(Array.from({ length: 10 }, () => person.client.post(`/api/invitations/${token}/accept`)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 2, reserved: 0 });
    expect(await server.ctx.models.Seat.countDocuments({ poolId: ws })).toBe(2);
  });

  it('accept and revoke racing: exactly one wins, and the seats add up either way', async () => {
    for (let round = 0; round < 3; round++) {
      const { owner, ws } = await account();
      const invitee = await createUser(server.ctx, server.url, 'Racer');
      const created = await owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: invitee.email, role: 'viewer' }] });
      const id = created.body.created[0].id as string;
      const token = await inviteToken(invitee.email);
      const [accept, revoke] = await Promise.all([invitee.client.post(`/api/invitations/${token}/accept`), owner.client.request('DELETE', `/api/workspaces/${ws}/invitations/${id}`)]);
      const member = await server.ctx.models.Membership.exists({ _id: `${ws}:${invitee.user._id}` });
      if (accept.status === 200) {
        expect(revoke.status).toBe(409);
        expect(member).not.toBeNull();
        expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 2, reserved: 0 });
      } else {
        expect(accept.status).toBe(410);
        expect(revoke.status).toBe(204);
        expect(member).toBeNull();
        expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 1, reserved: 0 });
      }
      expect(await server.ctx.models.Seat.countDocuments({ poolId: ws })).toBe(accept.status === 200 ? 2 : 1);
    }
  });
});

describe('nobody is added anywhere without consent', () => {
  it('an existing account outside the tree is invited: a notification and a live event in the app, a mail, and nothing else until they accept', async () => {
    const { owner, ws } = await account();
    const person = await createUser(server.ctx, server.url, 'Elsewhere');
    const tab = await connectSocket(server.url, person.client.cookie);
    const res = await owner.client.post(`/api/workspaces/${ws}/members`, { email: person.email, role: 'developer' });
    expect(res.status).toBe(201);
    const invitationId = res.body.invitation.id as string;
    expect(await server.ctx.models.Membership.exists({ _id: `${ws}:${person.user._id}` })).toBeNull();
    expect((await person.client.get(`/api/workspaces/${ws}`)).status).toBe(404);

    await waitFor(() => tab.received.some((e) => e.type === 'notification.created') && tab.received.some((e) => e.type === 'invitation.created'), 'the invitation in the app');
    expect(tab.received.find((e) => e.type === 'invitation.created')!.data).toEqual({
      invitation: { id: invitationId, workspace: { id: ws, name: 'Studio' }, role: 'developer', invitedBy: { name: owner.user.name }, status: 'sent', createdAt: expect.any(String), expiresAt: expect.any(String) },
    });
    const panel = (await person.client.get('/api/notifications')).body;
    expect(panel.items[0]).toMatchObject({ type: 'invitation.received', workspaceId: ws, data: { invitationId, workspaceName: 'Studio', inviterName: owner.user.name, role: 'developer' }, read: false });
    expect((await person.client.get('/api/me/invitations')).body.items.map((i: { id: string }) => i.id)).toEqual([invitationId]);
    expect(await server.ctx.models.Outbox.countDocuments({ to: person.email })).toBe(1);

    // Accepted from the app: a member, and the notification shows the outcome.
    const accepted = await person.client.post(`/api/me/invitations/${invitationId}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ workspaceId: ws, role: 'developer' });
    expect((await person.client.get(`/api/workspaces/${ws}`)).body.role).toBe('developer');
    await waitFor(() => tab.received.some((e) => e.type === 'notification.updated'), 'the notification settled');
    expect((await person.client.get('/api/notifications')).body.items[0].data.outcome).toEqual({ status: 'accepted', at: expect.any(String) });
    expect((await person.client.get('/api/me/invitations')).body.items).toEqual([]);
    tab.close();
  });

  it('declining (from the app, or from the mail link without signing in) ends it, frees the seat, and tells the inviter; it cannot be accepted after', async () => {
    const { owner, ws } = await account();
    const inApp = await createUser(server.ctx, server.url, 'NoThanks');
    const byMail = await createUser(server.ctx, server.url, 'ByMail');
    const created = await owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: inApp.email, role: 'viewer' }, { email: byMail.email, role: 'viewer' }] });
    const [first, second] = created.body.created as Array<{ id: string }>;
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 1, reserved: 2 });

    const declined = await inApp.client.post(`/api/me/invitations/${first!.id}/decline`);
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('declined');
    const token = await inviteToken(byMail.email);
    const byLink = await new ApiClient(server.url).post(`/api/invitations/${token}/decline`);
    expect(byLink.status).toBe(200);
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 1, reserved: 0 });
    const statuses = (await owner.client.get(`/api/workspaces/${ws}/invitations`)).body.items.map((i: { id: string; status: string }) => [i.id, i.status]);
    expect(statuses.sort()).toEqual([[first!.id, 'declined'], [second!.id, 'declined']].sort());
    const told = (await owner.client.get('/api/notifications')).body.items.filter((n: { type: string }) => n.type === 'invitation.declined');
    expect(told.map((n: { data: { email: string } }) => n.data.email).sort()).toEqual([inApp.email, byMail.email].sort());

    const late = await byMail.client.post(`/api/invitations/${token}/accept`);
    expect(late.status).toBe(410);
    expect(late.body.error).toEqual({ code: 'revoked', message: 'This invitation was declined' });
    expect((await inApp.client.post(`/api/me/invitations/${first!.id}/accept`)).status).toBe(410);
    expect(await server.ctx.models.Membership.countDocuments({ workspaceId: ws })).toBe(1);
  });

  it('an invitation is visible in the app only to the invited, verified account; anyone else gets not found', async () => {
    const { owner, ws } = await account();
    const unverified = await createUser(server.ctx, server.url, 'Unverified', { verified: false });
    const someoneElse = await createUser(server.ctx, server.url, 'SomeoneElse');
    const created = await owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: unverified.email, role: 'viewer' }] });
    const id = created.body.created[0].id as string;
    expect((await unverified.client.get('/api/me/invitations')).body.items).toEqual([]);
    expect(await server.ctx.models.Notification.countDocuments({ userId: unverified.user._id })).toBe(0);
    for (const client of [unverified.client, someoneElse.client]) {
      for (const action of ['accept', 'decline']) {
        const res = await client.post(`/api/me/invitations/${id}/${action}`);
        expect(res.status).toBe(404);
        expect(res.body.error).toEqual({ code: 'not_found', message: 'Invitation not found' });
      }
    }
    // The mail's link is proof of the mailbox: accepting with it verifies the address.
    const token = await inviteToken(unverified.email);
    expect((await unverified.client.post(`/api/invitations/${token}/accept`)).status).toBe(200);
    expect((await unverified.client.get('/api/me')).body.user.emailVerified).toBe(true);
  });
});
