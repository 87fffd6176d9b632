import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { connectSocket, emitAck } from '../support/client.js';
import { createUser, createWorkspace, addMember } from '../support/factories.js';
import { createSubworkspace } from '../../server/commands/create-subworkspace.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('tenant isolation', () => {
  it("a Super Admin of account A gets the same 404 for every id of account B as for ids that do not exist, and sees none of B's events", async () => {
    const a = await createUser(server.ctx, server.url, 'AdminA');
    const b = await createUser(server.ctx, server.url, 'AdminB');
    const bMember = await createUser(server.ctx, server.url, 'MemberB');
    const wsA = await createWorkspace(server.ctx, a.user._id);
    const wsB = await createWorkspace(server.ctx, b.user._id, [{ userId: bMember.user._id, role: 'creator' }]);
    const rootB = (await server.ctx.models.Workspace.findById(wsB).lean())!;
    const { workspace: subB } = await createSubworkspace(server.ctx, rootB, b.user, { name: 'B sub', billingMode: 'inherited', apiAccess: false, members: [] });
    void wsA;

    const missing = 'ffffffffffffffffffffffff';
    for (const id of [wsB, subB._id, missing]) {
      const calls: Array<[string, string, unknown?]> = [
        ['GET', `/api/workspaces/${id}`],
        ['PATCH', `/api/workspaces/${id}`, { name: 'Hijacked' }],
        ['DELETE', `/api/workspaces/${id}`],
        ['GET', `/api/workspaces/${id}/image`],
        ['GET', `/api/workspaces/${id}/subworkspaces`],
        ['POST', `/api/workspaces/${id}/subworkspaces`, { name: 'Intruder', billingMode: 'inherited', apiAccess: false }],
        ['POST', `/api/workspaces/${id}/seats`, { add: 5 }],
        ['GET', `/api/workspaces/${id}/members`],
        ['GET', `/api/workspaces/${id}/members/${bMember.user._id}`],
        ['POST', `/api/workspaces/${id}/members`, { email: a.email, role: 'super_admin' }],
        ['PATCH', `/api/workspaces/${id}/members/${bMember.user._id}`, { role: 'viewer' }],
        ['DELETE', `/api/workspaces/${id}/members/${bMember.user._id}`],
        ['POST', `/api/workspaces/${id}/leave`],
        ['POST', `/api/workspaces/${id}/transfer-ownership`, { userId: a.user._id }],
        ['GET', `/api/workspaces/${id}/audit`],
        ['GET', `/api/workspaces/${id}/audit.csv`],
      ];
      for (const [method, path, body] of calls) {
        const res = await a.client.request(method, path, body);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body, `${method} ${path}`).toEqual({ error: { code: 'not_found', message: 'Workspace not found' } });
      }
    }
    // Nothing of B changed.
    expect((await server.ctx.models.Workspace.findById(wsB).lean())!.name).toBe('Test Workspace');
    expect(await server.ctx.models.Membership.exists({ _id: `${wsB}:${a.user._id}` })).toBeNull();
    expect((await server.ctx.models.Membership.findById(`${wsB}:${bMember.user._id}`).lean())!.role).toBe('creator');
    expect(await server.ctx.models.Workspace.countDocuments({ name: 'Intruder' })).toBe(0);

    const socket = await connectSocket(server.url, a.client.cookie);
    for (const id of [wsB, subB._id]) {
      expect(await emitAck(socket, 'workspace:subscribe', { workspaceId: id })).toEqual({ ok: false, error: { code: 'not_found', message: 'Workspace not found' } });
    }
    await b.client.request('PATCH', `/api/workspaces/${wsB}`, { name: 'B renamed' });
    await b.client.post(`/api/workspaces/${wsB}/seats`, { add: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(socket.received).toEqual([]);
    socket.close();
  });

  it('a member of a sub-workspace only is not let into its parent or siblings', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const subOnly = await createUser(server.ctx, server.url, 'SubOnly');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const root = (await server.ctx.models.Workspace.findById(ws).lean())!;
    const { workspace: mine } = await createSubworkspace(server.ctx, root, owner.user, { name: 'Mine', billingMode: 'inherited', apiAccess: false, members: [] });
    const { workspace: sibling } = await createSubworkspace(server.ctx, root, owner.user, { name: 'Sibling', billingMode: 'inherited', apiAccess: false, members: [] });
    await addMember(server.ctx, mine._id, subOnly.user, 'super_admin');
    expect((await subOnly.client.get(`/api/workspaces/${mine._id}`)).status).toBe(200);
    expect((await subOnly.client.get(`/api/workspaces/${ws}`)).status).toBe(404);
    expect((await subOnly.client.get(`/api/workspaces/${sibling._id}`)).status).toBe(404);
    expect((await subOnly.client.request('DELETE', `/api/workspaces/${sibling._id}`)).status).toBe(404);
  });
});
