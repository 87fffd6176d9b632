import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCommands, freshDatabase, startTestServer } from '../support/server.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { createApiKey, PublicApiClient, setApiAccess } from '../support/api-keys.js';
import { hashSecret } from '../../server/api-keys/api-key-secret.js';

/**
 * A key stops working at once on every node: revoked, its workspace's API
 * access turned off, or its workspace deleted through node A, the very next
 * call on node B — which answered the key from its own memory just before —
 * is refused.
 */
const ROUNDS = 10;

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

/** Calls `/workspace` on node B until B resolves the key from its cache alone (no read of keys or workspaces). */
async function warmOnB(secret: string) {
  const api = new PublicApiClient(b.url, secret);
  expect((await api.get('/workspace')).status).toBe(200);
  // The first call records the key's use (once a minute), which invalidates the cached key: let that land, then refill.
  await expect.poll(async () => (await b.ctx.models.ApiKey.findOne({ secretHash: hashSecret(secret) }).lean())?.lastUsedAt ?? null).not.toBeNull();
  await new Promise((r) => setTimeout(r, 50));
  expect((await api.get('/workspace')).status).toBe(200);
  const commands = countCommands(b);
  try {
    expect((await api.get('/workspace')).status).toBe(200);
    expect(commands.commands.filter((c) => /api_keys|"workspaces"/.test(c)), 'node B answered the key from memory').toEqual([]);
  } finally {
    commands.stop();
  }
}

async function setup(name: string) {
  const owner = await createUser(a.ctx, a.url, 'Owner');
  const ws = await createWorkspace(a.ctx, owner.user._id, [], name);
  await setApiAccess(owner.client, ws, true);
  return { owner, ws };
}

const refusedOn = async (node: { url: string }, secret: string) => {
  const res = await new PublicApiClient(node.url, secret).get('/workspace');
  return [res.status, res.body.error?.code];
};

describe('API keys on two nodes', () => {
  it('a key revoked through node A gets 401 on both nodes at the very next call, round after round', async () => {
    const { owner, ws } = await setup('Revoked Co');
    for (let round = 0; round < ROUNDS; round++) {
      const { key, secret } = await createApiKey(owner.client, ws, `Round ${round}`);
      await warmOnB(secret);
      expect((await new PublicApiClient(a.url, secret).get('/workspace')).status).toBe(200);
      expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/api-keys/${key.id}`)).status).toBe(204);
      expect(await refusedOn(b, secret), `round ${round}: node B`).toEqual([401, 'unauthenticated']);
      expect(await refusedOn(a, secret), `round ${round}: node A`).toEqual([401, 'unauthenticated']);
    }
  });

  it('turning API access off through node A refuses the workspace’s keys on node B at the very next call', async () => {
    const { owner, ws } = await setup('Switched Co');
    const { secret } = await createApiKey(owner.client, ws, 'Switched');
    for (let round = 0; round < ROUNDS; round++) {
      await warmOnB(secret);
      await setApiAccess(owner.client, ws, false);
      expect(await refusedOn(b, secret), `round ${round}: node B`).toEqual([401, 'unauthenticated']);
      await setApiAccess(owner.client, ws, true);
    }
  });

  it('deleting the workspace through node A refuses its keys on node B at the very next call', async () => {
    const { owner, ws } = await setup('Deleted Co');
    const { secret } = await createApiKey(owner.client, ws, 'Deleted');
    await warmOnB(secret);
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}`)).status).toBe(204);
    expect(await refusedOn(b, secret)).toEqual([401, 'unauthenticated']);
    expect(await refusedOn(a, secret)).toEqual([401, 'unauthenticated']);
  });
});
