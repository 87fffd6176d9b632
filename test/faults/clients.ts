import { io as ioClient, type Socket } from 'socket.io-client';
import { catchUpMs, type ClientToServerEvents, type EventEnvelope, type ServerToClientEvents, type SubscribeResult, type Ack } from '../../shared/events.js';
import { EventOrder } from '../../shared/event-order.js';
import type { ApiClient } from '../support/client.js';
import type { Cluster, Node } from './cluster.js';

/** As the web app: how far back a reconnection or a `streams:check` replays. */
const CATCH_UP_MS = 15_000;

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A simulated admin's browser tab: one socket to one node (a node picked as
 * a WebSocket load balancer would, again at every reconnection), subscribed
 * to one workspace, its events put in order by the same `EventOrder` the web
 * app uses, and reduced into what its screens show (members and their
 * roles, pending invitations).
 */
export class AdminClient {
  /** What the screen was given, in the order it was given. */
  readonly delivered: EventEnvelope[] = [];
  /** For each event shown live or replayed: ms from its storing to the screen. */
  readonly latencies: number[] = [];
  private seen = new Set<string>();
  /** When each event was first shown (event id → ms). */
  readonly shownAt = new Map<string, number>();
  duplicates = 0;
  resyncs = 0;
  /** \`streams:check\` nudges received. */
  checks = 0;
  /** Holes the order asked to repair by subscribing again. */
  repairs = 0;
  /** Seq of the first event this client is accountable for (after its first cursor, or its last resync). */
  fromSeq = 0;
  members = new Map<string, string>();
  invitations = new Map<string, string>();
  socket: ClientSocket | null = null;
  node: Node | null = null;
  /** Each time the connection dropped: when, and when the next subscription was acknowledged. */
  readonly outages: { node: string; at: number; back: number | null }[] = [];
  private order: EventOrder;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private subscribing = false;
  private replaying = false;
  /** Events shown more than a second after they were stored: through a replay (a hole, a reconnection), or live. */
  readonly slow = { replayed: 0, live: 0 };
  private again = false;

  constructor(
    readonly name: string,
    readonly userId: string,
    private readonly api: ApiClient,
    readonly workspaceId: string,
    private readonly cluster: Cluster,
  ) {
    this.order = this.newOrder();
  }

  private newOrder() {
    return new EventOrder(`workspace:${this.workspaceId}`, {
      deliver: (e) => this.show(e),
      resubscribe: () => {
        this.repairs++;
        void this.subscribe();
      },
      resync: () => {
        this.resyncs++;
        void this.reload();
      },
    });
  }

  async start() {
    await this.connect();
    await this.reload();
  }

  /** A fresh load of what the screens show (the first load, and after a resync). */
  async reload() {
    this.members = await this.loadMembers();
    this.invitations = await this.loadInvitations();
  }

  async loadMembers() {
    const out = new Map<string, string>();
    for (const m of await this.pages(`/api/workspaces/${this.workspaceId}/members`)) out.set(m.userId as string, m.role as string);
    return out;
  }

  async loadInvitations() {
    const out = new Map<string, string>();
    for (const i of await this.pages(`/api/workspaces/${this.workspaceId}/invitations`)) if (i.status === 'sent') out.set(i.id as string, 'sent');
    return out;
  }

  private async pages(path: string): Promise<Record<string, unknown>[]> {
    const all: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const reply: { status: number; body: any } = await this.api.get(`${path}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
      all.push(...(reply.body.items as Record<string, unknown>[]));
      cursor = reply.body.nextCursor ?? null;
    } while (cursor);
    return all;
  }

  private connect(): Promise<void> {
    return new Promise((resolve) => {
      const node = this.cluster.pick();
      if (!node) {
        this.scheduleReconnect();
        return resolve();
      }
      this.node = node;
      const socket: ClientSocket = ioClient(node.url, { transports: ['websocket'], extraHeaders: { cookie: this.api.cookie }, reconnection: false, forceNew: true, timeout: 3000 });
      this.socket = socket;
      socket.on('event', (e) => this.order.receive(e));
      // As the web app: pushes may have been lost, catch up within 2 s.
      socket.on('streams:check', (hint) => {
        this.checks++;
        const back = catchUpMs(CATCH_UP_MS, hint);
        setTimeout(() => {
          this.order.rewind(back);
          void this.subscribe();
        }, Math.random() * 2000);
      });
      socket.once('connect', () => {
        // A reconnection replays a little further back than where it stood (content events of a dying node).
        this.order.rewind(CATCH_UP_MS);
        void this.subscribe().then(() => resolve());
      });
      socket.once('connect_error', () => {
        socket.close();
        this.scheduleReconnect();
        resolve();
      });
      socket.once('disconnect', () => {
        if (this.closed) return;
        this.outages.push({ node: node.name, at: Date.now(), back: null });
        socket.close();
        this.scheduleReconnect();
      });
    });
  }

  private scheduleReconnect() {
    if (this.closed || this.retry) return;
    // As the web app: a short, jittered wait, then another node.
    this.retry = setTimeout(
      () => {
        this.retry = null;
        void this.connect();
      },
      200 + Math.random() * 300,
    );
  }

  /** Subscribes (again) from the last event in order; what was missed comes back in the ack. */
  private async subscribe() {
    const socket = this.socket;
    if (!socket?.connected) return;
    // One at a time; one asked for meanwhile (a catch-up, a hole) follows.
    if (this.subscribing) return void (this.again = true);
    this.subscribing = true;
    this.again = false;
    try {
      const since = this.order.since();
      this.order.subscribing();
      let reply: Ack<SubscribeResult>;
      try {
        reply = await socket.timeout(5000).emitWithAck('workspace:subscribe', since ? { workspaceId: this.workspaceId, since } : { workspaceId: this.workspaceId });
      } catch {
        this.order.subscribeFailed();
        if (socket.connected) setTimeout(() => void this.subscribe(), 500);
        return;
      }
      if (!reply.ok) {
        this.order.subscribeFailed();
        if (socket.connected) setTimeout(() => void this.subscribe(), 500);
        return;
      }
      const open = this.outages.at(-1);
      if (open && open.back === null) open.back = Date.now();
      this.replaying = true;
      try {
        this.order.subscribed(reply);
      } finally {
        this.replaying = false;
      }
      if (reply.resync || !since) this.fromSeq = seqOf(reply.cursor);
      if (reply.resync) {
        this.resyncs++;
        await this.reload();
      }
    } finally {
      this.subscribing = false;
      if (this.again) void this.subscribe();
    }
  }

  private show(e: EventEnvelope) {
    if (this.seen.has(e.id)) this.duplicates++;
    this.seen.add(e.id);
    if (!this.shownAt.has(e.id)) this.shownAt.set(e.id, Date.now());
    this.delivered.push(e);
    const latency = Date.now() - Date.parse(e.at);
    this.latencies.push(latency);
    if (latency > 1000) this.slow[this.replaying ? 'replayed' : 'live']++;
    const data = e.data as Record<string, any>;
    if (e.type === 'member.added' || e.type === 'member.updated') this.members.set(data.member.userId, data.member.role);
    else if (e.type === 'member.removed') this.members.delete(data.userId);
    else if (e.type === 'invitation.created' || e.type === 'invitation.updated' || e.type === 'invitation.revoked') {
      if (data.invitation.status === 'sent') this.invitations.set(data.invitation.id, 'sent');
      else this.invitations.delete(data.invitation.id);
    }
  }

  /** Events of the workspace stream given to the screen, from `fromSeq` on, as their seqs (`counted`: those in stream order only, not content events). */
  deliveredSeqs(counted = false) {
    return this.delivered.filter((e) => e.id.startsWith(`workspace:${this.workspaceId}:`) && (!counted || e.order)).map((e) => seqOf(e.id));
  }

  /** Where the order stands (diagnostics). */
  since() {
    return this.order.since();
  }

  close() {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.order.close();
    this.socket?.close();
  }
}

export const seqOf = (id: string | null | undefined) => (id ? Number(id.slice(id.lastIndexOf(':') + 1)) : 0);
