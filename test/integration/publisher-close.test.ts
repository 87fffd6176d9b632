import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, signedInClient } from '../support/client.js';
import { startTestServer } from '../support/server.js';
import type { RunningServer } from '../../server/server.js';

/**
 * A node shutting down must not store an event it can no longer push: its
 * sockets and adapter are about to close, and a content event leaves no
 * hole for anyone to notice. So publishing under way finishes (pushed), and
 * new publishing is refused, before the sockets go.
 */
let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('the publisher of a node that is closing', () => {
  it('pushes what it was publishing, then refuses new events with 503 unavailable and stores nothing', async () => {
    const { client, user } = await signedInClient(server.url);
    const ws = (await client.post('/api/workspaces', { name: 'Closing' })).body.id as string;
    const socket = await connectSocket(server.url, client.cookie);
    const input = (id: string) => ({ type: 'item.created', actorId: user.id, data: { item: { id } } }) as never;

    const underWay = server.ctx.publisher.toItemViewers(ws, { [user.id]: {} }, input('first'));
    await server.ctx.publisher.close(5000);
    const first = await underWay;
    await expect.poll(() => socket.received.map((e) => e.id)).toContain(first.id);

    await expect(server.ctx.publisher.toItemViewers(ws, { [user.id]: {} }, input('second'))).rejects.toMatchObject({ code: 'unavailable', status: 503 });
    const stored = await server.ctx.models.Event.find({ stream: `workspace:${ws}`, type: 'item.created' }).lean();
    expect(stored.map((e) => (e.data as { item: { id: string } }).item.id)).toEqual(['first']);
    socket.close();
  });
});
