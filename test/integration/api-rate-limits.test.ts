import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, startTestServer } from '../support/server.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { createApiKey, PublicApiClient, setApiAccess } from '../support/api-keys.js';
import type { Reply } from '../support/client.js';

/** Two nodes on one Redis with small limits: 5 calls a minute per key, 8 per workspace. */
const env = { API_RATE_PER_MINUTE: '5', API_WORKSPACE_RATE_PER_MINUTE: '8' };
let a: Awaited<ReturnType<typeof startTestServer>>;
let b: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  const database = freshDatabase();
  a = await startTestServer({ database, redis: true, env });
  b = await startTestServer({ database, redis: true, env });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

async function workspaceWithKeys(n: number) {
  const owner = await createUser(a.ctx, a.url, 'Owner');
  const ws = await createWorkspace(a.ctx, owner.user._id, [], 'Limited Co');
  await setApiAccess(owner.client, ws, true);
  const keys = [];
  for (let i = 0; i < n; i++) keys.push(await createApiKey(owner.client, ws, `Key ${i}`));
  return { owner, ws, keys };
}

const limits = (res: Reply) => ({
  status: res.status,
  limit: res.headers.get('ratelimit-limit'),
  remaining: res.headers.get('ratelimit-remaining'),
});
const resetOf = (res: Reply) => Number(res.headers.get('ratelimit-reset'));

describe('rate limits of /api/v1', () => {
  it('counts calls per key across nodes: RateLimit-* headers on every reply, then 429 with Retry-After', async () => {
    const { keys } = await workspaceWithKeys(1);
    const seen: Reply[] = [];
    // Alternating nodes: they count into one Redis key. A 404 and a 400 count as calls too.
    const paths = ['/workspace', '/assets', '/videos/unknown', '/assets?kind=nope', '/workspace', '/workspace', '/workspace'];
    for (const [i, path] of paths.entries()) seen.push(await new PublicApiClient(i % 2 ? b.url : a.url, keys[0]!.secret).get(path));
    expect(seen.map(limits)).toEqual([
      { status: 200, limit: '5', remaining: '4' },
      { status: 200, limit: '5', remaining: '3' },
      { status: 404, limit: '5', remaining: '2' },
      { status: 400, limit: '5', remaining: '1' },
      { status: 200, limit: '5', remaining: '0' },
      { status: 429, limit: '5', remaining: '0' },
      { status: 429, limit: '5', remaining: '0' },
    ]);
    for (const res of seen) {
      expect(resetOf(res)).toBeGreaterThanOrEqual(1);
      expect(resetOf(res)).toBeLessThanOrEqual(60);
    }
    const refused = seen[5]!;
    expect(refused.body.error).toEqual({ code: 'rate_limited', message: 'Too many calls with this API key. Try again in 1 minute.', details: { retryAfter: resetOf(refused) } });
    expect(refused.headers.get('retry-after')).toBe(String(resetOf(refused)));
  });

  it('counts calls per workspace across its keys: the tighter limit is the one shown, and the workspace’s refuses past 8', async () => {
    const { keys } = await workspaceWithKeys(3);
    const call = (k: number, node = a) => new PublicApiClient(node.url, keys[k]!.secret).get('/workspace');
    const seen: Reply[] = [];
    for (let i = 0; i < 4; i++) seen.push(await call(0, i % 2 ? b : a));
    for (let i = 0; i < 4; i++) seen.push(await call(1, i % 2 ? a : b));
    seen.push(await call(2));
    seen.push(await call(0));
    expect(seen.map(limits)).toEqual([
      { status: 200, limit: '5', remaining: '4' },
      { status: 200, limit: '5', remaining: '3' },
      { status: 200, limit: '5', remaining: '2' },
      { status: 200, limit: '5', remaining: '1' },
      // Key 1 has 4 left, the workspace only 3 from here on: the workspace's limit is shown.
      { status: 200, limit: '8', remaining: '3' },
      { status: 200, limit: '8', remaining: '2' },
      { status: 200, limit: '8', remaining: '1' },
      { status: 200, limit: '8', remaining: '0' },
      { status: 429, limit: '8', remaining: '0' },
      { status: 429, limit: '8', remaining: '0' },
    ]);
    expect(seen[8]!.body.error.message).toBe('Too many calls to the API for this workspace. Try again in 1 minute.');
    expect(Number(seen[8]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('gives each key and each workspace its own counters', async () => {
    const one = await workspaceWithKeys(1);
    const two = await workspaceWithKeys(1);
    for (let i = 0; i < 5; i++) expect((await new PublicApiClient(a.url, one.keys[0]!.secret).get('/workspace')).status).toBe(200);
    expect((await new PublicApiClient(a.url, one.keys[0]!.secret).get('/workspace')).status).toBe(429);
    expect(limits(await new PublicApiClient(b.url, two.keys[0]!.secret).get('/workspace'))).toEqual({ status: 200, limit: '5', remaining: '4' });
  });
});
