import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { startTestServer } from '../support/server.js';
import { ApiClient, connectSocket, emitAck, waitFor } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';
import type { Role } from '../../shared/schemas/auth.js';
import { addMembership } from '../../server/workspaces/member.service.js';
import { isLocalClient } from '../../server/mail/outbox.routes.js';
import { loadConfig } from '../../server/config.js';

/** The decoded Subject header of a raw message. */
function subjectOf(raw: string): string {
  const header = raw.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
  const value = header.split('\r\n').find((l) => l.startsWith('Subject: '))!.slice('Subject: '.length);
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_m, q: string) => {
      const bytes = q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

describe('a real SMTP round trip', () => {
  const received: Array<{ to: string; raw: string }> = [];
  let smtp: SMTPServer;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const port = (smtp.server.address() as AddressInfo).port;
    server = await startTestServer({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Console <console@example.com>' } });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('sends the invitation over SMTP; the link in the received mail accepts it; the dev outbox is off', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const ws = await createWorkspace(server.ctx, owner.user._id, [], 'Mail Co');
    const invitee = await createUser(server.ctx, server.url, 'Invitee');
    await server.ctx.models.User.updateOne({ _id: invitee.user._id }, { $set: { locale: 'fr' } });
    expect((await owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: invitee.email, role: 'viewer' }] })).status).toBe(201);
    await waitFor(() => received.some((m) => m.to === invitee.email), 'the mail on the SMTP server', 5000);
    const mail = received.find((m) => m.to === invitee.email)!;
    expect(mail.raw).toMatch(/^From: Console <console@example\.com>/m);
    // French for an invitee whose language is known.
    // French for an invitee whose language is known (RFC 2047 encoded-words, folded).
    expect(subjectOf(mail.raw)).toBe(`${owner.user.name} vous invite à rejoindre Mail Co`);
    const unfolded = mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const token = unfolded.match(/\/invite\/([A-Za-z0-9_-]{43})/)![1]!;
    expect((await invitee.client.post(`/api/invitations/${token}/accept`)).body).toEqual({ workspaceId: ws, role: 'viewer' });
    expect((await new ApiClient(server.url).get('/api/dev/outbox')).status).toBe(404);
  });
});

describe('permissions, suggestions and abuse limits', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ env: { DEFAULT_SEATS: '100', INVITE_MAIL_PER_DAY: '3', JOIN_MAX_PER_HOUR: '3', TOKEN_LOOKUP_MAX_PER_HOUR: '5' } });
  });
  afterAll(() => server?.close());

  const ROLES: Role[] = ['super_admin', 'developer', 'creator', 'viewer'];
  for (const role of ROLES) {
    it(`${role}: ${role === 'super_admin' ? 'may' : 'may not'} invite, manage the link, see suggestions and decide requests (REST and live events)`, async () => {
      const owner = await createUser(server.ctx, server.url, 'Owner');
      const actor = await createUser(server.ctx, server.url, 'Actor');
      const ws = await createWorkspace(server.ctx, owner.user._id, [{ userId: actor.user._id, role }]);
      await owner.client.request('PATCH', `/api/workspaces/${ws}`, { settings: { requireApproval: true } });
      const link = await owner.client.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'viewer' });
      const asker = await createUser(server.ctx, server.url, 'Asker');
      const { joinRequestId } = (await asker.client.post(`/api/join/${link.body.token}`)).body;
      await owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: `pending.${role}@example.com`, role: 'viewer' }] });
      const inv = (await owner.client.get(`/api/workspaces/${ws}/invitations`)).body.items[0];

      const socket = await connectSocket(server.url, actor.client.cookie);
      await emitAck(socket, 'workspace:subscribe', { workspaceId: ws });
      const allowed = role === 'super_admin';
      const expectStatus = (status: number, ok: number) => expect(status).toBe(allowed ? ok : 403);
      expectStatus((await actor.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: `new.${role}@example.com`, role: 'viewer' }] })).status, 201);
      expectStatus((await actor.client.get(`/api/workspaces/${ws}/invitations`)).status, 200);
      expectStatus((await actor.client.post(`/api/workspaces/${ws}/invitations/${inv.id}/resend`)).status, 200);
      expectStatus((await actor.client.request('DELETE', `/api/workspaces/${ws}/invitations/${inv.id}`)).status, 204);
      expectStatus((await actor.client.get(`/api/workspaces/${ws}/invite-link`)).status, 200);
      expectStatus((await actor.client.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'viewer' })).status, 200);
      expectStatus((await actor.client.get(`/api/workspaces/${ws}/suggestions`)).status, 200);
      expectStatus((await actor.client.get(`/api/workspaces/${ws}/join-requests`)).status, 200);
      expectStatus((await actor.client.post(`/api/workspaces/${ws}/join-requests/${joinRequestId}/approve`)).status, 200);
      expectStatus((await actor.client.request('DELETE', `/api/workspaces/${ws}/invite-link`)).status, 204);
      // Invitation and join-request events reach Super Admins only.
      await owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: `late.${role}@example.com`, role: 'viewer' }] });
      await waitFor(() => socket.received.some((e) => e.type === 'seats.updated'), 'a member-level event');
      await new Promise((r) => setTimeout(r, 150));
      const adminTypes = socket.received.filter((e) => e.type.startsWith('invitation.') || e.type.startsWith('joinRequest.'));
      expect(adminTypes.length > 0).toBe(allowed);
      socket.close();
    });
  }

  it('caps invitation mail per workspace per day, joins and token look-ups per account or address, with 429 and Retry-After', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const first = await owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: ['l1', 'l2', 'l3', 'l4'].map((n) => ({ email: `${n}.${ws}@example.com`, role: 'viewer' })) });
    expect(first.body.created).toHaveLength(3);
    expect(first.body.failed).toEqual([{ email: `l4.${ws}@example.com`, code: 'rate_limited', message: expect.any(String) }]);
    const capped = await owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: `l5.${ws}@example.com`, role: 'viewer' }] });
    expect(capped.status).toBe(429);
    expect(Number(capped.headers.get('retry-after'))).toBeGreaterThan(0);

    const joiner = await createUser(server.ctx, server.url, 'Prober');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await joiner.client.post(`/api/join/${'x'.repeat(43)}`)).status);
    expect(statuses).toEqual([404, 404, 404, 429]);

    const anon = new ApiClient(server.url);
    const lookups: number[] = [];
    for (let i = 0; i < 6; i++) lookups.push((await anon.get(`/api/invitations/${String(i).repeat(43)}`)).status);
    expect(lookups).toEqual([404, 404, 404, 404, 404, 429]);
  });
});

describe('the dev outbox', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => server?.close());

  it('answers a client on this machine only: the mail holds invitation links', async () => {
    expect((await new ApiClient(server.url).get('/api/dev/outbox')).status).toBe(200);
    // Behind a trusted proxy on this machine, the visitor it forwards is not local.
    const remote = await new ApiClient(server.url).get('/api/dev/outbox', { 'x-forwarded-for': '203.0.113.9' });
    expect(remote.status).toBe(404);
    expect(remote.body.error.code).toBe('not_found');
  });

  it('never takes a forwarded address for a local one: the connection must come from this machine too', () => {
    expect(isLocalClient('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(isLocalClient('::1', undefined)).toBe(true);
    // A remote client claiming `X-Forwarded-For: 127.0.0.1` to a console that trusts a hop.
    expect(isLocalClient('203.0.113.9', '127.0.0.1')).toBe(false);
    expect(isLocalClient('::ffff:203.0.113.9', '::1')).toBe(false);
    expect(isLocalClient('127.0.0.1', '203.0.113.9')).toBe(false);
  });

  it('rejects TRUST_PROXY=true at start-up: it would believe any client’s X-Forwarded-For', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: true would trust any client that sends X-Forwarded-For; set the number of proxies in front \(e\.g\. 1\) or their addresses/);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).TRUST_PROXY).toEqual(['10.0.0.0/8', 'loopback']);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/99' })).toThrow(/TRUST_PROXY/);
  });

  it('is off in production mode', async () => {
    const prod = await startTestServer({ env: { NODE_ENV: 'production' } });
    try {
      expect((await new ApiClient(prod.url).get('/api/dev/outbox')).status).toBe(404);
    } finally {
      await prod.close();
    }
  });
});
