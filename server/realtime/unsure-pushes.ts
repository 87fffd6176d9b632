import type { Connection } from 'mongoose';
import type { Server } from 'socket.io';
import type { Logger } from 'pino';
import { isDatabaseReachable } from '../db/connect.js';

/** How often the database is asked whether it answers again, while pushes are unsure. */
const RETRY_MS = 1000;

/**
 * Rooms that may have missed an event: its append failed without saying
 * whether the entry was stored (the database went away mid-write, a reply
 * was lost). If it was stored, nobody was pushed it, and a content event
 * leaves no hole for a subscriber to notice. So once the database answers
 * again, those rooms are sent `streams:check` with the moment the append
 * began; each subscriber replays from before it and gets the event if it
 * exists. A spurious check costs one replay.
 */
export class UnsurePushes {
  /** Room → the earliest append it may have missed (ms). */
  private readonly rooms = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private io: Server | null = null;

  constructor(
    private readonly conn: Connection,
    private readonly log: Logger,
  ) {}

  attach(io: Server) {
    this.io = io;
  }

  /** An append begun at `from` for these rooms failed: it may or may not be stored. */
  add(roomsToTell: string[], from: number) {
    for (const room of roomsToTell) this.rooms.set(room, Math.min(this.rooms.get(room) ?? from, from));
    this.timer ??= setTimeout(() => void this.flush(), RETRY_MS).unref();
  }

  private async flush() {
    this.timer = null;
    if (!this.rooms.size) return;
    if (!(await isDatabaseReachable(this.conn))) {
      this.timer ??= setTimeout(() => void this.flush(), RETRY_MS).unref();
      return;
    }
    const byFrom = new Map<number, string[]>();
    for (const [room, from] of this.rooms) byFrom.set(from, [...(byFrom.get(from) ?? []), room]);
    this.rooms.clear();
    for (const [from, rooms] of byFrom) this.io?.to(rooms).emit('streams:check', { from: new Date(from).toISOString() });
    this.log.info({ rooms: [...byFrom.values()].flat().length }, 'events whose storing was unsure: their rooms were asked to catch up');
  }

  close() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
