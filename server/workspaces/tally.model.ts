import { Schema, type Connection } from 'mongoose';
import { invalidatesCache } from '../cache/cache-hooks.js';

/**
 * Counts a screen shows without recounting them: a seat pool's limit, used
 * and reserved seats (`seats:<poolId>`), a workspace's members
 * (`members:<workspaceId>`). Derived from the claims (seats, memberships)
 * after every change that moves them, never the source of a decision: the
 * claims themselves hold the invariants.
 */
export interface TallyDoc {
  _id: string;
  counts: Record<string, number>;
  at: Date;
}

const tallySchema = new Schema<TallyDoc>(
  {
    _id: { type: String, required: true },
    counts: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, default: () => new Date() },
  },
  { versionKey: false, minimize: false },
);

// Counts on a screen: other nodes are told, without holding up the change that moved them.
tallySchema.plugin(invalidatesCache('tally', { confirmed: false }));

export const tallyModel = (conn: Connection) => conn.model<TallyDoc>('Tally', tallySchema, 'tallies');
