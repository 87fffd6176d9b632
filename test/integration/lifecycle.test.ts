import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/db/free-port.js';
import { startFerretDb } from '../../server/db/ferretdb.js';
import { ApiClient, connectSocket, signedInClient } from '../support/client.js';
import { freshDatabase, mongoUriFor } from '../support/server.js';
import { runMain } from '../support/process.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'wsc-life-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the console process', () => {
  it('starts with its own embedded FerretDB, seeds a demo account it prints, honours PORT and PUBLIC_URL, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const proc = runMain({ PORT: String(port), PUBLIC_URL: publicUrl, DATA_DIR: tempDir(), NODE_ENV: 'development', SEED_DEMO: 'true', MONGODB_URI: '', DRAIN_DELAY_MS: '200' });
    try {
      await proc.waitForOutput(new RegExp(`running at ${publicUrl.replace(/[.:/]/g, '\\$&')}`), 60_000);
      const [, email, password] = await proc.waitForOutput(/email:\s+(\S+)\s+password:\s+(\S+)/);
      expect((await new ApiClient(publicUrl).get('/healthz')).body).toEqual({ status: 'ok' });
      expect((await new ApiClient(publicUrl).get('/readyz')).status).toBe(200);

      const owner = new ApiClient(publicUrl);
      expect((await owner.post('/api/auth/login', { email, password })).status).toBe(200);
      const me = await owner.get('/api/me');
      const names = me.body.memberships.map((m: { workspace: { name: string }; role: string }) => [m.workspace.name, m.role]);
      expect(names).toEqual([
        ['Acme (agency client)', 'super_admin'],
        ['Demo Studio', 'super_admin'],
        ['Marketing', 'super_admin'],
      ]);

      const socket = await connectSocket(publicUrl, owner.cookie);
      const socketClosed = new Promise((resolve) => socket.once('disconnect', resolve));
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      await socketClosed;
    } finally {
      proc.child.kill('SIGKILL');
    }
  }, 90_000);

  it('drains on SIGTERM: readiness fails at once, a request in flight finishes, sockets are told to go, new connections are refused, and it exits 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = runMain({ PORT: String(port), NODE_ENV: 'production', SEED_DEMO: 'false', MONGODB_URI: mongoUriFor(freshDatabase()), DRAIN_DELAY_MS: '1000', DRAIN_TIMEOUT_MS: '8000' });
    try {
      await proc.waitForOutput(/running at/);
      const { client } = await signedInClient(url);
      const socket = await connectSocket(url, client.cookie);
      const told = new Promise<[string, number]>((resolve) => socket.once('disconnect', (reason) => resolve([reason, Date.now()])));
      // A sign-in whose body is still arriving when the signal comes: it is in flight all through the drain's first second.
      const body = JSON.stringify({ email: 'nobody@example.com', password: 'wrong-password-1' });
      const inFlight = new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
        const req = http.request(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, body: text, connection: res.headers.connection }));
        });
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => req.end(body.slice(10)), 1800);
      });
      await new Promise((r) => setTimeout(r, 100));
      const signalled = Date.now();
      proc.child.kill('SIGTERM');
      // Readiness fails at once; the node still serves while the load balancer catches up.
      let ready = 200;
      while (ready === 200 && Date.now() - signalled < 500) ready = (await new ApiClient(url).get('/readyz')).status;
      expect(ready).toBe(503);
      const during = await new ApiClient(url).get('/healthz');
      expect(during.status).toBe(200);
      expect(during.headers.get('connection')).toBe('close');
      const [reason, at] = await told;
      expect(reason).toBe('io server disconnect');
      expect(at - signalled).toBeGreaterThanOrEqual(1000);
      // After the delay no new connection is taken.
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      const finished = await inFlight;
      expect(finished.status).toBe(401);
      expect(JSON.parse(finished.body).error.code).toBe('invalid_credentials');
      expect(await proc.exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
    } finally {
      proc.child.kill('SIGKILL');
    }
  }, 60_000);

  it('never seeds in production', async () => {
    const port = await freePort();
    const proc = runMain({ PORT: String(port), NODE_ENV: 'production', SEED_DEMO: 'true', MONGODB_URI: mongoUriFor(freshDatabase()) });
    try {
      await proc.waitForOutput(/running at/);
      expect(proc.output()).not.toMatch(/password:/);
      proc.child.kill('SIGINT');
      expect(await proc.exited).toBe(0);
    } finally {
      proc.child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses to start on a bad setting, naming the variable', async () => {
    const proc = runMain({ PORT: 'eighty', MONGODB_URI: mongoUriFor(freshDatabase()) });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/PORT/);
  });

  it('says what to install or set when there is neither a database URI nor the FerretDB binary', async () => {
    const proc = runMain({ MONGODB_URI: '', FERRETDB_BIN: '/nonexistent/ferretdb', PORT: String(await freePort()) });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/FerretDB is not installed at \/nonexistent\/ferretdb\. Run "npm run setup" \(needs Go\) or set MONGODB_URI/);
  });
});

describe('readiness', () => {
  it('answers 503 on /readyz once the database is gone, while /healthz stays 200', async () => {
    const db = await startFerretDb({ binary: process.env.FERRETDB_BIN ?? '.tools/bin/ferretdb', dataDir: tempDir() });
    const { startServer } = await import('../../server/server.js');
    const { loadConfig } = await import('../../server/config.js');
    const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), { mongoUri: db.uri, webHandler: null, log: (await import('pino')).pino({ level: 'silent' }) });
    try {
      expect((await new ApiClient(server.url).get('/readyz')).status).toBe(200);
      await db.stop();
      const res = await new ApiClient(server.url).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'database unreachable' });
      expect((await new ApiClient(server.url).get('/healthz')).status).toBe(200);
    } finally {
      await server.close();
    }
  }, 30_000);
});

