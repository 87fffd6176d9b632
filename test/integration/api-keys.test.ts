import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { connectSocket, emitAck, waitFor, type TestSocket } from '../support/client.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';
import { createApiKey, PublicApiClient, setApiAccess } from '../support/api-keys.js';
import type { Role } from '../../shared/schemas/auth.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** A root workspace with API access on, its owner, and one member of each other role. */
async function apiWorkspace(name = 'Keys Co') {
  const owner = await createUser(server.ctx, server.url, 'Owner');
  const ws = await createWorkspace(server.ctx, owner.user._id, [], name);
  await setApiAccess(owner.client, ws, true);
  const people = {} as Record<Exclude<Role, 'super_admin'> | 'admin', Awaited<ReturnType<typeof createUser>>>;
  for (const role of ['admin', 'developer', 'creator', 'viewer'] as const) {
    people[role] = await createUser(server.ctx, server.url, role);
    await addMember(server.ctx, ws, people[role].user, role === 'admin' ? 'super_admin' : role);
  }
  return { owner, ws, ...people };
}

const rawKey = (id: string) => server.ctx.conn.db!.collection('api_keys').findOne({ _id: id as never });
const keyCount = (workspaceId: string) => server.ctx.models.ApiKey.countDocuments({ workspaceId });

describe('API keys: created, shown once, stored hashed', () => {
  it('shows the secret in the 201 reply only: the list, a second read and the events never carry it', async () => {
    const { ws, developer } = await apiWorkspace();
    const socket = await connectSocket(server.url, developer.client.cookie);
    await emitAck(socket, 'workspace:subscribe', { workspaceId: ws });
    const before = Date.now();
    const res = await developer.client.post(`/api/workspaces/${ws}/api-keys`, { name: '  Zapier  ', expiresInDays: 30 });
    expect(res.status).toBe(201);
    const { key, secret } = res.body;
    expect(secret).toMatch(/^wsc_[0-9A-Za-z]{38}$/);
    expect(Object.keys(res.body).sort()).toEqual(['key', 'secret']);
    expect(key).toEqual({
      id: expect.any(String),
      name: 'Zapier',
      prefix: secret.slice(0, 10),
      createdBy: { id: developer.user._id, name: developer.user.name },
      createdAt: expect.any(String),
      lastUsedAt: null,
      expiresAt: expect.any(String),
      revokedAt: null,
    });
    const expires = Date.parse(key.expiresAt) - Date.parse(key.createdAt);
    expect(expires).toBe(30 * 86_400_000);
    expect(Date.parse(key.createdAt)).toBeGreaterThanOrEqual(before - 1000);

    for (let read = 0; read < 2; read++) {
      const list = await developer.client.get(`/api/workspaces/${ws}/api-keys`);
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ items: [key], nextCursor: null });
      expect(JSON.stringify(list.body)).not.toContain(secret.slice(4, 20));
    }
    await waitFor(() => socket.received.some((e) => e.type === 'apiKey.created'), 'apiKey.created');
    const event = socket.received.find((e) => e.type === 'apiKey.created')!;
    expect(event.data).toEqual({ key });
    expect(JSON.stringify(socket.received)).not.toContain(secret.slice(4, 20));
    socket.close();
  });

  it('stores only the SHA-256 of the secret: no document (key, event, audit) holds the secret or any part past the shown prefix', async () => {
    const { ws, owner } = await apiWorkspace();
    const { key, secret } = await createApiKey(owner.client, ws, 'At rest');
    const doc = await rawKey(key.id);
    expect(doc).toEqual({
      _id: key.id,
      workspaceId: ws,
      name: 'At rest',
      prefix: secret.slice(0, 10),
      secretHash: createHash('sha256').update(secret).digest('hex'),
      createdBy: owner.user._id,
      createdAt: expect.any(Date),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    const hidden = secret.slice(10);
    const everywhere = JSON.stringify([
      await server.ctx.conn.db!.collection('api_keys').find({}).toArray(),
      await server.ctx.conn.db!.collection('events').find({ workspaceId: ws }).toArray(),
      await server.ctx.conn.db!.collection('audit').find({ workspaceId: ws }).toArray(),
    ]);
    expect(everywhere).not.toContain(hidden);
    expect(everywhere).not.toContain(Buffer.from(secret).toString('base64'));
    expect(everywhere).not.toContain(Buffer.from(secret).toString('hex'));
    // And the secret works: it is the hash, not the text, that finds it.
    expect((await new PublicApiClient(server.url, secret).get('/workspace')).status).toBe(200);
  });

  it('pages the list newest first with a cursor', async () => {
    const { ws, owner } = await apiWorkspace();
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await createApiKey(owner.client, ws, `Key ${i}`)).key.id);
    const first = await owner.client.get(`/api/workspaces/${ws}/api-keys?limit=2`);
    expect(first.body.items.map((k: { id: string }) => k.id)).toEqual([made[4], made[3]]);
    const second = await owner.client.get(`/api/workspaces/${ws}/api-keys?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((k: { id: string }) => k.id)).toEqual([made[2], made[1]]);
    const third = await owner.client.get(`/api/workspaces/${ws}/api-keys?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toEqual({ items: [expect.objectContaining({ id: made[0] })], nextCursor: null });
  });
});

describe('API keys: who manages them', () => {
  it('lets Super Admins and Developers list, create and revoke; Creators and Viewers get 403; outsiders 404', async () => {
    const { ws, owner, admin, developer, creator, viewer } = await apiWorkspace();
    const outsider = await createUser(server.ctx, server.url, 'Outsider');
    const cases: Array<[string, typeof owner, number]> = [
      ['owner', owner, 2],
      ['super admin', admin, 2],
      ['developer', developer, 2],
      ['creator', creator, 403],
      ['viewer', viewer, 403],
      ['outsider', outsider, 404],
    ];
    for (const [who, person, expected] of cases) {
      const target = await createApiKey(owner.client, ws, `For ${who}`);
      const list = await person.client.get(`/api/workspaces/${ws}/api-keys`);
      const create = await person.client.post(`/api/workspaces/${ws}/api-keys`, { name: `By ${who}` });
      const revoke = await person.client.request('DELETE', `/api/workspaces/${ws}/api-keys/${target.key.id}`);
      if (expected === 2) {
        expect([list.status, create.status, revoke.status], who).toEqual([200, 201, 204]);
        expect((await rawKey(target.key.id))!.revokedAt, who).toBeInstanceOf(Date);
      } else {
        const code = expected === 403 ? 'forbidden' : 'not_found';
        expect([list.status, create.status, revoke.status], who).toEqual([expected, expected, expected]);
        expect([list.body.error.code, create.body.error.code, revoke.body.error.code], who).toEqual([code, code, code]);
        expect((await rawKey(target.key.id))!.revokedAt, who).toBeNull();
      }
    }
    // 6 made for the cases, 3 by those allowed (owner, admin, developer).
    expect(await keyCount(ws)).toBe(9);
  });

  it('lets a Super Admin of the workspace above manage a sub-workspace’s keys', async () => {
    const { ws, owner, developer } = await apiWorkspace();
    const sub = (await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Team', billingMode: 'independent', apiAccess: true })).body.id as string;
    const created = await owner.client.post(`/api/workspaces/${sub}/api-keys`, { name: 'From above' });
    expect(created.status).toBe(201);
    expect((await owner.client.get(`/api/workspaces/${sub}/api-keys`)).body.items).toHaveLength(1);
    // A Developer of the parent is nobody in the sub-workspace.
    expect((await developer.client.get(`/api/workspaces/${sub}/api-keys`)).status).toBe(404);
    expect((await owner.client.request('DELETE', `/api/workspaces/${sub}/api-keys/${created.body.key.id}`)).status).toBe(204);
  });

  it('refuses to list or create keys while API access is off (403 with what to do); revoking still works', async () => {
    const { ws, owner, developer } = await apiWorkspace();
    const { key } = await createApiKey(developer.client, ws, 'Before');
    await setApiAccess(owner.client, ws, false);
    const list = await developer.client.get(`/api/workspaces/${ws}/api-keys`);
    const create = await developer.client.post(`/api/workspaces/${ws}/api-keys`, { name: 'While off' });
    for (const res of [list, create]) {
      expect(res.status).toBe(403);
      expect(res.body.error).toEqual({ code: 'forbidden', message: 'API access is off for this workspace. An admin can turn it on in the workspace settings.' });
    }
    expect(await keyCount(ws)).toBe(1);
    expect((await developer.client.request('DELETE', `/api/workspaces/${ws}/api-keys/${key.id}`)).status).toBe(204);
  });

  it('revokes once: the list shows when; revoking again changes nothing; another workspace’s key is 404', async () => {
    const { ws, owner } = await apiWorkspace();
    const other = await apiWorkspace('Other Co');
    const { key } = await createApiKey(owner.client, ws, 'Revoke me');
    const foreign = await createApiKey(other.owner.client, other.ws, 'Not yours');
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/api-keys/${foreign.key.id}`)).status).toBe(404);
    expect((await other.owner.client.request('DELETE', `/api/workspaces/${ws}/api-keys/${key.id}`)).status).toBe(404);
    expect((await owner.client.request('DELETE', `/api/workspaces/${other.ws}/api-keys/${foreign.key.id}`)).status).toBe(404);
    expect((await rawKey(foreign.key.id))!.revokedAt).toBeNull();

    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/api-keys/${key.id}`)).status).toBe(204);
    const revokedAt = (await rawKey(key.id))!.revokedAt as Date;
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/api-keys/${key.id}`)).status).toBe(204);
    expect((await rawKey(key.id))!.revokedAt).toEqual(revokedAt);
    const list = await owner.client.get(`/api/workspaces/${ws}/api-keys`);
    expect(list.body.items).toEqual([expect.objectContaining({ id: key.id, revokedAt: revokedAt.toISOString() })]);
    const audit = await server.ctx.models.Audit.find({ workspaceId: ws, type: 'apiKey.revoked' }).lean();
    expect(audit.map((a) => [a.target, a.before])).toEqual([[{ kind: 'apiKey', id: key.id, label: 'Revoke me' }, { name: 'Revoke me', prefix: key.prefix }]]);
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/api-keys/not-a-key`)).status).toBe(404);
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/api-keys/${'x'.repeat(65)}`)).status).toBe(404);
  });

  it('refuses bad input with 400 and makes nothing', async () => {
    const { ws, owner } = await apiWorkspace();
    const bad: unknown[] = [
      {},
      { name: '' },
      { name: '   ' },
      { name: 'x'.repeat(81) },
      { name: 42 },
      { name: 'ok', expiresInDays: 0 },
      { name: 'ok', expiresInDays: -1 },
      { name: 'ok', expiresInDays: 1.5 },
      { name: 'ok', expiresInDays: 3651 },
      { name: 'ok', expiresInDays: 1e308 },
      { name: 'ok', expiresInDays: '30' },
      { name: 'ok', expiresInDays: null },
      { name: 'ok', secret: 'wsc_mine' },
      { name: 'ok', prefix: 'wsc_' },
      [{ name: 'ok' }],
      'name=ok',
    ];
    for (const body of bad) {
      const res = await owner.client.post(`/api/workspaces/${ws}/api-keys`, body);
      expect([res.status, res.body.error?.code], JSON.stringify(body)).toEqual([400, 'validation_failed']);
    }
    const malformed = await owner.client.request('POST', `/api/workspaces/${ws}/api-keys`, '{"name":', {});
    expect(malformed.status).toBe(400);
    expect(await keyCount(ws)).toBe(0);
    const accents = await owner.client.post(`/api/workspaces/${ws}/api-keys`, { name: 'Clé d’intégration – 東京 🚀', expiresInDays: 3650 });
    expect([accents.status, accents.body.key?.name]).toEqual([201, 'Clé d’intégration – 東京 🚀']);
    expect(await keyCount(ws)).toBe(1);
  });
});

describe('API key events', () => {
  async function subscribed(person: { client: { cookie: string } }, ws: string, since?: string) {
    const socket = await connectSocket(server.url, person.client.cookie);
    const ack = await emitAck(socket, 'workspace:subscribe', { workspaceId: ws, since });
    expect(ack.ok).toBe(true);
    return { socket, ack };
  }
  const keyEvents = (s: TestSocket) => s.received.filter((e) => e.type.startsWith('apiKey.')).map((e) => e.type);

  it('go to those who may manage keys, live and in replay; a Developer lowered to Creator stops getting them at once', async () => {
    const { ws, owner, developer, creator, viewer } = await apiWorkspace();
    const start = (await subscribed(owner, ws)).ack.cursor as string;
    const live = { owner: await subscribed(owner, ws), developer: await subscribed(developer, ws), creator: await subscribed(creator, ws), viewer: await subscribed(viewer, ws) };
    const { key } = await createApiKey(developer.client, ws, 'Evented');
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/api-keys/${key.id}`)).status).toBe(204);
    await waitFor(() => keyEvents(live.owner.socket).length === 2 && keyEvents(live.developer.socket).length === 2, 'both managers to get both events');
    // A member event after them: once it arrives, anything of the key events would have too.
    await owner.client.request('PATCH', `/api/workspaces/${ws}`, { name: 'Keys Co renamed' });
    await waitFor(() => live.creator.socket.received.some((e) => e.type === 'workspace.updated') && live.viewer.socket.received.some((e) => e.type === 'workspace.updated'), 'the rename');
    expect(keyEvents(live.creator.socket)).toEqual([]);
    expect(keyEvents(live.viewer.socket)).toEqual([]);
    expect(keyEvents(live.developer.socket)).toEqual(['apiKey.created', 'apiKey.revoked']);

    const replayed = async (person: typeof owner) => {
      const { socket, ack } = await subscribed(person, ws, start);
      socket.close();
      return ack.missed.filter((e: { type: string }) => e.type.startsWith('apiKey.')).map((e: { type: string }) => e.type);
    };
    expect(await replayed(developer)).toEqual(['apiKey.created', 'apiKey.revoked']);
    expect(await replayed(creator)).toEqual([]);
    expect(await replayed(viewer)).toEqual([]);

    expect((await owner.client.request('PATCH', `/api/workspaces/${ws}/members/${developer.user._id}`, { role: 'creator' })).status).toBe(200);
    await createApiKey(owner.client, ws, 'After the demotion');
    await owner.client.request('PATCH', `/api/workspaces/${ws}`, { name: 'Keys Co again' });
    await waitFor(() => keyEvents(live.owner.socket).length === 3, 'the owner to get the third key event');
    await waitFor(() => live.developer.socket.received.filter((e) => e.type === 'workspace.updated').length === 2, 'the second rename');
    expect(keyEvents(live.developer.socket)).toEqual(['apiKey.created', 'apiKey.revoked']);
    for (const s of Object.values(live)) s.socket.close();
  });
});

describe('deleting the workspace', () => {
  it('deletes its keys: their calls are refused at once', async () => {
    const { ws, owner } = await apiWorkspace();
    const { secret } = await createApiKey(owner.client, ws, 'Doomed');
    const api = new PublicApiClient(server.url, secret);
    expect((await api.get('/workspace')).status).toBe(200);
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}`)).status).toBe(204);
    const res = await api.get('/workspace');
    expect([res.status, res.body.error.code]).toEqual([401, 'unauthenticated']);
    expect(await keyCount(ws)).toBe(0);
  });
});
