import mongoose from 'mongoose';
import { balanceOf, recountLedger } from '../../server/credits/ledger.service.js';
import type { AppContext } from '../../server/context.js';
import { ledgerOfVideo } from '../support/render-jobs.js';
import type { AdminClient } from './clients.js';
import type { AckedLog, Team } from './world.js';

/**
 * The checks after each fault, against the database (read by the harness's
 * observer node) and the simulated screens. Each returns the violations it
 * found, as sentences; an empty list is a pass.
 */

/**
 * Seats against their holders. A node that died mid-change leaves a seat
 * out of line until the survivors' repair (about 12 s after they notice it
 * gone, server/workspaces/seat-repair.ts): the check waits for that, up to 30 s.
 */
export async function checkSeats(ctx: AppContext, teams: Team[]): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const out = await seatsOnce(ctx, teams);
    if (out.length === 0 || Date.now() > deadline) return out;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function seatsOnce(ctx: AppContext, teams: Team[]): Promise<string[]> {
  const out: string[] = [];
  for (const team of teams) {
    const poolId = team.root;
    const m = ctx.models;
    const [seats, holders, memberships, pending, view] = await Promise.all([
      m.Seat.find({ poolId }).lean(),
      m.SeatHolder.find({ poolId }).lean(),
      m.Membership.find({ poolId }).lean(),
      m.Invitation.find({ poolId, status: 'sent' }).lean(),
      team.admins[0]!.client.get(`/api/workspaces/${poolId}`),
    ]);
    const limit = view.body.seats.limit as number;
    const people = new Set(memberships.map((x) => x.userId));
    const expected = [...[...people].map((u) => `u:${u}`), ...pending.map((i) => `i:${i._id}`)].sort();
    const held = seats.map((s) => s.holder).sort();
    if (seats.length > limit) out.push(`pool ${poolId}: ${seats.length} seats claimed over a limit of ${limit}`);
    if (JSON.stringify(held) !== JSON.stringify(expected)) out.push(`pool ${poolId}: seats held ${held.length} ≠ members + pending invitations ${expected.length}`);
    if (JSON.stringify(holders.map((h) => h.holder).sort()) !== JSON.stringify(expected)) out.push(`pool ${poolId}: holder claims ≠ members + pending invitations`);
    const shown = view.body.seats as { used: number; reserved: number };
    if (shown.used !== people.size || shown.reserved !== pending.length) out.push(`pool ${poolId}: shown used ${shown.used} + reserved ${shown.reserved} ≠ recount ${people.size} + ${pending.length}`);
  }
  return out;
}

export async function checkLedgers(ctx: AppContext, teams: Team[]): Promise<string[]> {
  const out: string[] = [];
  for (const ws of teams.flatMap((t) => [t.root, t.sub])) {
    for (const kind of ['generative', 'api'] as const) {
      // Renders may still hold, charge or release: compare a recount with a balance read on both sides of it that did not move.
      let recount = await recountLedger(ctx, ws, kind);
      let shown = await balanceOf(ctx, ws, kind);
      for (let i = 0; i < 20; i++) {
        const again = await recountLedger(ctx, ws, kind);
        if (again.entries === recount.entries) break;
        recount = again;
        shown = await balanceOf(ctx, ws, kind);
      }
      if (!recount.consistent) out.push(`ledger ${ws} ${kind}: entries do not follow from each other`);
      if (recount.available < 0 || recount.held < 0) out.push(`ledger ${ws} ${kind}: negative (${recount.available}, held ${recount.held})`);
      if (shown.available !== recount.available || shown.held !== recount.held)
        out.push(`ledger ${ws} ${kind}: balance ${shown.available}/${shown.held} ≠ recount ${recount.available}/${recount.held}`);
    }
  }
  return out;
}

/** Every stream of the run numbered 1…n without a hole, its counter never ahead. */
export async function checkStreams(ctx: AppContext, teams: Team[]): Promise<{ violations: string[]; events: number }> {
  const out: string[] = [];
  let events = 0;
  for (const team of teams) {
    const stream = `workspace:${team.root}`;
    // The counter first: events stored after it was read (a render's progress) only add to the count.
    const counter = (await ctx.models.Counter.findById(stream).lean())?.seq ?? 0;
    const seqs = (await ctx.models.Event.find({ stream }).lean()).map((e) => e.seq).sort((a, b) => a - b);
    events += seqs.length;
    const hole = seqs.findIndex((s, i) => s !== i + 1);
    if (hole >= 0) out.push(`${stream}: seq ${hole + 1} missing (found ${seqs[hole]})`);
    if (counter > seqs.length) out.push(`${stream}: counter ${counter} ahead of ${seqs.length} events`);
  }
  return { violations: out, events };
}

/** Every acknowledged write is there, as the last acknowledgement on its key said. */
export async function checkAcked(ctx: AppContext, teams: Team[], log: AckedLog): Promise<{ violations: string[]; checked: number }> {
  const out: string[] = [];
  let checked = 0;
  const m = ctx.models;
  for (const [key, p] of log.roles) {
    if (p.uncertain || p.value === undefined) continue;
    checked++;
    const [workspaceId, userId] = key.split(':');
    const row = await m.Membership.findOne({ workspaceId, userId }).lean();
    if (row?.role !== p.value) out.push(`role of ${userId} in ${workspaceId}: ${row?.role} ≠ acknowledged ${p.value}`);
  }
  for (const [itemId, p] of log.grants) {
    if (p.uncertain || p.value === undefined) continue;
    checked++;
    const grants = (await m.Grant.find({ itemId }).lean()).map((g) => `${g.userId}:${g.role}`);
    if (grants.length !== 1 || grants[0] !== p.value) out.push(`grants of ${itemId}: ${grants.join(',')} ≠ acknowledged ${p.value}`);
  }
  for (const [sub, p] of log.allocations) {
    if (p.uncertain || p.value === undefined) continue;
    checked++;
    const balance = await balanceOf(ctx, sub, 'generative');
    if (balance.available !== p.value) out.push(`allocation of ${sub}: ${balance.available} ≠ acknowledged ${p.value}`);
  }
  for (const [key, p] of log.shares) {
    if (p.uncertain || p.value === undefined) continue;
    checked++;
    const exists = Boolean(await m.AssetShare.exists({ _id: key }));
    if (exists !== p.value) out.push(`asset share ${key}: ${exists ? 'present' : 'absent'} ≠ acknowledged ${p.value ? 'shared' : 'unshared'}`);
  }
  const ids = [...log.invitations];
  const invitations = new Map((await m.Invitation.find({ _id: mongoose.trusted({ $in: ids }) }).lean()).map((i) => [i._id, i.status]));
  for (const id of ids) {
    checked++;
    if (!invitations.has(id)) out.push(`invitation ${id} acknowledged, not stored`);
    else if (log.revoked.has(id) && invitations.get(id) !== 'revoked') out.push(`invitation ${id} revoked, stored as ${invitations.get(id)}`);
  }
  const requests = new Map((await m.JoinRequest.find({ _id: mongoose.trusted({ $in: [...log.approved] }) }).lean()).map((r) => [r._id, r]));
  for (const id of log.approved) {
    checked++;
    const r = requests.get(id);
    if (r?.status !== 'approved') out.push(`join request ${id} approved, stored as ${r?.status}`);
    else if (!(await m.Membership.exists({ workspaceId: r.workspaceId, userId: r.userId }))) out.push(`join request ${id} approved, no membership`);
  }
  const videos = new Set((await m.Video.find({ _id: mongoose.trusted({ $in: [...log.videos] }) }).lean()).map((v) => v._id));
  for (const id of log.videos) {
    checked++;
    if (!videos.has(id)) out.push(`video ${id} acknowledged, not stored`);
  }
  void teams;
  return { violations: out, checked };
}

/** Once renders have settled: each finished video held once and charged (or released) once. */
export async function checkVideos(ctx: AppContext, log: AckedLog): Promise<{ violations: string[]; finished: number; takenOver: number }> {
  const out: string[] = [];
  let finished = 0;
  let takenOver = 0;
  for (const id of log.videos) {
    const v = await ctx.models.Video.findById(id).lean();
    if (!v) continue;
    if (!['completed', 'failed', 'cancelled'].includes(v.status)) {
      out.push(`video ${id} still ${v.status}`);
      continue;
    }
    finished++;
    if ((await ctx.models.RenderAttempt.countDocuments({ videoId: id })) > 1) takenOver++;
    const entries = await ledgerOfVideo(ctx, v.workspaceId, id);
    const holds = entries.filter((e) => e.type === 'hold').length;
    const settles = entries.filter((e) => e.type === 'charge' || e.type === 'release').length;
    if (holds !== 1 || settles !== 1) out.push(`video ${id} (${v.status}): ledger ${entries.map((e) => e.type).join(',')}`);
    if (v.status === 'completed' && entries.find((e) => e.type === 'charge') === undefined) out.push(`video ${id} completed, never charged`);
  }
  return { violations: out, finished, takenOver };
}

/**
 * What each screen got against what was stored: the workspace stream's
 * events it may see, from its first cursor on, each once and in order, and
 * its reduced state equal to a fresh load.
 */
/** How many events each client may see are stored but not yet on its screen (0 once delivery has settled). */
export async function undelivered(ctx: AppContext, clients: AdminClient[]) {
  let missing = 0;
  const streams = new Map<string, { seq: number; audience: string; recipients?: Record<string, unknown> | null }[]>();
  for (const c of clients) {
    const stream = `workspace:${c.workspaceId}`;
    if (!streams.has(stream)) streams.set(stream, await ctx.models.Event.find({ stream }).lean());
    const got = new Set(c.deliveredSeqs());
    missing += streams.get(stream)!.filter((e) => e.seq > c.fromSeq && (e.audience !== 'item' || Boolean(e.recipients?.[c.userId])) && !got.has(e.seq)).length;
  }
  return missing;
}

export async function checkClients(ctx: AppContext, clients: AdminClient[], log: AckedLog) {
  const out: string[] = [];
  let checked = 0;
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  const byStream = new Map<string, { seq: number; audience: string; type: string; at: Date; recipients: Record<string, unknown> | null | undefined }[]>();
  for (const c of clients) {
    const stream = `workspace:${c.workspaceId}`;
    if (!byStream.has(stream)) byStream.set(stream, (await ctx.models.Event.find({ stream }).lean()).map((e) => ({ seq: e.seq, audience: e.audience, type: e.type, at: e.at, recipients: e.recipients })));
    const visible = byStream
      .get(stream)!
      .filter((e) => e.seq > c.fromSeq && (e.audience !== 'item' || Boolean(e.recipients?.[c.userId])))
      .map((e) => e.seq)
      .sort((a, b) => a - b);
    const got = c.deliveredSeqs();
    const gotSet = new Set(got);
    checked += visible.length;
    const missing = visible.filter((s) => !gotSet.has(s));
    lost += missing.length;
    duplicated += c.duplicates;
    // Counted events in stream order; content events are shown once each, as they come (shared/event-order.ts).
    const ordered = c.deliveredSeqs(true);
    for (let i = 1; i < ordered.length; i++) if (ordered[i]! < ordered[i - 1]!) outOfOrder++;
    if (missing.length) {
      const what = (seq: number) => {
        const e = byStream.get(stream)!.find((x) => x.seq === seq)!;
        return `${seq} ${e.type}/${e.audience} at ${e.at.toISOString().slice(11, 23)}`;
      };
      const outages = c.outages.map((o) => `${o.node} ${new Date(o.at).toISOString().slice(11, 23)}→${o.back ? new Date(o.back).toISOString().slice(11, 23) : '?'}`).join(', ');
      out.push(`${c.name}: ${missing.length} events never shown (${missing.slice(0, 3).map(what).join('; ')}); since ${c.since()}, outages ${outages}, repairs ${c.repairs}, checks ${c.checks}`);
    }
    if (c.duplicates) out.push(`${c.name}: ${c.duplicates} events shown twice`);
    const [members, invitations] = await Promise.all([c.loadMembers(), c.loadInvitations()]);
    const screen = { members: new Map(c.members), invitations: new Map(c.invitations) };
    // Rows an unanswered request touched are not compared (an invitation whose id the harness never got was made by one).
    const answered = (id: string) => !log.unanswered.has(id);
    for (const m of [members, screen.members]) for (const id of [...m.keys()]) if (!answered(id)) m.delete(id);
    for (const m of [invitations, screen.invitations]) for (const id of [...m.keys()]) if (!answered(id) || !log.invitations.has(id)) m.delete(id);
    if (!sameMap(members, screen.members)) out.push(`${c.name}: members on screen ≠ a fresh load (${diff(screen.members, members)})`);
    if (!sameMap(invitations, screen.invitations)) out.push(`${c.name}: pending invitations on screen ≠ a fresh load (${diff(screen.invitations, invitations)})`);
  }
  if (outOfOrder) out.push(`${outOfOrder} events shown out of order`);
  return { violations: out, checked, lost, duplicated, outOfOrder };
}

const sameMap = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
function diff(screen: Map<string, string>, fresh: Map<string, string>) {
  const extra = [...screen].filter(([k, v]) => fresh.get(k) !== v).map(([k, v]) => `+${k}=${v}`);
  const missing = [...fresh].filter(([k, v]) => screen.get(k) !== v).map(([k, v]) => `-${k}=${v}`);
  return [...extra, ...missing].slice(0, 4).join(' ');
}
