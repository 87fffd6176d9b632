import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { ApiClient, signedInClient, uniqueEmail } from '../support/client.js';

/** Behind one trusted proxy (`TRUST_PROXY=1`), `X-Forwarded-For` names the client: each test address is its own. */
const from = (server: { url: string }, address: string) => ({
  login: (email: string, password: string) => new ApiClient(server.url).post('/api/auth/login', { email, password }, { 'x-forwarded-for': address }),
});

describe('sign-in limits that strangers cannot turn against an owner', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '1', LOGIN_MAX_PER_ACCOUNT: '5', LOGIN_MAX_PER_IP: '100000', SIGNUP_MAX_PER_IP: '1000', LOGIN_SLOWDOWN_AFTER: '1000' } });
  });
  afterAll(() => server?.close());

  it('200 wrong passwords from one address lock out that address only: the right password from another address signs in at once', async () => {
    const { email, password } = await signedInClient(server.url);
    const attacker = from(server, '203.0.113.7');
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await attacker.login(email, `wrong-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    // Even the right password waits out the window from the attacking address…
    const blocked = await attacker.login(email, password);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toEqual({ code: 'rate_limited', message: 'Too many failed sign-ins to this account. Try again in 15 minutes.', details: { retryAfter: expect.any(Number) } });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    // …while the owner, elsewhere, is not locked out.
    const owner = await from(server, '198.51.100.20').login(email, password);
    expect(owner.status).toBe(200);
    expect(owner.body.user.email).toBe(email);
  });

  it('counts failures since the last success: a success resets the address’s count for that account', async () => {
    const { email, password } = await signedInClient(server.url);
    const me = from(server, '192.0.2.44');
    for (let i = 0; i < 4; i++) expect((await me.login(email, 'wrong-password')).status).toBe(401);
    expect((await me.login(email, password)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await me.login(email, 'wrong-password')).status).toBe(401);
    expect((await me.login(email, password)).status).toBe(200);
  });

  it('parallel guesses from one address get no more tries than the limit', async () => {
    const { email } = await signedInClient(server.url);
    const attacker = from(server, '203.0.113.99');
    const statuses = (await Promise.all(Array.from({ length: 30 }, (_, i) => attacker.login(email, `guess-${i}`)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
  });
});

describe('per-address limit', () => {
  it('counts every attempt of one address per day, across accounts, and says the wait in words', async () => {
    const strict = await startTestServer({ env: { TRUST_PROXY: '1', LOGIN_MAX_PER_IP: '3' } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await from(strict, '203.0.113.1').login(uniqueEmail(), 'whatever1')).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const limited = await from(strict, '203.0.113.1').login(uniqueEmail(), 'whatever1');
      expect(limited.body.error.message).toMatch(/^Too many sign-in attempts from your network\. Try again in (24 hours|\d+ hours)\.$/);
      // Another address is unaffected.
      expect((await from(strict, '203.0.113.2').login(uniqueEmail(), 'whatever1')).status).toBe(401);
    } finally {
      await strict.close();
    }
  });
});

describe('an account under a distributed attack', () => {
  it('is slowed down, never locked: past LOGIN_SLOWDOWN_AFTER failures each attempt waits, and the right password still signs in', async () => {
    const slow = await startTestServer({ env: { TRUST_PROXY: '1', LOGIN_SLOWDOWN_AFTER: '3', LOGIN_MAX_PER_ACCOUNT: '1000', LOGIN_MAX_PER_IP: '100000', SIGNUP_MAX_PER_IP: '1000' } });
    try {
      const { email, password } = await signedInClient(slow.url);
      for (let i = 0; i < 3; i++) expect((await from(slow, `203.0.113.${10 + i}`).login(email, 'wrong-password')).status).toBe(401);
      const started = Date.now();
      const owner = await from(slow, '198.51.100.1').login(email, password);
      expect(owner.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await slow.close();
    }
  });
});

describe('TRUST_PROXY', () => {
  it('without a trusted proxy, a client-set X-Forwarded-For changes nothing: the connection’s address is counted', async () => {
    const direct = await startTestServer({ env: { LOGIN_MAX_PER_IP: '2' } });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await from(direct, `203.0.113.${i}`).login(uniqueEmail(), 'whatever1')).status);
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await direct.close();
    }
  });

  it('with one trusted hop, only the address that hop saw counts, not what the client prepended', async () => {
    const proxied = await startTestServer({ env: { TRUST_PROXY: '1', LOGIN_MAX_PER_IP: '2' } });
    try {
      const statuses = [];
      // A client forging the left of the chain; the proxy appends the real address (203.0.113.50).
      for (let i = 0; i < 3; i++) statuses.push((await from(proxied, `10.9.9.${i}, 203.0.113.50`).login(uniqueEmail(), 'whatever1')).status);
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await proxied.close();
    }
  });
});
