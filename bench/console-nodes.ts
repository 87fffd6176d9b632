import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { io as ioClient, type Socket } from 'socket.io-client';
import { loadConfig } from '../server/config.js';
import { startServer, type RunningServer } from '../server/server.js';
import { createSession } from '../server/accounts/session.service.js';
import { createWorkspace } from '../test/support/factories.js';
import type { Ack, ClientToServerEvents, ServerToClientEvents, SubscribeResult } from '../shared/events.js';
import { mapLimit } from './limit.js';

import { WireClient } from './wire-client.js';

/** The subscribers' client: the real `socket.io-client`, or a bare `ws` speaking its frames (as cheap per message as the baseline's clients). */
export type ClientKind = 'wire' | 'socket.io';
export type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents> | WireClient;

/** Starts one console node on a free loopback port, silent, without the web app. */
export function startConsoleNode(mongoUri: string, redisUrl?: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    // The audience is one workspace of N members: give its pool room for all of them.
    DEFAULT_SEATS: '100000',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...env,
  });
  return startServer(config, { mongoUri, log: pino({ level: 'silent' }), webHandler: null });
}

/**
 * The audience of the fan-out: N people, each a Super Admin of one workspace
 * and each with a session of their own. Written straight to the database
 * (no password hashing), like the test factories do.
 */
export async function seedAudience(node: RunningServer, n: number) {
  const { User } = node.ctx.models;
  const stamp = Date.now().toString(36);
  const users = await User.insertMany(
    Array.from({ length: n + 1 }, (_, i) => ({ email: `bench.${stamp}.${i}@example.com`, name: `Bench ${i}`, passwordHash: 'x' })),
  );
  const [owner, ...members] = users.map((u) => String(u._id));
  const workspaceId = await createWorkspace(
    node.ctx,
    owner!,
    members.map((userId) => ({ userId, role: 'super_admin' as const })),
    'Fan-out bench',
  );
  const tokens = await mapLimit(members, 20, async (userId) => (await createSession(node.ctx, userId, {})).token);
  return { workspaceId, tokens };
}

/** Connects one authenticated socket per token and subscribes each to the workspace feed. */
export async function connectSubscribers(
  url: string,
  tokens: readonly string[],
  workspaceId: string,
  onEvent: (socket: BenchSocket, seq: number) => void,
  kind: ClientKind = 'wire',
): Promise<BenchSocket[]> {
  const sockets: BenchSocket[] = [];
  try {
    await mapLimit(tokens, 50, async (token) => {
      let ack: Ack<SubscribeResult>;
      if (kind === 'wire') {
        const client: WireClient = new WireClient(url, `sid=${token}`, (name, envelope) => {
          if (name === 'event') onEvent(client, (envelope as { data: { seq: number } }).data.seq);
        });
        sockets.push(client);
        await client.open();
        ack = (await client.emitWithAck('workspace:subscribe', { workspaceId })) as Ack<SubscribeResult>;
      } else {
        const socket: BenchSocket = ioClient(url, {
          transports: ['websocket'],
          extraHeaders: { cookie: `sid=${token}` },
          reconnection: false,
          forceNew: true,
        });
        sockets.push(socket);
        socket.on('event', (envelope) => onEvent(socket, (envelope.data as { seq: number }).seq));
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        ack = (await socket.timeout(10_000).emitWithAck('workspace:subscribe', { workspaceId })) as Ack<SubscribeResult>;
      }
      if (!ack.ok) throw new Error(`workspace:subscribe refused: ${ack.error.code}`);
    });
  } catch (err) {
    closeSockets(sockets);
    throw err;
  }
  return sockets;
}

export function closeSockets(sockets: readonly BenchSocket[]) {
  for (const socket of sockets) socket.close();
}

/**
 * Marks, on the round being measured, when a node's adapter is handed the
 * broadcast (`<name>:stored` — the publisher has written the event by then)
 * and when it starts and ends writing to its local sockets
 * (`<name>:send-start`, `<name>:send-end`). Both adapters write locally in
 * one synchronous `apply` pass; with Redis the sending node first appends to
 * the stream, the other nodes apply it when their stream read returns.
 */
export function instrumentNode(node: RunningServer, name: string, mark: (stage: string, at?: number) => void) {
  // `apply` is private in the adapter's typings: the bench reaches in on purpose.
  const adapter = node.io.of('/').adapter as unknown as {
    broadcast(packet: unknown, opts: unknown): unknown;
    apply(opts: unknown, callback: (socket: unknown) => void): void;
  };
  const broadcast = adapter.broadcast.bind(adapter);
  const apply = adapter.apply.bind(adapter);
  adapter.broadcast = (packet, opts) => {
    mark(`${name}:stored`);
    return broadcast(packet, opts);
  };
  adapter.apply = (opts, callback) => {
    mark(`${name}:send-start`);
    apply(opts, callback);
    mark(`${name}:send-end`, performance.now());
  };
}
