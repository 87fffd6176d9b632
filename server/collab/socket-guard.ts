import type WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * What reaches Hocuspocus from one `/collab` WebSocket. Every message passes
 * through here first (Hocuspocus re-emits the messages it queued while
 * authenticating, so those pass twice):
 * - a socket sends at most a burst of MESSAGE_BURST messages and BYTE_BURST
 *   bytes, refilled per second; past that it is closed (4429) — a flood
 *   costs the server a bounded amount of work and memory;
 * - it speaks for at most MAX_DOCUMENTS documents;
 * - stateless messages (unused by the dialog) are dropped;
 * - awareness goes through `presence` once the document is authenticated.
 */

/** One frame at most (ws refuses bigger ones with 1009): a dialog's whole state is a few kB. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
const MESSAGE_BURST = 300;
const MESSAGES_PER_SECOND = 60;
const BYTE_BURST = 2 * 1024 * 1024;
const BYTES_PER_SECOND = 512 * 1024;
const MAX_DOCUMENTS = 8;

/** The y-protocols / Hocuspocus message types this guard looks at. */
const AWARENESS = 1;
const STATELESS = 5;
const BROADCAST_STATELESS = 6;

export const CLOSE_RATE_LIMITED = 4429;

export interface GuardHooks {
  /** The awareness update to let through for `documentName` (rewritten), null to drop it, or the same bytes while not yet authenticated. */
  presence(ws: WebSocket, documentName: string, update: Uint8Array): Uint8Array | null;
}

class Bucket {
  private level: number;
  private at = Date.now();
  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.level = burst;
  }
  take(n: number): boolean {
    const now = Date.now();
    this.level = Math.min(this.burst, this.level + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.level < n) return false;
    this.level -= n;
    return true;
  }
}

export function guardSocket(ws: WebSocket, hooks: GuardHooks) {
  const messages = new Bucket(MESSAGE_BURST, MESSAGES_PER_SECOND);
  const bytes = new Bucket(BYTE_BURST, BYTES_PER_SECOND);
  const documents = new Set<string>();
  let tripped = false;
  const emit = ws.emit.bind(ws) as (event: string, ...args: unknown[]) => boolean;

  const filter = (data: Uint8Array): Uint8Array | null => {
    const decoder = decoding.createDecoder(data);
    const name = decoding.readVarString(decoder);
    if (!documents.has(name)) {
      if (documents.size >= MAX_DOCUMENTS) return null;
      documents.add(name);
    }
    const type = decoding.readVarUint(decoder);
    if (type === STATELESS || type === BROADCAST_STATELESS) return null;
    if (type !== AWARENESS) return data;
    const update = decoding.readVarUint8Array(decoder);
    const allowed = hooks.presence(ws, name, update);
    if (allowed === update || allowed === null) return allowed === null ? null : data;
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, name);
    encoding.writeVarUint(encoder, AWARENESS);
    encoding.writeVarUint8Array(encoder, allowed);
    return encoding.toUint8Array(encoder);
  };

  (ws as unknown as { emit: typeof emit }).emit = (event: string, ...args: unknown[]) => {
    if (event !== 'message') return emit(event, ...args);
    if (tripped) return false;
    const raw = args[0];
    const data = raw instanceof Uint8Array ? raw : Array.isArray(raw) ? Buffer.concat(raw as Buffer[]) : Buffer.from(raw as ArrayBuffer);
    if (!messages.take(1) || !bytes.take(data.byteLength)) {
      tripped = true;
      ws.close(CLOSE_RATE_LIMITED, 'rate-limited');
      return false;
    }
    let out: Uint8Array | null;
    try {
      out = filter(data);
    } catch {
      // Unreadable: Hocuspocus closes the socket for it.
      out = data;
    }
    return out ? emit('message', out, true) : false;
  };
}
