import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { RedisClientType } from 'redis';
import type { InvalidationBus } from './node-cache.js';

type Message =
  | { t: 'heartbeat'; from: string; sentAt: number }
  | { t: 'invalidate'; from: string; id: number; tags: string[] }
  | { t: 'ack'; from: string; to: string; id: number }
  | { t: 'bye'; from: string };

export interface RedisBusOptions {
  /** One channel per database: the nodes that cache the same data. */
  channel: string;
  /** The longest a broadcast waits: the cache's entry lifetime, after which no node holds an entry read before the write. */
  maxWaitMs: number;
  heartbeatMs?: number;
  /** How long one of this node's heartbeats, once back, vouches for its subscription. */
  trustMs?: number;
  /** A node silent for this long is not waited for (it stopped trusting its cache long before). */
  peerMs?: number;
  clock?: () => number;
  /**
   * Live pushes may have been lost: a node went silent without saying bye
   * (it may have died between storing an event and pushing it), or this
   * node's channel came back after a lapse (pushes of the outage went
   * nowhere). Subscribers then replay from where they are.
   */
  onPushesMayBeLost?: (reason: 'peer-lost' | 'rejoined') => void;
}

interface Pending {
  /** The nodes to hear from, fixed when this node's own message came back; null until then. */
  expected: string[] | null;
  acked: Set<string>;
  confirm: () => void;
}

/**
 * Cache invalidations between nodes over one Redis pub/sub channel.
 *
 * Redis hands every subscriber the channel's messages in one order, so:
 * - Trust: a node trusts its cache only while one of its own heartbeats,
 *   sent less than `trustMs` ago, has come back through the channel. A
 *   message published before that heartbeat has then been received too.
 *   After a lapse (disconnect, stall) the epoch moves and whatever was
 *   cached before no longer counts: pub/sub does not replay what was missed.
 * - Broadcast: the writer publishes, waits for its own message to come back
 *   (by then it has heard every node that sent anything before), then for an
 *   acknowledgement from each node heard within `peerMs` — each applies the
 *   invalidation before acknowledging. A node silent for `peerMs` (twice
 *   `trustMs`) already distrusts its cache. If anything is missing (Redis
 *   unreachable, a node stuck), the writer waits `maxWaitMs` instead: by then
 *   every entry read before the write has expired on every node.
 */
export class RedisInvalidationBus implements InvalidationBus {
  readonly nodeId = randomBytes(8).toString('hex');
  private readonly heartbeatMs: number;
  private readonly trustMs: number;
  private readonly peerMs: number;
  private readonly clock: () => number;
  private trustedUntil = 0;
  private epochValue = 0;
  private connected = false;
  private wasHealthy = false;
  private seq = 0;
  private readonly peers = new Map<string, number>();
  private readonly pending = new Map<number, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(
    private readonly redis: RedisClientType,
    private readonly subscriber: RedisClientType,
    private readonly log: Logger,
    private readonly onInvalidate: (tags: readonly string[]) => void,
    private readonly opts: RedisBusOptions,
  ) {
    this.heartbeatMs = opts.heartbeatMs ?? 500;
    this.trustMs = opts.trustMs ?? 2_000;
    this.peerMs = opts.peerMs ?? 2 * this.trustMs;
    this.clock = opts.clock ?? (() => performance.now());
  }

  /** Subscribes on a connection of its own (a subscribed connection can do nothing else) and starts the heartbeat. */
  static async start(redis: RedisClientType, log: Logger, onInvalidate: (tags: readonly string[]) => void, opts: RedisBusOptions) {
    const subscriber = redis.duplicate() as RedisClientType;
    const bus = new RedisInvalidationBus(redis, subscriber, log, onInvalidate, opts);
    subscriber.on('error', (err: Error) => log.debug({ err }, 'cache invalidation channel error'));
    subscriber.on('ready', () => (bus.connected = true));
    for (const event of ['reconnecting', 'end']) subscriber.on(event, () => bus.lapse());
    await subscriber.connect();
    await subscriber.subscribe(opts.channel, (raw) => bus.receive(raw));
    bus.connected = true;
    bus.timer = setInterval(() => bus.beat(), bus.heartbeatMs);
    bus.timer.unref();
    bus.beat();
    return bus;
  }

  get epoch() {
    return this.epochValue;
  }

  healthy(): boolean {
    return this.connected && this.clock() < this.trustedUntil;
  }

  private lapse() {
    this.connected = false;
    this.trustedUntil = 0;
  }

  private send(message: Message) {
    return this.redis.publish(this.opts.channel, JSON.stringify(message));
  }

  private beat() {
    const healthy = this.healthy();
    if (healthy !== this.wasHealthy) {
      if (healthy) this.log.info('cache invalidations are arriving: the cache is in use');
      else this.log.warn('cache invalidations may not be arriving: the cache is bypassed until they do');
      this.wasHealthy = healthy;
    }
    this.forgetSilentPeers();
    // While Redis is away the client would queue commands: nothing to gain from old heartbeats.
    if (this.redis.isReady) this.send({ t: 'heartbeat', from: this.nodeId, sentAt: this.clock() }).catch(() => {});
  }

  /** Peers silent past `peerMs` without a bye are gone (killed, cut off): they are not waited for, and their last pushes may be lost. */
  private forgetSilentPeers() {
    const now = this.clock();
    let lost = 0;
    for (const [peer, seen] of this.peers) {
      if (now - seen <= this.peerMs) continue;
      this.peers.delete(peer);
      lost++;
    }
    // Only while this node hears the channel: its own lapse is told when it rejoins.
    if (lost > 0 && this.healthy()) this.opts.onPushesMayBeLost?.('peer-lost');
  }

  private receive(raw: string) {
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    const now = this.clock();
    const own = message.from === this.nodeId;
    if (!own) {
      if (message.t === 'bye') this.peers.delete(message.from);
      else this.peers.set(message.from, now);
    }
    switch (message.t) {
      case 'heartbeat':
        if (own) this.heardOwnHeartbeat(message.sentAt, now);
        break;
      case 'invalidate':
        if (own) this.echoed(message.id, now);
        else {
          this.onInvalidate(message.tags);
          this.send({ t: 'ack', from: this.nodeId, to: message.from, id: message.id }).catch(() => {});
        }
        break;
      case 'ack':
        if (message.to === this.nodeId) this.acknowledged(message.id, message.from);
        break;
    }
  }

  private heardOwnHeartbeat(sentAt: number, now: number) {
    // Trust had lapsed (or never began): what is cached may have missed invalidations.
    if (now >= this.trustedUntil) {
      if (this.epochValue++ > 0) this.opts.onPushesMayBeLost?.('rejoined');
    }
    this.trustedUntil = Math.max(this.trustedUntil, sentAt + this.trustMs);
  }

  private echoed(id: number, now: number) {
    const pending = this.pending.get(id);
    if (!pending) return;
    pending.expected = [...this.peers].filter(([, seen]) => now - seen <= this.peerMs).map(([peer]) => peer);
    this.settle(pending);
  }

  private acknowledged(id: number, from: string) {
    const pending = this.pending.get(id);
    if (!pending) return;
    pending.acked.add(from);
    this.settle(pending);
  }

  private settle(pending: Pending) {
    if (pending.expected && pending.expected.every((peer) => pending.acked.has(peer))) pending.confirm();
  }

  async broadcast(tags: readonly string[]): Promise<void> {
    if (this.closed || tags.length === 0) return;
    const started = this.clock();
    const id = ++this.seq;
    let timer: NodeJS.Timeout | undefined;
    const confirmed = new Promise<boolean>((resolve) => {
      this.pending.set(id, { expected: null, acked: new Set(), confirm: () => resolve(true) });
      timer = setTimeout(() => resolve(false), this.opts.maxWaitMs);
      timer.unref();
    });
    if (this.redis.isReady) {
      this.send({ t: 'invalidate', from: this.nodeId, id, tags: [...tags] }).catch((err: unknown) => this.log.warn({ err }, 'could not publish a cache invalidation'));
    }
    try {
      if (!(await confirmed) && !this.closed) {
        this.log.warn({ waitedMs: Math.round(this.clock() - started) }, 'a cache invalidation was not confirmed by every node: waited until their entries expired');
      }
    } finally {
      clearTimeout(timer);
      this.pending.delete(id);
    }
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const pending of this.pending.values()) pending.confirm();
    await Promise.race([this.send({ t: 'bye', from: this.nodeId }).catch(() => {}), new Promise((r) => setTimeout(r, 500).unref())]);
    this.lapse();
    await this.subscriber.close().catch(() => this.subscriber.destroy());
  }
}
