import mongoose from 'mongoose';
import type { Server } from 'socket.io';
import type { Logger } from 'pino';
import type { EventAudience, EventEnvelope, EventType } from '../../shared/events.js';
import type { Models } from '../db/models.js';
import { eventId, seqOf, type EventDoc } from './event.model.js';

/** How many missed events a reconnecting client is sent; past that it reloads instead. */
export const MAX_REPLAY = 500;

export const rooms = {
  user: (userId: string) => `user:${userId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  workspace: (workspaceId: string) => `workspace:${workspaceId}`,
  workspaceAdmins: (workspaceId: string) => `workspace:${workspaceId}:admins`,
};

export interface PublishInput {
  type: EventType;
  actorId: string | null;
  data: Record<string, unknown>;
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

  constructor(
    private readonly models: Models,
    private readonly log: Logger,
  ) {}

  attach(io: Server) {
    this.io = io;
  }

  /** An event of a workspace, seen by its members or by its Super Admins only. */
  toWorkspace(workspaceId: string, audience: Exclude<EventAudience, 'user'>, input: PublishInput) {
    const room = audience === 'admins' ? rooms.workspaceAdmins(workspaceId) : rooms.workspace(workspaceId);
    return this.publish(rooms.workspace(workspaceId), room, workspaceId, audience, input);
  }

  /** An event for one person (e.g. `notification.created`), on every tab they have open. */
  toUser(userId: string, input: PublishInput & { workspaceId?: string | null }) {
    return this.publish(rooms.user(userId), rooms.user(userId), input.workspaceId ?? null, 'user', input);
  }

  private async publish(stream: string, room: string, workspaceId: string | null, audience: EventAudience, input: PublishInput) {
    const counter = await this.models.Counter.findOneAndUpdate(
      { _id: stream },
      { $inc: { seq: 1 } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    const seq = counter!.seq;
    const doc: EventDoc = {
      _id: eventId(stream, seq),
      stream,
      seq,
      type: input.type,
      workspaceId,
      actorId: input.actorId,
      audience,
      at: new Date(),
      data: input.data,
    };
    await this.models.Event.create(doc);
    const envelope = toEnvelope(doc);
    this.io?.to(room).emit('event', envelope);
    return envelope;
  }

  /** The newest event id of a stream: where a fresh subscriber's cursor starts. */
  async cursorOf(stream: string): Promise<string | null> {
    const counter = await this.models.Counter.findById(stream).lean();
    return counter && counter.seq > 0 ? eventId(stream, counter.seq) : null;
  }

  /**
   * What a reconnecting client missed since the event id it last saw, limited
   * to what it may see now. An unknown or foreign cursor, or more than
   * MAX_REPLAY events, asks the client to reload (`resync`).
   */
  async replay(stream: string, since: string, maySee: (audience: EventAudience) => boolean) {
    const from = seqOf(stream, since);
    if (from === null) return { missed: [], resync: true };
    const docs = await this.models.Event.find({ stream, seq: mongoose.trusted({ $gt: from }) })
      .sort({ seq: 1 })
      .limit(MAX_REPLAY + 1)
      .lean();
    if (docs.length > MAX_REPLAY) return { missed: [], resync: true };
    // A cursor ahead of the stream (or whose events were swept) cannot be trusted either.
    const newest = await this.models.Counter.findById(stream).lean();
    if (!newest || from > newest.seq || (docs.length > 0 && docs[0]!.seq !== from + 1)) return { missed: [], resync: true };
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

  /** Sweeps events older than the retention period (no TTL index: expiry by query). */
  async sweep(retentionDays: number) {
    const before = new Date(Date.now() - retentionDays * 86_400_000);
    const { deletedCount } = await this.models.Event.deleteMany({ at: mongoose.trusted({ $lt: before }) });
    if (deletedCount) this.log.info({ deletedCount }, 'swept old events');
    return deletedCount;
  }
}
