import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClock } from '../support/server.js';
import { ApiClient } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { createApiKey, PublicApiClient, setApiAccess } from '../support/api-keys.js';

const clock = new TestClock();
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(() => server?.close());

/** A root workspace with API access on, its owner and a key. */
async function withKey(name = 'Public Co') {
  const owner = await createUser(server.ctx, server.url, 'Owner');
  const ws = await createWorkspace(server.ctx, owner.user._id, [], name);
  await setApiAccess(owner.client, ws, true);
  const made = await createApiKey(owner.client, ws, 'Integration');
  return { owner, ws, ...made, api: new PublicApiClient(server.url, made.secret) };
}

const refused = { code: 'unauthenticated', message: 'Send a valid API key: Authorization: Bearer <key>. Keys are made in the workspace’s API tab.' };

describe('bearer authentication of /api/v1', () => {
  it('answers a valid key with its workspace', async () => {
    const { ws, api } = await withKey('Answering Co');
    const res = await api.get('/workspace');
    expect(res.status).toBe(200);
    // A new account's starting credits (60 generative, 1000 API), less this very call.
    expect(res.body).toEqual({ id: ws, name: 'Answering Co', credits: { generative: { available: 60, held: 0 }, api: { available: 999, held: 0 } } });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a missing, malformed, mistyped or unknown key with 401, and a session cookie counts for nothing', async () => {
    const { owner, secret } = await withKey();
    // One character changed: the checksum no longer matches.
    const last = secret.at(-1)!;
    const typo = secret.slice(0, -1) + (last === 'a' ? 'b' : 'a');
    // Two neighbouring characters that differ, swapped (equal neighbours would give the secret back).
    const at = [...secret].findIndex((c, i) => i >= 4 && c !== secret[i + 1]);
    const swapped = secret.slice(0, at) + secret[at + 1] + secret[at] + secret.slice(at + 2);
    expect(swapped).not.toBe(secret);
    const headers: Array<Record<string, string>> = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: secret },
      { authorization: `Basic ${Buffer.from(`x:${secret}`).toString('base64')}` },
      { authorization: `Token ${secret}` },
      { authorization: `Bearer ${typo}` },
      { authorization: `Bearer ${swapped}` },
      { authorization: `Bearer ${secret.slice(0, -1)}` },
      { authorization: `Bearer ${secret}x` },
      { authorization: `Bearer ${secret} extra` },
      { authorization: `Bearer ${secret.toUpperCase()}` },
      { authorization: `Bearer wsc_${'A'.repeat(38)}` },
      { authorization: `Bearer ${'wsc_'.repeat(100)}` },
      { authorization: `Bearer ${secret.replace('wsc_', 'wsk_')}` },
      { authorization: `Bearer ${secret}`.replace(secret.slice(8, 9), 'é') },
      { cookie: owner.client.cookie },
    ];
    for (const h of headers) {
      const res = await new ApiClient(server.url).get('/api/v1/workspace', h);
      expect([res.status, res.body.error], JSON.stringify(h)).toEqual([401, refused]);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      expect(res.headers.get('ratelimit-limit'), 'no rate-limit headers without a key').toBeNull();
    }
    // The scheme's case and extra spaces do not matter.
    for (const h of [`bearer ${secret}`, `BEARER  ${secret}`]) expect((await new ApiClient(server.url).get('/api/v1/workspace', { authorization: h })).status, h).toBe(200);
    // An unknown endpoint is 401 without a key, 404 with one.
    expect((await new ApiClient(server.url).get('/api/v1/nothing-here')).status).toBe(401);
    const unknown = await new PublicApiClient(server.url, secret).get('/nothing-here');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
  });

  it('refuses an expired key with 401 from the moment it expires', async () => {
    const { owner, ws } = await withKey();
    const { secret } = await createApiKey(owner.client, ws, 'Short-lived', { expiresInDays: 1 });
    const api = new PublicApiClient(server.url, secret);
    expect((await api.get('/workspace')).status).toBe(200);
    clock.advance(86_400_000 - 60_000);
    expect((await api.get('/workspace')).status).toBe(200);
    clock.advance(61_000);
    const res = await api.get('/workspace');
    expect([res.status, res.body.error]).toEqual([401, refused]);
    const list = await owner.client.get(`/api/workspaces/${ws}/api-keys`);
    expect(list.body.items.find((k: { name: string }) => k.name === 'Short-lived').revokedAt).toBeNull();
  });

  it('refuses every key of a workspace whose API access is turned off, at the very next call (with a warm cache), and accepts them again when on', async () => {
    const { owner, ws, api } = await withKey();
    for (let round = 0; round < 5; round++) {
      expect((await api.get('/workspace')).status).toBe(200);
      expect((await api.get('/workspace')).status).toBe(200);
      await setApiAccess(owner.client, ws, false);
      const res = await api.get('/workspace');
      expect([res.status, res.body.error], `round ${round}`).toEqual([401, refused]);
      await setApiAccess(owner.client, ws, true);
    }
  });

  it('ignores the Origin rule: a call with a foreign Origin is answered as any other', async () => {
    const { api } = await withKey();
    const res = await api.call('POST', '/videos', { title: 'Hello', script: 'Hi there' }, { origin: 'https://elsewhere.example' });
    expect([res.status, res.body.status]).toEqual([202, 'pending']);
  });

  it('records the last use at most once a minute', async () => {
    const { owner, ws, key, api } = await withKey();
    const lastUsed = async () => (await server.ctx.models.ApiKey.findById(key.id).lean())!.lastUsedAt?.getTime() ?? null;
    const first = clock.now().getTime();
    for (let i = 0; i < 5; i++) expect((await api.get('/workspace')).status).toBe(200);
    await expect.poll(lastUsed).not.toBeNull();
    const written = (await lastUsed())!;
    expect(written).toBeGreaterThanOrEqual(first);
    expect(written).toBeLessThan(first + 5_000);
    clock.advance(30_000);
    for (let i = 0; i < 5; i++) expect((await api.get('/workspace')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(await lastUsed(), 'not written again within the minute').toBe(written);
    clock.advance(31_000);
    expect((await api.get('/workspace')).status).toBe(200);
    await expect.poll(lastUsed).toBeGreaterThanOrEqual(written + 61_000);
    const shown = (await owner.client.get(`/api/workspaces/${ws}/api-keys`)).body.items[0];
    expect(Date.parse(shown.lastUsedAt)).toBe(await lastUsed());
  });
});

describe('calls of /api/v1', () => {
  it('lists the workspace’s own assets and those shared into it, never another workspace’s, paged and by kind', async () => {
    const { owner, ws, api } = await withKey('Library Co');
    const mine = [];
    for (const [kind, name] of [['avatar', 'Ava'], ['voice', 'Vox'], ['template', 'Tpl']] as const) {
      mine.push((await owner.client.post(`/api/workspaces/${ws}/assets`, { kind, name })).body.id as string);
    }
    const sub = (await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Team', billingMode: 'independent', apiAccess: true })).body.id as string;
    const shared = (await owner.client.post(`/api/workspaces/${sub}/assets`, { kind: 'voice', name: 'Shared voice' })).body.id as string;
    const unshared = (await owner.client.post(`/api/workspaces/${sub}/assets`, { kind: 'voice', name: 'Kept voice' })).body.id as string;
    expect((await owner.client.post(`/api/workspaces/${sub}/assets/${shared}/shares`, { workspaceIds: [ws] })).status).toBe(200);

    const all = await api.get('/assets');
    expect(all.status).toBe(200);
    expect(all.body.items.map((a: { id: string }) => a.id)).toEqual([shared, mine[2], mine[1], mine[0]]);
    expect(all.body.items[0].sharedFrom).toEqual({ id: sub, name: 'Team' });
    expect(JSON.stringify(all.body)).not.toContain(unshared);
    const voices = await api.get('/assets?kind=voice');
    expect(voices.body.items.map((a: { id: string }) => a.id)).toEqual([shared, mine[1]]);
    const page = await api.get('/assets?limit=2');
    expect(page.body.items.map((a: { id: string }) => a.id)).toEqual([shared, mine[2]]);
    const rest = await api.get(`/assets?limit=2&cursor=${page.body.nextCursor}`);
    expect(rest.body).toEqual({ items: [expect.objectContaining({ id: mine[1] }), expect.objectContaining({ id: mine[0] })], nextCursor: null });
    expect((await api.get('/assets?kind=spaceship')).status).toBe(400);
    expect((await api.get('/assets?limit=0')).status).toBe(400);

    // The sub-workspace's own key (paid from its own pool) sees its own library, not the parent's.
    const noCredits = await new PublicApiClient(server.url, (await createApiKey(owner.client, sub, 'Unfunded')).secret).get('/assets');
    expect([noCredits.status, noCredits.body.error.code]).toEqual([402, 'insufficient_credits']);
    expect((await owner.client.post(`/api/workspaces/${sub}/purchases`, { item: 'api_credits', quantity: 10 })).status).toBe(201);
    const subKey = await createApiKey(owner.client, sub, 'Team key');
    const subList = await new PublicApiClient(server.url, subKey.secret).get('/assets');
    expect(subList.body.items.map((a: { id: string }) => a.id)).toEqual([unshared, shared]);
    expect((await new PublicApiClient(server.url, subKey.secret).get('/workspace')).body.id).toBe(sub);
  });

  it('acts for its own workspace only: a key of A on B’s ids is 404', async () => {
    const a = await withKey('A Co');
    const b = await withKey('B Co');
    const bAsset = (await b.owner.client.post(`/api/workspaces/${b.ws}/assets`, { kind: 'voice', name: 'B voice' })).body.id as string;
    expect((await a.api.get('/workspace')).body.id).toBe(a.ws);
    expect((await b.api.get('/workspace')).body.id).toBe(b.ws);
    expect(JSON.stringify((await a.api.get('/assets')).body)).not.toContain(bAsset);
    for (const path of [`/videos/${bAsset}`, `/videos/${b.ws}`, `/workspaces/${b.ws}`, `/workspaces/${b.ws}/assets`]) {
      const res = await a.api.get(path);
      expect([res.status, res.body.error.code], path).toEqual([404, 'not_found']);
    }
    // The console's own routes take no API key.
    expect((await new ApiClient(server.url).get(`/api/workspaces/${a.ws}`, { authorization: `Bearer ${a.secret}` })).status).toBe(401);
  });

  it('validates a video before holding anything (videos themselves: video-jobs.test.ts)', async () => {
    const { api } = await withKey();
    const unknown = await api.call('POST', '/videos', { title: 'Launch', script: 'Hello world', avatarId: 'a1' });
    expect([unknown.status, unknown.body.error.code, unknown.body.error.details]).toEqual([400, 'validation_failed', [{ path: 'avatarId', message: 'There is no such avatar in this workspace’s library' }]]);
    for (const body of [{}, { title: '', script: 'x' }, { title: 'x'.repeat(201), script: 'x' }, { title: 'T', script: 'x', extra: 1 }, { title: 'T', script: 'x'.repeat(20_001) }]) {
      const res = await api.call('POST', '/videos', body);
      expect([res.status, res.body.error.code], JSON.stringify(body).slice(0, 60)).toEqual([400, 'validation_failed']);
    }
    expect((await api.call('POST', '/videos', '{"title":')).status).toBe(400);
    const get = await api.get('/videos/abc123');
    expect([get.status, get.body.error.code]).toEqual([404, 'not_found']);
    expect((await api.get(`/videos/${'x'.repeat(65)}`)).status).toBe(404);
  });
});
