import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { connectSocket, emitAck, type ApiClient } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { startForeignTenants, growForeignTenants } from '../support/foreign-tenants.js';
import { commandsDuring, costOf, type FilterCost } from '../support/command-cost.js';
import { notify } from '../../server/notifications/notification.service.js';
import { AUDIT_BUCKET_SIZE } from '../../server/audit/audit.model.js';
import { appendEntry } from '../../server/credits/ledger.service.js';

/**
 * Every list and permission-checked read costs a page, whatever the rest of
 * the database holds. Proved without timing, from the commands the server
 * sends: FerretDB 1.24 fetches every row the pushed-down part of a filter
 * matches (top-level equalities on plain values; see support/command-cost.ts)
 * and filters, sorts and limits in Go — a `limit` never reaches its backend
 * when there is a filter or a sort. So for each filter sent while serving a
 * request this asserts that it has a pushed-down equality on a field that
 * leads a declared index (an index lookup on the PostgreSQL backend, which
 * mirrors them), and that the rows it matches — what FerretDB reads — stay
 * under a page-sized bound although other tenants hold FOREIGN rows of every
 * kind (pending invitations and requests, unread notifications, verified
 * people…) and our own tenant has a history far longer than a page.
 */
const FOREIGN = 2000;
const MAX_ROWS_READ = 250;
const HISTORY = 650;
const NOTIFICATIONS = 300;
const UNREAD = 40;
const LEDGER = 260;

let server: Awaited<ReturnType<typeof startTestServer>>;
const acme = {} as {
  domain: string;
  ws: string;
  sub: string;
  owner: Awaited<ReturnType<typeof createUser>>;
  colleague: Awaited<ReturnType<typeof createUser>>;
  invitee: Awaited<ReturnType<typeof createUser>>;
  joiner: Awaited<ReturnType<typeof createUser>>;
  firstHistoryEventId: string;
};

beforeAll(async () => {
  server = await startTestServer({ monitorCommands: true, env: { JOIN_MAX_PER_HOUR: '1000', TOKEN_LOOKUP_MAX_PER_HOUR: '10000' } });
  const { ctx } = server;
  const fill = await startForeignTenants(ctx.models, 300);
  await growForeignTenants(ctx.models, fill, FOREIGN);

  // Our tenant, built through the services: a few people of every kind each list shows.
  acme.domain = `acme${Date.now().toString(36)}.test`;
  acme.owner = await createUser(ctx, server.url, 'Owner', { email: `owner@${acme.domain}` });
  const admin = await createUser(ctx, server.url, 'Admin');
  const creator = await createUser(ctx, server.url, 'Creator');
  acme.colleague = await createUser(ctx, server.url, 'Colleague', { email: `colleague@${acme.domain}` });
  acme.invitee = await createUser(ctx, server.url, 'Invitee');
  acme.joiner = await createUser(ctx, server.url, 'Joiner');
  acme.ws = await createWorkspace(ctx, acme.owner.user._id, [{ userId: admin.user._id, role: 'super_admin' }, { userId: creator.user._id, role: 'creator' }], 'Acme');
  const owner = acme.owner.client;
  expect((await owner.request('PATCH', `/api/workspaces/${acme.ws}`, { settings: { companyDomains: [acme.domain], requireApproval: true } })).status).toBe(200);
  const sub = await owner.post(`/api/workspaces/${acme.ws}/subworkspaces`, { name: 'Acme Studio', billingMode: 'inherited', apiAccess: false });
  acme.sub = sub.body.id;
  const voice = await owner.post(`/api/workspaces/${acme.ws}/assets`, { kind: 'voice', name: 'Announcer' });
  await owner.post(`/api/workspaces/${acme.sub}/assets`, { kind: 'template', name: 'Intro' });
  expect((await owner.post(`/api/workspaces/${acme.ws}/assets/${voice.body.id}/shares`, { workspaceIds: [acme.sub] })).status).toBe(200);
  expect((await owner.post(`/api/workspaces/${acme.ws}/invitations`, { invites: [{ email: acme.invitee.email, role: 'viewer' }, { email: 'stranger@elsewhere.test', role: 'creator' }] })).status).toBe(201);
  const link = await owner.request('PUT', `/api/workspaces/${acme.ws}/invite-link`, { role: 'viewer' });
  expect((await acme.joiner.client.post(`/api/join/${link.body.token}`)).status).toBe(202);

  // A history far longer than a page: events (three in four of them admin actions) and notifications, most read.
  const first = await ctx.publisher.toWorkspace(acme.ws, 'members', { type: 'workspace.updated', actorId: acme.owner.user._id, data: { n: 0 } as never });
  acme.firstHistoryEventId = first.id;
  for (let n = 1; n < HISTORY; n++) {
    const audit = n % 4 ? { target: { kind: 'workspace', id: acme.ws, label: 'Acme' }, before: { n: n - 1 }, after: { n } } : undefined;
    await ctx.publisher.toWorkspace(acme.ws, 'members', { type: 'workspace.updated', actorId: acme.owner.user._id, data: { n } as never, audit });
  }
  for (let n = 0; n < LEDGER; n++) {
    await appendEntry(ctx, { workspaceId: acme.ws, kind: n % 3 ? 'api' : 'generative', type: 'purchase', amount: 1 + n, actorId: acme.owner.user._id, ref: { kind: 'purchase', id: `p${n}` } });
  }
  for (let n = 0; n < NOTIFICATIONS; n++) await notify(ctx, acme.owner.user._id, { type: 'member.roleChanged', workspaceId: acme.ws, data: { workspaceName: 'Acme', n } });
  const all = (await ctx.models.Notification.find({ userId: acme.owner.user._id }, { _id: 1 }).lean()).map((d) => d._id).sort();
  const read = all.slice(0, all.length - UNREAD);
  await ctx.models.Notification.updateMany({ _id: mongoose.trusted({ $in: read }) }, { $set: { readAt: new Date(), unread: false } });
}, 300_000);
afterAll(() => server?.close());

/** What FerretDB reads for each filter `run` makes the server send. */
async function costs<T>(run: () => Promise<T>): Promise<{ result: T; costs: FilterCost[] }> {
  const { result, commands } = await commandsDuring(server.ctx.conn, run);
  return { result, costs: await costOf(server.ctx.conn, server.ctx.models, commands) };
}

const describeCost = (c: FilterCost) => `${c.command} ${c.collection} ${JSON.stringify(c.filter)} → pushed down ${JSON.stringify(c.pushed)}, reads ${c.rowsRead} rows${c.indexed ? '' : ', no index'}`;

/** The filters that would read more than a page, or the whole collection, or without an index. */
const tooCostly = (all: FilterCost[]) => all.filter((c) => Object.keys(c.pushed).length === 0 || !c.indexed || c.rowsRead > MAX_ROWS_READ).map(describeCost);

async function expectPageCost(run: () => Promise<{ status: number; body: any }>, status = 200) {
  // What the database costs, not what this node remembers: a cold cache.
  server.ctx.cache.clear();
  const { result, costs: all } = await costs(run);
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(all.length).toBeGreaterThan(0);
  expect(tooCostly(all)).toEqual([]);
  return result.body;
}

const lists: Array<[string, (c: { owner: ApiClient }) => string]> = [
  ['GET /api/me', () => '/api/me'],
  ['GET /api/workspaces', () => '/api/workspaces'],
  ['GET /api/workspaces/:id', () => `/api/workspaces/${acme.ws}`],
  ['GET /api/workspaces/:id of a sub-workspace (admin above)', () => `/api/workspaces/${acme.sub}`],
  ['members', () => `/api/workspaces/${acme.ws}/members?limit=2`],
  ['members, searched', () => `/api/workspaces/${acme.ws}/members?q=creator`],
  ['one member', () => `/api/workspaces/${acme.ws}/members/${acme.owner.user._id}`],
  ['invitations', () => `/api/workspaces/${acme.ws}/invitations`],
  ['invitations, sent', () => `/api/workspaces/${acme.ws}/invitations?status=sent`],
  ['join requests, pending', () => `/api/workspaces/${acme.ws}/join-requests?status=pending`],
  ['join requests', () => `/api/workspaces/${acme.ws}/join-requests`],
  ['suggestions', () => `/api/workspaces/${acme.ws}/suggestions`],
  ['sub-workspaces', () => `/api/workspaces/${acme.ws}/subworkspaces`],
  ['assets with what is shared in', () => `/api/workspaces/${acme.sub}/assets`],
  ['assets of a kind', () => `/api/workspaces/${acme.sub}/assets?kind=voice`],
  ['avatar slots', () => `/api/workspaces/${acme.ws}/avatar-slots`],
  ['invite link', () => `/api/workspaces/${acme.ws}/invite-link`],
  ['audit', () => `/api/workspaces/${acme.ws}/audit`],
  ['audit of a type', () => `/api/workspaces/${acme.ws}/audit?type=workspace.updated&limit=200`],
  ['audit CSV', () => `/api/workspaces/${acme.ws}/audit.csv`],
  ['credits', () => `/api/workspaces/${acme.ws}/credits`],
  ['credits of a sub-workspace (admin above)', () => `/api/workspaces/${acme.sub}/credits`],
  ['ledger', () => `/api/workspaces/${acme.ws}/ledger`],
  ['ledger of a kind', () => `/api/workspaces/${acme.ws}/ledger?kind=api&limit=200`],
  ['notifications', () => '/api/notifications'],
  ['notifications, unread', () => '/api/notifications?unread=true'],
];

describe('every list costs a page, whatever other tenants hold', () => {
  it.each(lists)('%s', async (_label, path) => {
    await expectPageCost(() => acme.owner.client.get(path({ owner: acme.owner.client })));
  });

  it("a person's own invitations, join requests and company workspaces", async () => {
    expect((await expectPageCost(() => acme.invitee.client.get('/api/me/invitations'))).items).toHaveLength(1);
    expect((await expectPageCost(() => acme.joiner.client.get('/api/me/join-requests'))).items).toHaveLength(1);
    expect((await expectPageCost(() => acme.colleague.client.get('/api/join/domain'))).items.map((w: { id: string }) => w.id)).toContain(acme.ws);
  });

  it('a reconnecting client catches up since its last event', async () => {
    const socket = await connectSocket(server.url, acme.owner.client.cookie);
    try {
      const { cursor } = await emitAck(socket, 'workspace:subscribe', { workspaceId: acme.ws });
      const since = cursor.replace(/\d+$/, (d: string) => String(Number(d) - 150).padStart(d.length, '0'));
      const { result, costs: all } = await costs(() => emitAck(socket, 'workspace:subscribe', { workspaceId: acme.ws, since }));
      expect(result).toMatchObject({ ok: true, resync: false });
      expect(result.missed).toHaveLength(150);
      expect(tooCostly(all)).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it('the checks catch a list that reads the whole collection or its whole history', async () => {
    const { models } = server.ctx;
    const { costs: all } = await costs(async () => {
      await models.User.find({ _id: mongoose.trusted({ $in: [acme.owner.user._id] }) }).lean();
      await models.Invitation.find({ status: 'sent' }).lean();
      await models.Audit.find({ workspaceId: acme.ws }).sort({ _id: -1 }).limit(50).lean();
      await models.Workspace.find({ 'settings.companyDomains': acme.domain }).lean();
    });
    expect(tooCostly(all)).toHaveLength(4);
  });
});

describe('histories page exactly once, newest first, a bucket at a time', () => {
  it('the audit log', async () => {
    const seen: Array<{ id: string; at: string }> = [];
    let cursor: string | null = '';
    for (let pages = 0; cursor !== null && pages < 20; pages++) {
      const body = await expectPageCost(() => acme.owner.client.get(`/api/workspaces/${acme.ws}/audit?limit=200${cursor ? `&cursor=${cursor}` : ''}`));
      seen.push(...body.items);
      cursor = body.nextCursor;
    }
    const stored = await server.ctx.models.Audit.find({ workspaceId: acme.ws }).sort({ seq: -1 }).lean();
    expect(stored.length).toBeGreaterThan(2 * AUDIT_BUCKET_SIZE);
    expect(seen.map((e) => e.id)).toEqual(stored.map((d) => d._id));
  });

  it('the ledger, of both kinds merged and of one', async () => {
    const walk = async (query: string) => {
      const ids: string[] = [];
      let cursor: string | null = '';
      for (let pages = 0; cursor !== null && pages < 20; pages++) {
        const body = await expectPageCost(() => acme.owner.client.get(`/api/workspaces/${acme.ws}/ledger?limit=70${query}${cursor ? `&cursor=${cursor}` : ''}`));
        ids.push(...body.items.map((e: { id: string }) => e.id));
        cursor = body.nextCursor;
      }
      return ids;
    };
    const stored = (await server.ctx.models.LedgerEntry.find({ workspaceId: acme.ws }).lean()).sort((a, b) => b.at.getTime() - a.at.getTime() || (a.kind === b.kind ? b.seq - a.seq : a.kind.localeCompare(b.kind)));
    expect(stored.length).toBe(LEDGER + 2);
    expect(await walk('')).toEqual(stored.map((e) => e._id));
    expect(await walk('&kind=api')).toEqual(stored.filter((e) => e.kind === 'api').map((e) => e._id));
  });

  it('notifications, and the unread ones', async () => {
    const walk = async (query: string) => {
      const ids: string[] = [];
      let cursor: string | null = '';
      for (let pages = 0; cursor !== null && pages < 20; pages++) {
        const body = await expectPageCost(() => acme.owner.client.get(`/api/notifications?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`));
        expect(body.unreadCount).toBe(UNREAD);
        ids.push(...body.items.map((n: { id: string }) => n.id));
        cursor = body.nextCursor;
      }
      return ids;
    };
    const stored = await server.ctx.models.Notification.find({ userId: acme.owner.user._id }).lean();
    const newestFirst = stored.sort((a, b) => b.seq - a.seq || (a._id < b._id ? 1 : -1));
    expect(await walk('')).toEqual(newestFirst.map((d) => d._id));
    expect(await walk('&unread=true')).toEqual(newestFirst.filter((d) => d.unread).map((d) => d._id));
  });

  it('a replay across buckets is the stream, in order; too far behind asks for a reload', async () => {
    const socket = await connectSocket(server.url, acme.owner.client.cookie);
    try {
      const { cursor } = await emitAck(socket, 'workspace:subscribe', { workspaceId: acme.ws });
      const newest = Number(cursor.slice(cursor.lastIndexOf(':') + 1));
      const since = cursor.replace(/\d+$/, (d: string) => String(newest - 333).padStart(d.length, '0'));
      const replay = await emitAck(socket, 'workspace:subscribe', { workspaceId: acme.ws, since });
      expect(replay.missed.map((e: { id: string }) => Number(e.id.slice(e.id.lastIndexOf(':') + 1)))).toEqual(Array.from({ length: 333 }, (_, i) => newest - 332 + i));
      expect(await emitAck(socket, 'workspace:subscribe', { workspaceId: acme.ws, since: acme.firstHistoryEventId })).toMatchObject({ ok: true, missed: [], resync: true });
    } finally {
      socket.close();
    }
  });
});
