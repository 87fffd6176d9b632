import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { ApiClient, connectSocket, emitAck, signedInClient, waitFor } from '../support/client.js';
import { createWorkspace } from '../support/factories.js';
import { MAX_REPLAY } from '../../server/realtime/publisher.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const publish = (workspaceId: string, audience: 'members' | 'admins', n: number) =>
  server.ctx.publisher.toWorkspace(workspaceId, audience, { type: 'workspace.updated', actorId: null, data: { n } as never });

describe('socket authentication', () => {
  it('refuses a connection without a valid session with connect_error "unauthenticated"', async () => {
    await expect(connectSocket(server.url, '')).rejects.toThrow('unauthenticated');
    await expect(connectSocket(server.url, 'sid=not-a-real-token')).rejects.toThrow('unauthenticated');
  });

  it('refuses a handshake from a foreign Origin even with a valid cookie', async () => {
    const { client } = await signedInClient(server.url);
    await expect(connectSocket(server.url, client.cookie, { origin: 'https://evil.example' })).rejects.toThrow();
    const same = await connectSocket(server.url, client.cookie, { origin: server.url });
    expect(same.connected).toBe(true);
    same.close();
  });

  it('puts every socket in its user room: an event for the user reaches all of their tabs and nobody else', async () => {
    const alice = await signedInClient(server.url);
    const bob = await signedInClient(server.url);
    const tab1 = await connectSocket(server.url, alice.client.cookie);
    const tab2 = await connectSocket(server.url, alice.client.cookie);
    const other = await connectSocket(server.url, bob.client.cookie);
    const sent = await server.ctx.publisher.toUser(alice.user.id, { type: 'notification.created', actorId: null, data: { text: 'hi' } as never });
    await waitFor(() => tab1.received.length === 1 && tab2.received.length === 1, 'both tabs to receive');
    expect(tab1.received[0]).toEqual(sent);
    expect(sent).toEqual({ id: expect.stringMatching(/^user:/), type: 'notification.created', workspaceId: null, actorId: null, at: expect.any(String), data: { text: 'hi' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(other.received).toEqual([]);
    [tab1, tab2, other].forEach((s) => s.close());
  });

  it('sign-out disconnects the live sockets of that session, and the cookie cannot reconnect', async () => {
    const { client } = await signedInClient(server.url);
    const cookie = client.cookie;
    const socket = await connectSocket(server.url, cookie);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expect(await disconnected).toBe('io server disconnect');
    await expect(connectSocket(server.url, cookie)).rejects.toThrow('unauthenticated');
  });
});

describe('workspace:subscribe', () => {
  it('joins members to the workspace feed and only Super Admins to the admin feed', async () => {
    const owner = await signedInClient(server.url);
    const viewer = await signedInClient(server.url);
    const ws = await createWorkspace(server.ctx, owner.user.id, [{ userId: viewer.user.id, role: 'viewer' }]);
    const a = await connectSocket(server.url, owner.client.cookie);
    const v = await connectSocket(server.url, viewer.client.cookie);
    const cursor = await server.ctx.publisher.cursorOf(`workspace:${ws}`);
    expect(cursor).toMatch(new RegExp(`^workspace:${ws}:\\d{12}$`));
    // Where each starts in the stream: the counts of each audience up to the cursor (shared/event-order.ts).
    const position = (await server.ctx.publisher.positionAt(`workspace:${ws}`, cursor))!;
    expect(position).toEqual({ members: expect.any(Number), admins: expect.any(Number), apiKeys: expect.any(Number) });
    expect(await emitAck(a, 'workspace:subscribe', { workspaceId: ws })).toEqual({ ok: true, missed: [], resync: false, cursor, audiences: ['members', 'admins', 'apiKeys'], position });
    expect(await emitAck(v, 'workspace:subscribe', { workspaceId: ws })).toEqual({ ok: true, missed: [], resync: false, cursor, audiences: ['members'], position });

    const forAll = await publish(ws, 'members', 1);
    const forAdmins = await publish(ws, 'admins', 2);
    await waitFor(() => a.received.length === 2 && v.received.length === 1, 'deliveries');
    expect(a.received.map((e) => e.id)).toEqual([forAll.id, forAdmins.id]);
    expect(v.received.map((e) => e.id)).toEqual([forAll.id]);
    expect(forAll.workspaceId).toBe(ws);
    // Each counted event says how many of each audience came before it: the viewer knows event 2 is not one of its own.
    expect(a.received.map((e) => e.order)).toEqual([
      { audience: 'members', before: position },
      { audience: 'admins', before: { ...position, members: position.members + 1 } },
    ]);
    a.close();
    v.close();
  });

  it('answers not_found for a workspace the user is not in, whether or not it exists, and delivers none of its events', async () => {
    const owner = await signedInClient(server.url);
    const stranger = await signedInClient(server.url);
    const ws = await createWorkspace(server.ctx, owner.user.id);
    const s = await connectSocket(server.url, stranger.client.cookie);
    const existing = await emitAck(s, 'workspace:subscribe', { workspaceId: ws });
    const missing = await emitAck(s, 'workspace:subscribe', { workspaceId: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(existing).toEqual({ ok: false, error: { code: 'not_found', message: 'Workspace not found' } });
    expect(missing).toEqual(existing);
    await publish(ws, 'members', 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(s.received).toEqual([]);
    s.close();
  });

  it('replays what a reconnecting client missed since its last event id, without admin events for non-admins', async () => {
    const owner = await signedInClient(server.url);
    const creator = await signedInClient(server.url);
    const ws = await createWorkspace(server.ctx, owner.user.id, [{ userId: creator.user.id, role: 'creator' }]);
    const first = await publish(ws, 'members', 1);

    const s1 = await connectSocket(server.url, creator.client.cookie);
    const ack = await emitAck(s1, 'workspace:subscribe', { workspaceId: ws });
    expect(ack.cursor).toBe(first.id);
    s1.close();

    const m2 = await publish(ws, 'members', 2);
    await publish(ws, 'admins', 3);
    const m4 = await publish(ws, 'members', 4);

    const s2 = await connectSocket(server.url, creator.client.cookie);
    const replay = await emitAck(s2, 'workspace:subscribe', { workspaceId: ws, since: ack.cursor });
    expect(replay.ok).toBe(true);
    expect(replay.resync).toBe(false);
    expect(replay.missed).toEqual([m2, m4]);
    expect(replay.cursor).toBe(m4.id.replace(/\d+$/, (d: string) => String(Number(d)).padStart(d.length, '0')));

    const o = await connectSocket(server.url, owner.client.cookie);
    const adminReplay = await emitAck(o, 'workspace:subscribe', { workspaceId: ws, since: first.id });
    expect(adminReplay.missed.map((e: { data: { n: number } }) => e.data.n)).toEqual([2, 3, 4]);
    s2.close();
    o.close();
  });

  it('asks for a resync when the cursor is foreign, ahead of the stream or too far behind', async () => {
    const owner = await signedInClient(server.url);
    const ws = await createWorkspace(server.ctx, owner.user.id);
    const other = await createWorkspace(server.ctx, owner.user.id);
    const foreign = await publish(other, 'members', 1);
    const s = await connectSocket(server.url, owner.client.cookie);
    const a = await emitAck(s, 'workspace:subscribe', { workspaceId: ws, since: foreign.id });
    expect(a).toMatchObject({ ok: true, missed: [], resync: true });
    const ahead = await emitAck(s, 'workspace:subscribe', { workspaceId: ws, since: `workspace:${ws}:000000000099` });
    expect(ahead).toMatchObject({ ok: true, missed: [], resync: true });

    const start = await publish(ws, 'members', 0);
    for (let i = 0; i < MAX_REPLAY + 1; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => publish(ws, 'members', i + j + 1)));
    const far = await emitAck(s, 'workspace:subscribe', { workspaceId: ws, since: start.id });
    expect(far).toMatchObject({ ok: true, missed: [], resync: true });
    s.close();
  });

  it('numbers 60 parallel events of one stream consecutively with no gap or duplicate, delivered in that order', async () => {
    const owner = await signedInClient(server.url);
    const ws = await createWorkspace(server.ctx, owner.user.id);
    const s = await connectSocket(server.url, owner.client.cookie);
    const { cursor } = await emitAck(s, 'workspace:subscribe', { workspaceId: ws });
    const base = Number(cursor.split(':').pop());
    const sent = await Promise.all(Array.from({ length: 60 }, (_, i) => publish(ws, 'members', i)));
    const seqs = sent.map((e) => Number(e.id.split(':').pop())).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => base + i + 1));
    await waitFor(() => s.received.length === 60, '60 deliveries');
    const ids = s.received.map((e) => e.id);
    expect(ids).toEqual([...ids].sort());
    expect(await server.ctx.models.Event.countDocuments({ stream: `workspace:${ws}` })).toBe(base + 60);
    s.close();
  });

  it('answers bad payloads with validation_failed and keeps serving', async () => {
    const { client } = await signedInClient(server.url);
    const s = await connectSocket(server.url, client.cookie);
    const bad = [undefined, null, 42, 'x', [], {}, { workspaceId: 5 }, { workspaceId: { $ne: null } }, { workspaceId: 'a'.repeat(65) }, { workspaceId: 'abc', extra: 1 }, { workspaceId: 'abc', since: 'x'.repeat(200) }];
    for (const payload of bad) {
      const ack = await emitAck(s, 'workspace:subscribe', payload);
      expect(ack.ok).toBe(false);
      expect(ack.error.code).toBe('validation_failed');
    }
    // No ack function at all: the server must not crash.
    const raw = s as unknown as { emit: (...args: unknown[]) => void };
    raw.emit('workspace:subscribe', { workspaceId: 5 });
    raw.emit('workspace:subscribe');
    raw.emit('no-such-message', { a: 1 });
    const still = await emitAck(s, 'workspace:unsubscribe', { workspaceId: 'abc' });
    expect(still).toEqual({ ok: true });
    expect((await new ApiClient(server.url).get('/healthz')).status).toBe(200);
    s.close();
  });

  it('refuses a message over the 1 MB buffer limit by closing that socket only', async () => {
    const { client } = await signedInClient(server.url);
    const big = await connectSocket(server.url, client.cookie);
    const closed = new Promise((resolve) => big.once('disconnect', resolve));
    (big as unknown as { emit: (...args: unknown[]) => void }).emit('workspace:subscribe', { workspaceId: 'x'.repeat(1_100_000) });
    await closed;
    const fine = await connectSocket(server.url, client.cookie);
    expect(fine.connected).toBe(true);
    fine.close();
  });
});
