import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { ApiClient, signedInClient } from '../support/client.js';
import { hashToken } from '../../server/db/ids.js';
import { sweepExpiredSessions } from '../../server/accounts/session.service.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const tokenOf = (client: ApiClient) => client.cookie.slice('sid='.length);

describe('expiry by query and sweep', () => {
  it('an expired session is refused at once and removed; the sweep removes the others, keeping live ones', async () => {
    const expired = await signedInClient(server.url);
    const lingering = await signedInClient(server.url);
    const live = await signedInClient(server.url);
    const past = new Date(Date.now() - 1000);
    for (const c of [expired, lingering]) await server.ctx.models.Session.updateOne({ _id: hashToken(tokenOf(c.client)) }, { $set: { expiresAt: past } });

    const me = await expired.client.get('/api/me');
    expect(me.status).toBe(401);
    expect(await server.ctx.models.Session.exists({ _id: hashToken(tokenOf(expired.client)) })).toBeNull();

    expect(await sweepExpiredSessions(server.ctx)).toBe(1);
    expect(await server.ctx.models.Session.exists({ _id: hashToken(tokenOf(lingering.client)) })).toBeNull();
    expect((await live.client.get('/api/me')).status).toBe(200);
  });

  it('events older than the retention period are swept; a cursor pointing at a swept event asks for a resync', async () => {
    const ws = 'sweepws000000000000000000';
    const old = await server.ctx.publisher.toWorkspace(ws, 'members', { type: 'workspace.updated', actorId: null, data: { workspaceId: ws } });
    const recent = await server.ctx.publisher.toWorkspace(ws, 'members', { type: 'workspace.updated', actorId: null, data: { workspaceId: ws } });
    await server.ctx.models.Event.updateOne({ _id: old.id }, { $set: { at: new Date(Date.now() - 40 * 86_400_000) } });
    expect(await server.ctx.publisher.sweep(30)).toBe(1);
    expect(await server.ctx.models.Event.exists({ _id: old.id })).toBeNull();
    expect(await server.ctx.models.Event.exists({ _id: recent.id })).not.toBeNull();
    expect(await server.ctx.publisher.replay(`workspace:${ws}`, old.id, () => true)).toEqual({ missed: [], resync: true });
    expect(await server.ctx.publisher.replay(`workspace:${ws}`, recent.id, () => true)).toEqual({ missed: [], resync: false });
  });
});
