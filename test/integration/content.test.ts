import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClock } from '../support/server.js';
import { contentTeam } from '../support/content.js';
import { connectSocket, emitAck, waitFor, type ApiClient } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';
import type { Role } from '../../shared/schemas/auth.js';
import { grantId, type ItemDoc } from '../../server/content/item.model.js';
import { createSubworkspace } from '../../server/commands/create-subworkspace.js';
import { newId } from '../../server/db/ids.js';
import { MAX_BATCHES } from '../../server/content/item-list.service.js';
import { MAX_FOLDER_DEPTH } from '../../shared/schemas/content.js';
import { commandsDuring, costOf } from '../support/command-cost.js';

const clock = new TestClock();
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_SEATS: '100' }, clock, monitorCommands: true });
});
afterAll(() => server?.close());

type Person = Awaited<ReturnType<typeof createUser>>;

const team = () => contentTeam(server);

const create = async (client: ApiClient, base: string, body: Record<string, unknown>) => {
  const res = await client.post(base, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string; kind: string; parentId: string | null; access: string; manage: boolean };
};
const patch = (client: ApiClient, path: string, body: unknown) => client.request('PATCH', path, body);
const del = (client: ApiClient, path: string) => client.request('DELETE', path);

/** Gives a person a direct grant, as the sharing service stores it. */
async function grant(workspaceId: string, itemId: string, userId: string, role: 'view' | 'edit', expiresAt: Date | null = null) {
  const _id = grantId(itemId, userId);
  await server.ctx.models.Grant.replaceOne({ _id }, { _id, itemId, userId, workspaceId, role, expiresAt, grantedBy: userId, at: server.ctx.now() }, { upsert: true });
}

describe('items: create, open, rename, edit, move, delete', () => {
  it('creates folders and drafts, opens them with their path, body and count', async () => {
    const t = await team();
    const folder = await create(t.owner.client, t.base, { kind: 'folder', name: 'Campaigns' });
    expect(folder).toEqual({
      id: expect.any(String), kind: 'folder', name: 'Campaigns', parentId: null, ownerId: t.owner.user._id, access: 'edit', manage: true,
      updatedAt: expect.any(String), createdAt: expect.any(String), status: null,
    });
    const sub = await create(t.owner.client, t.base, { kind: 'folder', name: 'Spring', parentId: folder.id });
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'Intro', parentId: sub.id, body: 'Hello there' });
    const opened = await t.owner.client.get(`${t.base}/${draft.id}`);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ id: draft.id, path: [{ id: folder.id, name: 'Campaigns' }, { id: sub.id, name: 'Spring' }], body: 'Hello there', descendants: null });
    expect((await t.owner.client.get(`${t.base}/${folder.id}`)).body).toMatchObject({ descendants: 2, body: null, path: [] });
    const renamed = await patch(t.owner.client, `${t.base}/${draft.id}`, { name: 'Opening', body: 'New script' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Opening', body: 'New script' });
    // Items made elsewhere (a later issue's videos, a seed) find their place by the model's default.
    const at = new Date();
    const made = { workspaceId: t.ws, kind: 'video' as const, nameKey: 'clip', ownerId: t.owner.user._id, general: { scope: 'only_me' as const, role: 'view' as const }, createdAt: at, updatedAt: at };
    const nested = await server.ctx.models.Item.create({ ...made, _id: newId(), name: 'Clip', parentId: sub.id, ancestorIds: [folder.id, sub.id] });
    const top = await server.ctx.models.Item.create({ ...made, _id: newId(), name: 'Clip', parentId: null, ancestorIds: [] });
    expect([nested.folderKey, top.folderKey]).toEqual([sub.id, `top:${t.ws}`]);
    expect((await t.owner.client.get(`${t.base}?parentId=${sub.id}&kind=video`)).body.items.map((i: { id: string }) => i.id)).toEqual([nested._id]);
    expect((await t.owner.client.get(`${t.base}?kind=video`)).body.items.map((i: { id: string }) => i.id)).toEqual([top._id]);
    // A video is renamed, moved and deleted like the rest; it has no script.
    expect((await patch(t.owner.client, `${t.base}/${nested._id}`, { name: 'Clip renamed', parentId: folder.id })).body).toMatchObject({ kind: 'video', name: 'Clip renamed', parentId: folder.id, body: null, status: null });
    expect((await patch(t.owner.client, `${t.base}/${nested._id}`, { body: 'no' })).status).toBe(400);
    expect((await del(t.owner.client, `${t.base}/${top._id}`)).status).toBe(204);
    expect(await server.ctx.models.Item.exists({ _id: top._id })).toBeNull();
    const stored = await server.ctx.models.Item.findById(draft.id).lean();
    expect(stored).toMatchObject({ name: 'Opening', nameKey: 'opening', body: 'New script', ancestorIds: [folder.id, sub.id], folderKey: sub.id, general: { scope: 'only_me', role: 'view' } });
  });

  it('moves a folder with what is inside; refuses cycles; deletes a folder with everything below', async () => {
    const t = await team();
    const a = await create(t.owner.client, t.base, { kind: 'folder', name: 'A' });
    const b = await create(t.owner.client, t.base, { kind: 'folder', name: 'B', parentId: a.id });
    const c = await create(t.owner.client, t.base, { kind: 'folder', name: 'C', parentId: b.id });
    const d = await create(t.owner.client, t.base, { kind: 'draft', name: 'D', parentId: c.id });
    const other = await create(t.owner.client, t.base, { kind: 'folder', name: 'Other' });
    for (const target of [a.id, b.id, c.id]) {
      const res = await patch(t.owner.client, `${t.base}/${a.id}`, { parentId: target });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
    }
    expect((await patch(t.owner.client, `${t.base}/${a.id}`, { parentId: d.id })).status).toBe(400);
    const moved = await patch(t.owner.client, `${t.base}/${b.id}`, { parentId: other.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ parentId: other.id, path: [{ id: other.id, name: 'Other' }], descendants: 2 });
    expect((await server.ctx.models.Item.findById(c.id).lean())!.ancestorIds).toEqual([other.id, b.id]);
    expect((await server.ctx.models.Item.findById(d.id).lean())!.ancestorIds).toEqual([other.id, b.id, c.id]);
    // To the top level.
    expect((await patch(t.owner.client, `${t.base}/${c.id}`, { parentId: null })).body).toMatchObject({ parentId: null, path: [] });
    expect((await server.ctx.models.Item.findById(d.id).lean())!.ancestorIds).toEqual([c.id]);
    expect((await server.ctx.models.Item.findById(c.id).lean())!.folderKey).toBe(`top:${t.ws}`);
    expect((await server.ctx.models.Item.findById(b.id).lean())!.folderKey).toBe(other.id);
    await grant(t.ws, d.id, t.people.creator.user._id, 'view');
    await server.ctx.models.AccessRequest.create({ _id: 'req1' + c.id, itemId: d.id, workspaceId: t.ws, requesterId: t.people.viewer.user._id, role: 'view', message: null, status: 'pending', decidedBy: null, createdAt: new Date(), decidedAt: null });
    expect((await t.owner.client.get(`${t.base}/${c.id}`)).body.descendants).toBe(1);
    expect((await del(t.owner.client, `${t.base}/${c.id}`)).status).toBe(204);
    expect(await server.ctx.models.Item.countDocuments({ _id: mongoose.trusted({ $in: [c.id, d.id] }) })).toBe(0);
    expect(await server.ctx.models.Grant.countDocuments({ itemId: d.id })).toBe(0);
    expect(await server.ctx.models.AccessRequest.countDocuments({ itemId: d.id })).toBe(0);
    expect((await t.owner.client.get(`${t.base}/${c.id}`)).status).toBe(404);
    expect(await server.ctx.models.Item.countDocuments({ workspaceId: t.ws })).toBe(3);
  });
});


/** Every page of a list, following the cursor; fails on a page that repeats what an earlier one gave. */
async function allPages(client: ApiClient, path: string, from: string | null = null) {
  const ids: string[] = [];
  const names: string[] = [];
  const sep = path.includes('?') ? '&' : '?';
  let cursor: string | null = from;
  for (let n = 0; n < 200; n++) {
    const res = await client.get(`${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    for (const item of res.body.items) {
      ids.push(item.id);
      names.push(item.name);
    }
    cursor = res.body.nextCursor;
    if (!cursor) return { ids, names, pages: n + 1 };
  }
  throw new Error('the list never ended');
}

/** An item written straight to the database (videos, or many items fast). */
async function insertItem(workspaceId: string, over: Partial<ItemDoc> & { name: string }) {
  const at = server.ctx.now();
  const doc: ItemDoc = {
    _id: newId(), workspaceId, kind: 'draft', nameKey: over.name.toLowerCase(), parentId: null, folderKey: over.parentId ?? `top:${workspaceId}`, ancestorIds: [], ownerId: 'nobody', general: { scope: 'only_me', role: 'view' },
    body: over.kind === 'folder' || over.kind === 'video' ? null : '', status: over.kind === 'video' ? 'completed' : null, createdAt: at, updatedAt: at, ...over,
  };
  await server.ctx.models.Item.create(doc);
  return doc;
}

describe('items: concurrent changes to the tree', () => {
  it('two folders moved into each other at once: one moves, the other is refused, no cycle', async () => {
    const t = await team();
    for (let round = 0; round < 3; round++) {
      const a = await create(t.owner.client, t.base, { kind: 'folder', name: `A${round}` });
      const b = await create(t.owner.client, t.base, { kind: 'folder', name: `B${round}` });
      const replies = await Promise.all([patch(t.owner.client, `${t.base}/${a.id}`, { parentId: b.id }), patch(t.people.super_admin.client, `${t.base}/${b.id}`, { parentId: a.id })]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
      const [da, db] = await Promise.all([a.id, b.id].map((id) => server.ctx.models.Item.findById(id).lean()));
      expect(da!.ancestorIds.includes(b.id) && db!.ancestorIds.includes(a.id)).toBe(false);
      expect([da!.parentId, db!.parentId].filter((p) => p === null)).toHaveLength(1);
    }
  });

  it('items created in a folder while it is deleted are deleted with it or refused, never left without a parent', async () => {
    const t = await team();
    const folder = await create(t.owner.client, t.base, { kind: 'folder', name: 'Going' });
    const replies = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => t.people.super_admin.client.post(t.base, { kind: 'draft', name: `Late ${i}`, parentId: folder.id })),
      del(t.owner.client, `${t.base}/${folder.id}`),
    ]);
    expect(replies.every((r) => [201, 204, 404].includes(r.status))).toBe(true);
    expect(await server.ctx.models.Item.countDocuments({ workspaceId: t.ws })).toBe(0);
  });
});

describe('items: depth', () => {
  it(`folders nest at most ${MAX_FOLDER_DEPTH} deep, when created and when moved`, async () => {
    const t = await team();
    let parentId: string | undefined;
    const chain: string[] = [];
    for (let depth = 0; depth <= MAX_FOLDER_DEPTH; depth++) {
      const f = await create(t.owner.client, t.base, { kind: 'folder', name: `Level ${depth}`, ...(parentId ? { parentId } : {}) });
      chain.push(f.id);
      parentId = f.id;
    }
    const tooDeep = await t.owner.client.post(t.base, { kind: 'draft', name: 'Too deep', parentId });
    expect(tooDeep.status).toBe(409);
    expect(tooDeep.body.error.code).toBe('conflict');
    // A folder holding a draft fits one level less deep than the draft alone.
    const box = await create(t.owner.client, t.base, { kind: 'folder', name: 'Box' });
    await create(t.owner.client, t.base, { kind: 'draft', name: 'Inside', parentId: box.id });
    expect((await patch(t.owner.client, `${t.base}/${box.id}`, { parentId: chain[MAX_FOLDER_DEPTH - 1] })).status).toBe(409);
    expect((await patch(t.owner.client, `${t.base}/${box.id}`, { parentId: chain[MAX_FOLDER_DEPTH - 2] })).status).toBe(200);
    expect((await server.ctx.models.Item.findOne({ workspaceId: t.ws, name: 'Inside' }).lean())!.ancestorIds).toHaveLength(MAX_FOLDER_DEPTH);
    expect(await server.ctx.models.Item.countDocuments({ workspaceId: t.ws, name: 'Too deep' })).toBe(0);
  });
});

describe('items: lists', () => {
  it('pages a folder in each sort with the cursor: every item once, in order, nothing missing', async () => {
    const t = await team();
    const folder = await create(t.owner.client, t.base, { kind: 'folder', name: 'Library' });
    const names = ['banana', 'Apple', 'cherry', 'apple pie', 'Zebra', 'mango', 'kiwi', 'Date', 'elder', 'fig', 'grape', 'Honeydew'];
    const made: ItemDoc[] = [];
    for (const [i, name] of names.entries()) {
      clock.advance(1000);
      const kind = i % 3 === 0 ? 'folder' : i % 3 === 1 ? 'draft' : 'video';
      made.push(await insertItem(t.ws, { name, kind, parentId: folder.id, ancestorIds: [folder.id], ownerId: t.owner.user._id }));
    }
    const byName = [...made].sort((a, b) => (a.nameKey < b.nameKey ? -1 : a.nameKey > b.nameKey ? 1 : a._id < b._id ? -1 : 1));
    const byUpdated = [...made].reverse();
    const rank = { folder: 0, draft: 1, video: 2 };
    const byKind = [...byName].sort((a, b) => rank[a.kind] - rank[b.kind]);
    for (const [sort, want] of [['name', byName], ['updated', byUpdated], ['kind', byKind]] as const) {
      for (const limit of [1, 5, 12, 50]) {
        const got = await allPages(t.owner.client, `${t.base}?parentId=${folder.id}&sort=${sort}&limit=${limit}`);
        expect(got.names, `${sort} by ${limit}`).toEqual(want.map((d) => d.name));
        expect(got.pages).toBe(Math.max(1, Math.ceil(names.length / limit)));
      }
    }
    // Without a sort: by name, case-insensitive, folders not first.
    expect((await t.owner.client.get(`${t.base}?parentId=${folder.id}`)).body.items.map((i: { name: string }) => i.name)).toEqual(byName.map((d) => d.name));
    expect((await t.owner.client.get(`${t.base}?parentId=${folder.id}&kind=video&sort=kind`)).body.items.map((i: { kind: string }) => i.kind)).toEqual(['video', 'video', 'video', 'video']);
    // The top level holds the folder only; a video reads with its status.
    expect((await t.owner.client.get(t.base)).body.items.map((i: { id: string }) => i.id)).toEqual([folder.id]);
    const video = (await t.owner.client.get(`${t.base}?parentId=${folder.id}&kind=video`)).body.items[0];
    expect(video).toMatchObject({ kind: 'video', status: 'completed', access: 'edit' });
  });

  it('lists only what the caller can see; a page short of hidden items still ends with a cursor that names none of them', async () => {
    const t = await team();
    const creator = t.people.creator;
    const mine: string[] = [];
    // Visible to the creator: a few of their own, then a long run of the owner's private items, then more of their own.
    for (const name of ['a1', 'a2']) mine.push((await create(creator.client, t.base, { kind: 'draft', name })).id);
    for (let i = 0; i < 40; i++) await insertItem(t.ws, { name: `secret ${String(i).padStart(2, '0')}`, ownerId: t.owner.user._id });
    for (const name of ['z1', 'z2', 'z3']) mine.push((await create(creator.client, t.base, { kind: 'draft', name })).id);
    const limit = 2;
    const first = await creator.client.get(`${t.base}?limit=${limit}`);
    expect(first.body.items.map((i: { name: string }) => i.name)).toEqual(['a1', 'a2']);
    // The next page reads at most MAX_BATCHES batches of limit+1 and stops short, with a cursor.
    const second = await creator.client.get(`${t.base}?limit=${limit}&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(MAX_BATCHES * (limit + 1)).toBeLessThan(40);
    expect(second.body.items).toEqual([]);
    expect(second.body.nextCursor).toEqual(expect.any(String));
    expect(Buffer.from(second.body.nextCursor, 'base64url').toString()).not.toMatch(/secret/);
    const all = await allPages(creator.client, `${t.base}?limit=${limit}`);
    expect(all.ids).toEqual(mine);
    expect(all.names.some((n) => n.startsWith('secret'))).toBe(false);
    // The owner (a Super Admin) sees all of it.
    expect((await allPages(t.owner.client, `${t.base}?limit=7`)).ids).toHaveLength(45);
    // A hidden item taken away between pages does not lose the place.
    const firstDeep = await creator.client.get(`${t.base}?limit=${limit}&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    // The scan stopped on a hidden item (the 14th: 5 batches of 3 from the page's start); it goes.
    expect((await server.ctx.models.Item.deleteMany({ workspaceId: t.ws, nameKey: 'secret 14' })).deletedCount).toBe(1);
    const rest = await allPages(creator.client, `${t.base}?limit=${limit}`, firstDeep.body.nextCursor);
    expect(rest.names).toEqual(['z1', 'z2', 'z3']);
  });

  it('searches names across the tree, case-insensitive, as text (not a pattern), only what the caller sees', async () => {
    const t = await team();
    const top = await create(t.owner.client, t.base, { kind: 'folder', name: 'Quarterly' });
    const deep = await create(t.owner.client, t.base, { kind: 'folder', name: 'Q3 plans', parentId: top.id });
    const hit1 = await create(t.owner.client, t.base, { kind: 'draft', name: 'Report v1.0', parentId: deep.id });
    const hit2 = await create(t.owner.client, t.base, { kind: 'draft', name: 'REPORT final' });
    await create(t.owner.client, t.base, { kind: 'draft', name: 'Report v1x0' });
    const q = (s: string, client = t.owner.client, extra = '') => client.get(`${t.base}?q=${encodeURIComponent(s)}${extra}`).then((r) => r.body.items.map((i: { id: string }) => i.id));
    expect(await q('report')).toHaveLength(3);
    expect(await q('v1.0')).toEqual([hit1.id]);
    expect(await q('(')).toEqual([]);
    expect(await q('.*')).toEqual([]);
    expect(await q('report', t.owner.client, `&parentId=${top.id}`)).toEqual([hit1.id]);
    // The creator sees only what is shared with them.
    expect(await q('report', t.people.creator.client)).toEqual([]);
    await grant(t.ws, deep.id, t.people.creator.user._id, 'view');
    expect(await q('report', t.people.creator.client)).toEqual([hit1.id]);
    expect(await q('final')).toEqual([hit2.id]);
  });

  it('shared=me: what was shared with the caller directly, newest first, paged; not what an expired grant gave', async () => {
    const t = await team();
    const dev = t.people.developer;
    const folder = await create(t.owner.client, t.base, { kind: 'folder', name: 'Shared folder' });
    await create(t.owner.client, t.base, { kind: 'draft', name: 'Inside', parentId: folder.id });
    const drafts = [];
    for (let i = 0; i < 5; i++) drafts.push(await create(t.owner.client, t.base, { kind: 'draft', name: `Draft ${i}` }));
    await grant(t.ws, folder.id, dev.user._id, 'view');
    for (const d of drafts) {
      clock.advance(1000);
      await grant(t.ws, d.id, dev.user._id, 'edit', d === drafts[2] ? new Date(server.ctx.now().getTime() - 1000) : null);
    }
    // Someone else's grant is not the developer's.
    await grant(t.ws, drafts[0]!.id, t.people.creator.user._id, 'edit');
    const got = await allPages(dev.client, `${t.base}?shared=me&limit=2`);
    expect(got.ids).toEqual([drafts[4]!.id, drafts[3]!.id, drafts[1]!.id, drafts[0]!.id, folder.id]);
    const page = (await dev.client.get(`${t.base}?shared=me`)).body.items;
    expect(page[0]).toMatchObject({ id: drafts[4]!.id, access: 'edit', manage: true });
    expect((await dev.client.get(`${t.base}?shared=me&kind=folder`)).body.items.map((i: { id: string }) => i.id)).toEqual([folder.id]);
    expect((await t.people.viewer.client.get(`${t.base}?shared=me`)).body.items).toEqual([]);
  });
});

describe('items: who may do what', () => {
  async function tree() {
    const t = await team();
    // A parent workspace whose Super Admin administers this one from above.
    const above = await createUser(server.ctx, server.url, 'Above');
    const parentId = await createWorkspace(server.ctx, above.user._id, [], 'Parent');
    const parent = (await server.ctx.models.Workspace.findById(parentId).lean())!;
    const { workspace: sub } = await createSubworkspace(server.ctx, parent, above.user, { name: 'Sub', billingMode: 'inherited', apiAccess: false, members: [] });
    return { ...t, above, sub };
  }

  it('over every route, per role: Super Admins (of it and above) everything; others only what they own or are given', async () => {
    const t = await tree();
    const { addMember } = await import('../support/factories.js');
    const subBase = `/api/workspaces/${t.sub._id}/items`;
    const subOwner = (await server.ctx.models.User.findById(t.sub.ownerId).lean())!;
    expect(subOwner._id).toBe(t.above.user._id);
    const people: Record<string, Person> = {};
    for (const role of ['super_admin', 'developer', 'creator', 'viewer'] as Role[]) {
      people[role] = await createUser(server.ctx, server.url, role);
      await addMember(server.ctx, t.sub._id, people[role]!.user, role);
    }
    // The parent's Super Admin is not a member of the sub-workspace: a Super Admin there by the tree. A member owns the item.
    const owner = people.creator!;
    const cases: Array<[string, Person, { create: number; seeOthers: boolean }]> = [
      ['Super Admin', people.super_admin!, { create: 201, seeOthers: true }],
      ['Super Admin of the parent', t.above, { create: 201, seeOthers: true }],
      ['Developer', people.developer!, { create: 201, seeOthers: false }],
      ['Creator', owner, { create: 201, seeOthers: false }],
      ['Viewer', people.viewer!, { create: 403, seeOthers: false }],
    ];
    const ownersDraft = await create(owner.client, subBase, { kind: 'draft', name: 'Owner draft', body: 'x' });
    for (const [label, person, want] of cases) {
      const made = await person.client.post(subBase, { kind: 'draft', name: `${label} draft` });
      expect(made.status, label).toBe(want.create);
      if (made.status === 201) {
        expect(made.body, label).toMatchObject({ ownerId: person.user._id, access: 'edit', manage: true });
        expect((await person.client.get(`${subBase}/${made.body.id}`)).status, label).toBe(200);
        expect((await patch(person.client, `${subBase}/${made.body.id}`, { name: 'Mine' })).status, label).toBe(200);
        expect((await person.client.get(subBase)).body.items.some((i: { id: string }) => i.id === made.body.id), label).toBe(true);
        expect((await del(person.client, `${subBase}/${made.body.id}`)).status, label).toBe(204);
      } else expect(made.body.error.code).toBe('forbidden');
      if (person === owner) continue;
      // Someone else's private draft.
      const seen = want.seeOthers ? 200 : 404;
      expect((await person.client.get(`${subBase}/${ownersDraft.id}`)).status, label).toBe(seen);
      expect((await patch(person.client, `${subBase}/${ownersDraft.id}`, { name: `${label} renamed` })).status, label).toBe(seen);
      expect((await person.client.get(subBase)).body.items.some((i: { id: string }) => i.id === ownersDraft.id), label).toBe(want.seeOthers);
      expect((await person.client.post(subBase, { kind: 'draft', name: 'Under a draft', parentId: ownersDraft.id })).status, label).toBe(want.seeOthers ? 400 : want.create === 403 ? 403 : 404);
    }
    // Given edit on it: a Developer edits, a Viewer only views (view, not manage), and may not delete.
    await grant(t.sub._id, ownersDraft.id, people.developer!.user._id, 'edit');
    await grant(t.sub._id, ownersDraft.id, people.viewer!.user._id, 'edit');
    expect((await people.developer!.client.get(`${subBase}/${ownersDraft.id}`)).body).toMatchObject({ access: 'edit', manage: true });
    expect((await patch(people.developer!.client, `${subBase}/${ownersDraft.id}`, { body: 'by dev' })).status).toBe(200);
    expect((await people.viewer!.client.get(`${subBase}/${ownersDraft.id}`)).body).toMatchObject({ access: 'view', manage: false, body: 'by dev' });
    const viewerEdit = await patch(people.viewer!.client, `${subBase}/${ownersDraft.id}`, { body: 'by viewer' });
    expect(viewerEdit.status).toBe(403);
    expect(viewerEdit.body.error.code).toBe('forbidden');
    expect((await del(people.viewer!.client, `${subBase}/${ownersDraft.id}`)).status).toBe(403);
    expect((await server.ctx.models.Item.findById(ownersDraft.id).lean())!.body).toBe('by dev');
    // A view grant lets one look, not change.
    await grant(t.sub._id, ownersDraft.id, people.developer!.user._id, 'view');
    expect((await patch(people.developer!.client, `${subBase}/${ownersDraft.id}`, { name: 'No' })).status).toBe(403);
    expect((await del(people.developer!.client, `${subBase}/${ownersDraft.id}`)).status).toBe(403);
    // The Super Admin of the parent deletes it.
    expect((await del(t.above.client, `${subBase}/${ownersDraft.id}`)).status).toBe(204);
  });

  it('an item one cannot see is 404 exactly like one that does not exist; another tenant’s ids too', async () => {
    const t = await team();
    const hidden = await create(t.owner.client, t.base, { kind: 'folder', name: 'Private' });
    const creator = t.people.creator.client;
    const ghost = newId();
    for (const [method, body] of [['GET', undefined], ['PATCH', { name: 'x' }], ['DELETE', undefined]] as const) {
      const a = await creator.request(method, `${t.base}/${hidden.id}`, body);
      const b = await creator.request(method, `${t.base}/${ghost}`, body);
      expect(a.status).toBe(404);
      expect(a.body).toEqual(b.body);
    }
    expect((await creator.get(`${t.base}?parentId=${hidden.id}`)).body).toEqual((await creator.get(`${t.base}?parentId=${ghost}`)).body);
    expect((await creator.post(t.base, { kind: 'draft', name: 'x', parentId: hidden.id })).body).toEqual((await creator.post(t.base, { kind: 'draft', name: 'x', parentId: ghost })).body);
    // Another tenant: its items through our workspace, ours through theirs, and their workspace itself.
    const theirs = await create(t.stranger.client, `/api/workspaces/${t.otherWs}/items`, { kind: 'folder', name: 'Theirs' });
    expect((await t.owner.client.get(`${t.base}/${theirs.id}`)).status).toBe(404);
    expect((await t.owner.client.get(`${t.base}?parentId=${theirs.id}`)).status).toBe(404);
    expect((await t.owner.client.post(t.base, { kind: 'draft', name: 'x', parentId: theirs.id })).status).toBe(404);
    expect((await patch(t.owner.client, `${t.base}/${hidden.id}`, { parentId: theirs.id })).status).toBe(404);
    expect((await t.stranger.client.get(`/api/workspaces/${t.otherWs}/items/${hidden.id}`)).status).toBe(404);
    expect((await t.stranger.client.get(`${t.base}/${hidden.id}`)).status).toBe(404);
    expect((await t.stranger.client.get(t.base)).status).toBe(404);
    expect((await t.stranger.client.post(t.base, { kind: 'draft', name: 'x' })).status).toBe(404);
    expect(await server.ctx.models.Item.countDocuments({ workspaceId: t.ws })).toBe(1);
  });

  it('a move needs edit on the item, the folder it leaves and the folder it enters', async () => {
    const t = await team();
    const dev = t.people.developer;
    const from = await create(t.owner.client, t.base, { kind: 'folder', name: 'From' });
    const to = await create(t.owner.client, t.base, { kind: 'folder', name: 'To' });
    const item = await create(t.owner.client, t.base, { kind: 'draft', name: 'Item', parentId: from.id });
    await grant(t.ws, item.id, dev.user._id, 'edit');
    await grant(t.ws, to.id, dev.user._id, 'view');
    expect((await patch(dev.client, `${t.base}/${item.id}`, { parentId: to.id })).status).toBe(403);
    await grant(t.ws, to.id, dev.user._id, 'edit');
    // The folder it leaves is not the developer's to change.
    expect((await patch(dev.client, `${t.base}/${item.id}`, { parentId: to.id })).status).toBe(403);
    await grant(t.ws, from.id, dev.user._id, 'edit');
    expect((await patch(dev.client, `${t.base}/${item.id}`, { parentId: to.id })).status).toBe(200);
    expect((await server.ctx.models.Item.findById(item.id).lean())!.ancestorIds).toEqual([to.id]);
  });
});

describe('items: inheritance and expiry', () => {
  it('a folder shared makes everything below it visible; moved out, an item is gone and its viewer is told', async () => {
    const t = await team();
    const creator = t.people.creator;
    const shared = await create(t.owner.client, t.base, { kind: 'folder', name: 'Shared' });
    const inner = await create(t.owner.client, t.base, { kind: 'folder', name: 'Inner', parentId: shared.id });
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'Deep', parentId: inner.id });
    const elsewhere = await create(t.owner.client, t.base, { kind: 'folder', name: 'Elsewhere' });
    expect((await creator.client.get(`${t.base}/${draft.id}`)).status).toBe(404);
    await grant(t.ws, shared.id, creator.user._id, 'edit');
    expect((await creator.client.get(`${t.base}/${draft.id}`)).body).toMatchObject({ access: 'edit', path: [{ id: shared.id }, { id: inner.id }] });
    expect((await creator.client.get(`${t.base}?parentId=${inner.id}`)).body.items.map((i: { id: string }) => i.id)).toEqual([draft.id]);
    expect((await creator.client.get(t.base)).body.items.map((i: { id: string }) => i.id)).toEqual([shared.id]);
    const socket = await connectSocket(server.url, creator.client.cookie);
    expect((await emitAck(socket, 'workspace:subscribe', { workspaceId: t.ws })).ok).toBe(true);
    expect((await patch(t.owner.client, `${t.base}/${inner.id}`, { parentId: elsewhere.id })).status).toBe(200);
    expect((await creator.client.get(`${t.base}/${draft.id}`)).status).toBe(404);
    expect((await creator.client.get(`${t.base}/${inner.id}`)).status).toBe(404);
    await waitFor(() => socket.received.some((e) => e.type === 'access.revoked'), 'access.revoked');
    expect(socket.received.find((e) => e.type === 'access.revoked')!.data).toEqual({ workspaceId: t.ws, itemId: inner.id });
    expect(socket.received.filter((e) => e.type === 'item.updated')).toEqual([]);
    socket.close();
  });

  it('through the sharing API: a folder shared makes its content listed and open to the grantee, shared=me lists the folder; moved out, gone', async () => {
    const t = await team();
    const dev = t.people.developer;
    const folder = await create(t.owner.client, t.base, { kind: 'folder', name: 'Campaign' });
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'Script', parentId: folder.id, body: 'Lines' });
    expect((await dev.client.get(`${t.base}?parentId=${folder.id}`)).status).toBe(404);
    const put = await t.owner.client.request('PUT', `${t.base}/${folder.id}/sharing`, { grants: [{ userId: dev.user._id, role: 'edit' }] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await dev.client.get(`${t.base}?parentId=${folder.id}`)).body.items).toEqual([expect.objectContaining({ id: draft.id, access: 'edit', manage: true })]);
    expect((await dev.client.get(`${t.base}?shared=me`)).body.items.map((i: { id: string }) => i.id)).toEqual([folder.id]);
    expect((await dev.client.get(`${t.base}/${draft.id}`)).body).toMatchObject({ body: 'Lines', path: [{ id: folder.id, name: 'Campaign' }] });
    expect((await patch(dev.client, `${t.base}/${draft.id}`, { body: 'Edited by the grantee' })).status).toBe(200);
    expect((await patch(t.owner.client, `${t.base}/${draft.id}`, { parentId: null })).status).toBe(200);
    expect((await dev.client.get(`${t.base}/${draft.id}`)).status).toBe(404);
    expect((await dev.client.get(`${t.base}?parentId=${folder.id}`)).body.items).toEqual([]);
  });

  it('the path names only the folders the caller can see; deleting a folder tells who was given something inside it', async () => {
    const t = await team();
    const creator = t.people.creator;
    const top = await create(t.owner.client, t.base, { kind: 'folder', name: 'Private top' });
    const middle = await create(t.owner.client, t.base, { kind: 'folder', name: 'Middle', parentId: top.id });
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'Shared alone', parentId: middle.id });
    await grant(t.ws, draft.id, creator.user._id, 'view');
    const opened = await creator.client.get(`${t.base}/${draft.id}`);
    expect(opened.body).toMatchObject({ id: draft.id, access: 'view', path: [] });
    expect(JSON.stringify(opened.body)).not.toMatch(/Private top|Middle/);
    await grant(t.ws, middle.id, creator.user._id, 'view');
    expect((await creator.client.get(`${t.base}/${draft.id}`)).body.path).toEqual([{ id: middle.id, name: 'Middle' }]);
    expect((await t.owner.client.get(`${t.base}/${draft.id}`)).body.path.map((p: { name: string }) => p.name)).toEqual(['Private top', 'Middle']);
    const dev = t.people.developer;
    await grant(t.ws, draft.id, dev.user._id, 'edit');
    const sockets = await Promise.all([creator, dev, t.people.viewer].map((p) => connectSocket(server.url, p.client.cookie)));
    for (const s of sockets) await emitAck(s, 'workspace:subscribe', { workspaceId: t.ws });
    const [creatorSocket, devSocket, viewerSocket] = sockets;
    expect((await del(t.owner.client, `${t.base}/${top.id}`)).status).toBe(204);
    await waitFor(() => devSocket!.received.some((e) => e.type === 'access.revoked'), 'access.revoked');
    expect(devSocket!.received.filter((e) => e.type === 'access.revoked').map((e) => e.data)).toEqual([{ workspaceId: t.ws, itemId: draft.id }]);
    // The creator saw the middle folder and the draft, never the top folder: no item.deleted names it; they lose both, by access.revoked.
    await new Promise((r) => setTimeout(r, 150));
    expect(creatorSocket!.received.filter((e) => e.type === 'item.deleted')).toEqual([]);
    expect(creatorSocket!.received.filter((e) => e.type === 'access.revoked').map((e) => e.data.itemId).sort()).toEqual([draft.id, middle.id].sort());
    expect(viewerSocket!.received).toEqual([]);
    for (const s of sockets) s.close();
  });

  it('a Viewer granted edit on a folder gets view on what is inside', async () => {
    const t = await team();
    const folder = await create(t.owner.client, t.base, { kind: 'folder', name: 'F' });
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'D', parentId: folder.id });
    await grant(t.ws, folder.id, t.people.viewer.user._id, 'edit');
    expect((await t.people.viewer.client.get(`${t.base}/${draft.id}`)).body).toMatchObject({ access: 'view', manage: false });
    expect((await t.people.viewer.client.get(`${t.base}?parentId=${folder.id}`)).body.items[0]).toMatchObject({ id: draft.id, access: 'view', manage: false });
    expect((await patch(t.people.viewer.client, `${t.base}/${draft.id}`, { name: 'no' })).status).toBe(403);
    expect((await t.people.viewer.client.post(t.base, { kind: 'draft', name: 'no', parentId: folder.id })).status).toBe(403);
  });

  it('a grant expiring under the clock stops counting at its time', async () => {
    const t = await team();
    const dev = t.people.developer;
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'For an hour' });
    await grant(t.ws, draft.id, dev.user._id, 'edit', new Date(server.ctx.now().getTime() + 3_600_000));
    expect((await dev.client.get(`${t.base}/${draft.id}`)).status).toBe(200);
    expect((await dev.client.get(t.base)).body.items.map((i: { id: string }) => i.id)).toEqual([draft.id]);
    clock.advance(3_600_000 + 1000);
    expect((await dev.client.get(`${t.base}/${draft.id}`)).status).toBe(404);
    expect((await dev.client.get(t.base)).body.items).toEqual([]);
    expect((await dev.client.get(`${t.base}?shared=me`)).body.items).toEqual([]);
    expect((await patch(dev.client, `${t.base}/${draft.id}`, { name: 'late' })).status).toBe(404);
  });
});

describe('items: live', () => {
  it('item.created reaches exactly those who can see it, with their own access; replay gives it only to them', async () => {
    const t = await team();
    const folder = await create(t.owner.client, t.base, { kind: 'folder', name: 'Shared' });
    await grant(t.ws, folder.id, t.people.viewer.user._id, 'edit');
    const who = [t.owner, t.people.super_admin, t.people.creator, t.people.viewer, t.people.developer];
    const sockets = await Promise.all(who.map((p) => connectSocket(server.url, p.client.cookie)));
    const cursors: string[] = [];
    for (const s of sockets) {
      const ack = await emitAck(s, 'workspace:subscribe', { workspaceId: t.ws });
      expect(ack.ok).toBe(true);
      cursors.push(ack.cursor);
    }
    const [owner, admin, creator, viewer, developer] = sockets;
    const draft = await create(t.people.super_admin.client, t.base, { kind: 'draft', name: 'Live', parentId: folder.id });
    await waitFor(() => [owner, admin, viewer].every((s) => s!.received.some((e) => e.type === 'item.created')), 'item.created');
    await new Promise((r) => setTimeout(r, 200));
    expect(creator!.received.filter((e) => e.type.startsWith('item.'))).toEqual([]);
    expect(developer!.received.filter((e) => e.type.startsWith('item.'))).toEqual([]);
    expect(viewer!.received.find((e) => e.type === 'item.created')!.data.item).toEqual({ ...draft, access: 'view', manage: false });
    expect(owner!.received.find((e) => e.type === 'item.created')!.data.item).toEqual({ ...draft, access: 'edit', manage: true });
    // Reconnecting with the cursor from before: the same event to the same people only, as each saw it.
    for (const s of sockets) s.close();
    for (const [i, p] of who.entries()) {
      const s = await connectSocket(server.url, p.client.cookie);
      const ack = await emitAck(s, 'workspace:subscribe', { workspaceId: t.ws, since: cursors[i] });
      expect(ack.ok).toBe(true);
      const missed = ack.missed.filter((e: { type: string }) => e.type === 'item.created');
      if (i === 2 || i === 4) expect(missed).toEqual([]);
      else expect(missed.map((e: { data: { item: { id: string; access: string } } }) => [e.data.item.id, e.data.item.access])).toEqual([[draft.id, i === 3 ? 'view' : 'edit']]);
      s.close();
    }
  });

  it('item.updated and item.deleted (with how many went with it) reach those who could see the item', async () => {
    const t = await team();
    const folder = await create(t.owner.client, t.base, { kind: 'folder', name: 'F' });
    await create(t.owner.client, t.base, { kind: 'draft', name: 'a', parentId: folder.id });
    await create(t.owner.client, t.base, { kind: 'draft', name: 'b', parentId: folder.id });
    await grant(t.ws, folder.id, t.people.creator.user._id, 'view');
    const [creator, developer] = await Promise.all([t.people.creator, t.people.developer].map((p) => connectSocket(server.url, p.client.cookie)));
    for (const s of [creator!, developer!]) await emitAck(s, 'workspace:subscribe', { workspaceId: t.ws });
    await patch(t.owner.client, `${t.base}/${folder.id}`, { name: 'Renamed' });
    await waitFor(() => creator!.received.some((e) => e.type === 'item.updated'), 'item.updated');
    expect(creator!.received.find((e) => e.type === 'item.updated')!.data.item).toMatchObject({ id: folder.id, name: 'Renamed', access: 'view', manage: false });
    await del(t.owner.client, `${t.base}/${folder.id}`);
    await waitFor(() => creator!.received.some((e) => e.type === 'item.deleted'), 'item.deleted');
    expect(creator!.received.find((e) => e.type === 'item.deleted')!.data).toEqual({ itemId: folder.id, parentId: null, descendants: 2 });
    await new Promise((r) => setTimeout(r, 150));
    expect(developer!.received.filter((e) => e.type.startsWith('item.'))).toEqual([]);
    creator!.close();
    developer!.close();
  });
});

describe('items: bad input', () => {
  it('every route refuses bad input with 400 validation_failed and stores nothing', async () => {
    const t = await team();
    const folder = await create(t.owner.client, t.base, { kind: 'folder', name: 'F' });
    const draft = await create(t.owner.client, t.base, { kind: 'draft', name: 'D', body: 'script' });
    const before = await server.ctx.models.Item.find({ workspaceId: t.ws }).sort({ _id: 1 }).lean();
    const badCreates: unknown[] = [
      {},
      { kind: 'video', name: 'v' },
      { kind: 'draft' },
      { kind: 'draft', name: '' },
      { kind: 'draft', name: '   ' },
      { kind: 'draft', name: 'x'.repeat(121) },
      { kind: 'draft', name: 'bell\u0007' },
      { kind: 'draft', name: 'x', body: 'y'.repeat(100_001) },
      { kind: 'draft', name: 'x', body: 42 },
      { kind: 'folder', name: 'x', body: 'folders have no script' },
      { kind: 'draft', name: 'x', parentId: 'not an id!' },
      { kind: 'draft', name: 'x', parentId: draft.id },
      { kind: 'draft', name: 'x', ownerId: t.people.viewer.user._id },
      { kind: 'draft', name: 'x', general: { scope: 'workspace', role: 'edit' } },
      [{ kind: 'draft', name: 'x' }],
    ];
    for (const body of badCreates) {
      const res = await t.owner.client.post(t.base, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const badPatches: Array<[string, unknown]> = [
      [draft.id, {}],
      [draft.id, { name: '' }],
      [draft.id, { name: 7 }],
      [draft.id, { body: null }],
      [draft.id, { ownerId: 'x' }],
      [draft.id, { parentId: 'no such shape!' }],
      [draft.id, { parentId: draft.id, name: 'x' }],
      [folder.id, { body: 'folders have no script' }],
      [folder.id, { parentId: draft.id }],
    ];
    for (const [id, body] of badPatches) {
      const res = await patch(t.owner.client, `${t.base}/${id}`, body);
      if (id === draft.id && (body as { parentId?: string }).parentId === draft.id) {
        expect(res.status).toBe(409);
        continue;
      }
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const badQueries = ['limit=0', 'limit=201', 'limit=x', 'kind=image', 'sort=size', 'shared=you', 'parentId=bad!', `q=${'q'.repeat(121)}`, 'cursor=garbage', `cursor=${Buffer.from(JSON.stringify({ s: 'updated', k: ['x', 'y'] })).toString('base64url')}`];
    for (const query of badQueries) {
      const res = await t.owner.client.get(`${t.base}?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    // A cursor of one sort is not one of another.
    const page = await t.owner.client.get(`${t.base}?limit=1&sort=name`);
    expect((await t.owner.client.get(`${t.base}?limit=1&sort=updated&cursor=${page.body.nextCursor}`)).status).toBe(400);
    // Malformed JSON.
    expect((await t.owner.client.request('POST', t.base, '{"kind":')).status).toBe(400);
    expect(await server.ctx.models.Item.find({ workspaceId: t.ws }).sort({ _id: 1 }).lean()).toEqual(before);
    // Ids that cannot exist are simply not found.
    expect((await t.owner.client.get(`${t.base}/${'x'.repeat(65)}`)).status).toBe(404);
    expect((await del(t.owner.client, `${t.base}/bad!id`)).status).toBe(404);
  });
});

describe('items: what a list and a check cost', () => {
  it('a folder’s page, an open item and a change read the folder and the chain, not the tree or other tenants', async () => {
    const t = await team();
    const dev = t.people.developer;
    const folder = await create(t.owner.client, t.base, { kind: 'folder', name: 'Small' });
    const inner = await create(t.owner.client, t.base, { kind: 'folder', name: 'Inner', parentId: folder.id });
    for (let i = 0; i < 6; i++) await create(t.owner.client, t.base, { kind: 'draft', name: `Draft ${i}`, parentId: inner.id });
    await grant(t.ws, folder.id, dev.user._id, 'edit');
    // Our tree is large elsewhere (another folder), and other tenants hold many items and grants.
    const big = await create(t.owner.client, t.base, { kind: 'folder', name: 'Big' });
    const rows = (ws: string, parentId: string | null, n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({
        _id: newId(), workspaceId: ws, kind: 'draft', name: `${prefix} ${i}`, nameKey: `${prefix} ${i}`, parentId, folderKey: parentId ?? `top:${ws}`, ancestorIds: parentId ? [parentId] : [],
        ownerId: t.owner.user._id, general: { scope: 'only_me', role: 'view' }, body: '', status: null, createdAt: new Date(), updatedAt: new Date(),
      }));
    await server.ctx.models.Item.insertMany([...rows(t.ws, big.id, 600, 'big'), ...rows(t.otherWs, null, 600, 'foreign')]);
    await server.ctx.models.Grant.insertMany(Array.from({ length: 400 }, (_, i) => ({ _id: `x${i}:y`, itemId: `x${i}`, userId: `y${i}`, workspaceId: t.otherWs, role: 'view', expiresAt: null, grantedBy: 'y', at: new Date() })));
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['list the top level', () => t.owner.client.get(`${t.base}?limit=2`)],
      ['list a folder', () => dev.client.get(`${t.base}?parentId=${inner.id}&limit=4`)],
      ['list a folder by kind', () => dev.client.get(`${t.base}?parentId=${inner.id}&sort=kind&limit=4`)],
      ['open a draft', () => dev.client.get(`${t.base}/${(inner as { id: string }).id}`)],
      ['rename', () => patch(dev.client, `${t.base}/${inner.id}`, { name: 'Inner renamed' })],
      ['shared with me', () => dev.client.get(`${t.base}?shared=me`)],
    ];
    for (const [what, call] of calls) {
      const { commands } = await commandsDuring(server.ctx.conn, call);
      const costs = (await costOf(server.ctx.conn, server.ctx.models, commands)).filter((c) => ['items', 'grants'].includes(c.collection));
      expect(costs.length, what).toBeGreaterThan(0);
      for (const c of costs) {
        expect(c.indexed, `${what}: ${c.collection} ${JSON.stringify(c.filter)}`).toBe(true);
        expect(c.rowsRead, `${what}: ${c.collection} ${JSON.stringify(c.filter)}`).toBeLessThanOrEqual(20);
      }
    }
  });
});
