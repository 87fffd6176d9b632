import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCommands, freshDatabase, startTestServer } from '../support/server.js';
import { ApiClient } from '../support/client.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';
import { createSession } from '../../server/accounts/session.service.js';

/**
 * Revocation stays immediate with warm caches on several nodes: whatever is
 * taken away through node A is refused by node B at the very next request,
 * round after round, while node B answers that same request from memory
 * (no database command) just before.
 */
const ROUNDS = 25;

let a: Awaited<ReturnType<typeof startTestServer>>;
let b: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  const database = freshDatabase();
  a = await startTestServer({ database, redis: true });
  b = await startTestServer({ database, redis: true, monitorCommands: true });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

/** The same browser (cookie) talking to another node. */
function onNode(node: { url: string }, client: ApiClient) {
  const other = new ApiClient(node.url);
  other.cookie = client.cookie;
  return other;
}

/** Reads `path` on node B twice: the second answer must come from B's cache alone. */
async function warm(client: ApiClient, path: string) {
  expect((await client.get(path)).status, `${path} before the change`).toBe(200);
  const commands = countCommands(b);
  try {
    expect((await client.get(path)).status, `${path} again`).toBe(200);
    expect(commands.commands, `${path} answered by node B from memory`).toEqual([]);
  } finally {
    commands.stop();
  }
}

describe('revocation with warm caches on two nodes', () => {
  it('a member removed on node A gets 404 on node B at the very next request, for the workspace and for a sub-workspace reached through it', async () => {
    const owner = await createUser(a.ctx, a.url, 'Owner');
    const member = await createUser(a.ctx, a.url, 'Removed');
    const ws = await createWorkspace(a.ctx, owner.user._id, [], 'Revocation Co');
    const sub = (await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Below', billingMode: 'inherited', apiAccess: false })).body.id as string;
    const memberOnB = onNode(b, member.client);
    for (let round = 0; round < ROUNDS; round++) {
      // Odd rounds: a Super Admin, who also reaches the sub-workspace through this one.
      const admin = round % 2 === 1;
      await addMember(a.ctx, ws, member.user, admin ? 'super_admin' : 'creator');
      await warm(memberOnB, `/api/workspaces/${ws}`);
      if (admin) await warm(memberOnB, `/api/workspaces/${sub}`);
      await warm(memberOnB, `/api/workspaces/${ws}/members?limit=5`);

      expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/members/${member.user._id}`)).status).toBe(204);
      expect((await memberOnB.get(`/api/workspaces/${ws}`)).status, `round ${round}: the workspace on node B`).toBe(404);
      expect((await memberOnB.get(`/api/workspaces/${sub}`)).status, `round ${round}: the sub-workspace on node B`).toBe(404);
      expect((await memberOnB.get(`/api/workspaces/${ws}/members?limit=5`)).status, `round ${round}: its members on node B`).toBe(404);
    }
  });

  it('a Super Admin lowered to Viewer on node A gets 403 for an admin action on node B at the very next request, and back', async () => {
    const owner = await createUser(a.ctx, a.url, 'Owner');
    const member = await createUser(a.ctx, a.url, 'Lowered');
    const ws = await createWorkspace(a.ctx, owner.user._id, [{ userId: member.user._id, role: 'super_admin' }], 'Demotion Co');
    const memberOnB = onNode(b, member.client);
    const setRole = (role: string) => owner.client.request('PATCH', `/api/workspaces/${ws}/members/${member.user._id}`, { role });
    for (let round = 0; round < ROUNDS; round++) {
      await warm(memberOnB, `/api/workspaces/${ws}`);
      expect((await memberOnB.get(`/api/workspaces/${ws}`)).body.role).toBe('super_admin');
      expect((await memberOnB.get(`/api/workspaces/${ws}/subworkspaces`)).status).toBe(200);

      expect((await setRole('viewer')).status).toBe(200);
      expect((await memberOnB.get(`/api/workspaces/${ws}/subworkspaces`)).status, `round ${round}: an admin action on node B`).toBe(403);
      const view = await memberOnB.get(`/api/workspaces/${ws}`);
      expect([view.status, view.body.role], `round ${round}: the role node B shows`).toEqual([200, 'viewer']);

      await warm(memberOnB, `/api/workspaces/${ws}`);
      expect((await setRole('super_admin')).status).toBe(200);
      expect((await memberOnB.get(`/api/workspaces/${ws}/subworkspaces`)).status, `round ${round}: raised again`).toBe(200);
    }
  });

  it('a session signed out on node A gets 401 on node B at the very next request', async () => {
    const owner = await createUser(a.ctx, a.url, 'Owner');
    const ws = await createWorkspace(a.ctx, owner.user._id, [], 'Sign-out Co');
    for (let round = 0; round < ROUNDS; round++) {
      const { token } = await createSession(a.ctx, owner.user._id, {});
      const onA = new ApiClient(a.url);
      onA.cookie = `sid=${token}`;
      const onB = onNode(b, onA);
      await warm(onB, `/api/workspaces/${ws}`);
      expect((await onB.get('/api/notifications')).status).toBe(200);

      expect((await onA.post('/api/auth/logout')).status).toBe(204);
      expect((await onB.get(`/api/workspaces/${ws}`)).status, `round ${round}: node B after sign-out`).toBe(401);
      expect((await onB.get('/api/notifications')).status).toBe(401);
    }
    // The owner's other session is untouched.
    expect((await onNode(b, owner.client).get(`/api/workspaces/${ws}`)).status).toBe(200);
  });
});
