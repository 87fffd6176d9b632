import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { createSubworkspace } from '../../server/commands/create-subworkspace.js';
import { addMembership } from '../../server/workspaces/member.service.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  // 11 seats: the owner takes one, 10 are free.
  server = await startTestServer({ env: { DEFAULT_SEATS: '11' } });
});
afterAll(() => server?.close());

const seatsOf = async (client: { get: (p: string) => Promise<{ body: { seats: unknown } }> }, id: string) => (await client.get(`/api/workspaces/${id}`)).body.seats;

async function account() {
  const owner = await createUser(server.ctx, server.url, 'Owner');
  const ws = await createWorkspace(server.ctx, owner.user._id);
  const root = (await server.ctx.models.Workspace.findById(ws).lean())!;
  return { owner, ws, root };
}

describe('seat pools under concurrency', () => {
  it('30 parallel invitations into a pool with 10 free seats (root and an inherited sub-workspace mixed) reserve exactly 10; the other 20 get seat_limit_reached', async () => {
    const { owner, ws, root } = await account();
    const { workspace: sub } = await createSubworkspace(server.ctx, root, owner.user, { name: 'Client A', billingMode: 'inherited', apiAccess: false, members: [] });
    // Strangers to the account tree: adding them invites them (their consent is asked).
    const people = await Promise.all(Array.from({ length: 30 }, () => createUser(server.ctx, server.url, 'Joiner')));
    const replies = await Promise.all(
      people.map((p, i) => owner.client.post(`/api/workspaces/${i % 2 ? ws : sub._id}/members`, { email: p.email, role: 'creator' })),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(20);
    for (const r of replies.filter((x) => x.status === 201)) expect(Object.keys(r.body)).toEqual(['invitation']);
    for (const r of replies.filter((x) => x.status === 409)) {
      expect(r.body.error).toEqual({ code: 'seat_limit_reached', message: 'All seats are taken. Remove a member or add seats, then try again.' });
    }
    // Counters match a recount of what is stored.
    expect(await server.ctx.models.Invitation.countDocuments({ poolId: ws, status: 'sent' })).toBe(10);
    expect(await server.ctx.models.Seat.countDocuments({ poolId: ws })).toBe(11);
    expect(await server.ctx.models.SeatHolder.countDocuments({ poolId: ws })).toBe(11);
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 1, reserved: 10 });
    expect(await seatsOf(owner.client, sub._id)).toEqual({ limit: 11, used: 1, reserved: 10 });
  });

  it('the same person of the account tree added to one pool from many requests at once takes one seat', async () => {
    const { owner, root } = await account();
    // An independent sub-workspace and its own inherited child share a pool the person is not in yet.
    const { workspace: ind } = await createSubworkspace(server.ctx, root, owner.user, { name: 'Ind', billingMode: 'independent', apiAccess: false, members: [] });
    const { workspace: child } = await createSubworkspace(server.ctx, ind, owner.user, { name: 'Child', billingMode: 'inherited', apiAccess: false, members: [] });
    const p = await createUser(server.ctx, server.url, 'Twin');
    await addMembership(server.ctx, root, p.user, 'viewer', null);
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => owner.client.post(`/api/workspaces/${i % 2 ? ind._id : child._id}/members`, { email: p.email, role: 'viewer' })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409, 409, 409, 409, 409, 409]);
    expect(replies.filter((r) => r.status === 201).every((r) => r.body.member?.userId === p.user._id)).toBe(true);
    expect(replies.filter((r) => r.status === 409).every((r) => r.body.error.code === 'already_member')).toBe(true);
    expect(await seatsOf(owner.client, ind._id)).toEqual({ limit: 11, used: 2, reserved: 0 });
  });
});

describe('seat rules', () => {
  it('a person counts once per pool; leaving one workspace keeps the seat, leaving the last frees it', async () => {
    const { owner, ws, root } = await account();
    const { workspace: sub } = await createSubworkspace(server.ctx, root, owner.user, { name: 'Sub', billingMode: 'inherited', apiAccess: false, members: [] });
    const p = await createUser(server.ctx, server.url, 'Both');
    await addMembership(server.ctx, root, p.user, 'creator', null);
    // Already in the account tree: added to the sub-workspace at once.
    expect((await owner.client.post(`/api/workspaces/${sub._id}/members`, { email: p.email, role: 'creator' })).status).toBe(201);
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 2, reserved: 0 });
    expect((await p.client.post(`/api/workspaces/${sub._id}/leave`)).status).toBe(204);
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 2, reserved: 0 });
    expect((await owner.client.request('DELETE', `/api/workspaces/${ws}/members/${p.user._id}`)).status).toBe(204);
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 1, reserved: 0 });
  });

  it('a full pool refuses with a message to remove someone or add seats; buying seats lets the add through', async () => {
    const { owner, ws, root } = await account();
    const res = await owner.client.post(`/api/workspaces/${ws}/seats`, { add: 0 });
    expect(res.status).toBe(400);
    const fill = await Promise.all(Array.from({ length: 10 }, () => createUser(server.ctx, server.url, 'Fill')));
    for (const f of fill) await addMembership(server.ctx, root, f.user, 'viewer', null);
    const late = await createUser(server.ctx, server.url, 'Late');
    const refused = await owner.client.post(`/api/workspaces/${ws}/members`, { email: late.email, role: 'viewer' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('seat_limit_reached');
    expect(await server.ctx.models.Membership.exists({ _id: `${ws}:${late.user._id}` })).toBeNull();

    const bought = await owner.client.post(`/api/workspaces/${ws}/seats`, { add: 2 });
    expect(bought.status).toBe(200);
    expect(bought.body).toEqual({ seats: { limit: 13, used: 11, reserved: 0 } });
    const invited = await owner.client.post(`/api/workspaces/${ws}/members`, { email: late.email, role: 'viewer' });
    expect(invited.status).toBe(201);
    expect(invited.body.invitation).toMatchObject({ email: late.email, role: 'viewer', status: 'sent' });
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 13, used: 11, reserved: 1 });
    const audit = await owner.client.get(`/api/workspaces/${ws}/audit?type=seats.purchased`);
    expect(audit.body.items[0]).toMatchObject({ target: { kind: 'seats', id: ws }, before: { limit: 11 }, after: { limit: 13, purchased: 2 } });
  });

  it('parallel seat purchases all count', async () => {
    const { owner, ws } = await account();
    const replies = await Promise.all(Array.from({ length: 12 }, () => owner.client.post(`/api/workspaces/${ws}/seats`, { add: 1 })));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 23, used: 1, reserved: 0 });
  });

  it('an independent sub-workspace has its own pool and may have sub-workspaces; an inherited one may not, nor buy seats', async () => {
    const { owner, ws } = await account();
    const ind = await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Agency client', billingMode: 'independent', apiAccess: true });
    expect(ind.status).toBe(201);
    expect(ind.body).toMatchObject({ name: 'Agency client', settings: { billingMode: 'independent', apiAccess: true }, seats: { limit: 11, used: 1, reserved: 0 }, memberCount: 1 });
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 1, reserved: 0 });
    expect((await owner.client.post(`/api/workspaces/${ind.body.id}/subworkspaces`, { name: 'Nested', billingMode: 'inherited', apiAccess: false })).status).toBe(201);
    expect((await owner.client.post(`/api/workspaces/${ind.body.id}/seats`, { add: 1 })).status).toBe(200);

    const inh = await owner.client.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Dept', billingMode: 'inherited', apiAccess: false });
    expect(inh.body.seats).toEqual({ limit: 11, used: 1, reserved: 0 });
    const nested = await owner.client.post(`/api/workspaces/${inh.body.id}/subworkspaces`, { name: 'Nope', billingMode: 'inherited', apiAccess: false });
    expect(nested.status).toBe(409);
    expect(nested.body.error.code).toBe('conflict');
    const buy = await owner.client.post(`/api/workspaces/${inh.body.id}/seats`, { add: 1 });
    expect(buy.status).toBe(409);
    expect(buy.body.error.message).toMatch(/parent/);
    expect(await server.ctx.models.Workspace.countDocuments({ parentId: inh.body.id })).toBe(0);
  });

  it('deleting a sub-workspace frees the seats of people in no other workspace of the pool, recursively', async () => {
    const { owner, ws, root } = await account();
    const { workspace: sub } = await createSubworkspace(server.ctx, root, owner.user, { name: 'Doomed', billingMode: 'inherited', apiAccess: false, members: [] });
    const only = await createUser(server.ctx, server.url, 'OnlyHere');
    const both = await createUser(server.ctx, server.url, 'AlsoRoot');
    await addMembership(server.ctx, sub, only.user, 'creator', null);
    await addMembership(server.ctx, sub, both.user, 'creator', null);
    await addMembership(server.ctx, root, both.user, 'viewer', null);
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 3, reserved: 0 });

    expect((await owner.client.request('DELETE', `/api/workspaces/${sub._id}`)).status).toBe(204);
    expect(await seatsOf(owner.client, ws)).toEqual({ limit: 11, used: 2, reserved: 0 });
    expect(await server.ctx.models.Workspace.exists({ _id: sub._id })).toBeNull();
    expect(await server.ctx.models.Membership.countDocuments({ workspaceId: sub._id })).toBe(0);
    expect((await only.client.get(`/api/workspaces/${sub._id}`)).status).toBe(404);
  });

  it('a pool with no seat left refuses a new sub-workspace whose owner has none, and creates nothing', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const admin = await createUser(server.ctx, server.url, 'Admin');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const root = (await server.ctx.models.Workspace.findById(ws).lean())!;
    const { workspace: independent } = await createSubworkspace(server.ctx, root, owner.user, { name: 'Ind', billingMode: 'independent', apiAccess: false, members: [] });
    await addMembership(server.ctx, root, admin.user, 'super_admin', null);
    // Fill the independent pool: the root's admin is not in it.
    const fill = await Promise.all(Array.from({ length: 10 }, () => createUser(server.ctx, server.url, 'Fill')));
    for (const f of fill) await addMembership(server.ctx, independent, f.user, 'viewer', null);
    const res = await admin.client.post(`/api/workspaces/${independent._id}/subworkspaces`, { name: 'No room', billingMode: 'inherited', apiAccess: false });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('seat_limit_reached');
    expect(await server.ctx.models.Workspace.exists({ name: 'No room' })).toBeNull();
  });
});
