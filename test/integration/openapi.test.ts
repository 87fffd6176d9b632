import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { ApiClient } from '../support/client.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('GET /api/openapi.json', () => {
  it('describes every route the app serves, with request schemas from the shared zod schemas', async () => {
    const res = await new ApiClient(server.url).get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    // Every route registered on the Express app is documented, and nothing else.
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
    const served: string[] = [];
    // Routes on the app itself are outside /api (health probes); every router below it is mounted at /api.
    const walk = (stack: Layer[], prefix: string) => {
      for (const layer of stack) {
        if (layer.route) for (const m of Object.keys(layer.route.methods)) served.push(`${m.toUpperCase()} ${prefix}${layer.route.path}`);
        else if (layer.handle?.stack) walk(layer.handle.stack, '/api');
      }
    };
    walk((server.app as unknown as { router: { stack: Layer[] } }).router.stack, '');
    expect(served).toContain('GET /healthz');
    const apiRoutes = served.filter((r) => r.includes(' /api/') && r !== 'GET /api/openapi.json');
    expect(apiRoutes.length).toBeGreaterThan(20);
    expect(new Set(documented)).toEqual(new Set(apiRoutes));
    expect(res.body.paths['/api/auth/signup'].post.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      required: ['email', 'name', 'password'],
      additionalProperties: false,
      properties: { password: { type: 'string', minLength: 8 } },
    });
  });
});
