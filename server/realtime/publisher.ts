import mongoose from 'mongoose';
import type { Server } from 'socket.io';
import type { Logger } from 'pino';
import type { CountedAudience, EventAudience, EventEnvelope, StreamCounts } from '../../shared/events.js';
import type { EventType, UserEventMap, UserEventType, WorkspaceEventMap, WorkspaceEventType } from '../../shared/event-map.js';
import type { Models } from '../db/models.js';
import { eventBucket, eventBucketNo, EVENT_BUCKET_SIZE, eventId, seqOf, type EventDoc } from './event.model.js';
import { ChainWriter } from '../db/chain.js';
import { newId } from '../db/ids.js';
import { auditBucket } from '../audit/audit.model.js';
import { UnsurePushes } from './unsure-pushes.js';
import { AppError } from '../http/errors.js';

/** How many missed events a reconnecting client is sent; past that it reloads instead. */
export const MAX_REPLAY = 500;

export const rooms = {
  user: (userId: string) => `user:${userId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  workspace: (workspaceId: string) => `workspace:${workspaceId}`,
  workspaceAdmins: (workspaceId: string) => `workspace:${workspaceId}:admins`,
  /** Those who may manage the workspace's API keys (`can(role, 'apiKeys.manage')`). */
  workspaceApiKeys: (workspaceId: string) => `workspace:${workspaceId}:api-keys`,
};

/** The room of a workspace event's audience (content events go to each recipient's own room instead). */
const roomOf = (workspaceId: string, audience: Exclude<EventAudience, 'user' | 'item'>) =>
  audience === 'admins' ? rooms.workspaceAdmins(workspaceId) : audience === 'apiKeys' ? rooms.workspaceApiKeys(workspaceId) : rooms.workspace(workspaceId);

/** An event to publish: its type and the data the event map gives that type. */
export interface PublishInput<T extends EventType = EventType, D = unknown> {
  type: T;
  actorId: string | null;
  data: D;
}
export type WorkspaceEventInput<T extends WorkspaceEventType> = PublishInput<T, WorkspaceEventMap[T]> & { audit?: AuditInput };
export type UserEventInput<T extends UserEventType> = PublishInput<T, UserEventMap[T]> & { workspaceId?: string | null };

/** An admin action's record for the audit log: what it touched, before and after. */
export interface AuditInput {
  target: { kind: string; id: string; label: string } | null;
  before?: unknown;
  after?: unknown;
}

const counted = (audience: EventAudience): audience is CountedAudience => audience === 'members' || audience === 'admins' || audience === 'apiKeys';
const NO_EVENTS: StreamCounts = { members: 0, admins: 0, apiKeys: 0 };

/** A workspace stream's counts after an event, or null when it was stored before streams were counted. */
export function countsAfter(doc: Pick<EventDoc, 'audience' | 'before'>): StreamCounts | null {
  if (!doc.before) return null;
  return counted(doc.audience) ? { ...doc.before, [doc.audience]: doc.before[doc.audience] + 1 } : { ...doc.before };
}

export function toEnvelope(doc: EventDoc): EventEnvelope {
  const envelope: EventEnvelope = { id: doc._id, type: doc.type, workspaceId: doc.workspaceId, actorId: doc.actorId, at: doc.at.toISOString(), data: doc.data };
  if (doc.before && counted(doc.audience)) envelope.order = { audience: doc.audience, before: doc.before, ...(doc.restart ? { restart: true as const } : {}) };
  return envelope;
}

/** A content event as one recipient sees it: their own part merged into `data.item`. */
export function personalize(envelope: EventEnvelope, own: Record<string, unknown> | undefined): EventEnvelope {
  const item = envelope.data.item;
  if (!own || !item || typeof item !== 'object') return envelope;
  return { ...envelope, data: { ...envelope.data, item: { ...(item as Record<string, unknown>), ...own } } };
}

/**
 * The one way a state change reaches screens. A domain service calls it after
 * its write succeeded; the event is stored first (audit trail and replay
 * cursor), then pushed to the rooms the server chose for its audience.
 */
export class Publisher {
  private io: Server | null = null;
  /** Streams are chains (db/chain.ts): one publish at a time per stream on this node, events leave in sequence order. */
  private readonly streams: ChainWriter<EventDoc>;
  /** Rooms to tell to catch up once the database answers, after an append of unknown outcome. */
  private readonly unsure: UnsurePushes;
  /** Publishes under way, and whether the node is closing (no new ones: nothing stored could be pushed). */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly models: Models,
    private readonly log: Logger,
  ) {
    this.streams = new ChainWriter(models.Event, models.Counter, (err, stream) => this.log.warn({ err, stream }, 'event counter hint not updated'));
    this.unsure = new UnsurePushes(models.Event.db, log);
  }

  /**
   * Before the node's sockets and adapter close: new publishes are refused,
   * and those under way finish (their events pushed), for up to `timeoutMs`.
   */
  async close(timeoutMs: number) {
    this.closed = true;
    this.unsure.close();
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  attach(io: Server) {
    this.io = io;
    this.unsure.attach(io);
  }

  /** An event of a workspace, seen by its members, by its Super Admins only, or by those who may manage its API keys. */
  async toWorkspace<T extends WorkspaceEventType>(workspaceId: string, audience: Exclude<EventAudience, 'user' | 'item'>, input: WorkspaceEventInput<T>) {
    const room = roomOf(workspaceId, audience);
    const envelope = await this.publish(rooms.workspace(workspaceId), room, workspaceId, audience, input);
    await this.audit(workspaceId, envelope, input);
    return envelope;
  }

  /**
   * A content event of a workspace's stream, for the people who can see the
   * item (the access resolver's answer, computed by the caller): `recipients`
   * maps each one's user id to what is theirs in `data.item` (`access`,
   * `manage`). Stored once, pushed to each recipient's own room, replayed
   * only to them.
   */
  async toItemViewers<T extends WorkspaceEventType>(workspaceId: string, recipients: Record<string, Record<string, unknown>>, input: WorkspaceEventInput<T>) {
    const envelope = await this.publish(rooms.workspace(workspaceId), null, workspaceId, 'item', input, recipients);
    await this.audit(workspaceId, envelope, input);
    return envelope;
  }

  private async audit<T extends WorkspaceEventType>(workspaceId: string, envelope: EventEnvelope, input: WorkspaceEventInput<T>) {
    if (input.audit) {
      const seq = seqOf(rooms.workspace(workspaceId), envelope.id) ?? 0;
      await this.models.Audit.create({
        _id: newId(),
        workspaceId,
        seq,
        bucket: auditBucket(workspaceId, seq),
        type: input.type,
        actorId: input.actorId,
        target: input.audit.target,
        before: input.audit.before ?? null,
        after: input.audit.after ?? null,
        at: new Date(envelope.at),
      });
    }
  }

  /** An event for one person (e.g. `notification.created`), on every tab they have open. */
  toUser<T extends UserEventType>(userId: string, input: UserEventInput<T>) {
    return this.publish(rooms.user(userId), rooms.user(userId), input.workspaceId ?? null, 'user', input);
  }

  /** Stores the event under the next number of its stream, then pushes it to the room the server chose. */
  private publish(stream: string, room: string | null, workspaceId: string | null, audience: EventAudience, input: PublishInput, recipients: Record<string, Record<string, unknown>> | null = null) {
    // Stored after the sockets closed, an event would reach nobody live (and a content event leaves no hole).
    if (this.closed) return Promise.reject(new AppError('unavailable', 'This server is shutting down. Try again in a moment.', undefined, { 'Retry-After': '5' }));
    const run = this.storeAndPush(stream, room, workspaceId, audience, input, recipients);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run)).catch(() => undefined);
    return run;
  }

  private async storeAndPush(stream: string, room: string | null, workspaceId: string | null, audience: EventAudience, input: PublishInput, recipients: Record<string, Record<string, unknown>> | null) {
    const workspaceStream = audience !== 'user';
    const began = Date.now();
    const doc = await this.streams.append(stream, {
      next: ({ seq, entry }) => ({
        // A workspace stream counts its events per audience, so a subscriber knows which one comes next.
        ...(workspaceStream ? this.countsFor(seq, entry) : {}),
        stream,
        type: input.type,
        workspaceId,
        actorId: input.actorId,
        audience,
        at: new Date(),
        data: input.data as Record<string, unknown>,
        bucket: eventBucket(stream, seq + 1),
        recipients,
      }),
    }).catch((err: unknown) => {
      // Stored or not, nobody was pushed it: its rooms catch up once the database answers.
      this.unsure.add(room ? [room] : Object.keys(recipients ?? {}).map(rooms.user), began);
      throw err;
    });
    const envelope = toEnvelope(doc);
    if (room) this.io?.to(room).emit('event', envelope);
    else if (recipients) for (const [userId, own] of Object.entries(recipients)) this.io?.to(rooms.user(userId)).emit('event', personalize(envelope, own));
    return envelope;
  }

  /** The counts before the event after `head`: its counts after it, zeros on an empty stream, a restart past a swept or uncounted head. */
  private countsFor(seq: number, entry: EventDoc | null): Pick<EventDoc, 'before' | 'restart'> {
    if (seq === 0) return { before: NO_EVENTS };
    const before = entry ? countsAfter(entry) : null;
    return before ? { before } : { before: NO_EVENTS, restart: true };
  }

  /** The counts of a stream at one of its event ids (zeros before its first event); null when unknown. */
  async positionAt(stream: string, cursor: string | null): Promise<StreamCounts | null> {
    if (cursor === null) return NO_EVENTS;
    const seq = seqOf(stream, cursor);
    if (seq === null) return null;
    const known = this.streams.knownHead(stream);
    const doc = known?.seq === seq && known.entry ? known.entry : await this.models.Event.findById(cursor).lean();
    return doc ? countsAfter(doc) : null;
  }

  /** The newest number of a stream this node can tell: the hint (which lags another node's emit by a moment) or what it wrote itself. */
  private async newestOf(stream: string): Promise<number> {
    return Math.max(await this.streams.hintOf(stream), this.streams.knownSeq(stream));
  }

  /**
   * The newest event id of a stream: where a fresh subscriber's cursor
   * starts. Exact for what this node published; another node's newest event
   * shows once its hint lands (a moment after its emit), and a cursor that
   * lags only replays events the client then recognises as seen.
   */
  async cursorOf(stream: string): Promise<string | null> {
    const seq = await this.newestOf(stream);
    return seq > 0 ? eventId(stream, seq) : null;
  }

  /**
   * What a reconnecting client missed since the event id it last saw, limited
   * to what it may see now. A cursor that is not an event of this stream (or
   * was swept), or more than MAX_REPLAY missed events, asks the client to
   * reload instead (`resync`). Reads the buckets from the cursor's on (at
   * most MAX_REPLAY / EVENT_BUCKET_SIZE + 2 equalities), never the stream's
   * history: a stream's numbers have no gaps, so a bucket not full to its end
   * is the last one, unless the counter (a hint that may lag) says more came.
   * A gap — events stored before buckets were — also means reload.
   * Content events are replayed to their recipients only (`userId`), as each saw them.
   */
  async replay(stream: string, since: string, maySee: (audience: EventAudience) => boolean, userId?: string) {
    const from = seqOf(stream, since);
    // Seq 0 is the start of the stream (a subscriber that began on an empty one).
    if (from === null || (from > 0 && !(await this.models.Event.exists({ _id: since })))) return { missed: [], resync: true };
    const newest = await this.newestOf(stream);
    if (newest - from > MAX_REPLAY) return { missed: [], resync: true };
    const docs: EventDoc[] = [];
    const readBucket = async (b: number) => (await this.models.Event.find({ bucket: `${stream}#${b}` }).lean()).filter((d) => d.stream === stream && d.seq > from);
    // The buckets up to the counter's at once, then one by one while the last is full.
    const first = eventBucketNo(from + 1);
    let last = Math.max(first, eventBucketNo(newest));
    for (const rows of await Promise.all(Array.from({ length: last - first + 1 }, (_, i) => readBucket(first + i)))) docs.push(...rows);
    const fullTo = (b: number) => docs.some((d) => d.seq === (b + 1) * EVENT_BUCKET_SIZE - 1);
    while (fullTo(last) && docs.length <= MAX_REPLAY) docs.push(...(await readBucket(++last)));
    if (docs.length > MAX_REPLAY) return { missed: [], resync: true };
    docs.sort((a, b) => a.seq - b.seq);
    if (docs.some((d, i) => d.seq !== from + 1 + i) || (docs.length === 0 && newest > from)) return { missed: [], resync: true };
    const mine = (d: EventDoc) => (d.audience === 'item' ? userId !== undefined && Boolean(d.recipients?.[userId]) : maySee(d.audience));
    return { missed: docs.filter(mine).map((d) => (d.audience === 'item' ? personalize(toEnvelope(d), d.recipients?.[userId!]) : toEnvelope(d))), resync: false };
  }

  /** Ends the live connections of a signed-out session, on every node. */
  disconnectSession(sessionId: string) {
    this.io?.in(rooms.session(sessionId)).disconnectSockets(true);
  }

  /** Takes a person's sockets out of a workspace's rooms, on every node. */
  removeFromWorkspace(userId: string, workspaceId: string) {
    this.io?.in(rooms.user(userId)).socketsLeave([rooms.workspace(workspaceId), rooms.workspaceAdmins(workspaceId), rooms.workspaceApiKeys(workspaceId)]);
  }

  /** Takes a person's sockets out of a workspace's admin-only room, on every node. */
  leaveAdminFeed(userId: string, workspaceId: string) {
    this.io?.in(rooms.user(userId)).socketsLeave(rooms.workspaceAdmins(workspaceId));
  }

  /** Takes a person's sockets out of a workspace's API-key room (they may no longer manage keys), on every node. */
  leaveApiKeysFeed(userId: string, workspaceId: string) {
    this.io?.in(rooms.user(userId)).socketsLeave(rooms.workspaceApiKeys(workspaceId));
  }

  /** Sweeps events older than the retention period (no TTL index: expiry by query). */
  async sweep(retentionDays: number) {
    const before = new Date(Date.now() - retentionDays * 86_400_000);
    const { deletedCount } = await this.models.Event.deleteMany({ at: mongoose.trusted({ $lt: before }) });
    if (deletedCount) this.log.info({ deletedCount }, 'swept old events');
    return deletedCount;
  }
}
