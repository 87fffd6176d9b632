import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import type { ApiClient, Reply } from '../support/client.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';

/**
 * Switching a sub-workspace's billing mode after creation: seats move
 * between its parent's pool and its own with exact counts on both sides, a
 * switch the parent has no room for changes nothing, and people joining,
 * invited or removed while switches run end seated exactly once in the pool
 * the workspace ends in. Avatar slots follow the allocation rule.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_SEATS: '10', JOIN_MAX_PER_HOUR: '100000', TOKEN_LOOKUP_MAX_PER_HOUR: '100000', INVITE_MAIL_PER_DAY: '100000' } });
});
afterAll(() => server?.close());

type Person = Awaited<ReturnType<typeof createUser>>;

const workspaceDoc = async (id: string) => (await server.ctx.models.Workspace.findById(id).lean())!;
const seatsShown = async (client: ApiClient, id: string) => (await client.get(`/api/workspaces/${id}`)).body.seats;
const patchBilling = (client: ApiClient, id: string, billingMode: string) => client.request('PATCH', `/api/workspaces/${id}`, { settings: { billingMode } });

/** The seats claimed in a pool, by holder, from the claims themselves. */
async function claimsOf(poolId: string) {
  const [seats, holders] = await Promise.all([server.ctx.models.Seat.find({ poolId }).lean(), server.ctx.models.SeatHolder.find({ poolId }).lean()]);
  return { seats: seats.map((s) => s.holder).sort(), holders: holders.map((h) => h.holder).sort(), used: seats.filter((s) => s.kind === 'member').length, reserved: seats.filter((s) => s.kind === 'invitation').length };
}

/** A root with its owner and `extra` more members, and an inherited sub-workspace with the root's owner and `own` people of its own. */
async function account(opts: { rootMembers?: number; subMembers?: number; mode?: 'inherited' | 'independent' } = {}) {
  const owner = await createUser(server.ctx, server.url, 'Owner');
  const root = await createWorkspace(server.ctx, owner.user._id, [], 'Parent');
  const rootPeople: Person[] = [];
  for (let i = 0; i < (opts.rootMembers ?? 0); i++) {
    const p = await createUser(server.ctx, server.url, 'RootMember');
    await addMember(server.ctx, root, p.user, 'viewer');
    rootPeople.push(p);
  }
  const created = await owner.client.post(`/api/workspaces/${root}/subworkspaces`, { name: 'Branch', billingMode: opts.mode ?? 'inherited', apiAccess: false });
  expect(created.status).toBe(201);
  const sub = created.body.id as string;
  const subPeople: Person[] = [];
  for (let i = 0; i < (opts.subMembers ?? 0); i++) {
    const p = await createUser(server.ctx, server.url, 'SubMember');
    await addMember(server.ctx, sub, p.user, 'creator');
    subPeople.push(p);
  }
  return { owner, root, sub, rootPeople, subPeople };
}

describe('switching a sub-workspace to independent and back', () => {
  it('moves every member and pending invitation to its own pool, frees only the parent seats no one else needs, and back again', async () => {
    const t = await account({ rootMembers: 1, subMembers: 2 });
    // Ann is in the parent too: she keeps her parent seat. The two sub members and the invitation do not.
    const ann = t.rootPeople[0]!;
    await addMember(server.ctx, t.sub, ann.user, 'viewer');
    const invited = await t.owner.client.post(`/api/workspaces/${t.sub}/invitations`, { invites: [{ email: 'ghost.billing@example.com', role: 'viewer' }] });
    expect(invited.status).toBe(201);
    const invitationId = invited.body.created[0].id as string;
    expect(await seatsShown(t.owner.client, t.root)).toEqual({ limit: 10, used: 4, reserved: 1 });
    // Credits allocated to it: unspent, they simply become its own balance (nothing moves).
    expect((await t.owner.client.request('PUT', `/api/workspaces/${t.sub}/allocations`, { generativeCredits: 25, apiCredits: 100 })).status).toBe(200);
    const creditsOf = async (id: string) => {
      const { generative, api, billing, canPurchase } = (await t.owner.client.get(`/api/workspaces/${id}/credits`)).body;
      return { generative: generative.available, api: api.available, billing, canPurchase };
    };
    const parentCredits = await creditsOf(t.root);
    expect(await creditsOf(t.sub)).toEqual({ generative: 25, api: 100, billing: 'allocated', canPurchase: false });

    const reply = await patchBilling(t.owner.client, t.sub, 'independent');
    expect(reply.status).toBe(200);
    expect([reply.body.settings.billingMode, reply.body.poolId, reply.body.seats, reply.body.canHaveSubworkspaces]).toEqual(['independent', t.sub, { limit: 10, used: 4, reserved: 1 }, true]);
    // Parent: its owner and Ann only.
    expect(await seatsShown(t.owner.client, t.root)).toEqual({ limit: 10, used: 2, reserved: 0 });
    expect(await claimsOf(t.root)).toEqual({ seats: [`u:${ann.user._id}`, `u:${t.owner.user._id}`].sort(), holders: [`u:${ann.user._id}`, `u:${t.owner.user._id}`].sort(), used: 2, reserved: 0 });
    const subHolders = [`i:${invitationId}`, `u:${ann.user._id}`, `u:${t.owner.user._id}`, ...t.subPeople.map((p) => `u:${p.user._id}`)].sort();
    expect(await claimsOf(t.sub)).toEqual({ seats: subHolders, holders: subHolders, used: 4, reserved: 1 });
    const memberships = await server.ctx.models.Membership.find({ workspaceId: t.sub }).lean();
    expect(memberships.map((m) => m.poolId)).toEqual([t.sub, t.sub, t.sub, t.sub]);
    expect((await server.ctx.models.Invitation.findById(invitationId).lean())!.poolId).toBe(t.sub);
    expect((await workspaceDoc(t.sub)).seats.limit).toBe(10);
    // The sub-workspace's own admin sees its own seats.
    expect((await t.subPeople[0]!.client.get(`/api/workspaces/${t.sub}`)).body.seats).toEqual({ limit: 10, used: 4, reserved: 1 });

    expect(await creditsOf(t.sub)).toEqual({ generative: 25, api: 100, billing: 'own', canPurchase: true });
    expect(await creditsOf(t.root)).toEqual(parentCredits);

    // Seats bought for its own pool go with it when it draws on the parent again.
    expect((await t.owner.client.post(`/api/workspaces/${t.sub}/seats`, { add: 5 })).status).toBe(200);
    expect(await seatsShown(t.owner.client, t.sub)).toEqual({ limit: 15, used: 4, reserved: 1 });

    const back = await patchBilling(t.owner.client, t.sub, 'inherited');
    expect(back.status).toBe(200);
    expect([back.body.settings.billingMode, back.body.poolId, back.body.seats, back.body.canHaveSubworkspaces]).toEqual(['inherited', t.root, { limit: 10, used: 4, reserved: 1 }, false]);
    expect(await claimsOf(t.root)).toEqual({ seats: subHolders, holders: subHolders, used: 4, reserved: 1 });
    expect(await claimsOf(t.sub)).toEqual({ seats: [], holders: [], used: 0, reserved: 0 });
    expect(await server.ctx.models.SeatPurchase.countDocuments({ poolId: t.sub })).toBe(0);
    expect((await server.ctx.models.Membership.find({ workspaceId: t.sub }).lean()).map((m) => m.poolId)).toEqual([t.root, t.root, t.root, t.root]);
    expect((await server.ctx.models.Invitation.findById(invitationId).lean())!.poolId).toBe(t.root);
    // Its balance is what the parent has given it again.
    expect(await creditsOf(t.sub)).toEqual({ generative: 25, api: 100, billing: 'allocated', canPurchase: false });
    expect(await creditsOf(t.root)).toEqual(parentCredits);

    // One audited change per switch, newest first.
    const audit = await t.owner.client.get(`/api/workspaces/${t.sub}/audit?type=billing.updated`);
    expect(audit.body.items.map((e: { before: unknown; after: unknown; target: { id: string } }) => [e.before, e.after, e.target.id])).toEqual([
      [{ billingMode: 'independent' }, { billingMode: 'inherited' }, t.sub],
      [{ billingMode: 'inherited' }, { billingMode: 'independent' }, t.sub],
    ]);
  });

  it('tells the sub-workspace and the parent live: billing.updated, workspace.updated with the new pool, seats of both pools', async () => {
    const t = await account({ subMembers: 1 });
    const { connectSocket, emitAck, waitFor } = await import('../support/client.js');
    const subSocket = await connectSocket(server.url, t.subPeople[0]!.client.cookie);
    const parentSocket = await connectSocket(server.url, t.owner.client.cookie);
    expect((await emitAck(subSocket, 'workspace:subscribe', { workspaceId: t.sub })).error).toBeUndefined();
    expect((await emitAck(parentSocket, 'workspace:subscribe', { workspaceId: t.root })).error).toBeUndefined();
    expect((await patchBilling(t.owner.client, t.sub, 'independent')).status).toBe(200);
    await waitFor(() => subSocket.received.some((e) => e.type === 'seats.updated' && (e.data as { poolId: string }).poolId === t.sub), 'seats of the new pool');
    await waitFor(() => parentSocket.received.some((e) => e.type === 'subworkspace.updated'), 'the parent list');
    const types = subSocket.received.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['billing.updated', 'workspace.updated', 'seats.updated']);
    expect(subSocket.received[0]!.data).toEqual({ workspaceId: t.sub, billingMode: 'independent' });
    expect((subSocket.received[1]!.data as { poolId: string; settings: { billingMode: string } }).poolId).toBe(t.sub);
    expect(subSocket.received[2]!.data).toEqual({ poolId: t.sub, seats: { limit: 10, used: 2, reserved: 0 } });
    await waitFor(() => parentSocket.received.some((e) => e.type === 'seats.updated'), 'the parent pool');
    expect(parentSocket.received.find((e) => e.type === 'seats.updated')!.data).toEqual({ poolId: t.root, seats: { limit: 10, used: 1, reserved: 0 } });
    const listed = parentSocket.received.find((e) => e.type === 'subworkspace.updated')!.data as { subworkspace: { id: string; settings: { billingMode: string }; seats: unknown } };
    expect([listed.subworkspace.id, listed.subworkspace.settings.billingMode, listed.subworkspace.seats]).toEqual([t.sub, 'independent', { limit: 10, used: 2, reserved: 0 }]);
    subSocket.close();
    parentSocket.close();
  });

  it('refuses to draw on a parent without room, saying what is missing, and changes nothing', async () => {
    // Parent: owner + 7 = 8 of 10 seats. Sub (independent): the owner + 5 people not in the parent.
    const t = await account({ rootMembers: 7, subMembers: 5, mode: 'independent' });
    const invited = await t.owner.client.post(`/api/workspaces/${t.sub}/invitations`, { invites: [{ email: 'ghost.refused@example.com', role: 'viewer' }] });
    expect(invited.status).toBe(201);
    const before = { parent: await claimsOf(t.root), sub: await claimsOf(t.sub), doc: await workspaceDoc(t.sub) };
    const reply = await patchBilling(t.owner.client, t.sub, 'inherited');
    expect(reply.status).toBe(409);
    expect(reply.body.error).toEqual({
      code: 'seat_limit_reached',
      message: 'The parent workspace needs 4 more free seats for this workspace’s 6 members and 1 pending invitation. Add seats to the parent workspace or remove members here, then try again.',
      details: { needed: 6, free: 2 },
    });
    expect(await claimsOf(t.root)).toEqual(before.parent);
    expect(await claimsOf(t.sub)).toEqual(before.sub);
    expect(await workspaceDoc(t.sub)).toEqual(before.doc);
    expect(await seatsShown(t.owner.client, t.root)).toEqual({ limit: 10, used: 8, reserved: 0 });
    expect(await seatsShown(t.owner.client, t.sub)).toEqual({ limit: 10, used: 6, reserved: 1 });
    expect((await t.owner.client.get(`/api/workspaces/${t.sub}/audit?type=billing.updated`)).body.items).toEqual([]);

    // Four more seats for the parent, and it goes through.
    expect((await t.owner.client.post(`/api/workspaces/${t.root}/seats`, { add: 4 })).status).toBe(200);
    const ok = await patchBilling(t.owner.client, t.sub, 'inherited');
    expect(ok.status).toBe(200);
    expect(await seatsShown(t.owner.client, t.root)).toEqual({ limit: 14, used: 13, reserved: 1 });
  });

  it('refuses the root (409), its own Super Admins (403), outsiders (404), and an inherited switch of a workspace with sub-workspaces', async () => {
    const t = await account({ subMembers: 1, mode: 'independent' });
    const root = await patchBilling(t.owner.client, t.root, 'inherited');
    expect([root.status, root.body.error.code, root.body.error.message]).toEqual([409, 'conflict', 'The account workspace always has its own seats and credits: its billing mode cannot change.']);
    // Unchanged is no change, even for a root.
    expect((await patchBilling(t.owner.client, t.root, 'independent')).status).toBe(200);

    const subAdmin = t.subPeople[0]!;
    await server.ctx.models.Membership.updateOne({ _id: `${t.sub}:${subAdmin.user._id}` }, { $set: { role: 'super_admin' } });
    const own = await patchBilling(subAdmin.client, t.sub, 'inherited');
    expect([own.status, own.body.error.code]).toEqual([403, 'forbidden']);
    const stranger = await createUser(server.ctx, server.url, 'Stranger');
    await createWorkspace(server.ctx, stranger.user._id, [], 'Elsewhere');
    expect((await patchBilling(stranger.client, t.sub, 'inherited')).status).toBe(404);
    expect((await patchBilling(stranger.client, t.root, 'inherited')).status).toBe(404);

    const child = await t.owner.client.post(`/api/workspaces/${t.sub}/subworkspaces`, { name: 'Grandchild', billingMode: 'inherited', apiAccess: false });
    expect(child.status).toBe(201);
    const nested = await patchBilling(t.owner.client, t.sub, 'inherited');
    expect([nested.status, nested.body.error.code, nested.body.error.message]).toEqual([
      409,
      'conflict',
      'This workspace has sub-workspaces; only independent workspaces can have them. Delete its sub-workspaces first.',
    ]);
    expect((await workspaceDoc(t.sub)).settings.billingMode).toBe('independent');
    const bad = await t.owner.client.request('PATCH', `/api/workspaces/${t.sub}`, { settings: { billingMode: 'shared' } });
    expect(bad.status).toBe(400);
  });
});

describe('joins, invitations and removals while switches run', () => {
  const ROUNDS = Number(process.env.BILLING_MIX_ROUNDS ?? 12);

  it(`leave every member seated once in the pool the workspace ends in, and every pool's counters equal its claims (${ROUNDS} rounds)`, async () => {
    const t = await account({ rootMembers: 2, subMembers: 2 });
    // Big pools: every switch can succeed, so the mix is about the interleaving.
    await t.owner.client.post(`/api/workspaces/${t.root}/seats`, { add: 190 });
    const link = (await t.owner.client.request('PUT', `/api/workspaces/${t.sub}/invite-link`, { role: 'viewer' })).body.token as string;
    const outsiders: Person[] = await Promise.all(Array.from({ length: 40 }, () => createUser(server.ctx, server.url, 'Joiner')));
    let next = 0;
    const statuses: number[] = [];
    const record = (reply: Promise<Reply>) => reply.then((r) => statuses.push(r.status));

    for (let round = 0; round < ROUNDS; round++) {
      const to = round % 2 === 0 ? 'independent' : 'inherited';
      const [members, invitations] = await Promise.all([server.ctx.models.Membership.find({ workspaceId: t.sub }).lean(), server.ctx.models.Invitation.find({ workspaceId: t.sub, status: 'sent' }).lean()]);
      const removable = members.filter((m) => m.userId !== t.owner.user._id);
      const ops: Array<Promise<unknown>> = [record(patchBilling(t.owner.client, t.sub, to)).then(() => undefined)];
      // People of the parent added directly, newcomers by the invite link, an invitation sent and one revoked, and removals, all at once.
      // (As many leave as join: the pool a switch sizes for its members keeps room for the newcomers.)
      for (const p of t.rootPeople) if (!members.some((m) => m.userId === p.user._id)) ops.push(record(t.owner.client.post(`/api/workspaces/${t.sub}/members`, { email: p.email, role: 'viewer' })));
      for (let i = 0; i < 2 && next < outsiders.length; i++) ops.push(record(outsiders[next++]!.client.post(`/api/join/${link}`)));
      ops.push(record(t.owner.client.post(`/api/workspaces/${t.sub}/invitations`, { invites: [{ email: `ghost.mix.${round}@example.com`, role: 'viewer' }] })));
      if (invitations.length > 1) ops.push(record(t.owner.client.request('DELETE', `/api/workspaces/${t.sub}/invitations/${invitations[0]!._id}`)));
      for (const m of removable.length > 4 ? removable.slice(0, 3) : []) ops.push(record(t.owner.client.request('DELETE', `/api/workspaces/${t.sub}/members/${m.userId}`)));
      await Promise.all(ops);
      expect(statuses.at(0) ?? 200, `round ${round}`).toBeLessThan(500);

      const sub = await workspaceDoc(t.sub);
      expect(sub.settings.billingMode, `round ${round}: the switch happened`).toBe(to);
      expect(sub.poolId).toBe(to === 'independent' ? t.sub : t.root);
      const [subMembers, rootMembers, pending, rootPending] = await Promise.all([
        server.ctx.models.Membership.find({ workspaceId: t.sub }).lean(),
        server.ctx.models.Membership.find({ workspaceId: t.root }).lean(),
        server.ctx.models.Invitation.find({ workspaceId: t.sub, status: 'sent' }).lean(),
        server.ctx.models.Invitation.find({ workspaceId: t.root, status: 'sent' }).lean(),
      ]);
      const where = `round ${round} (${to})`;
      expect(subMembers.map((m) => m.poolId).filter((p) => p !== sub.poolId), `${where}: memberships draw from the current pool`).toEqual([]);
      expect(pending.map((i) => i.poolId).filter((p) => p !== sub.poolId), `${where}: invitations reserve in the current pool`).toEqual([]);
      // Who must hold a seat of each pool: once per person, once per pending invitation.
      const expectedIn = (poolId: string) => {
        const people = new Set([...rootMembers, ...subMembers].filter((m) => m.poolId === poolId).map((m) => `u:${m.userId}`));
        const invs = [...pending, ...rootPending].filter((i) => i.poolId === poolId).map((i) => `i:${i._id}`);
        return [...people, ...invs].sort();
      };
      for (const poolId of [t.root, t.sub]) {
        const claims = await claimsOf(poolId);
        const expected = poolId === sub.poolId || poolId === t.root ? expectedIn(poolId) : [];
        expect({ seats: claims.seats, holders: claims.holders }, `${where}: claims of ${poolId === t.root ? 'the parent' : 'its own'} pool`).toEqual({ seats: expected, holders: expected });
        const shown = poolId === t.root || poolId === sub.poolId ? await seatsShown(t.owner.client, poolId === t.root ? t.root : t.sub) : null;
        if (shown) expect({ used: shown.used, reserved: shown.reserved }, `${where}: counters equal the claims`).toEqual({ used: claims.used, reserved: claims.reserved });
      }
      // Each member of the sub-workspace holds exactly one seat of its current pool, pointing at itself.
      for (const m of subMembers) {
        const holder = await server.ctx.models.SeatHolder.findById(`${sub.poolId}|u:${m.userId}`).lean();
        expect(holder, `${where}: ${m.userId} is seated`).not.toBeNull();
        expect((await server.ctx.models.Seat.findById(holder!.seatId).lean())?.holder).toBe(`u:${m.userId}`);
      }
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    // Joins, invitations and removals really ran alongside the switches (a full pool may refuse one now and then).
    expect(statuses.filter((s) => s >= 200 && s < 300).length).toBeGreaterThan(statuses.length * 0.8);
  }, 600_000);
});

describe('avatar slots follow the allocation rules', () => {
  it('gives inherited sub-workspaces together no more than the parent has, refuses lowering a parent below what it gave, and lets independent ones have their own', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const root = await createWorkspace(server.ctx, owner.user._id, [], 'Slots parent');
    const sub = async (name: string, billingMode = 'inherited') => (await owner.client.post(`/api/workspaces/${root}/subworkspaces`, { name, billingMode, apiAccess: false })).body.id as string;
    const put = (id: string, avatarSlots: number) => owner.client.request('PUT', `/api/workspaces/${id}/avatar-slots`, { avatarSlots });
    const a = await sub('A');
    const b = await sub('B');
    // The parent has 3: A took them all at creation, B got none.
    expect([(await workspaceDoc(a)).avatarSlots, (await workspaceDoc(b)).avatarSlots]).toEqual([3, 0]);
    const five = await put(a, 5);
    expect([five.status, five.body.error]).toEqual([409, { code: 'conflict', message: 'The parent workspace has no avatar slots left to give. Give the parent more slots, or lower another sub-workspace’s first.', details: { available: 0 } }]);
    expect((await put(a, 1)).body).toEqual({ limit: 1, used: 0, parentAvailable: 2 });
    const three = await put(b, 3);
    expect([three.status, three.body.error.message, three.body.error.details]).toEqual([409, 'The parent workspace has only 2 avatar slots left to give. Give the parent more slots, or lower another sub-workspace’s first.', { available: 2 }]);
    expect((await put(b, 2)).body).toEqual({ limit: 2, used: 0, parentAvailable: 0 });
    expect((await owner.client.get(`/api/workspaces/${a}/avatar-slots`)).body).toEqual({ limit: 1, used: 0, parentAvailable: 0 });
    expect((await owner.client.get(`/api/workspaces/${root}/avatar-slots`)).body).toEqual({ limit: 3, used: 0 });
    const lower = await put(root, 2);
    expect([lower.status, lower.body.error.message, lower.body.error.details]).toEqual([409, '3 avatar slots of this workspace are given to its sub-workspaces. Lower theirs first, or keep at least 3.', { given: 3 }]);
    expect((await put(root, 3)).status).toBe(200);
    expect([(await workspaceDoc(a)).avatarSlots, (await workspaceDoc(b)).avatarSlots, (await workspaceDoc(root)).avatarSlots]).toEqual([1, 2, 3]);

    // An independent sub-workspace's slots are its own…
    const c = await sub('C', 'independent');
    expect((await put(c, 50)).body).toEqual({ limit: 50, used: 0 });
    // …until it draws on the parent: then they must fit in what the parent has left.
    const switched = await patchBilling(owner.client, c, 'inherited');
    expect([switched.status, switched.body.error.message, switched.body.error.details]).toEqual([
      409,
      'This workspace has 50 avatar slots; the parent workspace has only 0 left to give. Lower its avatar slots or give the parent more, then try again.',
      { available: 0, needed: 50 },
    ]);
    expect((await workspaceDoc(c)).settings.billingMode).toBe('independent');
    expect((await put(c, 0)).status).toBe(200);
    expect((await patchBilling(owner.client, c, 'inherited')).status).toBe(200);
    expect((await owner.client.get(`/api/workspaces/${c}/avatar-slots`)).body).toEqual({ limit: 0, used: 0, parentAvailable: 0 });
  });

  it('parallel slot changes of sibling sub-workspaces never give out more than the parent has (5 rounds)', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const root = await createWorkspace(server.ctx, owner.user._id, [], 'Parallel slots');
    await owner.client.request('PUT', `/api/workspaces/${root}/avatar-slots`, { avatarSlots: 0 });
    const subs: string[] = [];
    for (let i = 0; i < 5; i++) subs.push((await owner.client.post(`/api/workspaces/${root}/subworkspaces`, { name: `S${i}`, billingMode: 'inherited', apiAccess: false })).body.id);
    await owner.client.request('PUT', `/api/workspaces/${root}/avatar-slots`, { avatarSlots: 10 });
    for (let round = 0; round < 5; round++) {
      const asks = Array.from({ length: 15 }, (_, i) => ({ id: subs[i % subs.length]!, n: ((i * 7 + round * 3) % 5) + 1 }));
      const parentAsk = round % 2 === 0 ? 6 : 10;
      const replies = await Promise.all([
        ...asks.map((a) => owner.client.request('PUT', `/api/workspaces/${a.id}/avatar-slots`, { avatarSlots: a.n })),
        owner.client.request('PUT', `/api/workspaces/${root}/avatar-slots`, { avatarSlots: parentAsk }),
      ]);
      expect(replies.every((r) => r.status === 200 || (r.status === 409 && r.body.error.code === 'conflict'))).toBe(true);
      expect(replies.some((r) => r.status === 409)).toBe(true);
      const docs = await Promise.all(subs.map(workspaceDoc));
      const given = docs.reduce((sum, d) => sum + d.avatarSlots, 0);
      const parentSlots = (await workspaceDoc(root)).avatarSlots;
      expect(given, `round ${round}: ${docs.map((d) => d.avatarSlots).join('+')} ≤ ${parentSlots}`).toBeLessThanOrEqual(parentSlots);
      // What each sub-workspace shows as left is what is really left.
      expect((await owner.client.get(`/api/workspaces/${subs[0]}/avatar-slots`)).body.parentAvailable).toBe(parentSlots - given);
      // Start the next round with room to fight over.
      for (const id of subs) await owner.client.request('PUT', `/api/workspaces/${id}/avatar-slots`, { avatarSlots: 0 });
      await owner.client.request('PUT', `/api/workspaces/${root}/avatar-slots`, { avatarSlots: 10 });
    }
  }, 120_000);
});
