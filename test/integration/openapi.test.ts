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
    expect(res.body.servers).toEqual([{ url: '/api', description: 'This console' }]);
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} /api${path.replace(/\{(\w+)\}/g, ':$1')}`),
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
    expect(apiRoutes.length).toBeGreaterThan(50);
    expect(apiRoutes.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => !apiRoutes.includes(r))).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
    expect(res.body.paths['/auth/signup'].post.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      required: ['email', 'name', 'password'],
      additionalProperties: false,
      properties: { password: { type: 'string', minLength: 8 } },
    });
  });

  it('names every operation once, and describes its errors with the one error schema', async () => {
    const doc = (await new ApiClient(server.url).get('/api/openapi.json')).body;
    const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    const ids = ops.map((o) => o.op.operationId as string);
    expect(new Set(ids).size).toBe(ops.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    expect(doc.paths['/workspaces/{id}/purchases'].post.operationId).toBe('createPurchase');
    expect(doc.paths['/v1/workspace'].get.operationId).toBe('v1GetWorkspace');

    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain('validation_failed');
    expect(doc.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
    for (const name of Object.keys(doc.components.responses)) {
      expect(doc.components.responses[name].content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/Error' } } });
    }
    for (const { op } of ops) {
      for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
        if (status === 'default' || Number(status) >= 400) expect(response.$ref).toMatch(/^#\/components\/responses\//);
      }
    }

    // The errors of a purchase, as the route answers them.
    const purchase = doc.paths['/workspaces/{id}/purchases'].post;
    expect(Object.keys(purchase.responses)).toEqual(['201', '400', '401', '403', '404', '409', '413', '503', 'default']);
    expect(purchase.responses['409']).toEqual({ $ref: '#/components/responses/Conflict', description: 'In conflict with the current state (`conflict`)' });
    expect(purchase.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 } });

    // The public API: the bearer key, never the cookie; credits, limits and their headers.
    expect(doc.components.securitySchemes).toEqual({
      session: { type: 'apiKey', in: 'cookie', name: 'sid', description: expect.any(String) },
      apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'wsc_…', description: expect.any(String) },
    });
    expect(doc.security).toEqual([{ session: [] }]);
    for (const { path, op } of ops) {
      if (path.startsWith('/v1/')) {
        expect(op.security).toEqual([{ apiKey: [] }]);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '402', '429']));
        expect(op.responses['429'].$ref).toBe('#/components/responses/ApiRateLimited');
      } else expect(op.security?.[0]?.apiKey).toBeUndefined();
    }
    expect(doc.paths['/v1/videos/{videoId}'].get.responses['404'].$ref).toBe('#/components/responses/NotFound');
    expect(Object.keys(doc.paths['/v1/videos'].post.responses)).toEqual(['202', '400', '401', '402', '403', '404', '409', '413', '429', '503', 'default']);
    expect(Object.keys(doc.components.responses.ApiRateLimited.headers)).toEqual(['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']);
    expect(doc.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
  });
});
