import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Connection, Hocuspocus, type Extension } from '@hocuspocus/server';
import { Redis as RedisExtension } from '@hocuspocus/extension-redis';
import IORedis from 'ioredis';
import type { AppContext } from '../context.js';
import { authenticateToken } from '../accounts/session.service.js';
import { sessionTokenOf } from '../http/auth.middleware.js';
import { isOwnRequest } from '../http/origin.js';
import { sharingOf } from '../cache/tags.js';
import { CollabDocumentNameSchema } from '../../shared/schemas/content.js';
import { collabAccessOf } from './collab-access.js';
import { CollabRoom, type CollabContext } from './collab-room.js';
import { colorOf, MAX_PRESENCE_CLIENTS, sanitizeAwareness, type PresenceUser } from './presence.js';
import { guardSocket, MAX_MESSAGE_BYTES } from './socket-guard.js';
import { onSharingChanged } from '../sharing/sharing.service.js';

/**
 * Co-editing of the share dialog (API.md, "Co-editing the sharing settings"):
 * Hocuspocus on the console's own port at `/collab` (Socket.IO keeps
 * `/socket.io`), one document `item:<itemId>` per item.
 * - Let in: a signed-in session (the `sid` cookie, or its value as the
 *   provider's token) that can see the item; read-only without `manage`.
 *   Anything else is refused like a missing item.
 * - The database is the authority: see CollabRoom.
 * - A change to sharing by any path, or to a membership or session, reaches
 *   the open documents of every node through the cache's invalidations
 *   (Redis), which re-check their connections and rebuild from the database.
 * - With Redis, the documents of all nodes are kept in step by Hocuspocus'
 *   Redis extension.
 */

export interface CollabServer {
  hocuspocus: Hocuspocus;
  /** Ends every co-editing connection at once and stops; documents are not kept anywhere but the database. */
  close(): void;
}

/** How often open documents are re-checked anyway (grants that ran out, moves): a backstop to the invalidations. */
const RECHECK_EVERY_MS = 30_000;
const PATH = '/collab';

/** A refusal the client is told (`permission-denied` with this reason); an empty message keeps Hocuspocus from logging it. */
/**
 * The Redis extension keeps the nodes' copies of a document in step. Its
 * store lock is for servers that persist the Yjs document; here the sharing
 * service stores every change, so there is nothing to lock.
 */
class CollabRedis extends RedisExtension {
  override async onStoreDocument() {}
  override async afterStoreDocument() {}
}

const refusal = (reason: 'not-found' | 'unauthenticated' | 'unavailable') => Object.assign(new Error(''), { reason });

export function createCollabServer(ctx: AppContext, http: HttpServer): CollabServer {
  const rooms = new Map<string, CollabRoom>();
  /** Who each socket is signed in as, per document it was let into. */
  const identities = new WeakMap<IncomingMessage, Map<string, PresenceUser>>();

  const extensions: Extension[] = [];
  const redisClients: IORedis[] = [];
  if (ctx.config.REDIS_URL) {
    const url = ctx.config.REDIS_URL;
    extensions.push(
      new CollabRedis({
        prefix: `console:collab:${ctx.conn.name}`,
        createClient: () => {
          const client = new IORedis(url, { maxRetriesPerRequest: null });
          client.on('error', (err: Error) => ctx.log.debug({ err }, 'co-editing redis error'));
          redisClients.push(client);
          return client;
        },
      }),
    );
  }

  const hocuspocus = new Hocuspocus({
    name: 'console-collab',
    quiet: true,
    extensions,

    async onAuthenticate({ documentName, token, requestHeaders, connectionConfig, request }) {
      if (!CollabDocumentNameSchema.safeParse(documentName).success) throw refusal('not-found');
      if (!ctx.database.up) throw refusal('unavailable');
      const auth = await authenticateToken(ctx, token || sessionTokenOf(requestHeaders.cookie));
      if (!auth) throw refusal('unauthenticated');
      const itemId = documentName.slice('item:'.length);
      const access = await collabAccessOf(ctx, itemId, auth.user._id).catch((err: unknown) => {
        ctx.log.error({ err }, 'co-editing authentication failed');
        throw refusal('unavailable');
      });
      if (!access) throw refusal('not-found');
      connectionConfig.readOnly = !access.item.manage;
      const user: PresenceUser = { id: auth.user._id, name: auth.user.name, color: colorOf(auth.user._id) };
      let byDocument = identities.get(request);
      if (!byDocument) identities.set(request, (byDocument = new Map()));
      byDocument.set(documentName, user);
      const context: CollabContext = { userId: auth.user._id, sessionId: auth.session._id, itemId, user, access };
      return context;
    },

    async onLoadDocument({ document, documentName, context }) {
      const room = new CollabRoom(ctx, document, documentName.slice('item:'.length));
      await room.load(context as CollabContext);
      rooms.get(documentName)?.close();
      rooms.set(documentName, room);
    },

    async connected({ context }) {
      // The access was needed once, to build the document; afterwards it is re-read each time.
      delete (context as CollabContext).access;
    },

    async onChange({ documentName, transactionOrigin }) {
      // Only a client's own change is stored (not the server's write-back, not another node's copy over Redis).
      if (transactionOrigin instanceof Connection && !transactionOrigin.readOnly) rooms.get(documentName)?.changed(transactionOrigin);
    },

    async afterUnloadDocument({ documentName }) {
      rooms.get(documentName)?.close();
      rooms.delete(documentName);
    },
  });

  /** Presence in the server's words; a client may speak only for awareness clients no other connection holds. */
  const presence = (ws: WebSocket, request: IncomingMessage, documentName: string, update: Uint8Array) => {
    const user = identities.get(request)?.get(documentName);
    if (!user) return update;
    const document = hocuspocus.documents.get(documentName);
    return sanitizeAwareness(update, user, (clientId) => {
      if (!document) return true;
      for (const [socket, entry] of document.connections) {
        if (socket === ws) {
          if (!entry.clients.has(clientId) && entry.clients.size >= MAX_PRESENCE_CLIENTS) return false;
        } else if (entry.clients.has(clientId)) return false;
      }
      return true;
    });
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/\/$/, '');
    if (path !== PATH) return;
    // A foreign page cannot open co-editing with the user's cookie.
    if (!isOwnRequest(ctx, request)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      // A frame over the limit or a malformed one makes `ws` emit 'error' before it drops the socket: unheard, it would end the process.
      ws.on('error', (err) => ctx.log.debug({ err }, 'co-editing socket error'));
      guardSocket(ws, { presence: (s, name, update) => presence(s, request, name, update) });
      hocuspocus.handleConnection(ws, request);
    });
  };
  http.on('upgrade', onUpgrade);

  const refreshWhere = (test: (room: CollabRoom) => boolean) => {
    for (const room of rooms.values()) if (test(room)) room.refresh();
  };
  const stopListening = ctx.cache.onInvalidate((tags) => {
    for (const tag of tags) {
      const at = tag.indexOf(':');
      const kind = tag.slice(0, at);
      const id = tag.slice(at + 1);
      if (kind === 'sharing') rooms.get(`item:${id}`)?.refresh();
      else if (kind === 'membership') refreshWhere((room) => id === '*' || room.hasUser(id.slice(id.indexOf(':') + 1)));
      else if (kind === 'workspace') refreshWhere(() => true);
      else if (kind === 'session') refreshWhere((room) => id === '*' || room.hasSession(id));
    }
  });
  // The sharing service says when sharing changed; every node hears it as an invalidation.
  const stopHearing = onSharingChanged((_workspaceId, itemId) => {
    void ctx.cache.invalidate([sharingOf(itemId)], { confirmed: false }).catch(() => {});
  });
  const recheck = setInterval(() => refreshWhere(() => true), RECHECK_EVERY_MS);
  recheck.unref();

  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(recheck);
    stopListening();
    stopHearing();
    http.off('upgrade', onUpgrade);
    for (const room of rooms.values()) room.close();
    // Providers reconnect by themselves, to another node when there is one.
    for (const ws of wss.clients) ws.terminate();
    hocuspocus.closeConnections();
    wss.close();
    for (const client of redisClients) client.disconnect();
  };

  return { hocuspocus, close };
}
