import WebSocket from 'ws';
import * as Y from 'yjs';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import type { AppContext } from '../../server/context.js';
import { newId } from '../../server/db/ids.js';
import type { GeneralAccess, ItemKind } from '../../shared/schemas/content.js';

/** An item made straight in the database (setup for tests about sharing, not about content routes). */
export async function createItem(ctx: AppContext, workspaceId: string, ownerId: string, opts: { name?: string; kind?: ItemKind; general?: GeneralAccess; parentId?: string | null } = {}) {
  const now = new Date();
  const name = opts.name ?? 'Launch script';
  const parent = opts.parentId ? await ctx.models.Item.findById(opts.parentId).lean() : null;
  const item = await ctx.models.Item.create({
    _id: newId(),
    workspaceId,
    kind: opts.kind ?? 'draft',
    name,
    nameKey: name.toLowerCase(),
    parentId: parent?._id ?? null,
    ancestorIds: parent ? [...parent.ancestorIds, parent._id] : [],
    ownerId,
    general: opts.general ?? { scope: 'only_me', role: 'view' },
    body: opts.kind === 'folder' ? null : '',
    status: null,
    createdAt: now,
    updatedAt: now,
  });
  return item.toObject();
}

export interface CollabClient {
  provider: HocuspocusProvider;
  doc: Y.Doc;
  general: Y.Map<unknown>;
  grants: Y.Map<unknown>;
  /** `read-write` or `readonly` once let in. */
  scope: string | null;
  /** Why it was refused, once refused. */
  denied: string | null;
  /** Close codes the socket was closed with by the server, in order. */
  closes: number[];
  synced: Promise<void>;
  /** Presence of the other clients (not this one's own). */
  others(): Array<{ user?: { id: string; name: string; color: string }; focus?: unknown; [k: string]: unknown }>;
  grantsJSON(): Record<string, unknown>;
  destroy(): void;
}

/**
 * A real Hocuspocus provider in Node over `ws`, carrying a session cookie (as
 * the browser does) or a token, and any extra upgrade headers.
 */
export function openCollab(baseUrl: string, name: string, opts: { cookie?: string; token?: string; headers?: Record<string, string> } = {}): CollabClient {
  const headers = { ...(opts.cookie ? { cookie: opts.cookie } : {}), ...opts.headers };
  class CookieSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const doc = new Y.Doc();
  let markSynced!: () => void;
  const synced = new Promise<void>((resolve) => (markSynced = resolve));
  const client = {
    doc,
    general: doc.getMap('general'),
    grants: doc.getMap('grants'),
    scope: null,
    denied: null,
    closes: [],
    synced,
  } as unknown as CollabClient;
  const socket = new HocuspocusProviderWebsocket({ url: `${baseUrl.replace(/^http/, 'ws')}/collab`, WebSocketPolyfill: CookieSocket });
  client.provider = new HocuspocusProvider({
    websocketProvider: socket,
    name,
    document: doc,
    token: opts.token ?? null,
    onAuthenticated: ({ scope }) => {
      client.scope = scope;
      client.denied = null;
    },
    onAuthenticationFailed: ({ reason }) => {
      client.denied = reason;
      client.scope = null;
    },
    onSynced: () => markSynced(),
    onDisconnect: ({ event }) => {
      if (event.code >= 4000) client.closes.push(event.code);
    },
  });
  client.others = () =>
    [...client.provider.awareness!.getStates()].filter(([id]) => id !== doc.clientID).map(([, s]) => s as ReturnType<CollabClient['others']>[number]);
  client.grantsJSON = () => client.grants.toJSON();
  client.provider.attach();
  client.destroy = () => {
    client.provider.destroy();
    socket.destroy();
  };
  return client;
}
