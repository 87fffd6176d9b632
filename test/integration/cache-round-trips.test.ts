import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCommands, startTestServer } from '../support/server.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';
import type { ApiClient } from '../support/client.js';

/**
 * Database round trips of permission-checked reads, counted as the commands
 * the driver sends: warm, a read costs at most one (its own list query),
 * and none when everything it needs is cached.
 */
describe.each([
  { setup: 'one node', redis: false },
  { setup: 'a node with Redis (invalidations from other nodes)', redis: true },
])('round trips of a warm permission-checked read, $setup', ({ redis }) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ redis, monitorCommands: true, env: { DEFAULT_SEATS: '50' } });
  });
  afterAll(() => server?.close());

  /** The commands each of `times` warm reads of `path` sends, after two reads to warm up. */
  async function roundTrips(client: ApiClient, path: string, times = 10) {
    for (let i = 0; i < 2; i++) expect((await client.get(path)).status).toBe(200);
    const counted = countCommands(server);
    const perRead: string[][] = [];
    try {
      for (let i = 0; i < times; i++) {
        counted.reset();
        expect((await client.get(path)).status).toBe(200);
        perRead.push(counted.commands);
      }
    } finally {
      counted.stop();
    }
    return perRead;
  }

  it('GET /api/workspaces/:id makes no round trip when warm: as its owner, as a Viewer, and as a Super Admin of the workspace above', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const viewer = await createUser(server.ctx, server.url, 'Viewer');
    const above = await createUser(server.ctx, server.url, 'Admin Above');
    const ws = await createWorkspace(server.ctx, owner.user._id, [{ userId: viewer.user._id, role: 'viewer' }, { userId: above.user._id, role: 'super_admin' }]);
    const sub = (await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Team', billingMode: 'inherited', apiAccess: false })).body.id as string;
    await addMember(server.ctx, sub, viewer.user, 'viewer');

    const cold = countCommands(server);
    expect((await above.client.get(`/api/workspaces/${sub}`)).body).toMatchObject({ role: 'super_admin', seats: { used: 3 }, memberCount: 2 });
    cold.stop();
    expect(cold.count, 'a cold read goes to the database').toBeGreaterThan(1);

    for (const [client, path] of [
      [owner.client, `/api/workspaces/${ws}`],
      [viewer.client, `/api/workspaces/${ws}`],
      [viewer.client, `/api/workspaces/${sub}`],
      [above.client, `/api/workspaces/${sub}`],
    ] as const) {
      const perRead = await roundTrips(client, path);
      for (const commands of perRead) expect(commands.length, `${path}: ${commands.join(', ')}`).toBeLessThanOrEqual(1);
      expect(perRead.flat(), `${path}: every warm read answered from memory`).toEqual([]);
    }
  });

  it('a page of members makes no round trip when warm; the sub-workspace list only its own query', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const people = await Promise.all(Array.from({ length: 20 }, (_, i) => createUser(server.ctx, server.url, `Member ${i}`)));
    const ws = await createWorkspace(server.ctx, owner.user._id, people.map((p) => ({ userId: p.user._id, role: 'creator' as const })));
    await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'One', billingMode: 'inherited', apiAccess: false });

    const members = await roundTrips(owner.client, `/api/workspaces/${ws}/members?limit=20`);
    expect(members.flat()).toEqual([]);
    const subworkspaces = await roundTrips(owner.client, `/api/workspaces/${ws}/subworkspaces`);
    for (const commands of subworkspaces) expect(commands.map((c) => c.split(' ')[0])).toEqual(['find']);
  });
});
