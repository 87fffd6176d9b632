import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { startTestServer } from '../support/server.js';
import { waitFor } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { createItem, openCollab, type CollabClient } from '../support/collab.js';
import { collabDocumentName } from '../../shared/schemas/content.js';
import { putSharing } from '../../server/sharing/sharing.service.js';
import { collabAccessOf } from '../../server/collab/collab-access.js';

/**
 * Co-editing of the share dialog over `/collab` with real Hocuspocus
 * providers: presence with the server's identity, changes stored through the
 * sharing service and written back as the rules make them, read-only
 * connections, refusals, revocation, and hostile documents.
 */
let node: Awaited<ReturnType<typeof startTestServer>>;
const open: CollabClient[] = [];
afterAll(async () => {
  for (const c of open) c.destroy();
  await node?.close();
});

type User = Awaited<ReturnType<typeof createUser>>;
let owner: User, editorA: User, editorB: User, viewer: User, reader: User, outsider: User;
let workspaceId: string;

beforeAll(async () => {
  node = await startTestServer();
  const ctx = node.ctx;
  owner = await createUser(ctx, node.url, 'Owner');
  editorA = await createUser(ctx, node.url, 'Ada');
  editorB = await createUser(ctx, node.url, 'Bea');
  viewer = await createUser(ctx, node.url, 'Vic');
  reader = await createUser(ctx, node.url, 'Rae');
  outsider = await createUser(ctx, node.url, 'Out');
  workspaceId = await createWorkspace(ctx, owner.user._id, [
    { userId: editorA.user._id, role: 'creator' },
    { userId: editorB.user._id, role: 'creator' },
    { userId: viewer.user._id, role: 'viewer' },
    { userId: reader.user._id, role: 'creator' },
  ]);
});

const connect = (who: User, itemId: string, opts: { token?: boolean } = {}) => {
  const c = openCollab(node.url, collabDocumentName(itemId), opts.token ? { token: who.client.cookie.slice('sid='.length) } : { cookie: who.client.cookie });
  open.push(c);
  return c;
};

/** An item owned by `owner`, shared directly as given. */
async function sharedItem(grants: Array<{ user: User; role: 'view' | 'edit' }>) {
  const item = await createItem(node.ctx, workspaceId, owner.user._id);
  await storeAs(owner, item._id, { grants: grants.map((g) => ({ userId: g.user.user._id, role: g.role, expiresAt: null })) });
  return item;
}

async function storeAs(who: User, itemId: string, input: Parameters<typeof putSharing>[3]) {
  const access = (await collabAccessOf(node.ctx, itemId, who.user._id))!;
  return putSharing(node.ctx, access.workspace, access.item, input, who.user._id, { normalize: true });
}

/** What REST `GET …/sharing` says is stored. */
async function stored(itemId: string, ws = workspaceId, who: User = owner) {
  const res = await who.client.get(`/api/workspaces/${ws}/items/${itemId}/sharing`);
  expect(res.status).toBe(200);
  const view = res.body as { general: { scope: string; role: string }; grants: Array<{ user: { id: string }; role: string; expiresAt: string | null; inheritedFrom: unknown }> };
  return {
    general: view.general,
    grants: Object.fromEntries(view.grants.filter((g) => !g.inheritedFrom).map((g) => [g.user.id, { role: g.role, expiresAt: g.expiresAt }])),
  };
}

const ready = async (...clients: CollabClient[]) => {
  await Promise.all(clients.map((c) => c.synced));
};

describe('co-editing the sharing settings', () => {
  it('builds the document from the database and lets a person with manage in read-write, by cookie or token', async () => {
    const item = await sharedItem([{ user: editorA, role: 'edit' }]);
    const a = connect(editorA, item._id);
    const t = connect(editorA, item._id, { token: true });
    await ready(a, t);
    expect(a.scope).toBe('read-write');
    expect(t.scope).toBe('read-write');
    expect(a.general.toJSON()).toEqual({ scope: 'selected', role: 'view' });
    expect(a.grantsJSON()).toEqual({ [editorA.user._id]: { role: 'edit', expiresAt: null } });
  });

  it('shows each client the others within a second, with the identity the server set (a forged one replaced)', async () => {
    const item = await sharedItem([{ user: editorA, role: 'edit' }, { user: editorB, role: 'edit' }]);
    const a = connect(editorA, item._id);
    const b = connect(editorB, item._id);
    await ready(a, b);
    const started = Date.now();
    a.provider.setAwarenessField('user', { id: owner.user._id, name: 'Not Ada', color: '#000000' });
    a.provider.setAwarenessField('focus', 'general');
    b.provider.setAwarenessField('focus', `grant:${editorA.user._id}`);
    b.provider.setAwarenessField('secret', 'x'.repeat(100));
    await waitFor(() => b.others().some((s) => s.focus === 'general') && a.others().some((s) => s.focus === `grant:${editorA.user._id}`), 'presence on both sides', 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    const seenByB = b.others().find((s) => s.focus === 'general')!;
    expect(seenByB).toEqual({ user: { id: editorA.user._id, name: editorA.user.name, color: expect.stringMatching(/^#[0-9a-f]{6}$/) }, focus: 'general' });
    const seenByA = a.others().find((s) => s.focus === `grant:${editorA.user._id}`)!;
    expect(seenByA).toEqual({ user: { id: editorB.user._id, name: editorB.user.name, color: expect.any(String) }, focus: `grant:${editorA.user._id}` });
    expect(b.others().some((s) => s.user?.id === owner.user._id)).toBe(false);
  });

  it('merges concurrent edits, stores them, writes back what the rules made (edit for a Viewer is view, an outsider is removed) in every document', async () => {
    const item = await sharedItem([{ user: editorA, role: 'edit' }, { user: editorB, role: 'edit' }]);
    const a = connect(editorA, item._id);
    const b = connect(editorB, item._id);
    await ready(a, b);
    a.grants.set(viewer.user._id, { role: 'edit', expiresAt: null });
    a.grants.set(outsider.user._id, { role: 'view', expiresAt: null });
    b.general.set('scope', 'workspace');
    b.grants.set(reader.user._id, { role: 'view', expiresAt: '2099-01-01T00:00:00.000Z' });

    const expected = {
      [editorA.user._id]: { role: 'edit', expiresAt: null },
      [editorB.user._id]: { role: 'edit', expiresAt: null },
      [viewer.user._id]: { role: 'view', expiresAt: null },
      [reader.user._id]: { role: 'view', expiresAt: '2099-01-01T00:00:00.000Z' },
    };
    const settled = (c: CollabClient) => JSON.stringify(c.grantsJSON()) !== '{}' && sameJSON(c.grantsJSON(), expected) && c.general.get('scope') === 'workspace';
    await waitFor(() => settled(a) && settled(b), 'both documents to show the stored state', 5000);
    expect(await stored(item._id)).toEqual({ general: { scope: 'workspace', role: 'view' }, grants: expected });
    expect(a.doc.getMap('grants').toJSON()).toEqual(b.doc.getMap('grants').toJSON());
  });

  it('stores nothing from a read-only connection', async () => {
    const item = await sharedItem([{ user: editorA, role: 'edit' }, { user: reader, role: 'view' }]);
    const r = connect(reader, item._id);
    const a = connect(editorA, item._id);
    await ready(r, a);
    expect(r.scope).toBe('readonly');
    r.general.set('scope', 'workspace');
    r.grants.set(reader.user._id, { role: 'edit', expiresAt: null });
    r.grants.set(editorB.user._id, { role: 'edit', expiresAt: null });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await stored(item._id)).toEqual({
      general: { scope: 'selected', role: 'view' },
      grants: { [editorA.user._id]: { role: 'edit', expiresAt: null }, [reader.user._id]: { role: 'view', expiresAt: null } },
    });
    expect(a.general.get('scope')).toBe('selected');
    expect(a.grantsJSON()[editorB.user._id]).toBeUndefined();
  });

  it('refuses a missing cookie, a wrong session, a wrong document name, another tenant’s item and an item one cannot see', async () => {
    const item = await sharedItem([{ user: editorA, role: 'edit' }]);
    const other = await createUser(node.ctx, node.url, 'Tenant');
    const otherWorkspace = await createWorkspace(node.ctx, other.user._id);
    const foreign = await createItem(node.ctx, otherWorkspace, other.user._id);
    const attempts = [
      openCollab(node.url, collabDocumentName(item._id)),
      openCollab(node.url, collabDocumentName(item._id), { cookie: 'sid=not-a-session' }),
      openCollab(node.url, `folder:${item._id}`, { cookie: editorA.client.cookie }),
      openCollab(node.url, 'item:../../etc', { cookie: editorA.client.cookie }),
      openCollab(node.url, collabDocumentName(foreign._id), { cookie: editorA.client.cookie }),
      openCollab(node.url, collabDocumentName(item._id), { cookie: outsider.client.cookie }),
      openCollab(node.url, collabDocumentName(item._id), { cookie: editorB.client.cookie }),
    ];
    open.push(...attempts);
    await waitFor(() => attempts.every((c) => c.denied !== null), 'every attempt refused');
    expect(attempts.map((c) => c.denied)).toEqual(['unauthenticated', 'unauthenticated', 'not-found', 'not-found', 'not-found', 'not-found', 'not-found']);
    expect(attempts.every((c) => c.scope === null && c.doc.getMap('grants').size === 0)).toBe(true);
  });

  it('refuses an upgrade from another site', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${node.url.replace('http', 'ws')}/collab`, { headers: { origin: 'https://evil.example', cookie: editorA.client.cookie } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(status).toBe(403);
  });

  it('closes a connection whose access was removed elsewhere, and drops one that lost manage to read-only', async () => {
    const item = await sharedItem([{ user: editorA, role: 'edit' }, { user: editorB, role: 'edit' }]);
    const a = connect(editorA, item._id);
    const b = connect(editorB, item._id);
    await ready(a, b);
    const put = await owner.client.request('PUT', `/api/workspaces/${workspaceId}/items/${item._id}/sharing`, { grants: [{ userId: editorA.user._id, role: 'view' }] });
    expect(put.status).toBe(200);
    await waitFor(() => b.closes.includes(4403), 'the revoked connection closed');
    await waitFor(() => b.denied === 'not-found', 'its reconnection refused', 4000);
    await waitFor(() => a.closes.includes(4409), 'the demoted connection closed');
    await waitFor(() => a.scope === 'readonly', 'its reconnection read-only', 4000);
    a.general.set('scope', 'workspace');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await stored(item._id)).general.scope).toBe('selected');
  });

  it('closes at once the connection of someone a move took the item away from (not at the periodic re-check)', async () => {
    const folder = await createItem(node.ctx, workspaceId, owner.user._id, { kind: 'folder', name: 'Shared folder' });
    await storeAs(owner, folder._id, { grants: [{ userId: editorA.user._id, role: 'edit', expiresAt: null }] });
    const item = await createItem(node.ctx, workspaceId, owner.user._id, { parentId: folder._id });
    const a = connect(editorA, item._id);
    await ready(a);
    expect(a.scope).not.toBe('readonly');
    // Out of the folder shared with Ada, to the owner's top level: she can no longer see it.
    const moved = await owner.client.request('PATCH', `/api/workspaces/${workspaceId}/items/${item._id}`, { parentId: null });
    expect(moved.status).toBe(200);
    await waitFor(() => a.closes.includes(4403), 'the connection closed on the move', 3000);
  });

  it('closes the connections of a session that signed out', async () => {
    const item = await sharedItem([{ user: editorA, role: 'edit' }]);
    const session = await createUser(node.ctx, node.url, 'Leaver');
    const { addMember } = await import('../support/factories.js');
    await addMember(node.ctx, workspaceId, session.user, 'creator');
    await storeAs(owner, item._id, { grants: [{ userId: session.user._id, role: 'edit', expiresAt: null }] });
    const c = openCollab(node.url, collabDocumentName(item._id), { cookie: session.client.cookie });
    open.push(c);
    await c.synced;
    expect((await session.client.post('/api/auth/logout')).status).toBe(204);
    await waitFor(() => c.closes.includes(4401), 'closed on sign-out');
    await waitFor(() => c.denied === 'unauthenticated', 'refused after', 4000);
  });

  it('keeps junk out of the database: unknown keys, wrong shapes, nested types, a huge map', async () => {
    const item = await sharedItem([{ user: editorA, role: 'edit' }, { user: editorB, role: 'view' }]);
    const a = connect(editorA, item._id);
    const b = connect(editorB, item._id);
    await ready(a, b);
    a.doc.transact(() => {
      a.doc.getMap('evil').set('x', 'y'.repeat(1000));
      a.doc.getArray('list').push(['z']);
      a.general.set('scope', 'everyone');
      a.general.set('role', 7);
      a.general.set('extra', { a: 1 });
      a.grants.set('not an id!', { role: 'view', expiresAt: null });
      a.grants.set(reader.user._id, { role: 'owner', expiresAt: null });
      a.grants.set(viewer.user._id, { role: 'view', expiresAt: 'tomorrow' });
      a.grants.set(editorB.user._id, { role: 'edit', expiresAt: null, admin: true });
      const nested = new Y.Map();
      nested.set('role', 'edit');
      nested.set('expiresAt', null);
      a.grants.set(outsider.user._id, nested);
    });
    const clean = {
      [editorA.user._id]: { role: 'edit', expiresAt: null },
      [editorB.user._id]: { role: 'view', expiresAt: null },
    };
    const isClean = (c: CollabClient) =>
      sameJSON(c.grantsJSON(), clean) && sameJSON(c.general.toJSON(), { scope: 'selected', role: 'view' }) && c.doc.getMap('evil').size === 0 && c.doc.getArray('list').length === 0;
    await waitFor(() => isClean(a) && isClean(b), 'the junk written back out of both documents', 5000);
    expect(await stored(item._id)).toEqual({ general: { scope: 'selected', role: 'view' }, grants: clean });

    // More people than an item may have: the grants stay as they were.
    a.doc.transact(() => {
      for (let i = 0; i < 1_000; i++) a.grants.set(`user${i}`, { role: 'view', expiresAt: null });
    });
    await waitFor(() => isClean(a) && isClean(b), 'the huge map written back out', 5000);
    expect(await stored(item._id)).toEqual({ general: { scope: 'selected', role: 'view' }, grants: clean });
  });

  it('survives a flood of updates: the flooding socket is closed, the others go on, nothing bad is stored', async () => {
    const item = await sharedItem([{ user: editorA, role: 'edit' }, { user: editorB, role: 'edit' }]);
    const a = connect(editorA, item._id);
    const b = connect(editorB, item._id);
    await ready(a, b);
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 3_000; i++) a.general.set('role', i % 2 ? 'edit' : 'view');
    await waitFor(() => a.closes.includes(4429), 'the flooding socket closed');
    b.general.set('scope', 'workspace');
    await waitFor(() => b.general.get('scope') === 'workspace' && a.general.get('scope') === 'workspace', 'the others still served', 6000);
    const final = await stored(item._id);
    expect(final.general.scope).toBe('workspace');
    expect(['view', 'edit']).toContain(final.general.role);
    expect(final.grants).toEqual({ [editorA.user._id]: { role: 'edit', expiresAt: null }, [editorB.user._id]: { role: 'edit', expiresAt: null } });
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 1024 * 1024);
    expect((await editorA.client.get('/api/me')).status).toBe(200);
  });
});

function sameJSON(a: unknown, b: unknown) {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

describe('co-editing across two nodes behind Redis', () => {
  let a: Awaited<ReturnType<typeof startTestServer>>;
  let b: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    const { freshDatabase } = await import('../support/server.js');
    const database = freshDatabase();
    a = await startTestServer({ database, redis: true });
    b = await startTestServer({ database, redis: true });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('two clients on two nodes see each other and converge on what is stored; a revocation on one node closes the connection on the other', async () => {
    const boss = await createUser(a.ctx, a.url, 'Boss');
    const one = await createUser(a.ctx, a.url, 'One');
    const two = await createUser(a.ctx, a.url, 'Two');
    const low = await createUser(a.ctx, a.url, 'Low');
    const ws = await createWorkspace(a.ctx, boss.user._id, [
      { userId: one.user._id, role: 'creator' },
      { userId: two.user._id, role: 'creator' },
      { userId: low.user._id, role: 'viewer' },
    ]);
    const item = await createItem(a.ctx, ws, boss.user._id);
    const access = (await collabAccessOf(a.ctx, item._id, boss.user._id))!;
    const grant = (u: User, role: 'view' | 'edit') => ({ userId: u.user._id, role, expiresAt: null });
    await putSharing(a.ctx, access.workspace, access.item, { grants: [grant(one, 'edit'), grant(two, 'edit')] }, boss.user._id, { normalize: true });

    const onA = openCollab(a.url, collabDocumentName(item._id), { cookie: one.client.cookie });
    const onB = openCollab(b.url, collabDocumentName(item._id), { cookie: two.client.cookie });
    open.push(onA, onB);
    await ready(onA, onB);
    onA.provider.setAwarenessField('focus', 'general');
    await waitFor(() => onB.others().some((s) => s.user?.id === one.user._id && s.focus === 'general'), 'presence across nodes', 2000);

    onA.grants.set(low.user._id, { role: 'edit', expiresAt: null });
    onB.general.set('scope', 'selected');
    onB.general.set('role', 'edit');
    const expected = { [one.user._id]: { role: 'edit', expiresAt: null }, [two.user._id]: { role: 'edit', expiresAt: null }, [low.user._id]: { role: 'view', expiresAt: null } };
    const settled = (c: CollabClient) => sameJSON(c.grantsJSON(), expected) && sameJSON(c.general.toJSON(), { scope: 'selected', role: 'edit' });
    await waitFor(() => settled(onA) && settled(onB), 'both nodes converged on the stored state', 6000);
    const view = await stored(item._id, ws, boss);
    expect(view).toEqual({ general: { scope: 'selected', role: 'edit' }, grants: expected });

    // Stored on node A, the person connected to node B loses access.
    const fresh = (await collabAccessOf(a.ctx, item._id, boss.user._id))!;
    await putSharing(a.ctx, fresh.workspace, fresh.item, { grants: [grant(one, 'edit')] }, boss.user._id, { normalize: true });
    await waitFor(() => onB.closes.includes(4403), 'the connection on node B closed', 4000);
    await waitFor(() => sameJSON(onA.grantsJSON(), { [one.user._id]: { role: 'edit', expiresAt: null } }), 'node A rebuilt', 4000);
  });
});
