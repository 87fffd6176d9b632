import { io, type Socket } from 'socket.io-client';
import type { ErrorCode } from '$shared/errors.js';
import { catchUpMs, type ClientToServerEvents, type EventEnvelope, type ServerToClientEvents } from '$shared/events.js';
import { EventOrder } from '$shared/event-order.js';
import { streamOf, workspaceStream } from './streams.js';

/**
 * live: connected and receiving events.
 * reconnecting: not connected, trying again.
 * offline: the browser is offline, or the connection is closed and not retrying.
 */
export type ConnectionStatus = 'live' | 'reconnecting' | 'offline';

export interface RealtimeListener {
  /** A new event (each id once, in stream order within a subscription's replay). */
  event?(envelope: EventEnvelope): void;
  /** More was missed than the server can replay: reload the workspace's data. */
  resync?(workspaceId: string): void;
  /** The server refused the workspace's feed (e.g. no longer a member). */
  denied?(workspaceId: string, code: ErrorCode): void;
}

export interface RealtimeOptions {
  /** The session is gone: the app sends the user to sign in. */
  onUnauthenticated(): void;
  url?: string;
}

const ACK_TIMEOUT_MS = 10_000;
const MAX_RETRY_DELAY_MS = 30_000;
/** Over how long the subscribers of one node catch up after a `streams:check`. */
const CATCH_UP_SPREAD_MS = 2000;
/** How far back a reconnection or a `streams:check` replays (shared/event-order.ts, `rewind`). */
const CATCH_UP_MS = 15_000;

/**
 * The one owner of the Socket.IO connection. Components read `status` and
 * register listeners; they never touch the socket. Every watched
 * workspace's events go through an `EventOrder` (shared/event-order.ts):
 * shown once each, in stream order whatever node they came through, a hole
 * repaired by subscribing again with `since`; after a reconnection it
 * subscribes again with `since` so missed events are replayed, not lost.
 */
export class RealtimeConnection {
  status = $state<ConnectionStatus>('reconnecting');
  /** False until the first successful connection ("connecting" rather than "reconnecting"). */
  hasConnected = $state(false);

  #socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  #listeners = new Set<RealtimeListener>();
  /** Each workspace ever watched: its stream's order (kept while unwatched, so watching again replays from where it stopped). */
  #orders = new Map<string, EventOrder>();
  /** Watched workspaces, with how many watchers each has. */
  #watched = new Map<string, number>();
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #retryDelay = 1000;
  #closed = false;

  constructor(private readonly options: RealtimeOptions) {}

  connect() {
    if (this.#socket) return;
    this.#closed = false;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.options.url ?? '/', {
      withCredentials: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: MAX_RETRY_DELAY_MS,
    });
    this.#socket = socket;
    this.status = navigator.onLine ? 'reconnecting' : 'offline';

    socket.on('connect', () => {
      this.#retryDelay = 1000;
      this.hasConnected = true;
      this.status = 'live';
      // A reconnection replays a little further back than where each stream stood: a content event
      // carries no count, so one lost as the old connection died leaves no hole to find.
      for (const workspaceId of this.#watched.keys()) {
        this.#orders.get(workspaceId)?.rewind(CATCH_UP_MS);
        void this.#subscribe(workspaceId);
      }
    });
    socket.on('disconnect', (reason) => {
      if (this.#closed) return;
      // The server closed the connection (e.g. a deploy, or every socket of the session): try again;
      // a dead session is then refused with `unauthenticated`.
      if (reason === 'io server disconnect') this.#scheduleRetry();
      this.status = navigator.onLine ? 'reconnecting' : 'offline';
    });
    socket.on('connect_error', (err) => {
      if (err.message === 'unauthenticated') {
        this.close();
        this.options.onUnauthenticated();
        return;
      }
      // A refusal by the server's middleware is not retried by Socket.IO itself.
      if (!socket.active) this.#scheduleRetry();
      this.status = navigator.onLine ? 'reconnecting' : 'offline';
    });
    socket.io.on('reconnect_failed', () => {
      this.status = 'offline';
    });
    socket.on('event', (envelope) => this.#receive(envelope));
    // Pushes may have been lost (a node vanished, Redis came back): replay from where each stream is.
    // Spread out, so the clients of a node do not all ask at once.
    socket.on('streams:check', (hint) => {
      const back = catchUpMs(CATCH_UP_MS, hint);
      for (const workspaceId of this.#watched.keys())
        setTimeout(() => {
          this.#orders.get(workspaceId)?.rewind(back);
          this.resubscribe(workspaceId);
        }, Math.random() * CATCH_UP_SPREAD_MS);
    });

    window.addEventListener('online', this.#onOnline);
    window.addEventListener('offline', this.#onOffline);
  }

  /** Stops the connection for good (sign-out, leaving the app). */
  close() {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    window.removeEventListener('online', this.#onOnline);
    window.removeEventListener('offline', this.#onOffline);
    this.#socket?.disconnect();
    this.#socket = null;
    for (const order of this.#orders.values()) order.pause();
    this.status = 'offline';
  }

  listen(listener: RealtimeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Receives a workspace's events until the returned function is called. */
  watch(workspaceId: string): () => void {
    const count = this.#watched.get(workspaceId) ?? 0;
    this.#watched.set(workspaceId, count + 1);
    if (count === 0 && this.#socket?.connected) void this.#subscribe(workspaceId);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.#watched.get(workspaceId) ?? 1) - 1;
      if (left > 0) return void this.#watched.set(workspaceId, left);
      this.#watched.delete(workspaceId);
      this.#orders.get(workspaceId)?.pause();
      if (this.#socket?.connected) this.#socket.emit('workspace:unsubscribe', { workspaceId }, () => {});
    };
  }

  /**
   * Subscribes to a watched workspace again, e.g. after the user's role there
   * changed: the server then picks the rooms for the new role (a promoted
   * admin joins the admin feed), and what was missed meanwhile is replayed.
   */
  resubscribe(workspaceId: string) {
    if (this.#watched.has(workspaceId) && this.#socket?.connected) void this.#subscribe(workspaceId);
  }

  /** The last event id in order of a workspace: the `since` of its next subscription. */
  cursorOf(workspaceId: string): string | null {
    return this.#orders.get(workspaceId)?.since() ?? null;
  }

  #orderOf(workspaceId: string): EventOrder {
    let order = this.#orders.get(workspaceId);
    if (!order) {
      order = new EventOrder(workspaceStream(workspaceId), {
        // Shown outside the subscription while unwatched: not again from a replay.
        deliver: (envelope) => this.#outside.has(envelope.id) || this.#deliver(envelope),
        resubscribe: () => this.resubscribe(workspaceId),
        resync: () => {
          for (const l of this.#listeners) l.resync?.(workspaceId);
        },
      });
      this.#orders.set(workspaceId, order);
    }
    return order;
  }

  async #subscribe(workspaceId: string) {
    const socket = this.#socket;
    if (!socket) return;
    const order = this.#orderOf(workspaceId);
    const since = order.since();
    order.subscribing();
    let reply;
    try {
      reply = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('workspace:subscribe', since ? { workspaceId, since } : { workspaceId });
    } catch {
      // No answer (connection lost meanwhile): the next `connect` subscribes again.
      order.subscribeFailed();
      return;
    }
    if (!this.#watched.has(workspaceId)) return order.pause();
    if (!reply.ok) {
      order.pause();
      this.#watched.delete(workspaceId);
      for (const l of this.#listeners) l.denied?.(workspaceId, reply.error.code);
      return;
    }
    order.subscribed(reply);
    if (reply.resync) for (const l of this.#listeners) l.resync?.(workspaceId);
  }

  #receive(envelope: EventEnvelope) {
    const { workspaceId } = envelope;
    const ofWorkspace = workspaceId !== null && streamOf(envelope.id) === workspaceStream(workspaceId);
    if (ofWorkspace && this.#watched.has(workspaceId)) return this.#orderOf(workspaceId).receive(envelope);
    // A person's own events, and content events of a workspace this tab does not watch (they
    // reach a person's own room): shown once by id, without moving any workspace's `since`.
    if (this.#outside.has(envelope.id)) return;
    this.#rememberOutside(envelope.id);
    this.#deliver(envelope);
  }

  #deliver(envelope: EventEnvelope) {
    for (const l of this.#listeners) l.event?.(envelope);
  }

  /** Ids of events delivered outside a subscription, so a later replay does not deliver them twice. */
  #outside = new Set<string>();
  #rememberOutside(id: string) {
    if (this.#outside.size >= 1000) this.#outside.clear();
    this.#outside.add(id);
  }

  #scheduleRetry() {
    if (this.#closed || this.#retryTimer) return;
    // Jitter spreads the reconnections of many clients after a restart.
    const delay = this.#retryDelay * (0.5 + Math.random() / 2);
    this.#retryDelay = Math.min(this.#retryDelay * 2, MAX_RETRY_DELAY_MS);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (!this.#closed && this.#socket && !this.#socket.connected) this.#socket.connect();
    }, delay);
  }

  #onOnline = () => {
    if (this.#socket?.connected) this.status = 'live';
    else {
      this.status = 'reconnecting';
      if (this.#socket && !this.#socket.active) this.#socket.connect();
    }
  };

  #onOffline = () => {
    this.status = 'offline';
  };
}
