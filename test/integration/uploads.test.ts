import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { createUser, createWorkspace } from '../support/factories.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const BOUNDARY = 'xBoundaryx';
const head = (field = 'image') => Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`);
const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

/** Sends `body` as it is, with the headers given, and resolves with the status and JSON body. */
function send(path: string, cookie: string, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method: 'POST', headers: { cookie, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(body.length), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Declares a body longer than what it sends, then goes away mid-upload. */
function abortMidway(path: string, cookie: string): Promise<void> {
  const { port } = new URL(server.url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: 100000\r\n\r\n`);
      socket.write(Buffer.concat([head(), PNG]));
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 100);
    });
  });
}

describe('uploads a client breaks on purpose', () => {
  it('answers a truncated, aborted, malformed or oversized upload to either upload route with a 4xx and stays up', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const kit = await owner.client.post(`/api/workspaces/${ws}/assets`, { kind: 'brand_kit', name: 'Kit' });
    const routes = [`/api/workspaces/${ws}/image`, `/api/workspaces/${ws}/assets/${kit.body.id}/logo`];
    const cookie = owner.client.cookie;
    for (const path of routes) {
      // PNG magic bytes, then the end of the body: no closing boundary.
      const truncated = await send(path, cookie, Buffer.concat([head(), PNG]));
      expect(truncated.status, path).toBe(400);
      expect(truncated.body.error).toEqual({ code: 'validation_failed', message: 'The upload ended before the whole file arrived. Try again.', details: [{ path: 'image', message: 'The upload ended before the whole file arrived. Try again.' }] });

      await abortMidway(path, cookie);

      const notMultipart = await send(path, cookie, Buffer.from('{"image":"x"}'), { 'content-type': 'application/json' });
      expect(notMultipart.status).toBe(400);
      expect(notMultipart.body.error.code).toBe('validation_failed');
      const garbage = await send(path, cookie, Buffer.from('this is not multipart at all'));
      expect(garbage.status).toBe(400);
      const wrongField = await send(path, cookie, Buffer.concat([head('picture'), PNG, tail]));
      expect(wrongField.status).toBe(400);

      const big = Buffer.concat([head(), PNG, Buffer.alloc(2 * 1024 * 1024 + 10), tail]);
      const tooLarge = await send(path, cookie, big);
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.error).toEqual({ code: 'too_large', message: 'The file must be 2 MB or smaller' });
      // Declared too large: refused before reading it.
      const declared = await send(path, cookie, Buffer.concat([head(), PNG, tail]), { 'content-length': String(50 * 1024 * 1024) }).catch(() => ({ status: 413, body: null }));
      expect(declared.status).toBe(413);
    }
    // Still up, nothing was stored, and a sound upload works.
    expect(await server.ctx.models.StoredImage.countDocuments({})).toBe(0);
    const ok = await send(routes[0]!, cookie, Buffer.concat([head(), PNG, tail]));
    expect(ok.status).toBe(200);
    expect(ok.body.imageUrl).toMatch(new RegExp(`^/api/workspaces/${ws}/image\\?v=[0-9a-f]{16}$`));
    expect((await owner.client.get(`/api/workspaces/${ws}`)).status).toBe(200);
  });
});
