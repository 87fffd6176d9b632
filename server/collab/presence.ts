import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { IdSchema } from '../../shared/schemas/ids.js';
import type { CollabPresence } from '../../shared/schemas/content.js';

/**
 * Presence in the share dialog (Yjs awareness): `{ user, focus }`, where
 * `user` is whoever the connection signed in as — the server writes it over
 * whatever the client claimed — and `focus` is `general`, `grant:<userId>`
 * or null. Anything else a client puts in its state is dropped.
 */

export type PresenceUser = CollabPresence['user'];

/** At most this many awareness clients per message (a tab has one). */
export const MAX_PRESENCE_CLIENTS = 4;
const MAX_STATE_LENGTH = 4_096;

const COLORS = ['#2563eb', '#db2777', '#16a34a', '#ea580c', '#7c3aed', '#0891b2', '#ca8a04', '#dc2626'];

/** A person's colour in every dialog, the same on every node. */
export function colorOf(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return COLORS[h % COLORS.length]!;
}

function focusOf(state: unknown): string | null {
  const focus = state && typeof state === 'object' ? (state as { focus?: unknown }).focus : undefined;
  if (focus === 'general') return focus;
  if (typeof focus === 'string' && focus.startsWith('grant:') && IdSchema.safeParse(focus.slice(6)).success) return focus;
  return null;
}

/**
 * An awareness update as the server lets it through: each state rewritten to
 * `{ user, focus }` with the connection's own user, states of clients the
 * connection may not speak for left out (`mayClaim`). Null when nothing is
 * left, or when the update cannot be read.
 */
export function sanitizeAwareness(update: Uint8Array, user: PresenceUser, mayClaim: (clientId: number) => boolean): Uint8Array | null {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    if (count > MAX_PRESENCE_CLIENTS) return null;
    const out: Array<{ clientId: number; clock: number; state: string }> = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const raw = decoding.readVarString(decoder);
      if (!mayClaim(clientId)) continue;
      let state: unknown = null;
      if (raw.length <= MAX_STATE_LENGTH) {
        try {
          state = JSON.parse(raw);
        } catch {
          continue;
        }
      }
      // null is the client leaving; anything else is presence, in the server's words.
      const presence: CollabPresence | null = state === null && raw === 'null' ? null : { user, focus: focusOf(state) };
      out.push({ clientId, clock, state: JSON.stringify(presence) });
    }
    if (out.length === 0) return null;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, out.length);
    for (const s of out) {
      encoding.writeVarUint(encoder, s.clientId);
      encoding.writeVarUint(encoder, s.clock);
      encoding.writeVarString(encoder, s.state);
    }
    return encoding.toUint8Array(encoder);
  } catch {
    return null;
  }
}
