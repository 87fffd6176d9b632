import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { contentTeam } from '../support/content.js';
import type { ApiClient } from '../support/client.js';
import { seedVideo } from '../support/videos.js';
import { hashToken } from '../../server/db/ids.js';
import { sweepExpiredUnlocks } from '../../server/videos/unlock.service.js';
import { LINK_BUDGET, PAIR_STEPS, SLOW_SECONDS } from '../../server/videos/unlock.guard.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  // Behind one trusted proxy, X-Forwarded-For names the client: each test address is its own.
  server = await startTestServer({ env: { DEFAULT_SEATS: '100', TRUST_PROXY: '1' } });
});
afterAll(() => server?.close());

const PASSWORD = 'correct horse';
const put = (client: ApiClient, path: string, body: unknown) => client.request('PUT', path, body);

/** A browser at `address` with its own cookies (only those it was given). */
function visitor(address: string, cookie = '') {
  const jar = { cookie };
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { 'x-forwarded-for': address, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(jar.cookie ? { cookie: jar.cookie } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.getSetCookie();
    // As a browser does: a cookie set again replaces the one of the same name.
    for (const c of set) {
      const pair = c.split(';')[0]!;
      const name = pair.split('=')[0]!;
      jar.cookie = [...jar.cookie.split('; ').filter((p) => p && !p.startsWith(`${name}=`)), pair].join('; ');
    }
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers, setCookie: set };
  };
  return { jar, call, unlock: (token: string, password: string) => call('POST', `/api/public/videos/${token}/unlock`, { password }) };
}

async function protectedVideo() {
  const t = await contentTeam(server);
  const { creator } = t.people;
  const { id } = await seedVideo(server.ctx, { workspaceId: t.ws, ownerId: creator.user._id, general: { scope: 'workspace', role: 'view' } });
  const share = `/api/workspaces/${t.ws}/videos/${id}/share`;
  const res = await put(creator.client, share, { published: true, password: PASSWORD });
  expect(res.body).toMatchObject({ published: true, passwordProtected: true });
  return { ...t, id, share, token: (res.body.publicUrl as string).split('/v/')[1]! };
}

const publicPaths = (token: string) => [`/api/public/videos/${token}`, `/api/public/videos/${token}/file?v=v1`, `/api/public/videos/${token}/poster?v=v1`, `/api/public/videos/${token}/captions/en.vtt`];

describe('a password-protected public video', () => {
  it('asks for the password (401 password_required everywhere) until this browser gives it; a wrong one is 401 invalid_credentials', async () => {
    const t = await protectedVideo();
    const me = visitor('198.51.100.1');
    for (const p of publicPaths(t.token)) {
      const res = await me.call('GET', p);
      expect(res.status, p).toBe(401);
      expect(res.body.error, p).toEqual({ code: 'password_required', message: 'This video is protected by a password' });
    }
    const stored = (await server.ctx.models.Video.findById(t.id).lean())!.share;
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);

    const wrong = await me.unlock(t.token, 'not it');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toEqual({ code: 'invalid_credentials', message: 'That password is not right' });
    expect(wrong.setCookie).toEqual([]);
    expect((await me.call('POST', `/api/public/videos/${t.token}/unlock`, {})).status).toBe(400);

    const right = await me.unlock(t.token, PASSWORD);
    expect(right.status).toBe(204);
    expect(right.setCookie).toHaveLength(1);
    const cookie = right.setCookie[0]!;
    expect(cookie).toMatch(new RegExp(`^wsc_v_${t.id}=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=/; Expires=[^;]+; HttpOnly; SameSite=Lax$`));
    const value = cookie.split(';')[0]!.split('=')[1]!;
    // Only its hash is stored, with the video and the password's version.
    expect(await server.ctx.models.VideoUnlock.findById(value).lean()).toBeNull();
    expect(await server.ctx.models.VideoUnlock.findById(hashToken(value)).lean()).toMatchObject({ videoId: t.id, passwordVersion: stored.passwordVersion });

    for (const p of publicPaths(t.token)) expect((await me.call('GET', p, undefined, { range: 'bytes=0-99' })).status, p).toBeLessThan(300);
    expect((await me.call('GET', `/api/public/videos/${t.token}/file?v=v1`, undefined, { range: 'bytes=0-99' })).status).toBe(206);
    expect((await me.call('GET', `/api/public/videos/${t.token}`)).body.title).toBe('Quarterly update');
    // This browser only: another one (even at the same address) is still asked.
    expect((await visitor('198.51.100.1').call('GET', `/api/public/videos/${t.token}`)).status).toBe(401);
    // The cookie opens this video, not another one.
    const other = await protectedVideo();
    expect((await visitor('198.51.100.1', `wsc_v_${other.id}=${value}`).call('GET', `/api/public/videos/${other.token}`)).status).toBe(401);
  });

  it('a new password ends earlier unlocks; removing it opens the video to everyone; signed-in people with view access need none', async () => {
    const t = await protectedVideo();
    const me = visitor('198.51.100.2');
    expect((await me.unlock(t.token, PASSWORD)).status).toBe(204);
    expect((await me.call('GET', `/api/public/videos/${t.token}`)).status).toBe(200);

    expect(await server.ctx.models.VideoUnlock.countDocuments({ videoId: t.id })).toBe(1);
    expect((await put(t.people.creator.client, t.share, { password: 'a new secret' })).status).toBe(200);
    // The earlier unlock is gone with the password it was given for.
    expect(await server.ctx.models.VideoUnlock.countDocuments({ videoId: t.id })).toBe(0);
    expect((await me.call('GET', `/api/public/videos/${t.token}`)).status).toBe(401);
    expect((await me.unlock(t.token, PASSWORD)).status).toBe(401);
    expect((await me.unlock(t.token, 'a new secret')).status).toBe(204);
    expect((await me.call('GET', `/api/public/videos/${t.token}`)).status).toBe(200);

    // Signed in with view access (a Viewer of the workspace): watches without the password; a stranger does not.
    expect((await visitor('198.51.100.3', t.people.viewer.client.cookie).call('GET', `/api/public/videos/${t.token}`)).status).toBe(200);
    expect((await visitor('198.51.100.3', t.people.viewer.client.cookie).call('GET', `/api/public/videos/${t.token}/file`, undefined, { range: 'bytes=0-9' })).status).toBe(206);
    expect((await visitor('198.51.100.3', t.stranger.client.cookie).call('GET', `/api/public/videos/${t.token}`)).status).toBe(401);

    expect((await put(t.people.creator.client, t.share, { password: null })).body.passwordProtected).toBe(false);
    expect((await visitor('198.51.100.4').call('GET', `/api/public/videos/${t.token}`)).status).toBe(200);
    // Unpublished: 404 even with the cookie.
    expect((await put(t.people.creator.client, t.share, { published: false })).status).toBe(200);
    expect((await me.call('GET', `/api/public/videos/${t.token}`)).status).toBe(404);
    expect((await me.unlock(t.token, 'a new secret')).status).toBe(404);
  });

  it('an unlock lasts 30 days; the sweep removes it after', async () => {
    const t = await protectedVideo();
    const me = visitor('198.51.100.5');
    expect((await me.unlock(t.token, PASSWORD)).status).toBe(204);
    const unlock = (await server.ctx.models.VideoUnlock.findOne({ videoId: t.id }).lean())!;
    expect(unlock.expiresAt.getTime() - unlock.createdAt.getTime()).toBe(30 * 86_400_000);
    await server.ctx.models.VideoUnlock.updateOne({ _id: unlock._id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await me.call('GET', `/api/public/videos/${t.token}`)).status).toBe(401);
    expect(await sweepExpiredUnlocks(server.ctx)).toBeGreaterThanOrEqual(1);
    expect(await server.ctx.models.VideoUnlock.countDocuments({ videoId: t.id })).toBe(0);
  });
});

describe('guessing the password', () => {
  it('200 wrong guesses from one address: 5 reach the hash, then that address waits; the right password from a new address plays at once', async () => {
    const t = await protectedVideo();
    const attacker = visitor('203.0.113.7');
    const statuses: number[] = [];
    const waits: number[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await attacker.unlock(t.token, `wrong-${i}`);
      statuses.push(res.status);
      if (res.status === 429) waits.push(Number(res.headers.get('retry-after')));
    }
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(195).fill(429)]);
    expect(Math.max(...waits)).toBeLessThanOrEqual(PAIR_STEPS[0].windowSeconds);
    expect(Math.min(...waits)).toBeGreaterThan(0);
    const blocked = await attacker.unlock(t.token, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toEqual({ code: 'rate_limited', message: 'Too many wrong passwords from your network. Try again in 1 minute.', details: { retryAfter: expect.any(Number) } });

    const owner = visitor('198.51.100.77');
    expect((await owner.unlock(t.token, PASSWORD)).status).toBe(204);
    const file = await owner.call('GET', `/api/public/videos/${t.token}/file?v=v1`, undefined, { range: 'bytes=0-1023' });
    expect(file.status).toBe(206);
  });

  it('the delays grow: 5 a minute, then 10 per quarter hour (a minute passing is the minute step’s counter expiring)', async () => {
    const t = await protectedVideo();
    const ip = '203.0.113.8';
    const guesser = visitor(ip);
    const minuteKey = `unlock:pair:0:${t.id}|${ip}`;
    const round = async (n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await guesser.unlock(t.token, 'nope')).status);
      return out;
    };
    expect(await round(6)).toEqual([401, 401, 401, 401, 401, 429]);
    await server.ctx.limiter.reset(minuteKey);
    expect(await round(6)).toEqual([401, 401, 401, 401, 401, 429]);
    await server.ctx.limiter.reset(minuteKey);
    const quarter = await guesser.unlock(t.token, 'nope');
    expect(quarter.status).toBe(429);
    expect(Number(quarter.headers.get('retry-after'))).toBeGreaterThan(PAIR_STEPS[0].windowSeconds);
    expect(Number(quarter.headers.get('retry-after'))).toBeLessThanOrEqual(PAIR_STEPS[1].windowSeconds);
    expect(quarter.body.error.message).toMatch(/^Too many wrong passwords from your network\. Try again in 1[45] minutes\.$/);
  });

  it('200 wrong guesses from 20 addresses: past the link’s hourly budget each address is slowed to one guess a minute, never shut out; the right password from a new address plays', async () => {
    expect(LINK_BUDGET).toBe(50);
    const t = await protectedVideo();
    const addresses = Array.from({ length: 20 }, (_, i) => visitor(`192.0.2.${i + 1}`));
    const rounds: number[][] = [];
    for (let r = 0; r < 10; r++) {
      const row: number[] = [];
      for (const [i, a] of addresses.entries()) row.push((await a.unlock(t.token, `guess-${r}-${i}`)).status);
      rounds.push(row);
    }
    const all = (s: number) => Array(20).fill(s);
    expect(rounds).toEqual([
      all(401), // 20 of the budget
      all(401), // 40
      all(401), // the last 10 of the budget, then each of the other 10 addresses’ one slowed guess
      [...Array(10).fill(401), ...Array(10).fill(429)], // the first 10 use their slowed guess; the others wait
      ...Array.from({ length: 6 }, () => all(429)),
    ]);
    expect(rounds.flat().filter((s) => s === 401)).toHaveLength(70);
    const slowed = await addresses[0]!.unlock(t.token, PASSWORD);
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers.get('retry-after'))).toBeLessThanOrEqual(SLOW_SECONDS);

    const owner = visitor('198.51.100.200');
    expect((await owner.unlock(t.token, PASSWORD)).status).toBe(204);
    expect((await owner.call('GET', `/api/public/videos/${t.token}`)).status).toBe(200);
    expect((await owner.call('GET', `/api/public/videos/${t.token}/file?v=v1`, undefined, { range: 'bytes=0-1023' })).status).toBe(206);
    // And a signed-in Viewer never needed the password at all.
    expect((await visitor('192.0.2.1', t.people.viewer.client.cookie).call('GET', `/api/public/videos/${t.token}`)).status).toBe(200);
  });

  it('parallel guesses from one address get no more tries than the limit', async () => {
    const t = await protectedVideo();
    const attacker = visitor('203.0.113.99');
    const statuses = (await Promise.all(Array.from({ length: 30 }, (_, i) => attacker.unlock(t.token, `guess-${i}`)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
  });
});

describe('guess limits across nodes', () => {
  it('with Redis, the counters are shared: one address guessing on two nodes gets 5 guesses in all', async () => {
    const a = await startTestServer({ redis: true, env: { DEFAULT_SEATS: '100', TRUST_PROXY: '1' } });
    const b = await startTestServer({ redis: true, database: a.database, env: { DEFAULT_SEATS: '100', TRUST_PROXY: '1' } });
    try {
      const t = await contentTeam(a);
      const { id } = await seedVideo(a.ctx, { workspaceId: t.ws, ownerId: t.people.creator.user._id });
      const res = await put(t.people.creator.client, `/api/workspaces/${t.ws}/videos/${id}/share`, { published: true, password: PASSWORD });
      const token = (res.body.publicUrl as string).split('/v/')[1]!;
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const node = i % 2 === 0 ? a : b;
        const r = await fetch(`${node.url}/api/public/videos/${token}/unlock`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.50' },
          body: JSON.stringify({ password: `guess-${i}` }),
        });
        statuses.push(r.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
      // The right password from elsewhere, on the other node, still opens it.
      const ok = await fetch(`${b.url}/api/public/videos/${token}/unlock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.9' },
        body: JSON.stringify({ password: PASSWORD }),
      });
      expect(ok.status).toBe(204);
      const cookie = ok.headers.getSetCookie()[0]!.split(';')[0]!;
      // The unlock is in the database: the first node honours it.
      expect((await fetch(`${a.url}/api/public/videos/${token}`, { headers: { cookie } })).status).toBe(200);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
