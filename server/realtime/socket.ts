import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { RedisClientType } from 'redis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { AppContext } from '../context.js';
import { authenticateToken } from '../accounts/session.service.js';
import { sessionTokenOf } from '../http/auth.middleware.js';
import { isOwnRequest } from '../http/origin.js';
import { rooms } from './publisher.js';
import type { AppServer } from './socket-types.js';
import { workspaceHandlers } from './workspace.handlers.js';

/**
 * A client that stops reading (a frozen tab, a dead network) misses its
 * pings: it is dropped PING_INTERVAL_MS + PING_TIMEOUT_MS after its last
 * pong at the latest. One that reads too slowly for what it is sent is
 * dropped once MAX_QUEUED_PACKETS wait for it. Either way its reconnection
 * replays what it missed, and nobody else waits for it: writes to a socket
 * never block the node.
 */
const PING_INTERVAL_MS = 10_000;
const PING_TIMEOUT_MS = 10_000;
const MAX_QUEUED_PACKETS = 1000;
const QUEUE_CHECK_MS = 2000;

export function createSocketServer(ctx: AppContext, http: HttpServer, redis: RedisClientType | null): AppServer {
  const io: AppServer = new Server(http, {
    maxHttpBufferSize: 1_000_000,
    pingInterval: PING_INTERVAL_MS,
    pingTimeout: PING_TIMEOUT_MS,
    serveClient: false,
    // A foreign page cannot open a socket with the user's cookie.
    allowRequest: (req, callback) => {
      callback(null, isOwnRequest(ctx, req));
    },
    ...(redis ? { adapter: createAdapter(redis) } : {}),
  });

  // Long-polling is GET and POST only: Engine.IO answers a request of another method on a live session with a 500.
  io.engine.use((req: IncomingMessage, _res: unknown, next: (err?: Error) => void) => {
    next(req.method === 'GET' || req.method === 'POST' ? undefined : new Error('method not allowed'));
  });

  // Every connection, including a reconnection, is authenticated with the session cookie.
  io.use(async (socket, next) => {
    if (!ctx.database.up) return next(new Error('unavailable'));
    try {
      const auth = await authenticateToken(ctx, sessionTokenOf(socket.handshake.headers.cookie));
      if (!auth) return next(new Error('unauthenticated'));
      socket.data = { userId: auth.user._id, sessionId: auth.session._id };
      next();
    } catch (err) {
      ctx.log.error({ err }, 'socket authentication failed');
      next(new Error('unavailable'));
    }
  });

  const queues = setInterval(() => {
    for (const socket of io.of('/').sockets.values()) {
      const queued = (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
      if (queued > MAX_QUEUED_PACKETS) {
        ctx.log.warn({ queued, userId: socket.data.userId }, 'dropping a socket that does not keep up');
        socket.disconnect(true);
      }
    }
  }, QUEUE_CHECK_MS);
  queues.unref();
  io.engine.on('close', () => clearInterval(queues));

  io.on('connection', (socket) => {
    void socket.join([rooms.user(socket.data.userId), rooms.session(socket.data.sessionId)]);
    workspaceHandlers(ctx, socket);
  });

  return io;
}
