import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { defaultFerretBinary } from '../../server/db/ferretdb.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { checksStalled } from '../../server/db/health.js';
import { ApiClient, connectSocket, signedInClient } from '../support/client.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wsc-outage-'));
const stateLines: string[] = [];
let db: EmbeddedDatabase;
let server: RunningServer;
beforeAll(async () => {
  // A wide first delay keeps the outage open long enough to look at it, however loaded the machine.
  db = await startEmbeddedDatabase({
    ferretBinary: process.env.FERRETDB_BIN ?? defaultFerretBinary(),
    dataDir: dir,
    ephemeral: true,
    onStateChange: (line) => stateLines.push(line),
    restartDelaysMs: [3000, 500],
  });
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEMO: 'false' });
  server = await startServer(config, { mongoUri: db.uri, embedded: db, log: pino({ level: 'silent' }), webHandler: null });
});
afterAll(async () => {
  await server?.close();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const until = async (what: string, check: () => Promise<boolean>, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('the embedded database dies', () => {
  beforeEach(() => {
    stateLines.length = 0;
  });

  it('is noticed (readyz 503, one log line), requests get 503 unavailable at once (no hang, no 500), and it is restarted; then everything works again', async () => {
    const { client } = await signedInClient(server.url);
    const ws = (await client.post('/api/workspaces', { name: 'Before the outage' })).body.id as string;
    expect((await new ApiClient(server.url).get('/readyz')).status).toBe(200);

    const pid = db.pid!;
    process.kill(pid, 'SIGKILL');
    await until('the outage to be noticed', async () => !db.running, 2000);
    const ready = await new ApiClient(server.url).get('/readyz');
    expect(ready.status).toBe(503);
    const started = Date.now();
    const during = await client.get(`/api/workspaces/${ws}`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(during.status).toBe(503);
    expect(during.body.error).toEqual({ code: 'unavailable', message: 'The database is not reachable right now. Try again in a moment.' });
    expect(during.headers.get('retry-after')).toBe('5');
    await expect(connectSocket(server.url, client.cookie)).rejects.toThrow('unavailable');

    await until('the restart', async () => db.running && db.pid !== pid && (await new ApiClient(server.url).get('/readyz')).status === 200);
    expect(stateLines).toEqual([expect.stringMatching(/^The embedded database stopped unexpectedly \(signal SIGKILL\); restarting it\./), 'The embedded database is back.']);
    await until('the API to answer again', async () => (await client.get(`/api/workspaces/${ws}`)).status === 200);
    expect((await client.get(`/api/workspaces/${ws}`)).body.name).toBe('Before the outage');
    expect((await client.request('PATCH', `/api/workspaces/${ws}`, { name: 'After the outage' })).status).toBe(200);
    const socket = await connectSocket(server.url, client.cookie);
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('an event whose storing failed with the database gone asks its rooms to catch up once the database is back, from when it began', async () => {
    const { client, user } = await signedInClient(server.url);
    const ws = (await client.post('/api/workspaces', { name: 'Unsure pushes' })).body.id as string;
    const socket = await connectSocket(server.url, client.cookie);
    const checks: unknown[] = [];
    socket.on('streams:check', (hint) => checks.push(hint));

    const pid = db.pid!;
    process.kill(pid, 'SIGKILL');
    await until('the outage to be noticed', async () => !db.running, 2000);
    const began = Date.now();
    // A content event for this person: stored or not, nobody can tell, so nobody was pushed it.
    await expect(server.ctx.publisher.toItemViewers(ws, { [user.id]: {} }, { type: 'item.created', actorId: user.id, data: { item: { id: 'x' } } } as never)).rejects.toThrow();
    expect(checks).toEqual([]);

    await until('the restart', async () => db.running && db.pid !== pid && (await new ApiClient(server.url).get('/readyz')).status === 200);
    await until('the catch-up request', async () => checks.length > 0, 10_000);
    expect(checks).toHaveLength(1);
    const from = Date.parse((checks[0] as { from: string }).from);
    expect(from).toBeGreaterThanOrEqual(began - 5);
    expect(from).toBeLessThanOrEqual(began + 1000);
    socket.close();
  }, 60_000);

  it('comes back even when the driver stops checking the server during the outage, and readiness follows the database, not the driver’s state', async () => {
    const { client } = await signedInClient(server.url);
    const ws = (await client.post('/api/workspaces', { name: 'Watched' })).body.id as string;
    const pid = db.pid!;
    process.kill(pid, 'SIGKILL');
    await until('the outage to be noticed', async () => !db.running, 2000);
    await until('the driver to see it', async () => !server.ctx.database.up, 10_000);
    // The failure seen once in the fault harness, made on purpose: the server monitor checks no more.
    const topology = (server.ctx.conn.getClient() as unknown as { topology: { s: { servers: Map<string, { monitor: { monitorId?: { stop(): void } } }> } } }).topology;
    for (const s of topology.s.servers.values()) s.monitor.monitorId?.stop();
    await until('the restart', async () => db.running && db.pid !== pid, 30_000);
    // Mongoose's readyState stays "disconnected" here although the driver serves: /readyz must ping instead.
    await until('the node to serve again', async () => (await client.get(`/api/workspaces/${ws}`)).status === 200, 30_000);
    expect((await new ApiClient(server.url).get('/readyz')).status).toBe(200);
    expect(server.ctx.database.up).toBe(true);
    expect((await client.request('PATCH', `/api/workspaces/${ws}`, { name: 'Watched, again' })).status).toBe(200);
  }, 60_000);

  it('survives its PostgreSQL server dying the same way: 503 while it is away, restarted, and no data lost', async () => {
    expect(db.backend).toBe('postgresql');
    const { client } = await signedInClient(server.url);
    const ws = (await client.post('/api/workspaces', { name: 'Kept in PostgreSQL' })).body.id as string;
    await until('a healthy start', async () => (await new ApiClient(server.url).get('/readyz')).status === 200);

    const pid = db.postgres!.pid!;
    process.kill(pid, 'SIGKILL');
    await until('the outage to be noticed', async () => !db.running, 2000);
    expect((await new ApiClient(server.url).get('/readyz')).status).toBe(503);
    const during = await client.get(`/api/workspaces/${ws}`);
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('unavailable');

    await until('the restart', async () => db.running && db.postgres!.pid !== pid, 30_000);
    expect(stateLines).toEqual([
      expect.stringMatching(/^The embedded PostgreSQL server stopped unexpectedly \(signal SIGKILL\); restarting it\./),
      'The embedded PostgreSQL server is back.',
    ]);
    await until('the API to answer again', async () => (await client.get(`/api/workspaces/${ws}`)).status === 200);
    expect((await client.get(`/api/workspaces/${ws}`)).body.name).toBe('Kept in PostgreSQL');
    expect((await client.request('PATCH', `/api/workspaces/${ws}`, { name: 'Still in PostgreSQL' })).status).toBe(200);
  }, 60_000);
});

describe('the database watchdog', () => {
  it('calls the driver stalled when no server check began for 10 s, or one has run for 20 s, and not before', () => {
    const t = 1_000_000;
    expect(checksStalled({ checkSince: null, lastCheckEnd: t }, t + 2_000)).toBe(false);
    expect(checksStalled({ checkSince: null, lastCheckEnd: t }, t + 10_000)).toBe(false);
    expect(checksStalled({ checkSince: null, lastCheckEnd: t }, t + 10_001)).toBe(true);
    // A check under way (a connection attempt within its 10 s connect timeout) is not a stall.
    expect(checksStalled({ checkSince: t, lastCheckEnd: t - 60_000 }, t + 15_000)).toBe(false);
    expect(checksStalled({ checkSince: t, lastCheckEnd: t - 60_000 }, t + 20_001)).toBe(true);
  });
});
