import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { mongoUriFor, freshDatabase } from '../support/server.js';
import { ApiClient } from '../support/client.js';

const lines: Array<Record<string, any>> = [];
let server: RunningServer;
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SEED_DEMO: 'false' });
  server = await startServer(config, { mongoUri: mongoUriFor(freshDatabase()), log: pino({ level: 'info' }, sink), webHandler: null });
});
afterAll(() => server?.close());

describe('the request log', () => {
  it('writes one JSON line per API request with its id (also sent back), method, path, status and duration; health probes stay quiet', async () => {
    const client = new ApiClient(server.url);
    const res = await client.get('/api/me');
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await client.get('/healthz');
    const forwarded = await client.get('/api/openapi.json', { 'x-request-id': 'from-the-proxy-1234' });
    expect(forwarded.headers.get('x-request-id')).toBe('from-the-proxy-1234');
    await new Promise((r) => setTimeout(r, 50));
    const me = lines.find((l) => l.req?.id === id)!;
    expect(me).toMatchObject({ level: 30, req: { id, method: 'GET', url: '/api/me' }, res: { status: 401 }, responseTime: expect.any(Number), msg: expect.stringMatching(/^GET \/api\/me 401 \d+ ms$/) });
    expect(lines.some((l) => l.req?.id === 'from-the-proxy-1234' && l.res?.status === 200)).toBe(true);
    expect(lines.some((l) => l.req?.url === '/healthz')).toBe(false);
    // A hostile id is not echoed.
    const hostile = await client.get('/api/me', { 'x-request-id': '<script>alert(1)</script>' });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
