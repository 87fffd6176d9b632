import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClock } from '../support/server.js';
import { ApiClient, connectSocket, emitAck, waitFor } from '../support/client.js';
import { createUser, createWorkspace, addMember } from '../support/factories.js';

const clock = new TestClock();
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ clock, env: { DEFAULT_SEATS: '4', INVITATION_TTL_DAYS: '7' } });
});
afterAll(() => server?.close());

const DAY = 86_400_000;

/** The newest mail to `to` in the dev outbox, and the token of its link. */
async function lastMailTo(to: string) {
  const res = await new ApiClient(server.url).get('/api/dev/outbox?limit=200');
  const mail = res.body.items.find((m: { to: string }) => m.to === to);
  if (!mail) throw new Error(`no mail to ${to}`);
  const token = (mail.text as string).match(/\/invite\/([A-Za-z0-9_-]+)/)?.[1];
  return { mail, token: token! };
}

async function setup() {
  const owner = await createUser(server.ctx, server.url, 'Owner');
  const ws = await createWorkspace(server.ctx, owner.user._id, [], 'Acme');
  return { owner, ws };
}
const seats = async (client: ApiClient, ws: string) => (await client.get(`/api/workspaces/${ws}`)).body.seats;

describe('invitations by email', () => {
  it('invites several people; each bad, duplicate or existing line fails alone; mail carries the accept link', async () => {
    const { owner, ws } = await setup();
    const member = await createUser(server.ctx, server.url, 'Member');
    await addMember(server.ctx, ws, member.user, 'viewer');
    const res = await owner.client.post(`/api/workspaces/${ws}/invitations`, {
      invites: [
        { email: 'Ana@Example.com', role: 'creator' },
        { email: 'not-an-email', role: 'viewer' },
        { email: 'ana@example.com', role: 'viewer' },
        { email: member.email, role: 'viewer' },
        { email: 'bo@example.com', role: 'developer' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.created.map((i: { email: string; role: string; status: string }) => [i.email, i.role, i.status])).toEqual([
      ['ana@example.com', 'creator', 'sent'],
      ['bo@example.com', 'developer', 'sent'],
    ]);
    expect(res.body.failed.map((f: { email: string; code: string }) => [f.email, f.code])).toEqual([
      ['not-an-email', 'validation_failed'],
      ['ana@example.com', 'conflict'],
      [member.email, 'already_member'],
    ]);
    // Two pending invitations reserve two seats.
    expect(await seats(owner.client, ws)).toEqual({ limit: 4, used: 2, reserved: 2 });
    const { mail, token } = await lastMailTo('ana@example.com');
    expect(mail.subject).toBe(`${owner.user.name} invited you to join Acme`);
    expect(mail.text).toContain('as Creator');
    expect(mail.text).toContain(`${server.ctx.publicUrl()}/invite/${token}`);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    // Only the token's hash is stored.
    expect(JSON.stringify(await server.ctx.models.Invitation.find({ workspaceId: ws }).lean())).not.toContain(token);

    // Inviting the same person again while pending is refused, even in parallel.
    await owner.client.post(`/api/workspaces/${ws}/seats`, { add: 5 });
    const again = await Promise.all(Array.from({ length: 5 }, () => owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: 'cy@example.com', role: 'viewer' }] })));
    expect(again.map((r) => r.body.created.length).reduce((a, b) => a + b, 0)).toBe(1);
    expect(await server.ctx.models.Invitation.countDocuments({ workspaceId: ws, email: 'cy@example.com' })).toBe(1);
    expect(await seats(owner.client, ws)).toEqual({ limit: 9, used: 2, reserved: 3 });
  });

  it('previews, then accepts with the invited account only; the row turns Active live; the token is single use', async () => {
    const { owner, ws } = await setup();
    const admin = await connectSocket(server.url, owner.client.cookie);
    await emitAck(admin, 'workspace:subscribe', { workspaceId: ws });
    const invitee = await createUser(server.ctx, server.url, 'Invitee');
    const wrong = await createUser(server.ctx, server.url, 'Wrong');
    await owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: invitee.email, role: 'developer' }] });
    const { token } = await lastMailTo(invitee.email);

    const preview = await new ApiClient(server.url).get(`/api/invitations/${token}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ workspace: { name: 'Acme' }, role: 'developer', invitedBy: { name: owner.user.name }, email: invitee.email, hasAccount: true });

    const refused = await wrong.client.post(`/api/invitations/${token}/accept`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain(invitee.email);
    expect(await server.ctx.models.Membership.exists({ _id: `${ws}:${wrong.user._id}` })).toBeNull();

    const accepted = await invitee.client.post(`/api/invitations/${token}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ workspaceId: ws, role: 'developer' });
    await waitFor(() => admin.received.some((e) => e.type === 'invitation.updated' && (e.data as { invitation: { status: string } }).invitation.status === 'accepted'), 'accepted row');
    await waitFor(() => admin.received.some((e) => e.type === 'member.added'), 'member row');
    expect(await seats(owner.client, ws)).toEqual({ limit: 4, used: 2, reserved: 0 });
    // Every member's seat counter hears that the reserved seat is now used.
    await waitFor(() => admin.received.some((e) => e.type === 'seats.updated' && JSON.stringify((e.data as { seats: unknown }).seats) === JSON.stringify({ limit: 4, used: 2, reserved: 0 })), 'seats.updated after accept');

    const reuse = await invitee.client.post(`/api/invitations/${token}/accept`);
    expect(reuse.status).toBe(410);
    expect((await new ApiClient(server.url).get(`/api/invitations/${token}`)).status).toBe(410);
    const list = await owner.client.get(`/api/workspaces/${ws}/invitations?status=accepted`);
    expect(list.body.items.map((i: { email: string }) => i.email)).toEqual([invitee.email]);
    // The inviter is notified.
    const notes = await owner.client.get('/api/notifications');
    expect(notes.body.items[0]).toMatchObject({ type: 'invitation.accepted', workspaceId: ws, read: false, data: { email: invitee.email } });
    admin.close();
  });

  it('resend gives a new token (the old one is 410) and a new expiry; revoke kills the token and frees the seat', async () => {
    const { owner, ws } = await setup();
    await owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: 'dee@example.com', role: 'viewer' }] });
    const { token: first } = await lastMailTo('dee@example.com');
    const inv = (await owner.client.get(`/api/workspaces/${ws}/invitations`)).body.items[0];
    clock.advance(DAY);
    const resent = await owner.client.post(`/api/workspaces/${ws}/invitations/${inv.id}/resend`);
    expect(resent.status).toBe(200);
    expect(new Date(resent.body.expiresAt).getTime()).toBeGreaterThan(new Date(inv.expiresAt).getTime());
    const { token: second } = await lastMailTo('dee@example.com');
    expect(second).not.toBe(first);
    expect((await new ApiClient(server.url).get(`/api/invitations/${first}`)).status).toBe(410);
    expect((await new ApiClient(server.url).get(`/api/invitations/${second}`)).status).toBe(200);

    expect(await seats(owner.client, ws)).toEqual({ limit: 4, used: 1, reserved: 1 });
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/invitations/${inv.id}`)).status).toBe(204);
    expect(await seats(owner.client, ws)).toEqual({ limit: 4, used: 1, reserved: 0 });
    const gone = await new ApiClient(server.url).get(`/api/invitations/${second}`);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('revoked');
    expect((await owner.client.get(`/api/workspaces/${ws}/invitations?status=revoked`)).body.items[0].id).toBe(inv.id);
    expect((await owner.client.post(`/api/workspaces/${ws}/invitations/${inv.id}/resend`)).status).toBe(409);
  });

  it('expires after the configured days: 410 expired, status expired, seat released; a newcomer who signs up meanwhile cannot use it', async () => {
    const { owner, ws } = await setup();
    await owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: 'eve@example.com', role: 'viewer' }] });
    const { token } = await lastMailTo('eve@example.com');
    expect(await seats(owner.client, ws)).toEqual({ limit: 4, used: 1, reserved: 1 });
    clock.advance(7 * DAY + 1000);
    const late = await new ApiClient(server.url).get(`/api/invitations/${token}`);
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('expired');
    expect((await owner.client.get(`/api/workspaces/${ws}/invitations`)).body.items[0].status).toBe('expired');
    expect(await seats(owner.client, ws)).toEqual({ limit: 4, used: 1, reserved: 0 });
    const eve = new ApiClient(server.url);
    await eve.post('/api/auth/signup', { email: 'eve@example.com', name: 'Eve', password: 'longenough' });
    expect((await eve.post(`/api/invitations/${token}/accept`)).status).toBe(410);
    expect(await server.ctx.models.Membership.countDocuments({ workspaceId: ws })).toBe(1);
  });

  it('a full pool refuses invitations line by line with seat_limit_reached', async () => {
    const { owner, ws } = await setup();
    const res = await owner.client.post(`/api/workspaces/${ws}/invitations`, {
      invites: ['f1', 'f2', 'f3', 'f4', 'f5'].map((n) => ({ email: `${n}@example.com`, role: 'viewer' })),
    });
    expect(res.body.created).toHaveLength(3);
    expect(res.body.failed.map((f: { code: string }) => f.code)).toEqual(['seat_limit_reached', 'seat_limit_reached']);
    expect(await server.ctx.models.Invitation.countDocuments({ workspaceId: ws })).toBe(3);
  });

  it('unknown and malformed tokens are a uniform 404; bad bodies are 400 and store nothing', async () => {
    const { owner, ws } = await setup();
    const anon = new ApiClient(server.url);
    const unknown = await anon.get(`/api/invitations/${'A'.repeat(43)}`);
    const malformed = await anon.get('/api/invitations/%24ne');
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(unknown.body).toEqual(malformed.body);
    expect((await owner.client.post(`/api/invitations/${'B'.repeat(43)}/accept`)).status).toBe(404);
    for (const body of [{}, { invites: [] }, { invites: Array.from({ length: 101 }, (_, i) => ({ email: `x${i}@example.com`, role: 'viewer' })) }, { invites: [{ email: 'a@b.co', role: 'owner' }] }, { invites: [{ email: 'a@b.co' }] }]) {
      const res = await owner.client.post(`/api/workspaces/${ws}/invitations`, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect(await server.ctx.models.Invitation.countDocuments({ workspaceId: ws })).toBe(0);
  });
});
