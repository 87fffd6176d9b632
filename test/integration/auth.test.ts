import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { ApiClient, signedInClient, uniqueEmail } from '../support/client.js';
import { hashToken } from '../../server/db/ids.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_MAX_PER_ACCOUNT: '5', LOGIN_MAX_PER_IP: '1000', SIGNUP_MAX_PER_IP: '1000' } });
});
afterAll(() => server?.close());

describe('sign up', () => {
  it('creates an account, normalises the email, hashes the password with argon2id and sets an httpOnly session cookie', async () => {
    const client = new ApiClient(server.url);
    const email = uniqueEmail('New');
    const res = await client.post('/api/auth/signup', { email: `  ${email.toUpperCase()} `, name: ' Ada ', password: 'longenough' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ user: { id: expect.any(String), email: email.toLowerCase(), name: 'Ada', emailVerified: false } });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('sid='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);

    const stored = await server.ctx.models.User.findById(res.body.user.id).lean();
    expect(stored!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(stored!.passwordHash).not.toContain('longenough');

    // The session is stored by the SHA-256 of the token, never the token itself.
    const token = cookie.split(';')[0]!.slice(4);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(await server.ctx.models.Session.findById(token).lean()).toBeNull();
    expect(await server.ctx.models.Session.findById(hashToken(token)).lean()).toMatchObject({ userId: res.body.user.id });

    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: res.body.user, memberships: [], features: { devOutbox: false } });
  });

  it('refuses a taken email (in any case) with 409 conflict and stores nothing', async () => {
    const { email } = await signedInClient(server.url);
    const before = await server.ctx.models.User.countDocuments();
    const res = await new ApiClient(server.url).post('/api/auth/signup', { email: email.toUpperCase(), name: 'Again', password: 'longenough' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(await server.ctx.models.User.countDocuments()).toBe(before);
  });

  it('lets exactly one of many parallel sign-ups with the same email win', async () => {
    const email = uniqueEmail('race');
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => new ApiClient(server.url).post('/api/auth/signup', { email, name: 'Racer', password: 'longenough' })),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(await server.ctx.models.User.countDocuments({ email })).toBe(1);
  });
});

describe('sign in and sign out', () => {
  it('signs in with a new session id each time and answers unknown email and wrong password the same way', async () => {
    const { email, password, user } = await signedInClient(server.url);
    const a = new ApiClient(server.url);
    const ok = await a.post('/api/auth/login', { email: ` ${email.toUpperCase()}`, password });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ user });
    const first = a.cookie;
    await a.post('/api/auth/login', { email, password });
    expect(a.cookie).not.toBe(first);
    // The session planted before the second sign-in is dead.
    const stale = new ApiClient(server.url);
    stale.cookie = first;
    expect((await stale.get('/api/me')).status).toBe(401);

    const wrong = await new ApiClient(server.url).post('/api/auth/login', { email, password: 'not-the-password' });
    const unknown = await new ApiClient(server.url).post('/api/auth/login', { email: uniqueEmail('nobody'), password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('sign-out kills the session: the old cookie gets 401 afterwards', async () => {
    const { client } = await signedInClient(server.url);
    const cookie = client.cookie;
    const out = await client.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect(client.cookie).toBe('');
    const replay = new ApiClient(server.url);
    replay.cookie = cookie;
    const me = await replay.get('/api/me');
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('unauthenticated');
  });

  it('GET /api/me without a session is 401 unauthenticated', async () => {
    const res = await new ApiClient(server.url).get('/api/me');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
  });
});

describe('https deployments', () => {
  it('marks the session cookie Secure when PUBLIC_URL is https', async () => {
    const secure = await startTestServer({ env: { PUBLIC_URL: 'https://console.example.com' } });
    try {
      const res = await new ApiClient(secure.url).post('/api/auth/signup', { email: uniqueEmail('tls'), name: 'T', password: 'longenough' });
      expect(res.status).toBe(201);
      expect(res.headers.getSetCookie().find((c) => c.startsWith('sid='))).toMatch(/; Secure/);
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    } finally {
      await secure.close();
    }
  });
});
