import type { AppContext } from '../context.js';
import { seatsOf } from './seat.service.js';

/** Tells every workspace drawing from a pool its new seat counts. */
export async function announceSeats(ctx: AppContext, poolId: string, actorId: string | null) {
  const [seats, workspaces] = await Promise.all([seatsOf(ctx, poolId), ctx.models.Workspace.find({ poolId }, { _id: 1 }).lean()]);
  await Promise.all(workspaces.map((w) => ctx.publisher.toWorkspace(w._id, 'members', { type: 'seats.updated', actorId, data: { poolId, seats } })));
}
