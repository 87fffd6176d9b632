import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { grantId } from '../../server/content/item.model.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_SEATS: '20' } });
});
afterAll(() => server?.close());

describe('content when people and workspaces go', () => {
  it('drops the grants of someone removed, so coming back revives nothing', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const creator = await createUser(server.ctx, server.url, 'Creator');
    const ws = await createWorkspace(server.ctx, owner.user._id, [{ userId: creator.user._id, role: 'creator' }]);
    const draft = (await owner.client.post(`/api/workspaces/${ws}/items`, { kind: 'draft', name: 'Plan' })).body;
    await server.ctx.models.Grant.create({ _id: grantId(draft.id, creator.user._id), itemId: draft.id, userId: creator.user._id, workspaceId: ws, role: 'edit', expiresAt: null, grantedBy: owner.user._id, at: new Date() });
    expect((await creator.client.get(`/api/workspaces/${ws}/items/${draft.id}`)).status).toBe(200);

    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/members/${creator.user._id}`)).status).toBe(204);
    expect(await server.ctx.models.Grant.countDocuments({ workspaceId: ws, userId: creator.user._id })).toBe(0);
    // The draft itself stays, with its owner.
    expect((await owner.client.get(`/api/workspaces/${ws}/items/${draft.id}`)).status).toBe(200);
  });

  it('deletes a deleted sub-workspace’s whole content tree, its grants and access requests', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const creator = await createUser(server.ctx, server.url, 'Creator');
    const root = await createWorkspace(server.ctx, owner.user._id, [{ userId: creator.user._id, role: 'creator' }], 'Root');
    const sub = (await owner.client.post(`/api/workspaces/${root}/subworkspaces`, { name: 'Team', billingMode: 'inherited', apiAccess: false })).body;
    const keep = (await owner.client.post(`/api/workspaces/${root}/items`, { kind: 'folder', name: 'Kept' })).body;
    const folder = (await owner.client.post(`/api/workspaces/${sub.id}/items`, { kind: 'folder', name: 'Campaign' })).body;
    const draft = (await owner.client.post(`/api/workspaces/${sub.id}/items`, { kind: 'draft', name: 'Script', parentId: folder.id })).body;
    await server.ctx.models.Grant.create({ _id: grantId(draft.id, creator.user._id), itemId: draft.id, userId: creator.user._id, workspaceId: sub.id, role: 'view', expiresAt: null, grantedBy: owner.user._id, at: new Date() });
    await server.ctx.models.AccessRequest.create({ _id: `${folder.id}:${creator.user._id}:1`, itemId: folder.id, workspaceId: sub.id, requesterId: creator.user._id, role: 'view', message: null, status: 'pending', decidedBy: null, createdAt: new Date(), decidedAt: null });

    expect((await owner.client.request('DELETE', `/api/workspaces/${sub.id}`)).status).toBe(204);
    const left = async (model: 'Item' | 'Grant' | 'AccessRequest') => (server.ctx.models[model] as typeof server.ctx.models.Item).countDocuments({ workspaceId: sub.id });
    expect([await left('Item'), await left('Grant'), await left('AccessRequest')]).toEqual([0, 0, 0]);
    expect((await owner.client.get(`/api/workspaces/${root}/items/${keep.id}`)).status).toBe(200);
  });
});
