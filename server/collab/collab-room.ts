import type { Connection, Document } from '@hocuspocus/server';
import type { AppContext } from '../context.js';
import { PutSharingSchema } from '../../shared/schemas/content.js';
import { collabAccessOf, sessionAlive, type CollabAccess } from './collab-access.js';
import { deltaOf, inputOf, isEmptyDelta, printDoc, stateOfView, writeState, type SharingState } from './sharing-doc.js';
import { getSharing, putSharing } from '../sharing/sharing.service.js';

/** What the server keeps about a co-editing connection (Hocuspocus' connection context). */
export interface CollabContext {
  userId: string;
  sessionId: string;
  itemId: string;
  user: { id: string; name: string; color: string };
  /** The access it was let in with; read once, to build the document. */
  access?: CollabAccess;
}

/** Close codes a client sees: it reconnects on its own, and is then refused or let in read-only. */
export const CLOSE_SIGNED_OUT = 4401;
export const CLOSE_ACCESS_REVOKED = 4403;
export const CLOSE_ACCESS_CHANGED = 4409;

/** Changes arriving within this long are stored together. */
const SETTLE_MS = 25;

const contextOf = (connection: Connection) => connection.context as CollabContext;

/**
 * One open co-editing document on this node. Work on it runs one step at a
 * time: storing what a client changed (through the sharing service, which
 * applies the rules, against what the database holds now) or rebuilding it
 * from the database after a change by another path; either way the stored
 * state is written back into the document, so every open dialog shows what
 * the rules made. `base` is what the document was last written to: a
 * client's change is what differs from it.
 */
export class CollabRoom {
  private base: SharingState | null = null;
  private writer: Connection | null = null;
  private stale = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly ctx: AppContext,
    readonly document: Document,
    readonly itemId: string,
  ) {}

  /** Builds the document from the database, with the access of the first person to open it. */
  async load(context: CollabContext) {
    const access = context.access ?? (await collabAccessOf(this.ctx, this.itemId, context.userId));
    if (!access) throw new Error('no access to load the document');
    this.base = stateOfView(await getSharing(this.ctx, access.workspace, access.item, context.userId));
    writeState(this.document, this.base);
  }

  /** A client with `manage` changed the document. */
  changed(by: Connection) {
    this.writer = by;
    this.schedule();
  }

  /** Something the access or the sharing depends on changed: re-check every connection, rebuild from the database. */
  refresh() {
    this.stale = true;
    this.schedule();
  }

  connections(): Connection[] {
    return this.document.getConnections();
  }

  hasUser(userId: string) {
    return this.connections().some((c) => contextOf(c).userId === userId);
  }

  hasSession(sessionId: string) {
    return this.connections().some((c) => contextOf(c).sessionId === sessionId);
  }

  private schedule() {
    if (this.closed || this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.pump().finally(() => {
        this.running = null;
        if (this.writer || this.stale) this.schedule();
      });
    }, SETTLE_MS);
  }

  private async pump() {
    while (!this.closed && (this.writer || this.stale)) {
      const writer = this.writer;
      this.writer = null;
      try {
        if (writer) await this.store(writer);
        else {
          this.stale = false;
          await this.rebuild();
        }
      } catch (err) {
        this.ctx.log.warn({ err, itemId: this.itemId }, 'co-editing: could not apply a change');
        this.stale = !this.closed;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Stores a client's change (merged onto what is stored now) and writes back what the rules made of it. */
  private async store(writer: Connection) {
    if (!this.base) return;
    const since = printDoc(this.document);
    const delta = deltaOf(this.document, this.base);
    const { userId } = contextOf(writer);
    const access = await collabAccessOf(this.ctx, this.itemId, userId);
    if (!access?.item.manage) {
      // Lost the right to change it since connecting: nothing is stored, everyone is re-checked.
      this.stale = true;
      return;
    }
    let stored = stateOfView(await getSharing(this.ctx, access.workspace, access.item, userId));
    const input = isEmptyDelta(delta) ? null : inputOf(stored, delta, this.ctx.now());
    if (input && PutSharingSchema.safeParse(input).success) {
      try {
        const { view } = await putSharing(this.ctx, access.workspace, access.item, input, userId, { normalize: true });
        stored = stateOfView(view);
      } catch (err) {
        // Refused by the rules as a whole: the document goes back to what is stored.
        this.ctx.log.debug({ err, itemId: this.itemId }, 'co-editing: change refused');
      }
    }
    this.write(stored, since);
  }

  /** Re-checks every connection, then writes the stored state into the document. */
  private async rebuild() {
    const since = printDoc(this.document);
    let reader: { access: CollabAccess; userId: string } | null = null;
    for (const connection of this.connections()) {
      const { userId, sessionId } = contextOf(connection);
      if (!(await sessionAlive(this.ctx, sessionId))) {
        revoke(connection, CLOSE_SIGNED_OUT, 'signed-out');
        continue;
      }
      const access = await collabAccessOf(this.ctx, this.itemId, userId);
      if (!access) {
        revoke(connection, CLOSE_ACCESS_REVOKED, 'access-revoked');
        continue;
      }
      if (!access.item.manage && !connection.readOnly) revoke(connection, CLOSE_ACCESS_CHANGED, 'read-only');
      reader ??= { access, userId };
    }
    if (!reader) return;
    this.write(stateOfView(await getSharing(this.ctx, reader.access.workspace, reader.access.item, reader.userId)), since);
  }

  private write(state: SharingState, since: ReturnType<typeof printDoc>) {
    if (this.closed) return;
    writeState(this.document, state, since);
    this.base = state;
  }

  close() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/**
 * Takes a connection out at once: nothing it sends is applied any more, and
 * its socket closes; the provider reconnects by itself and is then refused
 * (no access) or let in read-only (no `manage`).
 */
export function revoke(connection: Connection, code: number, reason: string) {
  connection.readOnly = true;
  connection.webSocket.close(code, reason);
}
