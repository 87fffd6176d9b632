import type { Role } from '../../shared/schemas/auth.js';
import { ApiClient, type Reply } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';
import type { Cluster } from './cluster.js';

/**
 * The people and workspaces of the harness, and the stream of admin actions
 * it sends through the proxy. Every acknowledged (2xx) write is recorded as
 * the state it promised; a write whose outcome is unknown (the node died
 * with the request, a 502) makes that key uncertain until the next
 * acknowledged write on it.
 */

export const WORKSPACES = 5;
export const ADMINS_PER_WORKSPACE = 6;
const MEMBERS_PER_WORKSPACE = 6;
const OUTSIDERS_PER_WORKSPACE = 40;
const ITEMS_PER_WORKSPACE = 4;

type Person = Awaited<ReturnType<typeof createUser>>;

export interface Team {
  root: string;
  sub: string;
  admins: Person[];
  members: Person[];
  outsiders: Person[];
  linkToken: string;
  items: string[];
  assets: string[];
}

/** A promised state: `value` once acknowledged, or `uncertain` after a write whose outcome nobody knows. */
interface Promised<T> {
  value: T | undefined;
  uncertain: boolean;
}

export class AckedLog {
  roles = new Map<string, Promised<Role>>();
  grants = new Map<string, Promised<string>>();
  allocations = new Map<string, Promised<number>>();
  shares = new Map<string, Promised<boolean>>();
  invitations = new Set<string>();
  revoked = new Set<string>();
  approved = new Set<string>();
  videos = new Set<string>();
  /**
   * What requests of unknown outcome (their node died with them, or the database) were about:
   * invitation and user ids. Such a request may have been applied without
   * its event; screens show it at their next load (README, "Running several
   * nodes"), so these rows are not compared.
   */
  unanswered = new Set<string>();
  /**
   * Whether a write's outcome is unknown: no answer (the proxy lost its
   * node, or the connection), or 503 `unavailable` (the database went away
   * during the request, which may have been applied up to where it failed).
   */
  static unanswered = (reply: Reply) => reply.status === 502 || reply.status === 0 || reply.status === 503;
  /** Acknowledged writes, by kind. */
  counts: Record<string, number> = {};
  statuses: Record<string, number> = {};

  set<T>(map: Map<string, Promised<T>>, key: string, reply: Reply, value: T) {
    const known = reply.status >= 200 && reply.status < 300;
    const unknown = AckedLog.unanswered(reply);
    if (known) map.set(key, { value, uncertain: false });
    else if (unknown) map.set(key, { value: map.get(key)?.value, uncertain: true });
  }

  count(kind: string, reply: Reply) {
    this.statuses[reply.status] = (this.statuses[reply.status] ?? 0) + 1;
    if (reply.status >= 200 && reply.status < 300) this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  get total() {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
}

export async function buildWorld(cluster: Cluster): Promise<Team[]> {
  const ctx = cluster.observer.ctx;
  const url = cluster.proxyUrl;
  const teams: Team[] = [];
  for (let w = 0; w < WORKSPACES; w++) {
    const admins = await Promise.all(Array.from({ length: ADMINS_PER_WORKSPACE }, () => createUser(ctx, url, `Admin ${w}`)));
    const members = await Promise.all(Array.from({ length: MEMBERS_PER_WORKSPACE }, () => createUser(ctx, url, `Member ${w}`)));
    const outsiders = await Promise.all(Array.from({ length: OUTSIDERS_PER_WORKSPACE }, () => createUser(ctx, url, `Outsider ${w}`)));
    const root = await createWorkspace(
      ctx,
      admins[0]!.user._id,
      [...admins.slice(1).map((a) => ({ userId: a.user._id, role: 'super_admin' as Role })), ...members.map((m) => ({ userId: m.user._id, role: 'viewer' as Role }))],
      `Faults ${w}`,
    );
    const owner = admins[0]!.client;
    const sub = must(await owner.post(`/api/workspaces/${root}/subworkspaces`, { name: `Faults ${w} team`, billingMode: 'inherited', apiAccess: false }), 201).body.id as string;
    must(await owner.request('PATCH', `/api/workspaces/${root}`, { settings: { requireApproval: true } }), 200);
    const linkToken = must(await owner.request('PUT', `/api/workspaces/${root}/invite-link`, { role: 'viewer' }), 200).body.token as string;
    const items: string[] = [];
    for (let i = 0; i < ITEMS_PER_WORKSPACE; i++) items.push(must(await owner.post(`/api/workspaces/${root}/items`, { kind: 'draft', name: `Script ${i}`, body: 'Hello' }), 201).body.id);
    const assets: string[] = [];
    for (let i = 0; i < 3; i++) assets.push(must(await owner.post(`/api/workspaces/${root}/assets`, { kind: 'template', name: `Template ${i}` }), 201).body.id);
    teams.push({ root, sub, admins, members, outsiders, linkToken, items, assets });
  }
  return teams;
}

function must(reply: Reply, status: number) {
  if (reply.status !== status) throw new Error(`fixture: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply;
}

/** A seeded pseudo-random sequence (mulberry32), so a run can be replayed. */
export function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!, int: (n: number) => Math.floor(next() * n) };
}

const ROLES: Role[] = ['viewer', 'creator', 'developer'];

/**
 * Sends admin actions at `perSecond` through the proxy until stopped. One
 * write at a time per key (a member's role, an item's sharing, an asset's
 * share, a sub-workspace's allocation), so "the last acknowledged write" is
 * well defined.
 */
export class Load {
  readonly log = new AckedLog();
  private timer: NodeJS.Timeout | null = null;
  private busy = new Set<string>();
  private inflight = new Set<Promise<unknown>>();
  private pendingInvites: { ws: string; id: string; by: ApiClient }[] = [];
  private pendingRequests: { ws: string; id: string; userId: string }[] = [];
  private outsiderNext: number[];
  private seq = 0;
  private rnd;

  constructor(
    private readonly teams: Team[],
    seed: number,
  ) {
    this.rnd = random(seed);
    this.outsiderNext = teams.map(() => 0);
  }

  start(perSecond = 20) {
    if (this.timer) return;
    this.timer = setInterval(() => this.fire(), 1000 / perSecond);
  }

  /** Stops sending and waits for what is in flight. */
  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private fire() {
    const t = this.rnd.int(this.teams.length);
    const team = this.teams[t]!;
    const admin = this.rnd.pick(team.admins).client;
    const kind = this.rnd.pick(['invite', 'invite', 'revoke', 'join', 'approve', 'role', 'role', 'share', 'sharing', 'sharing', 'allocate', 'video'] as const);
    const run = (key: string | null, f: () => Promise<void>) => {
      if (key && this.busy.has(key)) return;
      if (key) this.busy.add(key);
      const p = f()
        .catch(() => undefined)
        .finally(() => {
          if (key) this.busy.delete(key);
          this.inflight.delete(p);
        });
      this.inflight.add(p);
    };
    const n = ++this.seq;
    switch (kind) {
      case 'invite':
        return run(null, async () => {
          const reply = await call(admin, 'POST', `/api/workspaces/${team.root}/invitations`, { invites: [{ email: `guest.${n}.${Date.now().toString(36)}@example.com`, role: 'viewer' }] });
          this.log.count('invite', reply);
          if (reply.status === 201 || reply.status === 200) {
            for (const inv of invitationIds(reply.body)) {
              this.log.invitations.add(inv);
              this.pendingInvites.push({ ws: team.root, id: inv, by: admin });
            }
          }
        });
      case 'revoke': {
        const inv = this.pendingInvites.shift();
        if (!inv) return;
        return run(`inv:${inv.id}`, async () => {
          const reply = await call(inv.by, 'DELETE', `/api/workspaces/${inv.ws}/invitations/${inv.id}`);
          this.log.count('revoke', reply);
          if (AckedLog.unanswered(reply)) this.log.unanswered.add(inv.id);
          if (reply.status >= 200 && reply.status < 300) this.log.revoked.add(inv.id);
        });
      }
      case 'join': {
        const who = team.outsiders[this.outsiderNext[t]!++];
        if (!who) return;
        return run(null, async () => {
          const reply = await call(who.client, 'POST', `/api/join/${team.linkToken}`);
          this.log.count('join', reply);
          const id = (reply.body as { joinRequestId?: string } | null)?.joinRequestId;
          if (reply.status === 202 && id) this.pendingRequests.push({ ws: team.root, id, userId: who.user._id });
          if (AckedLog.unanswered(reply)) this.log.unanswered.add(who.user._id);
        });
      }
      case 'approve': {
        const req = this.pendingRequests.shift();
        if (!req) return;
        return run(`req:${req.id}`, async () => {
          const reply = await call(admin, 'POST', `/api/workspaces/${req.ws}/join-requests/${req.id}/approve`);
          this.log.count('approve', reply);
          if (AckedLog.unanswered(reply)) this.log.unanswered.add(req.userId);
          if (reply.status >= 200 && reply.status < 300) this.log.approved.add(req.id);
        });
      }
      case 'role': {
        const member = this.rnd.pick(team.members);
        const role = this.rnd.pick(ROLES);
        const key = `${team.root}:${member.user._id}`;
        return run(key, async () => {
          const reply = await call(admin, 'PATCH', `/api/workspaces/${team.root}/members/${member.user._id}`, { role });
          this.log.count('role', reply);
          if (AckedLog.unanswered(reply)) this.log.unanswered.add(member.user._id);
          this.log.set(this.log.roles, key, reply, role);
        });
      }
      case 'share': {
        const asset = this.rnd.pick(team.assets);
        const key = `${asset}:${team.sub}`;
        const share = !(this.log.shares.get(key)?.value ?? false);
        return run(key, async () => {
          const reply = share
            ? await call(admin, 'POST', `/api/workspaces/${team.root}/assets/${asset}/shares`, { workspaceIds: [team.sub] })
            : await call(admin, 'DELETE', `/api/workspaces/${team.root}/assets/${asset}/shares/${team.sub}`);
          this.log.count(share ? 'share' : 'unshare', reply);
          this.log.set(this.log.shares, key, reply, share);
        });
      }
      case 'sharing': {
        const item = this.rnd.pick(team.items);
        const who = this.rnd.pick(team.members);
        const role = this.rnd.pick(['view', 'edit'] as const);
        return run(item, async () => {
          const reply = await call(admin, 'PUT', `/api/workspaces/${team.root}/items/${item}/sharing`, { grants: [{ userId: who.user._id, role }] });
          this.log.count('sharing', reply);
          // The role stored is the one the reply shows (a viewer's "edit" is capped at "view").
          const granted = (reply.body as { grants?: { user: { id: string }; role: string }[] } | null)?.grants?.find((g) => g.user.id === who.user._id)?.role ?? role;
          this.log.set(this.log.grants, item, reply, `${who.user._id}:${granted}`);
        });
      }
      case 'allocate': {
        const amount = 1 + this.rnd.int(500);
        return run(team.sub, async () => {
          const reply = await call(admin, 'PUT', `/api/workspaces/${team.sub}/allocations`, { generativeCredits: amount });
          this.log.count('allocate', reply);
          this.log.set(this.log.allocations, team.sub, reply, amount);
        });
      }
      case 'video':
        return run(null, async () => {
          const reply = await call(admin, 'POST', `/api/workspaces/${team.root}/videos`, { title: `Take ${n}`, script: 'A short script for the fault harness.' });
          this.log.count('video', reply);
          if (reply.status === 202) this.log.videos.add((reply.body as { id: string }).id);
        });
    }
  }
}

function invitationIds(body: unknown): string[] {
  const b = body as { invitations?: { id: string }[]; created?: { id: string }[]; results?: { invitation?: { id: string } }[] } | null;
  const list = b?.invitations ?? b?.created ?? b?.results?.map((r) => r.invitation).filter(Boolean) ?? [];
  return (list as { id: string }[]).map((i) => i.id);
}

/** One API call; a broken connection (no reply at all) counts as status 0, an unknown outcome. */
async function call(client: ApiClient, method: string, path: string, body?: unknown): Promise<Reply> {
  try {
    return await client.request(method, path, body);
  } catch {
    return { status: 0, body: null, headers: new Headers() };
  }
}
