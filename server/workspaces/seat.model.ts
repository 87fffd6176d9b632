import { Schema, type Connection } from 'mongoose';

/**
 * A seat pool is owned by a root workspace or an independent sub-workspace
 * (`poolId` = that workspace's id). Each taken seat is one `Seat` document,
 * `_id` = `<poolId>:<n>` with 1 ≤ n ≤ the pool's limit: taking seat n is an
 * insert that fails if someone holds it (see db/claims.ts), so no race can
 * put more holders in a pool than it has seats.
 *
 * A holder is a person (`u:<userId>`) or a pending invitation
 * (`i:<invitationId>`), and holds at most one seat per pool: `SeatHolder`
 * (`_id` = `<poolId>|<holder>`) is claimed the same way.
 */
export interface SeatDoc {
  _id: string;
  poolId: string;
  n: number;
  holder: string;
  kind: 'member' | 'invitation';
  at: Date;
}

export interface SeatHolderDoc {
  _id: string;
  poolId: string;
  holder: string;
  seatId: string;
}

/** Seats bought for a pool; the limit is the pool's base plus every purchase. */
export interface SeatPurchaseDoc {
  _id: string;
  poolId: string;
  add: number;
  actorId: string;
  at: Date;
}

const seatSchema = new Schema<SeatDoc>(
  {
    _id: { type: String, required: true },
    poolId: { type: String, required: true, index: true },
    n: { type: Number, required: true },
    holder: { type: String, required: true },
    kind: { type: String, required: true },
    at: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);

const seatHolderSchema = new Schema<SeatHolderDoc>(
  {
    _id: { type: String, required: true },
    poolId: { type: String, required: true, index: true },
    holder: { type: String, required: true },
    seatId: { type: String, required: true },
  },
  { versionKey: false },
);

const seatPurchaseSchema = new Schema<SeatPurchaseDoc>(
  {
    _id: { type: String, required: true },
    poolId: { type: String, required: true, index: true },
    add: { type: Number, required: true },
    actorId: { type: String, required: true },
    at: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);

export const seatModel = (conn: Connection) => conn.model<SeatDoc>('Seat', seatSchema, 'seats');
export const seatHolderModel = (conn: Connection) => conn.model<SeatHolderDoc>('SeatHolder', seatHolderSchema, 'seat_holders');
export const seatPurchaseModel = (conn: Connection) => conn.model<SeatPurchaseDoc>('SeatPurchase', seatPurchaseSchema, 'seat_purchases');

export const seatHolderId = (poolId: string, holder: string) => `${poolId}|${holder}`;
export const userHolder = (userId: string) => `u:${userId}`;
export const invitationHolder = (invitationId: string) => `i:${invitationId}`;
