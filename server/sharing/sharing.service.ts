import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { AccessLevel, AccessRow, GeneralAccess, GrantInput, GrantView, PutSharing, ShareRole, SharingView } from '../../shared/schemas/content.js';
import type { FieldIssue } from '../../shared/errors.js';
import { grantActive, mayGive, type Resolution } from '../../shared/access.js';
import { AppError, forbidden } from '../http/errors.js';
import { withLock } from '../db/claims.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { contentRoleOf, recipientsOf, viewersOf, type ItemAccess, type Viewer } from '../content/access-loader.js';
import { grantId, type GrantDoc, type ItemDoc } from '../content/item.model.js';
import { itemRef, itemTarget, itemView } from '../content/item.presenter.js';
import { peopleOf, personOr } from './people.js';
import { sharingChanged } from './sharing-events.js';

export { onSharingChanged } from './sharing-events.js';

/**
 * An item's sharing: its general access and the people added to it. Who may
 * change it is the resolver's `manage` (owner, Super Admins, edit — never a
 * Viewer). The stored state is always what the rules make:
 * - grantees are people of the workspace (members, or Super Admins above);
 * - a grant ends in the future, or never;
 * - nobody gives more than they have;
 * - a Viewer is given at most `view` (edit is stored as view);
 * - `only_me` has no direct grants: choosing it removes them, and adding
 *   people while it holds makes the scope `selected`.
 * REST refuses a value the rules do not allow; co-editing (`normalize`)
 * stores it as the rules make it. Changes of one item are serialised on
 * every node (a lock), so parallel writers end with the last one's list.
 */

type SharingChain = { workspace: WorkspaceDoc; chain: ItemDoc[] };

/** Each item's own grants along a chain (one equality each), keyed by item. */
async function grantsOfChain(ctx: AppContext, chain: ItemDoc[]): Promise<Map<string, GrantDoc[]>> {
  const lists = await Promise.all(chain.map((c) => ctx.models.Grant.find({ itemId: c._id }).lean<GrantDoc[]>()));
  return new Map(chain.map((c, i) => [c._id, lists[i]!]));
}

const reasonRank = { owner: 0, role: 1, direct: 2, folder: 3, general: 4 } as const;

/** The sharing view of an item whose chain (folders above, then itself) is known, for a caller who may or may not manage it. */
async function viewOf(ctx: AppContext, { workspace, chain }: SharingChain, manage: boolean, viewers?: Viewer[]): Promise<SharingView> {
  const item = chain[chain.length - 1]!;
  const [everyone, grants] = await Promise.all([viewers ?? viewersOf(ctx, workspace, chain), grantsOfChain(ctx, chain)]);
  const present = new Set(everyone.map((v) => v.userId));
  const now = ctx.now();
  // The item's own grants first, then each folder's from the nearest up; only those that count (active, to someone still here).
  const rows: Array<{ g: GrantDoc; from: ItemDoc | null }> = [];
  for (const c of [...chain].reverse()) {
    for (const g of grants.get(c._id) ?? []) {
      if (!present.has(g.userId) || !grantActive({ expiresAt: g.expiresAt?.toISOString() ?? null }, now)) continue;
      rows.push({ g, from: c._id === item._id ? null : c });
    }
  }
  const people = await peopleOf(ctx, workspace._id, [...present]);
  const byName = (a: { user: { name: string } }, b: { user: { name: string } }) => a.user.name.localeCompare(b.user.name);
  const direct = rows.filter((r) => r.from === null).map((r) => grantViewOf(r.g, people, null)).sort(byName);
  const inherited = rows.filter((r) => r.from !== null).map((r) => grantViewOf(r.g, people, r.from));
  const access: AccessRow[] = everyone
    .map((v) => ({ user: personOr(people, v.userId), access: v.resolution.access as AccessRow['access'], capped: v.resolution.capped, reasons: v.resolution.reasons }))
    .sort((a, b) => {
      const first = (r: AccessRow) => Math.min(...r.reasons.map((x) => reasonRank[x.kind]));
      return first(a) - first(b) || (a.access === b.access ? 0 : a.access === 'edit' ? -1 : 1) || byName(a, b);
    });
  return { general: item.general, grants: [...direct, ...inherited], access, manage };
}

const grantViewOf = (g: GrantDoc, people: Map<string, ReturnType<typeof personOr>>, from: ItemDoc | null): GrantView => ({
  user: personOr(people, g.userId),
  role: g.role,
  expiresAt: g.expiresAt ? g.expiresAt.toISOString() : null,
  inheritedFrom: from ? itemRef(from) : null,
});

/** `GET …/items/:itemId/sharing`: for anyone who can see the item. */
export async function getSharing(ctx: AppContext, workspaceAccess: WorkspaceAccess, itemAccess: ItemAccess, _userId: string): Promise<SharingView> {
  const item = (await ctx.models.Item.findById(itemAccess.item._id).lean<ItemDoc>()) ?? itemAccess.item;
  return viewOf(ctx, { workspace: workspaceAccess.workspace, chain: [...itemAccess.ancestors, item] }, itemAccess.manage);
}

interface WantedGrant {
  role: ShareRole;
  expiresAt: Date | null;
}

/**
 * The direct grants the input asks for, as the rules make them. Without
 * `normalize`, a value the rules refuse is an error: a person outside the
 * workspace or an end in the past (400, each named), more than the actor
 * has (403). A Viewer's edit is view either way.
 */
async function ruledGrants(ctx: AppContext, workspaceId: string, own: AccessLevel, input: GrantInput[], normalize: boolean): Promise<Map<string, WantedGrant>> {
  const now = ctx.now();
  const roles = await Promise.all(input.map((g) => contentRoleOf(ctx, workspaceId, g.userId)));
  const issues: FieldIssue[] = [];
  const wanted = new Map<string, WantedGrant>();
  input.forEach((g, i) => {
    const role = roles[i]!;
    const expiresAt = g.expiresAt ? new Date(g.expiresAt) : null;
    if (role === null) {
      issues.push({ path: `grants.${i}.userId`, message: `${g.userId} is not a person of this workspace` });
      return;
    }
    if (expiresAt && !grantActive({ expiresAt: expiresAt.toISOString() }, now)) {
      issues.push({ path: `grants.${i}.expiresAt`, message: 'The end of access must be in the future' });
      return;
    }
    let granted: ShareRole = g.role;
    if (!mayGive(own, granted)) {
      if (!normalize) throw forbidden('You may not give more access than you have');
      granted = 'view';
    }
    if (!mayGive(own, granted)) return;
    // Viewers stay view-only, whatever they are given.
    if (role === 'viewer') granted = 'view';
    wanted.set(g.userId, { role: granted, expiresAt });
  });
  if (issues.length && !normalize) throw new AppError('validation_failed', issues[0]!.message, issues);
  return wanted;
}

const sameGrant = (g: GrantDoc, w: WantedGrant) => g.role === w.role && (g.expiresAt?.getTime() ?? null) === (w.expiresAt?.getTime() ?? null);
const sameGeneral = (a: GeneralAccess, b: GeneralAccess) => a.scope === b.scope && a.role === b.role;

/** An item's sharing as the audit log records it: its kind, general access and grants with the people's names. */
export async function sharingAudit(ctx: AppContext, workspaceId: string, item: ItemDoc, grants: Array<{ userId: string; role: ShareRole; expiresAt: Date | null }>) {
  const people = await peopleOf(ctx, workspaceId, grants.map((g) => g.userId));
  return {
    kind: item.kind,
    general: item.general,
    grants: grants
      .map((g) => ({ user: { id: g.userId, name: personOr(people, g.userId).name }, role: g.role, expiresAt: g.expiresAt ? g.expiresAt.toISOString() : null }))
      .sort((a, b) => (a.user.id < b.user.id ? -1 : 1)),
  };
}

/**
 * `PUT …/sharing`, and every change co-editing accepts. `grants` is the full
 * list of the item's direct grants. Returns the view as stored and whether
 * anything changed (nothing stored, no event, when it did not).
 */
export async function putSharing(
  ctx: AppContext,
  workspaceAccess: WorkspaceAccess,
  itemAccess: ItemAccess,
  input: PutSharing,
  actorId: string,
  opts: { normalize?: boolean } = {},
): Promise<{ view: SharingView; changed: boolean }> {
  if (!itemAccess.manage) throw forbidden('You may not change who has access to this item');
  const normalize = opts.normalize ?? false;
  const workspace = workspaceAccess.workspace;
  let general = input.general;
  if (general && !mayGive(itemAccess.access, general.role)) {
    if (!normalize) throw forbidden('You may not give more access than you have');
    general = { ...general, role: 'view' };
  }
  const wanted = input.grants ? await ruledGrants(ctx, workspace._id, itemAccess.access, input.grants, normalize) : null;

  return withLock(ctx.models.Lock, `sharing:${itemAccess.item._id}`, async () => {
    // Read again under the lock: another writer may have just changed it.
    const item = (await ctx.models.Item.findById(itemAccess.item._id).lean<ItemDoc>()) ?? itemAccess.item;
    const before: SharingChain = { workspace, chain: [...itemAccess.ancestors, item] };
    const existing = await ctx.models.Grant.find({ itemId: item._id }).lean<GrantDoc[]>();
    const nextGeneral: GeneralAccess = { ...(general ?? item.general) };
    const choseOnlyMe = general?.scope === 'only_me' && item.general.scope !== 'only_me';
    let target: Map<string, WantedGrant> = wanted ?? new Map(existing.map((g) => [g.userId, { role: g.role, expiresAt: g.expiresAt }]));
    if (choseOnlyMe) target = new Map();
    if (target.size > 0 && nextGeneral.scope === 'only_me') nextGeneral.scope = 'selected';

    const byUser = new Map(existing.map((g) => [g.userId, g]));
    const removed = existing.filter((g) => !target.has(g.userId));
    const upserts = [...target].filter(([userId, w]) => !byUser.has(userId) || !sameGrant(byUser.get(userId)!, w));
    const generalChanged = !sameGeneral(nextGeneral, item.general);
    if (!generalChanged && removed.length === 0 && upserts.length === 0) {
      return { view: await viewOf(ctx, before, itemAccess.manage), changed: false };
    }

    const viewersBefore = await viewersOf(ctx, workspace, before.chain);
    const now = ctx.now();
    if (generalChanged) await ctx.models.Item.updateOne({ _id: item._id }, { $set: { general: nextGeneral } });
    await Promise.all([
      ...removed.map((g) => ctx.models.Grant.deleteOne({ _id: g._id })),
      ...upserts.map(([userId, w]) =>
        ctx.models.Grant.replaceOne(
          { _id: grantId(item._id, userId) },
          { _id: grantId(item._id, userId), itemId: item._id, userId, workspaceId: workspace._id, role: w.role, expiresAt: w.expiresAt, grantedBy: actorId, at: now },
          { upsert: true },
        ),
      ),
    ]);
    const updated: ItemDoc = { ...item, general: nextGeneral };
    const after: SharingChain = { workspace, chain: [...itemAccess.ancestors, updated] };
    const viewersAfter = await viewersOf(ctx, workspace, after.chain);
    await announceSharing(ctx, workspace, updated, actorId, viewersBefore, viewersAfter, {
      before: await sharingAudit(ctx, workspace._id, item, existing),
      after: await sharingAudit(ctx, workspace._id, updated, [...target].map(([userId, w]) => ({ userId, ...w }))),
    });
    const mine = viewersAfter.find((v) => v.userId === actorId)?.resolution;
    return { view: await viewOf(ctx, after, mine?.manage ?? false, viewersAfter), changed: true };
  });
}

/**
 * After a stored sharing change: `item.sharing.updated` to everyone who can
 * see the item now (a folder's new grantees included, so what is inside
 * appears for them), `access.revoked` to each who could before and cannot
 * now, and the in-process listeners (co-editing).
 */
export async function announceSharing(
  ctx: AppContext,
  workspace: WorkspaceDoc,
  item: ItemDoc,
  actorId: string | null,
  viewersBefore: Viewer[],
  viewersAfter: Viewer[],
  audit: { before: unknown; after: unknown },
) {
  const none: Pick<Resolution, 'access' | 'manage'> = { access: 'none', manage: false };
  const actor = viewersAfter.find((v) => v.userId === actorId)?.resolution ?? none;
  await ctx.publisher.toItemViewers(workspace._id, recipientsOf(viewersAfter), {
    type: 'item.sharing.updated',
    actorId,
    data: { item: itemView(item, actor), general: item.general },
    audit: { target: itemTarget(item), ...audit },
  });
  const still = new Set(viewersAfter.map((v) => v.userId));
  for (const lost of viewersBefore.filter((v) => !still.has(v.userId))) {
    await ctx.publisher.toUser(lost.userId, { type: 'access.revoked', actorId, workspaceId: workspace._id, data: { workspaceId: workspace._id, itemId: item._id } });
  }
  sharingChanged(workspace._id, item._id);
}

/** The grants ended by now, for the sweep (a range: read rarely, every few minutes). */
export const expiredGrants = (ctx: AppContext) => ctx.models.Grant.find({ expiresAt: mongoose.trusted({ $lte: ctx.now() }) }).lean<GrantDoc[]>();
