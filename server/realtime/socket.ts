import type { Server as HttpServer } from 'node:http';
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

export function createSocketServer(ctx: AppContext, http: HttpServer, redis: RedisClientType | null): AppServer {
  const io: AppServer = new Server(http, {
    maxHttpBufferSize: 1_000_000,
    serveClient: false,
    // A foreign page cannot open a socket with the user's cookie.
    allowRequest: (req, callback) => {
      callback(null, isOwnRequest(ctx, req));
    },
    ...(redis ? { adapter: createAdapter(redis) } : {}),
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

  io.on('connection', (socket) => {
    void socket.join([rooms.user(socket.data.userId), rooms.session(socket.data.sessionId)]);
    workspaceHandlers(ctx, socket);
  });

  return io;
}
