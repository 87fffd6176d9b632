import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { connectSocket, emitAck, waitFor } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';
import type { Role } from '../../shared/schemas/auth.js';
import { addMembership } from '../../server/workspaces/member.service.js';
import { createSubworkspace } from '../../server/commands/create-subworkspace.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_SEATS: '50' } });
});
afterAll(() => server?.close());

const ROLES: Role[] = ['super_admin', 'developer', 'creator', 'viewer'];
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** A fresh account where the actor has `role`, with a second member, a sub-workspace and a spare account to add. */
async function world(role: Role) {
  const owner = await createUser(server.ctx, server.url, 'Owner');
  const actor = await createUser(server.ctx, server.url, 'Actor');
  const other = await createUser(server.ctx, server.url, 'Other');
  const spare = await createUser(server.ctx, server.url, 'Spare');
  const ws = await createWorkspace(server.ctx, owner.user._id, [{ userId: other.user._id, role: 'viewer' }]);
  const root = (await server.ctx.models.Workspace.findById(ws).lean())!;
  await addMembership(server.ctx, root, actor.user, role, null);
  const { workspace: sub } = await createSubworkspace(server.ctx, root, owner.user, { name: 'Sub', billingMode: 'inherited', apiAccess: false, members: [] });
  await addMembership(server.ctx, sub, actor.user, role, null);
  return { owner, actor, other, spare, ws, sub: sub._id };
}

type World = Awaited<ReturnType<typeof world>>;

const ACTIONS: Array<{ name: string; allowed: Role[]; run: (w: World) => Promise<{ status: number }>; ok: number }> = [
  { name: 'view the workspace', allowed: ROLES, ok: 200, run: (w) => w.actor.client.get(`/api/workspaces/${w.ws}`) },
  { name: 'list members', allowed: ROLES, ok: 200, run: (w) => w.actor.client.get(`/api/workspaces/${w.ws}/members`) },
  { name: 'rename the workspace', allowed: ['super_admin'], ok: 200, run: (w) => w.actor.client.request('PATCH', `/api/workspaces/${w.ws}`, { name: 'Renamed' }) },
  {
    name: 'upload the workspace image',
    allowed: ['super_admin'],
    ok: 200,
    run: (w) => {
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'logo.png');
      return fetch(`${server.url}/api/workspaces/${w.ws}/image`, { method: 'POST', body: form, headers: { cookie: w.actor.client.cookie } });
    },
  },
  { name: 'list sub-workspaces', allowed: ['super_admin'], ok: 200, run: (w) => w.actor.client.get(`/api/workspaces/${w.ws}/subworkspaces`) },
  { name: 'create a sub-workspace', allowed: ['super_admin'], ok: 201, run: (w) => w.actor.client.post(`/api/workspaces/${w.ws}/subworkspaces`, { name: 'New', billingMode: 'inherited', apiAccess: false }) },
  { name: 'delete a sub-workspace', allowed: ['super_admin'], ok: 204, run: (w) => w.actor.client.request('DELETE', `/api/workspaces/${w.sub}`) },
  { name: 'add seats', allowed: ['super_admin'], ok: 200, run: (w) => w.actor.client.post(`/api/workspaces/${w.ws}/seats`, { add: 2 }) },
  { name: 'add a member', allowed: ['super_admin'], ok: 201, run: (w) => w.actor.client.post(`/api/workspaces/${w.ws}/members`, { email: w.spare.email, role: 'creator' }) },
  { name: 'change a role', allowed: ['super_admin'], ok: 200, run: (w) => w.actor.client.request('PATCH', `/api/workspaces/${w.ws}/members/${w.other.user._id}`, { role: 'creator' }) },
  { name: 'remove a member', allowed: ['super_admin'], ok: 204, run: (w) => w.actor.client.request('DELETE', `/api/workspaces/${w.ws}/members/${w.other.user._id}`) },
  { name: 'read the audit log', allowed: ['super_admin'], ok: 200, run: (w) => w.actor.client.get(`/api/workspaces/${w.ws}/audit`) },
  { name: 'export the audit log', allowed: ['super_admin'], ok: 200, run: (w) => w.actor.client.get(`/api/workspaces/${w.ws}/audit.csv`) },
  { name: 'leave', allowed: ROLES, ok: 204, run: (w) => w.actor.client.post(`/api/workspaces/${w.ws}/leave`) },
  // Only the owner transfers ownership: a second Super Admin cannot.
  { name: 'transfer ownership', allowed: [], ok: 200, run: (w) => w.actor.client.post(`/api/workspaces/${w.ws}/transfer-ownership`, { userId: w.other.user._id }) },
];

describe('the permission matrix over REST', () => {
  for (const action of ACTIONS) {
    for (const role of ROLES) {
      const allowed = action.allowed.includes(role);
      it(`${role} ${allowed ? 'may' : 'may not'} ${action.name}`, async () => {
        const w = await world(role);
        const res = await action.run(w);
        expect(res.status).toBe(allowed ? action.ok : 403);
      });
    }
  }

  it('the owner may transfer ownership', async () => {
    const w = await world('viewer');
    const res = await w.owner.client.post(`/api/workspaces/${w.ws}/transfer-ownership`, { userId: w.other.user._id });
    expect(res.status).toBe(200);
  });
});

describe('the permission matrix over sockets', () => {
  for (const role of ROLES) {
    it(`${role} subscribes and gets member events; admin-only events only if Super Admin`, async () => {
      const w = await world(role);
      const socket = await connectSocket(server.url, w.actor.client.cookie);
      expect((await emitAck(socket, 'workspace:subscribe', { workspaceId: w.ws })).ok).toBe(true);
      // Adding seats: `seats.purchased` (admins only) then `seats.updated` (every member).
      expect((await w.owner.client.post(`/api/workspaces/${w.ws}/seats`, { add: 1 })).status).toBe(200);
      await waitFor(() => socket.received.some((e) => e.type === 'seats.updated'), 'seats.updated');
      const adminOnly = socket.received.filter((e) => e.type === 'seats.purchased');
      expect(adminOnly.length).toBe(role === 'super_admin' ? 1 : 0);
      socket.close();
    });
  }
});
