import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { ApiClient, connectSocket, emitAck } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_MAX_PER_IP: '100000', SIGNUP_MAX_PER_IP: '100000', JOIN_MAX_PER_HOUR: '100000', TOKEN_LOOKUP_MAX_PER_HOUR: '100000' } });
});
afterAll(() => server?.close());

const BODIES: unknown[] = [
  undefined,
  null,
  0,
  'text',
  [],
  [{}],
  {},
  { $where: 'sleep(1000)' },
  { name: { $gt: '' } },
  { email: ['a@b.co'], role: { $ne: null } },
  { invites: 'all' },
  { invites: [{ email: { $regex: '.*' }, role: 'viewer' }] },
  { role: 'super_admin', userId: '../../etc' },
  { settings: { companyDomains: 'x' } },
  { add: 1e308 },
  { add: -5 },
  { expiresAt: 'tomorrow', maxUses: 'many' },
  { __proto__: { admin: true } },
  { constructor: { prototype: { admin: true } } },
  { name: '\u0000\u202e'.repeat(50) },
];
const PARAMS = ['x', '$ne', '%00', '..%2F..', 'ffffffffffffffffffffffff', 'A'.repeat(300), '%E0%A4%A'];
const QUERIES = ['', '?limit=-1', '?limit=abc', '?cursor[$gt]=', '?q[$ne]=1', '?status=everything', '?from=never', '?unread=maybe', '?limit=1&limit=2'];

describe('hostile input never gets a 500', () => {
  it('every documented route, with hostile bodies, ids and queries, answers 4xx (or 2xx) and the process stays healthy', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const spec = (await new ApiClient(server.url).get('/api/openapi.json')).body as { servers: Array<{ url: string }>; paths: Record<string, Record<string, unknown>> };
    // Paths are relative to the one server, `/api`.
    const base = spec.servers[0]!.url;
    const failures: string[] = [];
    let calls = 0;
    for (const [template, ops] of Object.entries(spec.paths)) {
      for (const method of Object.keys(ops)) {
        const paths = [template.replace('{id}', ws).replace(/\{\w+\}/g, 'x'), ...PARAMS.map((p) => template.replace(/\{\w+\}/g, p))].map((p) => base + p);
        for (const path of paths) {
          for (const query of method === 'get' ? QUERIES : ['']) {
            for (const body of method === 'get' ? [undefined] : BODIES) {
              const res = await owner.client.request(method.toUpperCase(), path + query, body === undefined ? undefined : JSON.stringify(body));
              calls++;
              if (res.status >= 500) failures.push(`${method.toUpperCase()} ${path}${query} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
            }
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
    expect((await new ApiClient(server.url).get('/healthz')).status).toBe(200);
    // The sweep signed the owner out (POST /api/auth/logout is a documented route): check with someone new.
    const fresh = await createUser(server.ctx, server.url, 'After');
    expect((await fresh.client.get(`/api/workspaces/${await createWorkspace(server.ctx, fresh.user._id)}`)).status).toBe(200);
  }, 240_000);

  it('hostile socket payloads get error acks and the connection keeps working', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const socket = await connectSocket(server.url, owner.client.cookie);
    for (const payload of BODIES) {
      for (const event of ['workspace:subscribe', 'workspace:unsubscribe']) {
        const ack = await emitAck(socket, event, payload);
        expect(typeof ack.ok).toBe('boolean');
        if (!ack.ok) expect(['validation_failed', 'not_found']).toContain(ack.error.code);
      }
    }
    expect(await emitAck(socket, 'workspace:subscribe', { workspaceId: ws })).toMatchObject({ ok: true });
    socket.close();
  });
});
