import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { claimSeat } from '../../server/workspaces/seat.service.js';
import { repairSeats } from '../../server/workspaces/seat-repair.js';
import { seatHolderId } from '../../server/workspaces/seat.model.js';

/**
 * What a process killed in the middle of a seat change leaves behind (no
 * transactions: the claim and what holds it are separate writes), and the
 * repair that the surviving nodes run once they notice it gone.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const old = new Date(Date.now() - 60_000);

describe('seat repair after a lost node', () => {
  it('frees seats whose holder never came, finishes half-made claims, gives a pending invitation back its seat, and leaves young changes alone', async () => {
    const m = server.ctx.models;
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const ws = await createWorkspace(server.ctx, owner.user._id, [], 'Repair Co');
    const poolId = (await m.Workspace.findById(ws).lean())!.poolId;
    const invite = (email: string) => owner.client.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email, role: 'viewer' }] });
    expect((await invite('kept@example.com')).status).toBe(201);
    const kept = (await m.Invitation.findOne({ email: 'kept@example.com' }).lean())!;
    const seatsBefore = (await owner.client.get(`/api/workspaces/${ws}`)).body.seats;

    // 1. Killed after claiming, before writing the invitation: a seat for nobody.
    await claimSeat(server.ctx, poolId, 'i:000000000000000000000001', 'invitation');
    // 2. Killed inside a claim: a seat without its holder's claim, for nobody.
    await m.Seat.create({ _id: `${poolId}:90`, poolId, n: 90, holder: 'i:000000000000000000000002', kind: 'invitation', at: old });
    // 3. Killed after writing an invitation, before its seat (the old order): a pending invitation without a seat.
    await m.Seat.deleteOne({ holder: `i:${kept._id}` });
    await m.SeatHolder.deleteOne({ _id: seatHolderId(poolId, `i:${kept._id}`) });
    await m.Invitation.updateOne({ _id: kept._id }, { $set: { createdAt: old } });
    // A claim under way on a live node, a moment old: not judged.
    await claimSeat(server.ctx, poolId, 'i:000000000000000000000003', 'invitation');
    await m.Seat.updateMany({ holder: 'i:000000000000000000000001' }, { $set: { at: old } });

    expect(await repairSeats(server.ctx)).toBe(3);
    const holders = (await m.Seat.find({ poolId }).lean()).map((s) => s.holder).sort();
    expect(holders).toEqual([`i:${kept._id}`, 'i:000000000000000000000003', `u:${owner.user._id}`].sort());
    expect((await m.SeatHolder.find({ poolId }).lean()).map((h) => h.holder).sort()).toEqual(holders);
    // Nothing left to do: a second run changes nothing.
    expect(await repairSeats(server.ctx)).toBe(0);
    // The young claim is judged once it is old enough: its invitation never came, so it goes.
    await m.Seat.updateMany({ holder: 'i:000000000000000000000003' }, { $set: { at: old } });
    expect(await repairSeats(server.ctx)).toBe(1);
    expect((await owner.client.get(`/api/workspaces/${ws}`)).body.seats).toEqual(seatsBefore);
  });
});
