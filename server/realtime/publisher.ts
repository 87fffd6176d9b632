import mongoose from 'mongoose';
import type { Server } from 'socket.io';
import type { Logger } from 'pino';
import type { EventAudience, EventEnvelope } from '../../shared/events.js';
import type { EventType, UserEventMap, UserEventType, WorkspaceEventMap, WorkspaceEventType } from '../../shared/event-map.js';
import type { Models } from '../db/models.js';
import { eventBucket, eventBucketNo, EVENT_BUCKET_SIZE, eventId, seqOf, type EventDoc } from './event.model.js';
import { isDuplicateKey } from '../db/claims.js';
import { newId } from '../db/ids.js';
import { auditBucket } from '../audit/audit.model.js';

/** How many missed events a reconnecting client is sent; past that it reloads instead. */
export const MAX_REPLAY = 500;
const MAX_CLAIM_ATTEMPTS = 1000;

export const rooms = {
  user: (userId: string) => `user:${userId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  workspace: (workspaceId: string) => `workspace:${workspaceId}`,
  workspaceAdmins: (workspaceId: string) => `workspace:${workspaceId}:admins`,
};

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

export function toEnvelope(doc: EventDoc): EventEnvelope {
  return { id: doc._id, type: doc.type, workspaceId: doc.workspaceId, actorId: doc.actorId, at: doc.at.toISOString(), data: doc.data };
}

/**
 * The one way a state change reaches screens. A domain service calls it after
 * its write succeeded; the event is stored first (audit trail and replay
 * cursor), then pushed to the rooms the server chose for its audience.
 */
export class Publisher {
  private io: Server | null = null;
  private readonly queues = new Map<string, Promise<EventDoc>>();
  private readonly nextSeq = new Map<string, number>();

  constructor(
    private readonly models: Models,
    private readonly log: Logger,
  ) {}

  attach(io: Server) {
    this.io = io;
  }

  /** An event of a workspace, seen by its members or by its Super Admins only. */
  async toWorkspace<T extends WorkspaceEventType>(workspaceId: string, audience: Exclude<EventAudience, 'user'>, input: WorkspaceEventInput<T>) {
    const room = audience === 'admins' ? rooms.workspaceAdmins(workspaceId) : rooms.workspace(workspaceId);
    const envelope = await this.publish(rooms.workspace(workspaceId), room, workspaceId, audience, input);
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
    return envelope;
  }

  /** An event for one person (e.g. `notification.created`), on every tab they have open. */
  toUser<T extends UserEventType>(userId: string, input: UserEventInput<T>) {
    return this.publish(rooms.user(userId), rooms.user(userId), input.workspaceId ?? null, 'user', input);
  }

  private publish(stream: string, room: string, workspaceId: string | null, audience: EventAudience, input: PublishInput) {
    // One publish at a time per stream on this node: events leave in sequence
    // order and this node's writers never collide on a sequence number.
    const previous = this.queues.get(stream) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.store(stream, workspaceId, audience, input));
    this.queues.set(stream, next);
    void next.finally(() => {
      if (this.queues.get(stream) === next) this.queues.delete(stream);
    }).catch(() => {});
    return next.then((doc) => {
      const envelope = toEnvelope(doc);
      this.io?.to(room).emit('event', envelope);
      this.advanceHint(stream, doc.seq);
      return envelope;
    });
  }

  /**
   * Moves the stream's counter, the hint of its newest number, after the emit:
   * the stored event alone is what claims the number, so screens need not
   * wait for the hint. It may lag, never lead (`$max`); a lost update only
   * makes the next node that starts this stream try a few taken numbers.
   */
  private advanceHint(stream: string, seq: number) {
    this.models.Counter.updateOne({ _id: stream }, { $max: { seq } }, { upsert: true }).catch((err: unknown) => {
      if (!isDuplicateKey(err)) this.log.warn({ err, stream }, 'event counter hint not updated');
    });
  }

  /**
   * Stores an event under the next sequence number of its stream. The number
   * is claimed by inserting `_id` = `<stream>:<seq>` (see db/claims.ts): if
   * another node took it, the insert fails and the next number is tried.
   */
  private async store(stream: string, workspaceId: string | null, audience: EventAudience, input: PublishInput): Promise<EventDoc> {
    let seq = this.nextSeq.get(stream) ?? (await this.hintOf(stream)) + 1;
    for (let attempt = 0; ; attempt++) {
      const doc: EventDoc = {
        _id: eventId(stream, seq),
        stream,
        seq,
        type: input.type,
        workspaceId,
        actorId: input.actorId,
        audience,
        at: new Date(),
        data: input.data as Record<string, unknown>,
        bucket: eventBucket(stream, seq),
      };
      try {
        await this.models.Event.create(doc);
        this.nextSeq.set(stream, seq + 1);
        return doc;
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= MAX_CLAIM_ATTEMPTS) throw err;
        seq = Math.max(seq + 1, (await this.hintOf(stream)) + 1);
      }
    }
  }

  private async hintOf(stream: string): Promise<number> {
    return (await this.models.Counter.findById(stream).lean())?.seq ?? 0;
  }

  /**
   * The newest event id of a stream: where a fresh subscriber's cursor
   * starts. Exact for what this node published; another node's newest event
   * shows once its hint lands (a moment after its emit), and a cursor that
   * lags only replays events the client then recognises as seen.
   */
  async cursorOf(stream: string): Promise<string | null> {
    const counter = await this.models.Counter.findById(stream).lean();
    const seq = Math.max(counter?.seq ?? 0, (this.nextSeq.get(stream) ?? 1) - 1);
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
   */
  async replay(stream: string, since: string, maySee: (audience: EventAudience) => boolean) {
    const from = seqOf(stream, since);
    if (from === null || !(await this.models.Event.exists({ _id: since }))) return { missed: [], resync: true };
    // The counter lags what was just emitted; what this node published itself it knows exactly.
    const newest = Math.max(await this.hintOf(stream), (this.nextSeq.get(stream) ?? 1) - 1);
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
    return { missed: docs.filter((d) => maySee(d.audience)).map(toEnvelope), resync: false };
  }

  /** Ends the live connections of a signed-out session, on every node. */
  disconnectSession(sessionId: string) {
    this.io?.in(rooms.session(sessionId)).disconnectSockets(true);
  }

  /** Takes a person's sockets out of a workspace's rooms, on every node. */
  removeFromWorkspace(userId: string, workspaceId: string) {
    this.io?.in(rooms.user(userId)).socketsLeave([rooms.workspace(workspaceId), rooms.workspaceAdmins(workspaceId)]);
  }

  /** Takes a person's sockets out of a workspace's admin-only room, on every node. */
  leaveAdminFeed(userId: string, workspaceId: string) {
    this.io?.in(rooms.user(userId)).socketsLeave(rooms.workspaceAdmins(workspaceId));
  }

  /** Sweeps events older than the retention period (no TTL index: expiry by query). */
  async sweep(retentionDays: number) {
    const before = new Date(Date.now() - retentionDays * 86_400_000);
    const { deletedCount } = await this.models.Event.deleteMany({ at: mongoose.trusted({ $lt: before }) });
    if (deletedCount) this.log.info({ deletedCount }, 'swept old events');
    return deletedCount;
  }
}
