import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { ApiClient, connectSocket, signedInClient, uniqueEmail } from '../support/client.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { SIGNUP_MAX_PER_IP: '10000', LOGIN_MAX_PER_IP: '10000', LOGIN_MAX_PER_ACCOUNT: '10000' } });
});
afterAll(() => server?.close());

const userCount = () => server.ctx.models.User.countDocuments();
const sessionCount = () => server.ctx.models.Session.countDocuments();

describe('sign-up rejects bad input with 400 validation_failed and stores nothing', () => {
  const good = () => ({ email: uniqueEmail('bad'), name: 'Valid Name', password: 'longenough' });
  const cases: Array<[string, (g: ReturnType<typeof good>) => unknown, string | null]> = [
    ['missing email', ({ email: _e, ...rest }) => rest, 'email'],
    ['missing password', ({ password: _p, ...rest }) => rest, 'password'],
    ['missing name', ({ name: _n, ...rest }) => rest, 'name'],
    ['malformed email', (g) => ({ ...g, email: 'not-an-email' }), 'email'],
    ['short password', (g) => ({ ...g, password: 'short' }), 'password'],
    ['overlong name', (g) => ({ ...g, name: 'n'.repeat(101) }), 'name'],
    ['overlong email', (g) => ({ ...g, email: 'a'.repeat(250) + '@example.com' }), 'email'],
    ['overlong password', (g) => ({ ...g, password: 'p'.repeat(257) }), 'password'],
    ['blank name', (g) => ({ ...g, name: '   ' }), 'name'],
    ['number as email', (g) => ({ ...g, email: 12345 }), 'email'],
    ['operator as email', (g) => ({ ...g, email: { $ne: null } }), 'email'],
    ['array as password', (g) => ({ ...g, password: ['longenough'] }), 'password'],
    ['unknown field', (g) => ({ ...g, role: 'super_admin' }), ''],
    ['__proto__ field', (g) => JSON.parse(`{"email":"${g.email}","name":"x","password":"longenough","__proto__":{"admin":true}}`), ''],
    ['array body', (g) => [g], ''],
    ['null body', () => null, null],
  ];
  for (const [name, make, field] of cases) {
    it(name, async () => {
      const [users, sessions] = [await userCount(), await sessionCount()];
      const res = await new ApiClient(server.url).post('/api/auth/signup', JSON.stringify(make(good())));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      if (field !== null) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await userCount()).toBe(users);
      expect(await sessionCount()).toBe(sessions);
    });
  }

  it('malformed JSON', async () => {
    const users = await userCount();
    const res = await new ApiClient(server.url).post('/api/auth/signup', '{"email": "a@b.c",');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'validation_failed', message: 'The request body must be a valid JSON object' } });
    expect(await userCount()).toBe(users);
  });

  it('no body or a non-JSON content type', async () => {
    const none = await new ApiClient(server.url).post('/api/auth/signup');
    expect(none.status).toBe(400);
    const form = await new ApiClient(server.url).request('POST', '/api/auth/signup', 'email=a@b.c', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
    expect(form.body.error.code).toBe('validation_failed');
  });

  it('a body over 100 kB gets 413 too_large', async () => {
    const users = await userCount();
    const res = await new ApiClient(server.url).post('/api/auth/signup', { ...good(), name: 'x'.repeat(120_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('too_large');
    expect(await userCount()).toBe(users);
  });
});

describe('sign-in rejects bad input with 400', () => {
  for (const body of [{}, { email: 'a@b.c' }, { email: { $gt: '' }, password: 'x' }, { email: 'a@b.c', password: { $ne: 1 } }, { email: 'a@b.c', password: '' }]) {
    it(JSON.stringify(body), async () => {
      const sessions = await sessionCount();
      const res = await new ApiClient(server.url).post('/api/auth/login', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(await sessionCount()).toBe(sessions);
    });
  }
});

describe('origin check on state-changing requests', () => {
  it('refuses a foreign Origin with 403 forbidden and accepts the same origin or none', async () => {
    const body = { email: uniqueEmail('origin'), name: 'O', password: 'longenough' };
    const foreign = await new ApiClient(server.url).post('/api/auth/signup', body, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('forbidden');
    expect(await server.ctx.models.User.exists({ email: body.email })).toBeNull();

    const same = await new ApiClient(server.url).post('/api/auth/signup', body, { origin: server.url });
    expect(same.status).toBe(201);

    // Sign-out from a foreign page does not end the session.
    const { client } = await signedInClient(server.url);
    expect((await client.post('/api/auth/logout', undefined, { origin: 'http://attacker.example' })).status).toBe(403);
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('refuses a request without Origin that the browser marks as started by another site (Sec-Fetch-Site), and changes nothing', async () => {
    const { client } = await signedInClient(server.url);
    const ws = (await client.post('/api/workspaces', { name: 'Fetch site' })).body.id as string;
    for (const site of ['cross-site', 'same-site']) {
      const res = await client.request('PATCH', `/api/workspaces/${ws}`, { name: 'Hijacked' }, { 'sec-fetch-site': site });
      expect(res.status).toBe(403);
      expect(res.body.error).toEqual({ code: 'forbidden', message: 'Cross-origin requests are not allowed' });
      expect((await client.post('/api/auth/logout', undefined, { 'sec-fetch-site': site })).status).toBe(403);
    }
    expect((await client.get(`/api/workspaces/${ws}`)).body.name).toBe('Fetch site');
    expect((await client.get('/api/me')).status).toBe(200);
    // The console's own pages (same-origin) and a typed-in navigation (none) pass.
    expect((await client.request('PATCH', `/api/workspaces/${ws}`, { name: 'Renamed' }, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await client.request('PATCH', `/api/workspaces/${ws}`, { name: 'Again' }, { 'sec-fetch-site': 'none' })).status).toBe(200);
  });

  it('refuses a socket handshake that another site started, even without Origin', async () => {
    const { client } = await signedInClient(server.url);
    await expect(connectSocket(server.url, client.cookie, { 'sec-fetch-site': 'cross-site' })).rejects.toThrow();
    const own = await connectSocket(server.url, client.cookie, { 'sec-fetch-site': 'same-origin' });
    expect(own.connected).toBe(true);
    own.close();
  });
});

describe('unknown API paths and methods', () => {
  it('answer JSON 404 not_found to a signed-in user, never the web app; 401 to a stranger', async () => {
    const { client } = await signedInClient(server.url);
    const res = await client.get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await client.request('DELETE', '/api/auth/login')).status).toBe(404);
    expect((await new ApiClient(server.url).get('/api/nope')).status).toBe(401);
  });

  it('a garbage session cookie is simply unauthenticated', async () => {
    for (const cookie of ['sid=', 'sid=%', 'sid=' + 'x'.repeat(5000), 'sid=a; sid=b']) {
      const c = new ApiClient(server.url);
      c.cookie = cookie;
      const res = await c.get('/api/me');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });
});

describe('security headers', () => {
  it('sets helmet headers and no-store on API replies', async () => {
    const res = await new ApiClient(server.url).get('/api/me');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });
});
