import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { connectSocket, emitAck, waitFor } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';
import type { Role } from '../../shared/schemas/auth.js';
import { addMembership } from '../../server/workspaces/member.service.js';
import { createSubworkspace } from '../../server/commands/create-subworkspace.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_SEATS: '100' } });
});
afterAll(() => server?.close());

const ROLES: Role[] = ['super_admin', 'developer', 'creator', 'viewer'];

/** An account with two sub-workspaces (a target and a sibling), and a separate account. */
async function tree() {
  const owner = await createUser(server.ctx, server.url, 'Owner');
  const rootId = await createWorkspace(server.ctx, owner.user._id, [], 'Parent');
  // The parent has room for both sub-workspaces' default slots (inherited ones are given slots out of the parent's).
  await server.ctx.models.Workspace.updateOne({ _id: rootId }, { $set: { avatarSlots: 20 } });
  const root = (await server.ctx.models.Workspace.findById(rootId).lean())!;
  const { workspace: target } = await createSubworkspace(server.ctx, root, owner.user, { name: 'Target', billingMode: 'inherited', apiAccess: false, members: [] });
  const { workspace: sibling } = await createSubworkspace(server.ctx, root, owner.user, { name: 'Sibling', billingMode: 'inherited', apiAccess: false, members: [] });
  const stranger = await createUser(server.ctx, server.url, 'Stranger');
  const otherId = await createWorkspace(server.ctx, stranger.user._id, [], 'Other account');
  return { owner, root, target, sibling, stranger, otherId };
}

describe('asset library', () => {
  it('creators, developers and Super Admins create, rename and delete; viewers only look', async () => {
    const t = await tree();
    for (const role of ROLES) {
      const person = await createUser(server.ctx, server.url, role);
      await addMembership(server.ctx, t.root, person.user, role, null);
      const created = await person.client.post(`/api/workspaces/${t.root._id}/assets`, { kind: 'voice', name: `${role} voice`, data: { language: 'fr-FR' } });
      const mayEdit = role !== 'viewer';
      expect(created.status).toBe(mayEdit ? 201 : 403);
      expect((await person.client.get(`/api/workspaces/${t.root._id}/assets`)).status).toBe(200);
      if (!mayEdit) continue;
      expect(created.body).toEqual({ id: expect.any(String), kind: 'voice', name: `${role} voice`, data: { language: 'fr-FR' }, logoUrl: null, sharedFrom: null, sharedWith: [], createdAt: expect.any(String) });
      expect((await person.client.request('PATCH', `/api/workspaces/${t.root._id}/assets/${created.body.id}`, { name: 'Renamed' })).body.name).toBe('Renamed');
      expect((await person.client.request('DELETE', `/api/workspaces/${t.root._id}/assets/${created.body.id}`)).status).toBe(204);
    }
  });

  it('12 parallel avatar creations with 3 slots: exactly 3, the rest avatar_slots_exhausted; deleting frees a slot', async () => {
    const t = await tree();
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => t.owner.client.post(`/api/workspaces/${t.target._id}/assets`, { kind: 'avatar', name: `Avatar ${i}` })));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = replies.filter((r) => r.status === 409);
    expect(refused).toHaveLength(9);
    expect(refused.every((r) => r.body.error.code === 'avatar_slots_exhausted')).toBe(true);
    expect(await server.ctx.models.Asset.countDocuments({ workspaceId: t.target._id, kind: 'avatar' })).toBe(3);
    expect((await t.owner.client.get(`/api/workspaces/${t.target._id}/avatar-slots`)).body).toEqual({ limit: 3, used: 3, parentAvailable: 14 });
    // Other kinds use no slot.
    expect((await t.owner.client.post(`/api/workspaces/${t.target._id}/assets`, { kind: 'template', name: 'Intro' })).status).toBe(201);
    const victim = replies.find((r) => r.status === 201)!.body.id;
    await t.owner.client.request('DELETE', `/api/workspaces/${t.target._id}/assets/${victim}`);
    expect((await t.owner.client.post(`/api/workspaces/${t.target._id}/assets`, { kind: 'avatar', name: 'Again' })).status).toBe(201);
    // A Super Admin above allocates more slots.
    expect((await t.owner.client.request('PUT', `/api/workspaces/${t.target._id}/avatar-slots`, { avatarSlots: 5 })).body).toEqual({ limit: 5, used: 3, parentAvailable: 12 });
  });

  it('refuses unknown kinds, data of another kind, oversized data and bad names; stores nothing', async () => {
    const t = await tree();
    const bad = [
      { kind: 'video', name: 'x' },
      { kind: 'voice', name: '' },
      { kind: 'voice', name: 'x', data: { colors: ['#ffffff'] } },
      { kind: 'brand_kit', name: 'x', data: { colors: ['red'] } },
      { kind: 'brand_kit', name: 'x', data: { colors: Array.from({ length: 13 }, () => '#000000') } },
      { kind: 'template', name: 'x', data: { layout: { blob: 'x'.repeat(17_000) } } },
      { kind: 'avatar', name: 'x', workspaceId: t.otherId },
    ];
    for (const body of bad) {
      const res = await t.owner.client.post(`/api/workspaces/${t.root._id}/assets`, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect(await server.ctx.models.Asset.countDocuments({ workspaceId: t.root._id })).toBe(0);
  });
});

describe('brand kit logo', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cf00000301010018dd8db00000000049454e44ae426082', 'hex');
  const upload = (cookie: string, path: string, data: Buffer) => {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(data)], { type: 'image/png' }), 'logo.png');
    return fetch(server.url + path, { method: 'POST', body: form, headers: { cookie } });
  };

  it('takes a real image for a brand kit only, and serves it where the kit is visible', async () => {
    const t = await tree();
    const kit = await t.owner.client.post(`/api/workspaces/${t.root._id}/assets`, { kind: 'brand_kit', name: 'Kit' });
    const voice = await t.owner.client.post(`/api/workspaces/${t.root._id}/assets`, { kind: 'voice', name: 'Voice' });
    expect((await upload(t.owner.client.cookie, `/api/workspaces/${t.root._id}/assets/${voice.body.id}/logo`, PNG)).status).toBe(400);
    expect((await upload(t.owner.client.cookie, `/api/workspaces/${t.root._id}/assets/${kit.body.id}/logo`, Buffer.from('GIF89a-not-allowed'))).status).toBe(400);
    const res = await upload(t.owner.client.cookie, `/api/workspaces/${t.root._id}/assets/${kit.body.id}/logo`, PNG);
    expect(res.status).toBe(200);
    const { logoUrl } = await res.json();
    expect(logoUrl).toMatch(new RegExp(`^/api/workspaces/${t.root._id}/assets/${kit.body.id}/logo\\?v=[0-9a-f]{16}$`));
    const img = await fetch(server.url + logoUrl, { headers: { cookie: t.owner.client.cookie } });
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await img.arrayBuffer()).equals(PNG)).toBe(true);
    // Shared into the target, the logo is visible there too; never to another account.
    await t.owner.client.post(`/api/workspaces/${t.root._id}/assets/${kit.body.id}/shares`, { workspaceIds: [t.target._id] });
    // A member of the target only gets a logo URL under the target, and can load it.
    const targetOnly = await createUser(server.ctx, server.url, 'TargetOnly');
    await addMembership(server.ctx, t.target, targetOnly.user, 'viewer', null);
    const seen = (await targetOnly.client.get(`/api/workspaces/${t.target._id}/assets`)).body.items[0];
    expect(seen.logoUrl).toBe(logoUrl.replace(t.root._id, t.target._id));
    expect((await fetch(server.url + seen.logoUrl, { headers: { cookie: targetOnly.client.cookie } })).status).toBe(200);
    expect((await fetch(`${server.url}/api/workspaces/${t.sibling._id}/assets/${kit.body.id}/logo`, { headers: { cookie: t.owner.client.cookie } })).status).toBe(404);
    expect((await fetch(server.url + logoUrl, { headers: { cookie: t.stranger.client.cookie } })).status).toBe(404);
  });
});

describe('sharing across sub-workspaces', () => {
  it('a shared asset appears in the target (read-only, with where it comes from), never in a sibling or another account; unsharing removes it', async () => {
    const t = await tree();
    const kit = await t.owner.client.post(`/api/workspaces/${t.root._id}/assets`, { kind: 'brand_kit', name: 'Brand', data: { colors: ['#4F46E5'], fonts: ['Inter'] } });
    const shared = await t.owner.client.post(`/api/workspaces/${t.root._id}/assets/${kit.body.id}/shares`, { workspaceIds: [t.target._id] });
    expect(shared.status).toBe(200);
    expect(shared.body.sharedWith).toEqual([{ id: t.target._id, name: 'Target' }]);

    // Every role of the target sees it, marked as shared from the parent; the sibling and the other account do not.
    for (const role of ROLES) {
      const m = await createUser(server.ctx, server.url, role);
      await addMembership(server.ctx, t.target, m.user, role, null);
      const lib = await m.client.get(`/api/workspaces/${t.target._id}/assets`);
      expect(lib.body.items.map((a: { id: string; sharedFrom: unknown }) => [a.id, a.sharedFrom])).toEqual([[kit.body.id, { id: t.root._id, name: 'Parent' }]]);
      // Read-only there: not even a Super Admin of the target can rename, delete or re-share it.
      expect((await m.client.request('PATCH', `/api/workspaces/${t.target._id}/assets/${kit.body.id}`, { name: 'Mine' })).status).toBe(role === 'viewer' ? 403 : 404);
      expect((await m.client.request('DELETE', `/api/workspaces/${t.target._id}/assets/${kit.body.id}`)).status).toBe(role === 'viewer' ? 403 : 404);
    }
    const sib = await createUser(server.ctx, server.url, 'Sib');
    await addMembership(server.ctx, t.sibling, sib.user, 'super_admin', null);
    expect((await sib.client.get(`/api/workspaces/${t.sibling._id}/assets`)).body.items).toEqual([]);
    expect((await t.stranger.client.get(`/api/workspaces/${t.otherId}/assets`)).body.items).toEqual([]);
    expect((await t.stranger.client.get(`/api/workspaces/${t.root._id}/assets`)).status).toBe(404);

    expect((await t.owner.client.request('DELETE', `/api/workspaces/${t.root._id}/assets/${kit.body.id}/shares/${t.target._id}`)).status).toBe(204);
    expect((await t.owner.client.get(`/api/workspaces/${t.target._id}/assets`)).body.items).toEqual([]);
  });

  it('only Super Admins of the owning workspace share; targets outside the tree and assets of others are not found', async () => {
    const t = await tree();
    const creator = await createUser(server.ctx, server.url, 'Creator');
    await addMembership(server.ctx, t.root, creator.user, 'creator', null);
    const voice = await creator.client.post(`/api/workspaces/${t.root._id}/assets`, { kind: 'voice', name: 'Narrator' });
    expect((await creator.client.post(`/api/workspaces/${t.root._id}/assets/${voice.body.id}/shares`, { workspaceIds: [t.target._id] })).status).toBe(403);
    const outside = await t.owner.client.post(`/api/workspaces/${t.root._id}/assets/${voice.body.id}/shares`, { workspaceIds: [t.target._id, t.otherId] });
    expect(outside.status).toBe(404);
    expect(await server.ctx.models.AssetShare.countDocuments({ assetId: voice.body.id })).toBe(0);
    const strangers = await t.stranger.client.post(`/api/workspaces/${t.otherId}/assets`, { kind: 'voice', name: 'Theirs' });
    expect((await t.owner.client.post(`/api/workspaces/${t.root._id}/assets/${strangers.body.id}/shares`, { workspaceIds: [t.target._id] })).status).toBe(404);
    expect((await t.stranger.client.post(`/api/workspaces/${t.otherId}/assets/${strangers.body.id}/shares`, { workspaceIds: [t.root._id] })).status).toBe(404);
    for (const body of [{}, { workspaceIds: [] }, { workspaceIds: ['$ne'] }, { workspaceIds: 'all' }]) {
      expect((await t.owner.client.post(`/api/workspaces/${t.root._id}/assets/${voice.body.id}/shares`, body)).status).toBe(400);
    }
  });

  it('reaches open libraries live: shared, renamed, unshared and deleted, on the owner and the target', async () => {
    const t = await tree();
    const creator = await createUser(server.ctx, server.url, 'TargetCreator');
    await addMembership(server.ctx, t.target, creator.user, 'creator', null);
    const targetSocket = await connectSocket(server.url, creator.client.cookie);
    await emitAck(targetSocket, 'workspace:subscribe', { workspaceId: t.target._id });
    const ownerSocket = await connectSocket(server.url, t.owner.client.cookie);
    await emitAck(ownerSocket, 'workspace:subscribe', { workspaceId: t.root._id });
    const types = (s: typeof ownerSocket) => s.received.filter((e) => e.type.startsWith('asset.')).map((e) => e.type);

    const voice = await t.owner.client.post(`/api/workspaces/${t.root._id}/assets`, { kind: 'voice', name: 'Shared voice' });
    await t.owner.client.post(`/api/workspaces/${t.root._id}/assets/${voice.body.id}/shares`, { workspaceIds: [t.target._id, t.sibling._id] });
    await waitFor(() => types(targetSocket).includes('asset.shared'), 'asset.shared in the target');
    expect(targetSocket.received.find((e) => e.type === 'asset.shared')!.data).toMatchObject({ asset: { id: voice.body.id, sharedFrom: { id: t.root._id } } });
    await t.owner.client.request('PATCH', `/api/workspaces/${t.root._id}/assets/${voice.body.id}`, { name: 'Renamed voice' });
    await waitFor(() => types(targetSocket).includes('asset.updated'), 'asset.updated in the target');
    await t.owner.client.request('DELETE', `/api/workspaces/${t.root._id}/assets/${voice.body.id}/shares/${t.target._id}`);
    await waitFor(() => types(targetSocket).includes('asset.unshared'), 'asset.unshared in the target');
    expect(targetSocket.received.find((e) => e.type === 'asset.unshared')!.data).toEqual({ assetId: voice.body.id });
    await t.owner.client.request('DELETE', `/api/workspaces/${t.root._id}/assets/${voice.body.id}`);
    await waitFor(() => types(ownerSocket).includes('asset.deleted'), 'asset.deleted for the owner');
    expect(types(ownerSocket)).toEqual(['asset.created', 'asset.shared', 'asset.updated', 'asset.unshared', 'asset.deleted']);
    // The target no longer had it: no delete event there; the sibling's share went with the asset.
    expect(types(targetSocket)).toEqual(['asset.shared', 'asset.updated', 'asset.unshared']);
    expect(await server.ctx.models.AssetShare.countDocuments({ assetId: voice.body.id })).toBe(0);
    targetSocket.close();
    ownerSocket.close();
  });

  it('deleting a sub-workspace removes what it owned and what was shared into it', async () => {
    const t = await tree();
    const own = await t.owner.client.post(`/api/workspaces/${t.target._id}/assets`, { kind: 'template', name: 'Sub template' });
    await t.owner.client.post(`/api/workspaces/${t.target._id}/assets/${own.body.id}/shares`, { workspaceIds: [t.root._id] });
    const parentAsset = await t.owner.client.post(`/api/workspaces/${t.root._id}/assets`, { kind: 'voice', name: 'Parent voice' });
    await t.owner.client.post(`/api/workspaces/${t.root._id}/assets/${parentAsset.body.id}/shares`, { workspaceIds: [t.target._id] });
    expect((await t.owner.client.request('DELETE', `/api/workspaces/${t.target._id}`)).status).toBe(204);
    expect(await server.ctx.models.Asset.exists({ _id: own.body.id })).toBeNull();
    expect((await t.owner.client.get(`/api/workspaces/${t.root._id}/assets`)).body.items.map((a: { id: string; sharedWith: unknown[] }) => [a.id, a.sharedWith])).toEqual([[parentAsset.body.id, []]]);
  });
});

describe('allocations come from above', () => {
  it("a sub-workspace's own Super Admin cannot raise its avatar slots or switch its API access; an admin above can", async () => {
    const t = await tree();
    const subAdmin = await createUser(server.ctx, server.url, 'SubAdmin');
    await addMembership(server.ctx, t.target, subAdmin.user, 'super_admin', null);
    expect((await subAdmin.client.get(`/api/workspaces/${t.target._id}`)).body.canAllocate).toBe(false);
    expect((await t.owner.client.get(`/api/workspaces/${t.target._id}`)).body.canAllocate).toBe(true);
    const slots = await subAdmin.client.request('PUT', `/api/workspaces/${t.target._id}/avatar-slots`, { avatarSlots: 50 });
    expect(slots.status).toBe(403);
    const api = await subAdmin.client.request('PATCH', `/api/workspaces/${t.target._id}`, { settings: { apiAccess: true } });
    expect(api.status).toBe(403);
    // Other settings of their own workspace stay theirs.
    expect((await subAdmin.client.request('PATCH', `/api/workspaces/${t.target._id}`, { name: 'Renamed by its admin' })).status).toBe(200);
    const stored = (await server.ctx.models.Workspace.findById(t.target._id).lean())!;
    expect([stored.avatarSlots, stored.settings.apiAccess]).toEqual([3, false]);
    expect((await t.owner.client.request('PUT', `/api/workspaces/${t.target._id}/avatar-slots`, { avatarSlots: 6 })).status).toBe(200);
    expect((await t.owner.client.request('PATCH', `/api/workspaces/${t.target._id}`, { settings: { apiAccess: true } })).status).toBe(200);
    // The root decides its own.
    expect((await t.owner.client.request('PUT', `/api/workspaces/${t.root._id}/avatar-slots`, { avatarSlots: 9 })).status).toBe(200);
  });
});
