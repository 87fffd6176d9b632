import { io as ioClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, EventEnvelope } from '../../shared/events.js';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** An HTTP client with its own cookie jar: one per simulated browser. */
export class ApiClient {
  cookie = '';
  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('sid='));
    if (setCookie) {
      const value = setCookie.split(';')[0]!;
      this.cookie = value === 'sid=' ? '' : value;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
}

let counter = 0;
/** A unique email for a test user. */
export const uniqueEmail = (prefix = 'user') => `${prefix}.${Date.now().toString(36)}.${++counter}@example.com`;

/** Signs up a new account through the API and returns its signed-in client. */
export async function signedInClient(baseUrl: string, overrides: { email?: string; name?: string; password?: string } = {}) {
  const client = new ApiClient(baseUrl);
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? 'correct horse battery';
  const res = await client.post('/api/auth/signup', { email, name: overrides.name ?? 'Test User', password });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { client, user: res.body.user as { id: string; email: string; name: string; emailVerified: boolean }, email, password };
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents> & { received: EventEnvelope[] };

/** A real socket.io client carrying a session cookie; it records every `event` it receives. */
export function connectSocket(baseUrl: string, cookie: string, extraHeaders: Record<string, string> = {}): Promise<TestSocket> {
  const socket = ioClient(baseUrl, {
    transports: ['websocket'],
    extraHeaders: { ...(cookie ? { cookie } : {}), ...extraHeaders },
    reconnection: false,
    forceNew: true,
  }) as TestSocket;
  socket.received = [];
  socket.on('event', (e) => socket.received.push(e));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Emits a message and resolves with its acknowledgement. */
export function emitAck<T = any>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return socket.timeout(5000).emitWithAck(event, payload) as Promise<T>;
}

/** Waits until `predicate` holds, polling; fails with `what` after `ms`. */
export async function waitFor(predicate: () => boolean, what: string, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
