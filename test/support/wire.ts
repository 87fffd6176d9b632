import http from 'node:http';
import WebSocket from 'ws';

/**
 * Clients that speak Engine.IO v4 / Socket.IO v5 (and Hocuspocus) by hand,
 * frame by frame, for tests that send what no real client would. Nothing
 * here retries or reconnects: every frame the server sends is recorded, and
 * a close is recorded with its code.
 */

/** A packet the server sent: text as a string, binary as a Buffer. */
export type Frame = string | Buffer;

export class RawWebSocket {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      this.frames.push(isBinary ? data : data.toString('utf8'));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    // A refused or reset socket ends in 'close' as well.
    ws.on('error', () => {});
  }

  /** Opens a WebSocket with the given headers; resolves once it is open (or closed, for a refused upgrade). */
  static open(url: string, headers: Record<string, string> = {}): Promise<RawWebSocket> {
    const raw = new RawWebSocket(new WebSocket(url, { headers, perMessageDeflate: false }));
    return new Promise((resolve) => {
      raw.ws.once('open', () => resolve(raw));
      raw.ws.once('close', () => resolve(raw));
      raw.ws.once('unexpected-response', (_req, res) => {
        raw.closed = { code: res.statusCode ?? 0, reason: 'unexpected-response' };
        res.resume();
        raw.ws.terminate();
        resolve(raw);
      });
    });
  }

  private wake() {
    for (const w of this.waiters) w();
  }

  /** Sends a frame if the socket is still open (a frame to a closed socket is dropped, as by a network). */
  send(frame: Frame, binary = typeof frame !== 'string') {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame, { binary });
  }

  /** Resolves with the first recorded frame (from `from` on) that matches, or null once closed or after `ms`. */
  async until(match: (f: Frame) => boolean, ms = 5000, from = 0): Promise<Frame | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found !== undefined) return found;
      if (this.closed || Date.now() > deadline) return null;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(1, deadline - Date.now()));
        this.waiters.add(wake);
      });
    }
  }

  /** Resolves once the socket is closed (true), or false after `ms`. */
  async untilClosed(ms = 5000) {
    await this.until(() => false, ms);
    return this.closed !== null;
  }

  close() {
    this.ws.terminate();
  }
}

/** The acknowledgement in a Socket.IO frame (`43<id>[...]`), with the id as the server wrote it. */
export function ackOf(frame: Frame): { id: string; args: unknown[] } | null {
  if (typeof frame !== 'string' || !frame.startsWith('43')) return null;
  const open = frame.indexOf('[');
  if (open < 0) return null;
  try {
    return { id: frame.slice(2, open), args: JSON.parse(frame.slice(open)) as unknown[] };
  } catch {
    return null;
  }
}

export const socketIoUrl = (baseUrl: string, transport: 'websocket' | 'polling', extra = '') =>
  `${baseUrl.replace(/^http/, transport === 'websocket' ? 'ws' : 'http')}/socket.io/?EIO=4&transport=${transport}${extra}`;

/**
 * A raw Engine.IO WebSocket that has had its open packet (`0{...}`) and,
 * when `namespace` is set, sent the Socket.IO CONNECT for it and waited for
 * the answer (`40…` let in, `44…` refused). `connected` says which.
 */
export async function openEngineSocket(baseUrl: string, cookie: string, namespace: string | null = '/') {
  const raw = await RawWebSocket.open(socketIoUrl(baseUrl, 'websocket'), cookie ? { cookie } : {});
  const open = await raw.until((f) => typeof f === 'string' && f.startsWith('0{'));
  if (!open) throw new Error(`no Engine.IO open packet (closed: ${JSON.stringify(raw.closed)})`);
  let connected = false;
  if (namespace !== null) {
    raw.send(namespace === '/' ? '40' : `40${namespace},`);
    const answer = await raw.until((f) => typeof f === 'string' && (f.startsWith('40') || f.startsWith('44')));
    connected = typeof answer === 'string' && answer.startsWith('40');
  }
  return Object.assign(raw, { connected });
}

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTP request with exactly these bytes and headers (no cookie jar, no redirects); null when it timed out. */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {}): Promise<RawReply | null> {
  return new Promise((resolve, reject) => {
    let answered = false;
    // Node sends a DELETE's body without a length unless told one: the server would read it as the next request.
    const headers = opts.body !== undefined && !Object.keys(opts.headers ?? {}).some((h) => h.toLowerCase() === 'content-length')
      ? { ...opts.headers, 'content-length': String(Buffer.byteLength(opts.body)) }
      : opts.headers;
    const req = http.request(url, { method: opts.method ?? 'GET', headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve(null);
    }, opts.timeoutMs ?? 5000);
    req.on('error', (err) => {
      // A server may answer (413) and close before the body is all sent: the answer counts.
      if (answered) return;
      clearTimeout(timer);
      // A server that cut the connection answered nothing: said as status 0.
      if (['ECONNRESET', 'EPIPE'].includes((err as NodeJS.ErrnoException).code ?? '')) resolve({ status: 0, headers: {}, body: Buffer.alloc(0) });
      else reject(err);
    });
    req.end(opts.body);
  });
}

/** Engine.IO's separator of packets in one long-polling payload. */
export const RECORD_SEPARATOR = '\x1e';

/** An Engine.IO long-polling session: the handshake's `sid`, and every HTTP status it was answered with. */
export class PollingSession {
  readonly statuses: number[] = [];
  private constructor(
    private readonly baseUrl: string,
    private readonly cookie: string,
    readonly sid: string,
  ) {}

  /** The handshake GET; null when it was refused (its status is in `refused`). */
  static async open(baseUrl: string, cookie: string): Promise<PollingSession | { refused: number }> {
    const res = await rawRequest(socketIoUrl(baseUrl, 'polling'), { headers: cookie ? { cookie } : {} });
    const text = res?.body.toString('utf8') ?? '';
    if (!res || res.status !== 200 || !text.startsWith('0{')) return { refused: res?.status ?? 0 };
    const session = new PollingSession(baseUrl, cookie, (JSON.parse(text.slice(1)) as { sid: string }).sid);
    session.statuses.push(res.status);
    return session;
  }

  private headers(extra: Record<string, string>) {
    return { ...(this.cookie ? { cookie: this.cookie } : {}), ...extra };
  }

  async post(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'text/plain;charset=UTF-8' }, method = 'POST') {
    const res = await rawRequest(socketIoUrl(this.baseUrl, 'polling', `&sid=${encodeURIComponent(this.sid)}`), { method, headers: this.headers(headers), body });
    this.statuses.push(res?.status ?? -1);
    return res;
  }

  /** One long poll: the packets it brought, or null when the session is gone (400) or nothing came within `ms`. */
  async poll(ms = 3000): Promise<string[] | null> {
    const res = await rawRequest(socketIoUrl(this.baseUrl, 'polling', `&sid=${encodeURIComponent(this.sid)}`), { headers: this.headers({}), timeoutMs: ms });
    this.statuses.push(res?.status ?? -1);
    if (!res || res.status !== 200) return null;
    return res.body.toString('utf8').split(RECORD_SEPARATOR);
  }
}
