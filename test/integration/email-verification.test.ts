import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClock } from '../support/server.js';
import { ApiClient, connectSocket, signedInClient, waitFor } from '../support/client.js';

const clock = new TestClock();
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ clock, env: { VERIFY_MAIL_PER_HOUR: '2', SIGNUP_MAX_PER_IP: '1000', TOKEN_LOOKUP_MAX_PER_HOUR: '10000' } });
});
afterAll(() => server?.close());

/** The token of the newest verification mail to `to`, read from the outbox as the person would read their mail. */
async function verificationToken(to: string): Promise<string> {
  const mail = await server.ctx.models.Outbox.findOne({ to, subject: 'Verify your email address' }).sort({ _id: -1 }).lean();
  const match = mail && /\/verify\/([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match) throw new Error(`no verification mail to ${to}`);
  expect(mail.text).toContain(`${server.ctx.publicUrl()}/verify/${match[1]}`);
  return match[1]!;
}

describe('verifying an address', () => {
  it('sign-up mails a single-use link; opening it verifies the address, live on every tab', async () => {
    const { client, email, user } = await signedInClient(server.url);
    expect(user.emailVerified).toBe(false);
    const token = await verificationToken(email);
    expect(token.length).toBeGreaterThanOrEqual(43);
    // Only its hash is stored.
    expect(await server.ctx.models.EmailVerification.countDocuments({ _id: token })).toBe(0);
    const tab = await connectSocket(server.url, client.cookie);

    // The link works from a browser that is not signed in.
    const res = await new ApiClient(server.url).post('/api/auth/verify-email', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: user.id, email, name: 'Test User', emailVerified: true } });
    expect((await client.get('/api/me')).body.user.emailVerified).toBe(true);
    await waitFor(() => tab.received.some((e) => e.type === 'user.verified'), 'user.verified on the open tab');
    expect(tab.received.find((e) => e.type === 'user.verified')!.data).toEqual({ user: res.body.user });
    tab.close();

    const again = await new ApiClient(server.url).post('/api/auth/verify-email', { token });
    expect(again.status).toBe(410);
    expect(again.body.error).toEqual({ code: 'revoked', message: 'This link was already used.', details: { reason: 'used' } });
  });

  it('two clicks at once verify once: one 200, the others 410', async () => {
    const { email } = await signedInClient(server.url);
    const token = await verificationToken(email);
    const replies = await Promise.all(Array.from({ length: 10 }, () => new ApiClient(server.url).post('/api/auth/verify-email', { token })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 410, 410, 410, 410, 410, 410, 410, 410, 410]);
  });

  it('a resend replaces the older link (410 revoked), and is limited per hour with the wait in words', async () => {
    const { client, email } = await signedInClient(server.url);
    const first = await verificationToken(email);
    expect((await client.post('/api/auth/verify-email/resend')).status).toBe(204);
    const second = await verificationToken(email);
    expect(second).not.toBe(first);
    const old = await new ApiClient(server.url).post('/api/auth/verify-email', { token: first });
    expect(old.status).toBe(410);
    expect(old.body.error).toMatchObject({ code: 'revoked', details: { reason: 'replaced' } });
    expect((await client.post('/api/auth/verify-email/resend')).status).toBe(204);
    const limited = await client.post('/api/auth/verify-email/resend');
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/);
    expect(await server.ctx.models.Outbox.countDocuments({ to: email, subject: 'Verify your email address' })).toBe(3);
    // The newest link still works.
    expect((await new ApiClient(server.url).post('/api/auth/verify-email', { token: await verificationToken(email) })).status).toBe(200);
    // Once verified, a resend sends nothing.
    expect((await client.post('/api/auth/verify-email/resend')).status).toBe(204);
    expect(await server.ctx.models.Outbox.countDocuments({ to: email, subject: 'Verify your email address' })).toBe(3);
  });

  it('a link past its lifetime is 410 expired; an unknown one 404; a malformed one 400; and none verifies anything', async () => {
    const { client, email } = await signedInClient(server.url);
    const token = await verificationToken(email);
    clock.advance(49 * 3_600_000);
    try {
      const expired = await new ApiClient(server.url).post('/api/auth/verify-email', { token });
      expect(expired.status).toBe(410);
      expect(expired.body.error.code).toBe('expired');
    } finally {
      clock.advance(-49 * 3_600_000);
    }
    const unknown = await new ApiClient(server.url).post('/api/auth/verify-email', { token: 'A'.repeat(43) });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    for (const body of [{}, { token: 'short' }, { token: 'x'.repeat(200) }, { token: '../../etc/passwd-xxxxxxxxxxxxxxxx' }, { token: 42 }, { token: 'A'.repeat(43), extra: 1 }]) {
      const bad = await new ApiClient(server.url).post('/api/auth/verify-email', body);
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
    expect((await client.get('/api/me')).body.user.emailVerified).toBe(false);
  });

  it('resend needs a signed-in account', async () => {
    const res = await new ApiClient(server.url).post('/api/auth/verify-email/resend');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });
});
