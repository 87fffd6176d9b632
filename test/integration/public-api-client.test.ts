import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components, paths } from '../support/generated/api.js';
import { startTestServer } from '../support/server.js';
import { signedInClient } from '../support/client.js';

type ErrorBody = components['schemas']['Error'];

/** Small numbers, so the test sees the credits run out and the limit reported. */
const API_CREDITS = 3;
const PER_MINUTE = 30;

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_API_CREDITS: String(API_CREDITS), DEFAULT_GENERATIVE_CREDITS: '60', API_RATE_PER_MINUTE: String(PER_MINUTE) } });
});
afterAll(() => server?.close());

describe('the public API, driven the way an integration would', () => {
  it('a key made over REST calls /api/v1 through a client typed by the generated file: exact bodies, credits charged, typed errors', async () => {
    // A person sets it up in the console: an account, a workspace with API access on, an asset, a key.
    const { client: browser } = await signedInClient(server.url, { name: 'Ada Integrator' });
    const created = await browser.post('/api/workspaces', { name: 'Integration Co' });
    expect(created.status).toBe(201);
    const workspaceId = created.body.id as string;
    const on = await browser.request('PATCH', `/api/workspaces/${workspaceId}`, { settings: { apiAccess: true } });
    expect(on.status).toBe(200);
    expect(on.body.settings.apiAccess).toBe(true);
    const voice = await browser.post(`/api/workspaces/${workspaceId}/assets`, { kind: 'voice', name: 'Narrator', data: { language: 'en' } });
    expect(voice.status).toBe(201);
    const made = await browser.post(`/api/workspaces/${workspaceId}/api-keys`, { name: 'CI pipeline' });
    expect(made.status).toBe(201);
    const secret = made.body.secret as string;
    expect(secret).toMatch(/^wsc_/);

    // The integration: only the key and the typed client.
    const api = createClient<paths>({ baseUrl: `${server.url}/api`, headers: { Authorization: `Bearer ${secret}` } });

    const first = await api.GET('/v1/workspace');
    expect(first.response.status).toBe(200);
    expect(first.error).toBeUndefined();
    // This call's credit is already charged.
    expect(first.data).toEqual({ id: workspaceId, name: 'Integration Co', credits: { generative: { available: 60, held: 0 }, api: { available: API_CREDITS - 1, held: 0 } } });
    expect(first.response.headers.get('RateLimit-Limit')).toBe(String(PER_MINUTE));
    expect(first.response.headers.get('RateLimit-Remaining')).toBe(String(PER_MINUTE - 1));

    const voices = await api.GET('/v1/assets', { params: { query: { kind: 'voice' } } });
    expect(voices.response.status).toBe(200);
    expect(voices.data).toEqual({ items: [voice.body], nextCursor: null });
    const templates = await api.GET('/v1/assets', { params: { query: { kind: 'template' } } });
    expect(templates.data).toEqual({ items: [], nextCursor: null });

    // The last credit is spent; the next call is refused with the error schema, and its code is typed.
    const broke = await api.GET('/v1/workspace');
    expect(broke.response.status).toBe(402);
    expect(broke.data).toBeUndefined();
    const code: ErrorBody['error']['code'] | undefined = broke.error?.error.code;
    expect(code).toBe('insufficient_credits');
    expect(broke.error).toEqual({ error: { code: 'insufficient_credits', message: expect.any(String), details: { kind: 'api', available: 0, needed: 1 } } });

    // The console sees what the integration spent: three calls, three credits.
    const credits = await browser.get(`/api/workspaces/${workspaceId}/credits`);
    expect(credits.body.api).toEqual({ available: 0, held: 0 });

    // A key that is not one: 401 with the error schema, and nothing charged anywhere.
    for (const authorization of ['Bearer wsc_notakey', `Bearer ${secret}x`, secret]) {
      const stranger = createClient<paths>({ baseUrl: `${server.url}/api`, headers: { Authorization: authorization } });
      const refused = await stranger.GET('/v1/workspace');
      expect(refused.response.status).toBe(401);
      expect(refused.data).toBeUndefined();
      expect(refused.error).toEqual({ error: { code: 'unauthenticated', message: expect.stringContaining('API key') } });
    }
    const none = await createClient<paths>({ baseUrl: `${server.url}/api` }).GET('/v1/assets');
    expect(none.response.status).toBe(401);
    expect(none.error?.error.code).toBe('unauthenticated');
  });
});
