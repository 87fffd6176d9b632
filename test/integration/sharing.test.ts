import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClock } from '../support/server.js';
import { contentTeam } from '../support/content.js';
import { connectSocket, emitAck, waitFor, type ApiClient } from '../support/client.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';
import type { Role } from '../../shared/schemas/auth.js';
import { grantId } from '../../server/content/item.model.js';
import { createSubworkspace } from '../../server/commands/create-subworkspace.js';
import { newId } from '../../server/db/ids.js';
import { onSharingChanged } from '../../server/sharing/sharing.service.js';
import { sweepExpiredGrants } from '../../server/sharing/grant-sweep.js';

const clock = new TestClock();
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_SEATS: '100', ACCESS_REQUESTS_PER_HOUR: '4' }, clock });
});
afterAll(() => server?.close());

type Person = Awaited<ReturnType<typeof createUser>>;

const team = () => contentTeam(server);

const create = async (client: ApiClient, base: string, body: Record<string, unknown>) => {
  const res = await client.post(base, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string };
};
const put = (client: ApiClient, path: string, body: unknown) => client.request('PUT', path, body);
const storedGrants = async (itemId: string) =>
  (await server.ctx.models.Grant.find({ itemId }).lean()).map((g) => ({ _id: g._id, userId: g.userId, role: g.role, expiresAt: g.expiresAt })).sort((a, b) => (a.userId < b.userId ? -1 : 1));
const hours = (n: number) => new Date(server.ctx.now().getTime() + n * 3_600_000).toISOString();

describe('sharing: the view', () => {
  it('lists direct and inherited grants and every person with access, with each kind of reason', async () => {
    const t = await team();
    const { developer, creator, viewer } = t.people;
    const top = await create(creator.client, t.base, { kind: 'folder', name: 'Top' });
    const mid = await create(creator.client, t.base, { kind: 'folder', name: 'Mid', parentId: top.id });
    const draft = await create(creator.client, t.base, { kind: 'draft', name: 'Deep', parentId: mid.id });
    const until = hours(48);
    expect((await put(creator.client, `${t.base}/${top.id}/sharing`, { grants: [{ userId: developer.user._id, role: 'view' }] })).status).toBe(200);
    expect((await put(creator.client, `${t.base}/${mid.id}/sharing`, { general: { scope: 'workspace', role: 'view' } })).status).toBe(200);
    const res = await put(creator.client, `${t.base}/${draft.id}/sharing`, { grants: [{ userId: viewer.user._id, role: 'view', expiresAt: until }, { userId: developer.user._id, role: 'edit' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const view = (await developer.client.get(`${t.base}/${draft.id}/sharing`)).body;
    expect(view.general).toEqual({ scope: 'selected', role: 'view' });
    expect(view.manage).toBe(true);
    expect(view.grants).toEqual([
      { user: { id: developer.user._id, name: developer.user.name, email: developer.email }, role: 'edit', expiresAt: null, inheritedFrom: null },
      { user: { id: viewer.user._id, name: viewer.user.name, email: viewer.email }, role: 'view', expiresAt: new Date(until).toISOString(), inheritedFrom: null },
      { user: { id: developer.user._id, name: developer.user.name, email: developer.email }, role: 'view', expiresAt: null, inheritedFrom: { id: top.id, name: 'Top' } },
    ]);
    const row = (userId: string) => view.access.find((r: { user: { id: string } }) => r.user.id === userId);
    expect(row(creator.user._id)).toMatchObject({ access: 'edit', capped: false, reasons: [{ kind: 'owner', role: 'edit' }, { kind: 'folder', role: 'edit', via: { id: top.id } }, { kind: 'folder', role: 'edit', via: { id: mid.id } }, { kind: 'general', role: 'view', via: { id: mid.id } }] });
    expect(row(t.owner.user._id)).toMatchObject({ access: 'edit', reasons: [{ kind: 'role', role: 'edit' }, { kind: 'general', role: 'view', via: { id: mid.id, name: 'Mid' } }] });
    expect(row(developer.user._id)).toMatchObject({ access: 'edit', reasons: [{ kind: 'direct', role: 'edit' }, { kind: 'folder', role: 'view', via: { id: top.id, name: 'Top' } }, { kind: 'general', role: 'view' }] });
    expect(row(viewer.user._id)).toMatchObject({ access: 'view', capped: false, reasons: [{ kind: 'direct', role: 'view', expiresAt: new Date(until).toISOString() }, { kind: 'general', role: 'view' }] });
    expect(view.access[0].user.id).toBe(creator.user._id);
    expect(view.access).toHaveLength(5);
    expect(row(t.stranger.user._id)).toBeUndefined();
    // A Viewer may read it, and does not manage.
    const asViewer = await viewer.client.get(`${t.base}/${draft.id}/sharing`);
    expect(asViewer.status).toBe(200);
    expect(asViewer.body.manage).toBe(false);
  });

  it('Super Admins above read and change it; names come from the account when they are not members', async () => {
    const t = await team();
    const above = await createUser(server.ctx, server.url, 'Above');
    const parentId = await createWorkspace(server.ctx, above.user._id, [], 'Parent');
    const parent = (await server.ctx.models.Workspace.findById(parentId).lean())!;
    const { workspace: sub } = await createSubworkspace(server.ctx, parent, above.user, { name: 'Sub', billingMode: 'inherited', apiAccess: false, members: [] });
    const member = await createUser(server.ctx, server.url, 'Member');
    await addMember(server.ctx, sub._id, member.user, 'creator');
    const base = `/api/workspaces/${sub._id}/items`;
    const draft = await create(member.client, base, { kind: 'draft', name: 'Theirs' });
    const aboveAdmin = await createUser(server.ctx, server.url, 'AboveAdmin');
    await addMember(server.ctx, parentId, aboveAdmin.user, 'super_admin');
    const res = await put(above.client, `${base}/${draft.id}/sharing`, { grants: [{ userId: aboveAdmin.user._id, role: 'edit' }], general: { scope: 'selected', role: 'view' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.grants).toEqual([{ user: { id: aboveAdmin.user._id, name: aboveAdmin.user.name, email: aboveAdmin.email }, role: 'edit', expiresAt: null, inheritedFrom: null }]);
    const rowAbove = res.body.access.find((r: { user: { id: string } }) => r.user.id === above.user._id);
    expect(rowAbove).toMatchObject({ user: { name: above.user.name, email: above.email }, access: 'edit', reasons: [{ kind: 'role' }] });
    // A stranger to the tree is not a person of the workspace.
    const refused = await put(above.client, `${base}/${draft.id}/sharing`, { grants: [{ userId: t.stranger.user._id, role: 'view' }] });
    expect(refused.status).toBe(400);
  });
});

describe('sharing: who may change it, and the rules', () => {
  it('the owner, an editor and a Super Admin change it; a Viewer never (403 even given edit, and is stored as view); no access is 404', async () => {
    const t = await team();
    const { developer, creator, viewer, super_admin: admin } = t.people;
    const draft = await create(creator.client, t.base, { kind: 'draft', name: 'Plan' });
    const path = `${t.base}/${draft.id}/sharing`;
    // Without access: not found, as for an item that does not exist.
    const hidden = await put(developer.client, path, { general: { scope: 'workspace', role: 'view' } });
    const ghost = await put(developer.client, `${t.base}/${newId()}/sharing`, { general: { scope: 'workspace', role: 'view' } });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(ghost.body);
    expect((await developer.client.get(path)).status).toBe(404);
    // The owner gives the Viewer edit: stored and shown as view.
    const given = await put(creator.client, path, { grants: [{ userId: viewer.user._id, role: 'edit' }, { userId: developer.user._id, role: 'edit' }] });
    expect(given.status).toBe(200);
    expect(given.body.grants.find((g: { user: { id: string } }) => g.user.id === viewer.user._id).role).toBe('view');
    expect((await server.ctx.models.Grant.findById(grantId(draft.id, viewer.user._id)).lean())!.role).toBe('view');
    // The Viewer sees it and may not change it.
    const byViewer = await put(viewer.client, path, { general: { scope: 'workspace', role: 'view' } });
    expect(byViewer.status).toBe(403);
    expect(byViewer.body.error.code).toBe('forbidden');
    // Someone with view only may not either.
    await put(creator.client, path, { grants: [{ userId: viewer.user._id, role: 'view' }, { userId: developer.user._id, role: 'view' }] });
    expect((await put(developer.client, path, { grants: [] })).status).toBe(403);
    // With edit, a Developer manages it; a Super Admin of the workspace too.
    await put(creator.client, path, { grants: [{ userId: developer.user._id, role: 'edit' }] });
    const byEditor = await put(developer.client, path, { general: { scope: 'workspace', role: 'edit' } });
    expect(byEditor.status, JSON.stringify(byEditor.body)).toBe(200);
    expect(byEditor.body.general).toEqual({ scope: 'workspace', role: 'edit' });
    const byAdmin = await put(admin.client, path, { general: { scope: 'selected', role: 'view' }, grants: [{ userId: viewer.user._id, role: 'view' }] });
    expect(byAdmin.status).toBe(200);
    expect(await storedGrants(draft.id)).toEqual([{ _id: grantId(draft.id, viewer.user._id), userId: viewer.user._id, role: 'view', expiresAt: null }]);
    // The editor removed themselves with that list: gone for them.
    expect((await developer.client.get(path)).status).toBe(404);
    // Given workspace edit, a Viewer still only views.
    await put(creator.client, path, { general: { scope: 'workspace', role: 'edit' }, grants: [] });
    const viewerView = (await viewer.client.get(path)).body;
    expect(viewerView.access.find((r: { user: { id: string } }) => r.user.id === viewer.user._id)).toMatchObject({ access: 'view', capped: true });
    expect((await put(viewer.client, path, { grants: [] })).status).toBe(403);
  });

  it('refuses grants to people outside the workspace and ends in the past, naming them; stores nothing', async () => {
    const t = await team();
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'Secret' });
    const path = `${t.base}/${draft.id}/sharing`;
    const outsider = t.stranger.user._id;
    const ghost = newId();
    const res = await put(t.owner.client, path, { grants: [{ userId: t.people.creator.user._id, role: 'view' }, { userId: outsider, role: 'view' }, { userId: ghost, role: 'edit' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([
      { path: 'grants.1.userId', message: `${outsider} is not a person of this workspace` },
      { path: 'grants.2.userId', message: `${ghost} is not a person of this workspace` },
    ]);
    const past = await put(t.owner.client, path, { grants: [{ userId: t.people.creator.user._id, role: 'view', expiresAt: new Date(server.ctx.now().getTime() - 1000).toISOString() }] });
    expect(past.status).toBe(400);
    expect(past.body.error.details[0].path).toBe('grants.0.expiresAt');
    const bad: unknown[] = [
      {},
      { grants: 'all' },
      { general: { scope: 'everyone', role: 'view' } },
      { general: { scope: 'workspace', role: 'admin' } },
      { general: { scope: 'workspace', role: 'view', extra: 1 } },
      { grants: [{ userId: t.people.creator.user._id, role: 'owner' }] },
      { grants: [{ userId: t.people.creator.user._id, role: 'view' }, { userId: t.people.creator.user._id, role: 'edit' }] },
      { grants: [{ userId: '../x', role: 'view' }] },
      { grants: [{ userId: t.people.creator.user._id, role: 'view', expiresAt: 'tomorrow' }] },
      { grants: Array.from({ length: 201 }, () => ({ userId: newId(), role: 'view' })) },
      { unknown: true, grants: [] },
      '[]',
    ];
    for (const body of bad) {
      const r = await put(t.owner.client, path, body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    expect(await storedGrants(draft.id)).toEqual([]);
    expect((await server.ctx.models.Item.findById(draft.id).lean())!.general).toEqual({ scope: 'only_me', role: 'view' });
    // Another tenant's workspace and items: not found.
    const theirs = await create(t.stranger.client, `/api/workspaces/${t.otherWs}/items`, { kind: 'draft', name: 'Theirs' });
    expect((await t.owner.client.get(`${t.base}/${theirs.id}/sharing`)).status).toBe(404);
    expect((await put(t.owner.client, `${t.base}/${theirs.id}/sharing`, { grants: [] })).status).toBe(404);
    expect((await put(t.stranger.client, path, { grants: [] })).status).toBe(404);
    expect((await t.stranger.client.get(`/api/workspaces/${t.otherWs}/items/${draft.id}/sharing`)).status).toBe(404);
  });

  it('only_me removes every direct grant; adding people while only_me makes it selected; workspace opens it to every member', async () => {
    const t = await team();
    const { developer, creator } = t.people;
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'Scope' });
    const path = `${t.base}/${draft.id}/sharing`;
    const added = await put(t.owner.client, path, { grants: [{ userId: developer.user._id, role: 'edit' }] });
    expect(added.body.general).toEqual({ scope: 'selected', role: 'view' });
    expect((await developer.client.get(`${t.base}/${draft.id}`)).status).toBe(200);
    expect((await creator.client.get(`${t.base}/${draft.id}`)).status).toBe(404);
    const open = await put(t.owner.client, path, { general: { scope: 'workspace', role: 'view' } });
    expect(open.body.grants).toHaveLength(1);
    expect((await creator.client.get(`${t.base}/${draft.id}`)).body.access).toBe('view');
    const closed = await put(t.owner.client, path, { general: { scope: 'only_me', role: 'view' } });
    expect(closed.body).toMatchObject({ general: { scope: 'only_me', role: 'view' }, grants: [] });
    expect(await storedGrants(draft.id)).toEqual([]);
    expect((await developer.client.get(`${t.base}/${draft.id}`)).status).toBe(404);
    expect((await creator.client.get(`${t.base}/${draft.id}`)).status).toBe(404);
    // Adding someone with only_me in the same body as it already stands: selected.
    const again = await put(t.owner.client, path, { general: { scope: 'only_me', role: 'view' }, grants: [{ userId: creator.user._id, role: 'view' }] });
    expect(again.body.general.scope).toBe('selected');
    // The same input twice changes nothing the second time: no event, no audit entry.
    const audits = await server.ctx.models.Audit.countDocuments({ workspaceId: t.ws, type: 'item.sharing.updated' });
    const same = await put(t.owner.client, path, { general: { scope: 'selected', role: 'view' }, grants: [{ userId: creator.user._id, role: 'view' }] });
    expect(same.status).toBe(200);
    expect(await server.ctx.models.Audit.countDocuments({ workspaceId: t.ws, type: 'item.sharing.updated' })).toBe(audits);
    const entry = await server.ctx.models.Audit.findOne({ workspaceId: t.ws, type: 'item.sharing.updated' }).sort({ seq: -1 }).lean();
    expect(entry).toMatchObject({
      actorId: t.owner.user._id,
      target: { kind: 'item', id: draft.id, label: 'Scope' },
      before: { kind: 'draft', general: { scope: 'only_me', role: 'view' }, grants: [] },
      after: { kind: 'draft', general: { scope: 'selected', role: 'view' }, grants: [{ user: { id: creator.user._id, name: creator.user.name }, role: 'view', expiresAt: null }] },
    });
  });

  it('the co-editing path (normalize) refuses nothing: what the rules do not allow is dropped or lowered', async () => {
    const t = await team();
    const { developer, viewer } = t.people;
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'Collab' });
    const { loadWorkspace } = await import('../../server/workspaces/access.js');
    const { loadItem } = await import('../../server/content/access-loader.js');
    const { putSharing } = await import('../../server/sharing/sharing.service.js');
    const heard: string[] = [];
    const stop = onSharingChanged((_ws, itemId) => heard.push(itemId));
    const access = await loadWorkspace(server.ctx, t.ws, t.owner.user._id);
    const item = await loadItem(server.ctx, access, draft.id, t.owner.user._id);
    const { view, changed } = await putSharing(
      server.ctx,
      access,
      item,
      {
        grants: [
          { userId: viewer.user._id, role: 'edit' },
          { userId: t.stranger.user._id, role: 'view' },
          { userId: developer.user._id, role: 'edit', expiresAt: new Date(server.ctx.now().getTime() - 5000).toISOString() },
        ],
      },
      t.owner.user._id,
      { normalize: true },
    );
    stop();
    expect(changed).toBe(true);
    expect(view.grants.map((g) => [g.user.id, g.role])).toEqual([[viewer.user._id, 'view']]);
    expect(await storedGrants(draft.id)).toEqual([{ _id: grantId(draft.id, viewer.user._id), userId: viewer.user._id, role: 'view', expiresAt: null }]);
    expect(heard).toEqual([draft.id]);
  });

  it('parallel PUTs end in one writer’s whole list, no duplicates', async () => {
    const t = await team();
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'Race' });
    const path = `${t.base}/${draft.id}/sharing`;
    const ids = Object.values(t.people).map((p) => p.user._id);
    const lists = [
      [{ userId: ids[0]!, role: 'edit' }, { userId: ids[1]!, role: 'view' }],
      [{ userId: ids[1]!, role: 'edit' }, { userId: ids[2]!, role: 'view' }],
      [{ userId: ids[2]!, role: 'edit' }, { userId: ids[3]!, role: 'view' }, { userId: ids[0]!, role: 'view' }],
      [],
      [{ userId: ids[3]!, role: 'view' }],
    ];
    const replies = await Promise.all([...lists, ...lists].map((grants) => put(t.owner.client, path, { grants })));
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    const stored = (await storedGrants(draft.id)).map((g) => ({ userId: g.userId, role: g.role }));
    const want = (l: Array<{ userId: string; role: string }>) => JSON.stringify([...l].sort((a, b) => (a.userId < b.userId ? -1 : 1)));
    expect(lists.map(want)).toContain(JSON.stringify(stored));
    expect(new Set(stored.map((g) => g.userId)).size).toBe(stored.length);
    // What GET says is what is stored.
    const view = (await t.owner.client.get(path)).body;
    expect(want(view.grants.map((g: { user: { id: string }; role: string }) => ({ userId: g.user.id, role: g.role })))).toBe(JSON.stringify(stored));
  });
});

const patch = (client: ApiClient, path: string, body: unknown) => client.request('PATCH', path, body);
const subscribed = async (person: Person, ws: string) => {
  const socket = await connectSocket(server.url, person.client.cookie);
  expect((await emitAck(socket, 'workspace:subscribe', { workspaceId: ws })).ok).toBe(true);
  return socket;
};

describe('sharing: live', () => {
  it('a removed grantee gets access.revoked and no item event after it; those still in get item.sharing.updated with their own access', async () => {
    const t = await team();
    const { developer, creator } = t.people;
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'Live' });
    const path = `${t.base}/${draft.id}/sharing`;
    await put(t.owner.client, path, { grants: [{ userId: developer.user._id, role: 'edit' }, { userId: creator.user._id, role: 'view' }] });
    const [dev, other] = [await subscribed(developer, t.ws), await subscribed(creator, t.ws)];
    expect((await put(t.owner.client, path, { grants: [{ userId: creator.user._id, role: 'view' }] })).status).toBe(200);
    await waitFor(() => dev.received.some((e) => e.type === 'access.revoked'), 'access.revoked');
    expect(dev.received.find((e) => e.type === 'access.revoked')!.data).toEqual({ workspaceId: t.ws, itemId: draft.id });
    await waitFor(() => other.received.some((e) => e.type === 'item.sharing.updated'), 'item.sharing.updated');
    expect(other.received.find((e) => e.type === 'item.sharing.updated')!.data).toMatchObject({ item: { id: draft.id, access: 'view', manage: false }, general: { scope: 'selected', role: 'view' } });
    const seen = dev.received.length;
    // Later changes of the item reach the others, not the one who lost it.
    expect((await patch(t.owner.client, `${t.base}/${draft.id}`, { name: 'Renamed' })).status).toBe(200);
    expect((await put(t.owner.client, path, { general: { scope: 'selected', role: 'edit' } })).status).toBe(200);
    await waitFor(() => other.received.filter((e) => e.type.startsWith('item.')).length >= 3, 'the later item events');
    expect(dev.received.slice(seen).filter((e) => e.type.startsWith('item.'))).toEqual([]);
    expect(dev.received.filter((e) => e.type === 'item.sharing.updated')).toEqual([]);
    // Nor on replay.
    const since = other.received.find((e) => e.type === 'item.sharing.updated')!.id;
    const replayed = await emitAck(dev, 'workspace:subscribe', { workspaceId: t.ws, since });
    expect(replayed.resync).toBe(false);
    expect(replayed.missed.filter((e: { type: string }) => e.type.startsWith('item.'))).toEqual([]);
    const theirs = await emitAck(other, 'workspace:subscribe', { workspaceId: t.ws, since });
    expect(theirs.missed.map((e: { type: string }) => e.type)).toEqual(['item.updated', 'item.sharing.updated']);
    dev.close();
    other.close();
  });

  it('a folder shared later: the grantee hears of it live and sees what is inside', async () => {
    const t = await team();
    const { creator } = t.people;
    const folder = await create(t.owner.client, t.base, { kind: 'folder', name: 'Later' });
    const inside = await create(t.owner.client, t.base, { kind: 'draft', name: 'Inside', parentId: folder.id });
    const socket = await subscribed(creator, t.ws);
    expect((await put(t.owner.client, `${t.base}/${folder.id}/sharing`, { grants: [{ userId: creator.user._id, role: 'view' }] })).status).toBe(200);
    await waitFor(() => socket.received.some((e) => e.type === 'item.sharing.updated'), 'item.sharing.updated');
    expect(socket.received.find((e) => e.type === 'item.sharing.updated')!.data.item).toMatchObject({ id: folder.id, kind: 'folder', access: 'view', manage: false });
    expect((await creator.client.get(`${t.base}?shared=me`)).body.items.map((i: { id: string }) => i.id)).toEqual([folder.id]);
    expect((await creator.client.get(`${t.base}?parentId=${folder.id}`)).body.items.map((i: { id: string }) => i.id)).toEqual([inside.id]);
    expect((await creator.client.get(`${t.base}/${inside.id}/sharing`)).body.grants).toEqual([
      { user: { id: creator.user._id, name: creator.user.name, email: creator.email }, role: 'view', expiresAt: null, inheritedFrom: { id: folder.id, name: 'Later' } },
    ]);
    socket.close();
  });

  it('an expired grant counts for nothing at once; the sweep deletes it, tells the grantee and those who see the item', async () => {
    const t = await team();
    const { developer } = t.people;
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'Timed' });
    const path = `${t.base}/${draft.id}/sharing`;
    const until = hours(2);
    const res = await put(t.owner.client, path, { grants: [{ userId: developer.user._id, role: 'edit', expiresAt: until }] });
    expect(res.body.grants[0]).toMatchObject({ role: 'edit', expiresAt: new Date(until).toISOString() });
    expect((await developer.client.get(`${t.base}/${draft.id}`)).body.access).toBe('edit');
    const [dev, owner] = [await subscribed(developer, t.ws), await subscribed(t.owner, t.ws)];
    clock.advance(3 * 3_600_000);
    expect((await developer.client.get(`${t.base}/${draft.id}`)).status).toBe(404);
    const view = (await t.owner.client.get(path)).body;
    expect(view.grants).toEqual([]);
    expect(view.access.map((r: { user: { id: string } }) => r.user.id)).not.toContain(developer.user._id);
    // Still stored until the sweep.
    expect(await server.ctx.models.Grant.exists({ _id: grantId(draft.id, developer.user._id) })).not.toBeNull();
    const heard: string[] = [];
    const stop = onSharingChanged((_ws, itemId) => heard.push(itemId));
    expect(await sweepExpiredGrants(server.ctx)).toBeGreaterThanOrEqual(1);
    stop();
    expect(heard).toContain(draft.id);
    expect(await server.ctx.models.Grant.exists({ _id: grantId(draft.id, developer.user._id) })).toBeNull();
    await waitFor(() => dev.received.some((e) => e.type === 'access.revoked'), 'access.revoked');
    expect(dev.received.find((e) => e.type === 'access.revoked')!.data).toEqual({ workspaceId: t.ws, itemId: draft.id });
    await waitFor(() => owner.received.some((e) => e.type === 'item.sharing.updated' && (e.data.item as { id: string }).id === draft.id), 'item.sharing.updated');
    expect(dev.received.filter((e) => e.type === 'item.sharing.updated')).toEqual([]);
    // Nothing left to sweep for this item.
    expect(await server.ctx.models.Grant.countDocuments({ itemId: draft.id })).toBe(0);
    dev.close();
    owner.close();
  });
});

describe('access requests', () => {
  const outboxTo = (email: string) => server.ctx.models.Outbox.find({ to: email }).lean();
  const notificationsOf = (userId: string) => server.ctx.models.Notification.find({ userId }).lean();

  it('asked, told to those who manage it, approved (a Viewer gets view), decided once; the requester learns the name only then', async () => {
    const t = await team();
    const { developer, creator, viewer, super_admin: admin } = t.people;
    const draft = await create(developer.client, t.base, { kind: 'draft', name: 'Roadmap' });
    const reqBase = `${t.base}/${draft.id}/access-requests`;
    await put(developer.client, `${t.base}/${draft.id}/sharing`, { grants: [{ userId: viewer.user._id, role: 'view' }] });
    const [ownerSocket, viewerSocket] = [await subscribed(developer, t.ws), await subscribed(viewer, t.ws)];

    const asked = await creator.client.post(reqBase, { role: 'edit', message: 'For the launch' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toEqual({
      id: expect.any(String), itemId: draft.id, itemName: null, requester: { id: creator.user._id, name: creator.user.name, email: creator.email },
      role: 'edit', message: 'For the launch', status: 'pending', createdAt: expect.any(String), decidedAt: null,
    });
    expect(JSON.stringify(asked.body)).not.toContain('Roadmap');
    // Asking again updates the pending request.
    const again = await creator.client.post(reqBase, { role: 'view' });
    expect(again.body).toMatchObject({ id: asked.body.id, role: 'view', message: null });
    expect(await server.ctx.models.AccessRequest.countDocuments({ itemId: draft.id })).toBe(1);
    // Managers are told: the item's owner, the Super Admins; not the Viewer who sees it.
    for (const manager of [developer, admin, t.owner]) {
      const ns = (await notificationsOf(manager.user._id)).filter((n) => n.type === 'accessRequest.created');
      expect(ns, manager.user.name).toHaveLength(1);
      expect(ns[0]!.data).toMatchObject({ itemId: draft.id, itemName: 'Roadmap', requestId: asked.body.id, name: creator.user.name, email: creator.email, role: 'edit', message: 'For the launch' });
    }
    expect((await notificationsOf(viewer.user._id)).filter((n) => n.type === 'accessRequest.created')).toEqual([]);
    await waitFor(() => ownerSocket.received.some((e) => e.type === 'accessRequest.created'), 'accessRequest.created');
    expect(ownerSocket.received.find((e) => e.type === 'accessRequest.created')!.data.request).toMatchObject({ id: asked.body.id, itemName: 'Roadmap' });
    expect(viewerSocket.received.filter((e) => e.type.startsWith('accessRequest.'))).toEqual([]);

    // Who may not decide: someone who only views (403), someone who cannot see it (404).
    const approve = `${reqBase}/${asked.body.id}/approve`;
    expect((await viewer.client.post(approve, {})).status).toBe(403);
    expect((await t.stranger.client.post(approve, {})).status).toBe(404);
    expect((await developer.client.post(`${reqBase}/${newId()}/approve`, {})).status).toBe(404);
    expect((await developer.client.post(approve, { role: 'owner' })).status).toBe(400);

    const approved = await developer.client.post(approve, { role: 'edit' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ id: asked.body.id, status: 'approved', role: 'edit', itemName: 'Roadmap', decidedAt: expect.any(String) });
    expect((await creator.client.get(`${t.base}/${draft.id}`)).body).toMatchObject({ access: 'edit' });
    const second = await admin.client.post(`${reqBase}/${asked.body.id}/deny`, {});
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'already_decided', details: { decision: 'approved', decidedBy: { id: developer.user._id, name: developer.user.name } } });
    // Every manager's notification shows the outcome; the requester is told, by name now, and by mail.
    const settled = (await notificationsOf(admin.user._id)).find((n) => n.type === 'accessRequest.created')!;
    expect(settled.data.outcome).toMatchObject({ status: 'approved', role: 'edit', by: { id: developer.user._id } });
    const told = (await notificationsOf(creator.user._id)).find((n) => n.type === 'accessRequest.approved')!;
    expect(told.data).toMatchObject({ itemId: draft.id, itemName: 'Roadmap', role: 'edit' });
    const mails = await outboxTo(creator.email);
    expect(mails.map((m) => m.subject)).toEqual(['Access granted: Roadmap']);
    expect(mails[0]!.text).toContain(`/app/w/${t.ws}/content/d/${draft.id}`);
    await waitFor(() => ownerSocket.received.some((e) => e.type === 'accessRequest.decided'), 'accessRequest.decided');
    expect(await server.ctx.models.Audit.findOne({ workspaceId: t.ws, type: 'accessRequest.decided' }).lean()).toMatchObject({
      actorId: developer.user._id,
      after: { status: 'approved', role: 'edit', requester: { id: creator.user._id, name: creator.user.name }, itemName: 'Roadmap' },
    });

    // Having it now: asking for it again is a conflict; the Viewer asking for edit is approved as view.
    const have = await creator.client.post(reqBase, { role: 'view' });
    expect(have.status).toBe(409);
    expect(have.body.error.code).toBe('conflict');
    const viewerAsks = await viewer.client.post(reqBase, { role: 'edit' });
    expect(viewerAsks.status).toBe(201);
    const viewerApproved = await developer.client.post(`${reqBase}/${viewerAsks.body.id}/approve`, {});
    expect(viewerApproved.body).toMatchObject({ status: 'approved', role: 'view' });
    expect((await server.ctx.models.Grant.findById(grantId(draft.id, viewer.user._id)).lean())!.role).toBe('view');
    ownerSocket.close();
    viewerSocket.close();
  });

  it('denied: the requester is told without the item’s name, live and by mail', async () => {
    const t = await team();
    const { creator } = t.people;
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'Confidential plan' });
    const reqBase = `${t.base}/${draft.id}/access-requests`;
    const socket = await subscribed(creator, t.ws);
    const asked = await creator.client.post(reqBase, { role: 'view' });
    const denied = await t.owner.client.post(`${reqBase}/${asked.body.id}/deny`, {});
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'denied' });
    expect((await creator.client.get(`${t.base}/${draft.id}`)).status).toBe(404);
    await waitFor(() => socket.received.some((e) => e.type === 'notification.created' && (e.data.notification as { type: string }).type === 'accessRequest.denied'), 'the denial');
    expect(JSON.stringify(socket.received)).not.toContain('Confidential');
    const mails = await outboxTo(creator.email);
    expect(mails.map((m) => m.subject)).toEqual(['Your request for access was declined']);
    expect(mails[0]!.text + mails[0]!.html).not.toContain('Confidential');
    expect((await t.owner.client.post(`${reqBase}/${asked.body.id}/approve`, {})).status).toBe(409);
    // A new request after a decision is a new one.
    const anew = await creator.client.post(reqBase, { role: 'view' });
    expect(anew.status).toBe(201);
    expect(anew.body.id).not.toBe(asked.body.id);
    socket.close();
  });

  it('is rate limited per person, with Retry-After; bad input and other tenants are refused, nothing stored', async () => {
    const t = await team();
    const asker = t.people.creator;
    const drafts = [];
    for (let i = 0; i < 5; i++) drafts.push(await create(t.owner.client, t.base, { kind: 'draft', name: `D${i}` }));
    const bad: unknown[] = [{}, { role: 'admin' }, { role: 'view', message: 'x'.repeat(501) }, { role: 'view', extra: 1 }];
    for (const body of bad) expect((await t.people.developer.client.post(`${t.base}/${drafts[0]!.id}/access-requests`, body)).status).toBe(400);
    expect((await t.stranger.client.post(`${t.base}/${drafts[0]!.id}/access-requests`, { role: 'view' })).status).toBe(404);
    expect((await t.people.developer.client.post(`${t.base}/${newId()}/access-requests`, { role: 'view' })).status).toBe(404);
    expect(await server.ctx.models.AccessRequest.countDocuments({ workspaceId: t.ws })).toBe(0);
    for (let i = 0; i < 4; i++) expect((await asker.client.post(`${t.base}/${drafts[i]!.id}/access-requests`, { role: 'view' })).status).toBe(201);
    const limited = await asker.client.post(`${t.base}/${drafts[4]!.id}/access-requests`, { role: 'view' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await server.ctx.models.AccessRequest.countDocuments({ workspaceId: t.ws })).toBe(4);
  });
});
