import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { Role } from '../../shared/schemas/auth.js';
import { EmailSchema } from '../../shared/schemas/auth.js';
import type { IncomingInvitationView, InvitationPreview, InvitationView } from '../../shared/schemas/invitations.js';
import type { Page } from '../../shared/schemas/workspaces.js';
import { AppError, conflict, notFound, rateLimited } from '../http/errors.js';
import { hashToken, newId, newToken } from '../db/ids.js';
import { isDuplicateKey } from '../db/claims.js';
import { findByIds } from '../db/lookups.js';
import { sendQuietly } from '../mail/mailer.js';
import { invitationMail } from '../mail/templates.js';
import { isVerified, type UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { claimSeat, releaseSeat } from '../workspaces/seat.service.js';
import { invitationHolder } from '../workspaces/seat.model.js';
import { announceSeats } from '../workspaces/seat-events.js';
import { followWorkspacePool } from '../workspaces/pool-move.js';
import { membershipId } from '../workspaces/membership.model.js';
import { notify, settleNotifications } from '../notifications/notification.service.js';
import { pendingInvitationKey, type InvitationDoc } from './invitation.model.js';
import type { InvitationDecisionDoc, InvitationOutcome } from './invitation-decision.model.js';

export const holderOf = (inv: Pick<InvitationDoc, '_id'>) => invitationHolder(inv._id);
const inviteUrl = (ctx: AppContext, token: string) => `${ctx.publicUrl()}/invite/${token}`;
const subjectOf = (inv: Pick<InvitationDoc, '_id'>) => `invitation:${inv._id}`;
const decisionId = (inv: Pick<InvitationDoc, '_id' | 'round'>) => `${inv._id}:${inv.round ?? 0}`;
const ttl = (ctx: AppContext) => ctx.config.INVITATION_TTL_DAYS * 86_400_000;

export function presentInvitation(inv: InvitationDoc, inviter: Pick<UserDoc, '_id' | 'name'> | null): InvitationView {
  return {
    id: inv._id,
    email: inv.email,
    role: inv.role,
    status: inv.status,
    invitedBy: inviter ? { id: inviter._id, name: inviter.name } : null,
    createdAt: inv.createdAt.toISOString(),
    expiresAt: inv.expiresAt.toISOString(),
  };
}

const presentIncoming = (inv: InvitationDoc, workspace: Pick<WorkspaceDoc, '_id' | 'name'>, inviterName: string): IncomingInvitationView => ({
  id: inv._id,
  workspace: { id: workspace._id, name: workspace.name },
  role: inv.role,
  invitedBy: { name: inviterName },
  status: inv.status,
  createdAt: inv.createdAt.toISOString(),
  expiresAt: inv.expiresAt.toISOString(),
});

const inviterNames = (ctx: AppContext, invs: InvitationDoc[]) => findByIds(ctx.models.User, invs.map((i) => i.invitedBy), { name: 1 });

type AdminEvent = 'invitation.created' | 'invitation.updated' | 'invitation.revoked';

/** Tells the workspace's admins (the members list); `audit` records it as an admin action. */
async function announce(ctx: AppContext, inv: InvitationDoc, type: AdminEvent, actorId: string | null, audit?: { before?: unknown; after: unknown }) {
  const inviter = (await inviterNames(ctx, [inv])).get(inv.invitedBy) ?? null;
  await ctx.publisher.toWorkspace(inv.workspaceId, 'admins', {
    type,
    actorId,
    data: { invitation: presentInvitation(inv, inviter) },
    audit: audit ? { target: { kind: 'invitation', id: inv._id, label: inv.email }, before: audit.before ?? null, after: audit.after } : undefined,
  });
}

/**
 * The invited person's own account, when it exists and its address is
 * verified: only then does the app show them the invitation (a notification,
 * their home page), since only then do we know the account holder reads
 * that mailbox.
 */
async function verifiedInvitee(ctx: AppContext, email: string) {
  const user = await ctx.models.User.findOne({ email }, { emailVerifiedAt: 1, name: 1 }).lean();
  return user && isVerified(user) ? user : null;
}

/** Keeps the invited person's screens in step with the invitation (home page list, notification). */
async function tellInvitee(ctx: AppContext, inv: InvitationDoc, actorId: string | null) {
  const invitee = await verifiedInvitee(ctx, inv.email);
  if (!invitee) return;
  const [workspace, inviter] = await Promise.all([ctx.models.Workspace.findById(inv.workspaceId, { name: 1 }).lean(), ctx.models.User.findById(inv.invitedBy, { name: 1 }).lean()]);
  if (!workspace) return;
  await ctx.publisher.toUser(invitee._id, { type: 'invitation.updated', actorId, workspaceId: null, data: { invitation: presentIncoming(inv, workspace, inviter?.name ?? '') } });
  if (inv.status !== 'sent') await settleNotifications(ctx, subjectOf(inv), { status: inv.status, at: (inv.decidedAt ?? ctx.now()).toISOString() }, actorId);
}

async function mailInvitation(ctx: AppContext, workspace: WorkspaceDoc, inv: InvitationDoc, token: string, inviterName: string) {
  const existing = await ctx.models.User.findOne({ email: inv.email }, { locale: 1 }).lean();
  const mail = invitationMail(existing?.locale ?? 'en', inv.email, { workspace: workspace.name, inviter: inviterName, role: inv.role, url: inviteUrl(ctx, token), expiresAt: inv.expiresAt });
  await sendQuietly(ctx.mailer, ctx.log, mail);
}

/**
 * Claims how this round of the invitation ends. Resolves to null when this
 * caller's outcome is the one that counts, else to the outcome that already
 * does (which the caller reports).
 */
export async function decide(ctx: AppContext, inv: InvitationDoc, outcome: InvitationOutcome, by: string | null): Promise<InvitationDecisionDoc | null> {
  try {
    await ctx.models.InvitationDecision.create({ _id: decisionId(inv), outcome, by, at: ctx.now() });
    return null;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return (await ctx.models.InvitationDecision.findById(decisionId(inv)).lean()) ?? { _id: decisionId(inv), outcome: 'revoked', by: null, at: ctx.now() };
  }
}

/** Gives the decision back when what it decided could not be carried out. */
export const undecide = (ctx: AppContext, inv: InvitationDoc) => ctx.models.InvitationDecision.deleteOne({ _id: decisionId(inv) });

/** Why an invitation that already ended can no longer be used. */
export function endedError(outcome: InvitationOutcome): AppError {
  if (outcome === 'accepted') return new AppError('revoked', 'This invitation has already been used');
  if (outcome === 'declined') return new AppError('revoked', 'This invitation was declined');
  if (outcome === 'expired') return new AppError('expired', 'This invitation has expired. Ask for a new one.');
  return new AppError('revoked', 'This invitation was withdrawn or replaced by a newer one');
}

/** Records the end of the invitation's round: its pending key frees the address for a new invitation. */
export async function closeInvitation(ctx: AppContext, inv: InvitationDoc, outcome: InvitationOutcome, acceptedBy: string | null = null): Promise<InvitationDoc> {
  const closed: InvitationDoc = { ...inv, status: outcome, pendingKey: `done:${inv._id}`, decidedAt: ctx.now(), acceptedBy };
  await ctx.models.Invitation.updateOne({ _id: inv._id }, { $set: { status: outcome, pendingKey: closed.pendingKey, decidedAt: closed.decidedAt, acceptedBy } });
  return closed;
}

/**
 * Moves a pending invitation's reserved seat to pool `to` (its workspace
 * switched billing): the seat there first, then the invitation points at
 * it, then the old seat is freed. One that ended meanwhile keeps no seat
 * (whoever ends an invitation frees the seat of the pool it then names, see
 * `releaseInvitationSeat`). When `to` is full: `seat_limit_reached`, nothing changed.
 */
export async function moveInvitationSeat(ctx: AppContext, invitationId: string, to: string): Promise<void> {
  const inv = await ctx.models.Invitation.findById(invitationId).lean();
  // Gone meanwhile (a failed invite is deleted): a seat a switch reserved for it ahead goes too.
  if (!inv) return void (await releaseSeat(ctx, to, invitationHolder(invitationId)));
  if (inv.poolId === to) return;
  if (inv.status === 'sent') await claimSeat(ctx, to, holderOf(inv), 'invitation');
  await ctx.models.Invitation.updateOne({ _id: inv._id }, { $set: { poolId: to } });
  if ((await ctx.models.Invitation.findById(inv._id, { status: 1 }).lean())?.status !== 'sent') await releaseSeat(ctx, to, holderOf(inv));
  await releaseSeat(ctx, inv.poolId, holderOf(inv));
}

/**
 * Frees the seat an invitation that just ended (or was deleted) held: in
 * the pool it named when it was read, the one it names now, and the one its
 * workspace draws from now (a billing switch may have moved it, or reserved
 * ahead for it, in between; an ended invitation holds no seat anywhere).
 * Resolves to the pools a seat was freed in.
 */
export async function releaseInvitationSeat(ctx: AppContext, inv: Pick<InvitationDoc, '_id' | 'poolId' | 'workspaceId'>): Promise<string[]> {
  const [now, workspace] = await Promise.all([ctx.models.Invitation.findById(inv._id, { poolId: 1 }).lean(), ctx.models.Workspace.findById(inv.workspaceId, { poolId: 1 }).lean()]);
  const pools = [...new Set([inv.poolId, now?.poolId ?? inv.poolId, workspace?.poolId ?? inv.poolId])];
  const freed = await Promise.all(pools.map((p) => releaseSeat(ctx, p, holderOf(inv))));
  return pools.filter((_, i) => freed[i]);
}

/** Ends a pending invitation that was not accepted: its seat is freed, admins and the invitee see it. */
async function endUnaccepted(ctx: AppContext, inv: InvitationDoc, outcome: Exclude<InvitationOutcome, 'accepted'>, actorId: string | null, audit: boolean) {
  const closed = await closeInvitation(ctx, inv, outcome);
  const freed = await releaseInvitationSeat(ctx, inv);
  await announce(ctx, closed, outcome === 'revoked' ? 'invitation.revoked' : 'invitation.updated', actorId, audit ? { before: { status: 'sent' }, after: { status: outcome, role: inv.role } } : undefined);
  for (const poolId of freed) await announceSeats(ctx, poolId, actorId);
  await tellInvitee(ctx, closed, actorId);
  return closed;
}

/**
 * Marks overdue invitations expired and frees their seats. Runs before every
 * read of a workspace's list and from the periodic sweep (no TTL index).
 */
export async function expireInvitations(ctx: AppContext, workspaceId?: string) {
  const filter: Record<string, unknown> = { status: 'sent', expiresAt: mongoose.trusted({ $lte: ctx.now() }) };
  if (workspaceId) filter.workspaceId = workspaceId;
  const overdue = await ctx.models.Invitation.find(filter).lean();
  let expired = 0;
  for (const inv of overdue) {
    if (await decide(ctx, inv, 'expired', null)) continue;
    await endUnaccepted(ctx, inv, 'expired', null, false);
    expired++;
  }
  return expired;
}

type LineResult = { ok: true; invitation: InvitationView } | { ok: false; email: string; code: string; message: string };

async function inviteOne(ctx: AppContext, workspace: WorkspaceDoc, inviter: UserDoc, rawEmail: string, role: Role): Promise<LineResult> {
  const parsed = EmailSchema.safeParse(rawEmail);
  if (!parsed.success) return { ok: false, email: rawEmail, code: 'validation_failed', message: 'This is not a valid email address' };
  const email = parsed.data;
  const existing = await ctx.models.User.findOne({ email }, { _id: 1 }).lean();
  if (existing && (await ctx.models.Membership.exists({ _id: membershipId(workspace._id, existing._id) }))) {
    return { ok: false, email, code: 'already_member', message: 'Already a member of this workspace' };
  }
  const limit = await ctx.limiter.hit(`invite-mail:${workspace._id}`, ctx.config.INVITE_MAIL_PER_DAY, 86_400);
  if (!limit.allowed) return { ok: false, email, code: 'rate_limited', message: 'The daily invitation limit of this workspace is reached' };

  const token = newToken();
  const now = ctx.now();
  const inv: InvitationDoc = {
    _id: newId(),
    workspaceId: workspace._id,
    poolId: workspace.poolId,
    email,
    role,
    status: 'sent',
    pendingKey: pendingInvitationKey(workspace._id, email),
    tokenHash: hashToken(token),
    invitedBy: inviter._id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttl(ctx)),
    decidedAt: null,
    acceptedBy: null,
    round: 0,
  };
  // The seat first: a process that dies between the two leaves a seat without its invitation, which the
  // seat repair frees (server/workspaces/seat-repair.ts), never an invitation past the pool's limit.
  const already = () => ({ ok: false as const, email, code: 'conflict' as const, message: 'Already invited: resend the pending invitation instead' });
  if (await ctx.models.Invitation.exists({ pendingKey: inv.pendingKey })) return already();
  try {
    await claimSeat(ctx, workspace.poolId, holderOf(inv), 'invitation');
  } catch (err) {
    if (err instanceof AppError) return { ok: false, email, code: err.code, message: err.message };
    throw err;
  }
  try {
    await ctx.models.Invitation.create(inv);
    // The workspace may have switched its billing meanwhile: the seat is reserved in the pool it draws from.
    inv.poolId = await followWorkspacePool(ctx, workspace._id, inv.poolId, (to) => moveInvitationSeat(ctx, inv._id, to));
  } catch (err) {
    await ctx.models.Invitation.deleteOne({ _id: inv._id });
    await releaseInvitationSeat(ctx, inv);
    if (isDuplicateKey(err)) return already();
    if (err instanceof AppError) return { ok: false, email, code: err.code, message: err.message };
    throw err;
  }
  await ctx.models.InviteToken.create({ _id: inv.tokenHash, kind: 'invitation', workspaceId: workspace._id, invitationId: inv._id });
  await mailInvitation(ctx, workspace, inv, token, inviter.name);
  await announce(ctx, inv, 'invitation.created', inviter._id, { after: { status: 'sent', role } });
  const invitee = await verifiedInvitee(ctx, email);
  if (invitee) {
    const incoming = presentIncoming(inv, workspace, inviter.name);
    await ctx.publisher.toUser(invitee._id, { type: 'invitation.created', actorId: inviter._id, workspaceId: null, data: { invitation: incoming } });
    await notify(ctx, invitee._id, {
      type: 'invitation.received',
      workspaceId: workspace._id,
      data: { invitationId: inv._id, workspaceName: workspace.name, inviterName: inviter.name, role },
      actorId: inviter._id,
      ref: subjectOf(inv),
    });
  }
  return { ok: true, invitation: presentInvitation(inv, inviter) };
}

/** Invites each address with its role; every line succeeds or fails on its own. */
export async function createInvitations(ctx: AppContext, workspace: WorkspaceDoc, inviter: UserDoc, lines: Array<{ email: string; role: Role }>) {
  const created: InvitationView[] = [];
  const failed: Array<{ email: string; code: string; message: string }> = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const key = line.email.trim().toLowerCase();
    if (seen.has(key)) {
      failed.push({ email: line.email, code: 'conflict', message: 'This address appears twice in the list' });
      continue;
    }
    seen.add(key);
    const result = await inviteOne(ctx, workspace, inviter, line.email, line.role);
    if (result.ok) created.push(result.invitation);
    else failed.push({ email: result.email, code: result.code, message: result.message });
  }
  if (created.length) await announceSeats(ctx, (await ctx.models.Workspace.findById(workspace._id, { poolId: 1 }).lean())?.poolId ?? workspace.poolId, inviter._id);
  return { created, failed };
}

export async function listInvitations(ctx: AppContext, workspace: WorkspaceDoc, q: { limit: number; cursor?: string; status?: string }): Promise<Page<InvitationView>> {
  await expireInvitations(ctx, workspace._id);
  const filter: Record<string, unknown> = { workspaceId: workspace._id };
  if (q.status) filter.status = q.status;
  if (q.cursor) filter._id = mongoose.trusted({ $lt: q.cursor });
  const docs = await ctx.models.Invitation.find(filter).sort({ _id: -1 }).limit(q.limit + 1).lean();
  const page = docs.slice(0, q.limit);
  const inviters = await inviterNames(ctx, page);
  return { items: page.map((i) => presentInvitation(i, inviters.get(i.invitedBy) ?? null)), nextCursor: docs.length > q.limit ? page[page.length - 1]!._id : null };
}

async function loadInvitation(ctx: AppContext, workspace: WorkspaceDoc, invitationId: string) {
  await expireInvitations(ctx, workspace._id);
  const inv = await ctx.models.Invitation.findById(invitationId).lean();
  if (!inv || inv.workspaceId !== workspace._id) throw notFound('Invitation not found');
  return inv;
}

/**
 * A new token and a new expiry, mailed again. An expired invitation comes
 * back in a new round (and takes a seat again); an accepted, declined or
 * revoked one is over: invite again instead.
 */
export async function resendInvitation(ctx: AppContext, workspace: WorkspaceDoc, invitationId: string, actor: UserDoc): Promise<InvitationView> {
  const inv = await loadInvitation(ctx, workspace, invitationId);
  if (inv.status !== 'sent' && inv.status !== 'expired') throw conflict(`This invitation was ${inv.status}; send a new one instead`);
  const limit = await ctx.limiter.hit(`invite-mail:${workspace._id}`, ctx.config.INVITE_MAIL_PER_DAY, 86_400);
  if (!limit.allowed) throw rateLimited(limit.retryAfter, 'The daily invitation limit of this workspace is reached');
  const token = newToken();
  const now = ctx.now();
  const renewed: InvitationDoc = { ...inv, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + ttl(ctx)) };
  if (inv.status === 'expired') {
    const reopened = { ...renewed, status: 'sent' as const, round: (inv.round ?? 0) + 1, pendingKey: pendingInvitationKey(workspace._id, inv.email), decidedAt: null };
    try {
      await ctx.models.Invitation.updateOne({ _id: inv._id }, { $set: { pendingKey: reopened.pendingKey } });
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict('A newer invitation for this address is pending');
      throw err;
    }
    // An expired invitation reserves its seat again in the pool the workspace draws from now (its billing may have changed since).
    const poolId = workspace.poolId;
    try {
      await ctx.models.Invitation.updateOne({ _id: inv._id }, { $set: { poolId } });
      await claimSeat(ctx, poolId, holderOf(inv), 'invitation');
      reopened.poolId = await followWorkspacePool(ctx, workspace._id, poolId, (to) => moveInvitationSeat(ctx, inv._id, to));
    } catch (err) {
      await ctx.models.Invitation.updateOne({ _id: inv._id }, { $set: { pendingKey: `done:${inv._id}` } });
      await releaseInvitationSeat(ctx, { _id: inv._id, poolId, workspaceId: inv.workspaceId });
      throw err;
    }
    Object.assign(renewed, reopened);
  }
  await ctx.models.InviteToken.create({ _id: renewed.tokenHash, kind: 'invitation', workspaceId: workspace._id, invitationId: inv._id });
  // An accept racing this resend owns `status`: a pending one only gets its new token and expiry.
  const set: Record<string, unknown> = { tokenHash: renewed.tokenHash, expiresAt: renewed.expiresAt };
  if (inv.status === 'expired') Object.assign(set, { status: 'sent', round: renewed.round, decidedAt: null });
  await ctx.models.Invitation.updateOne({ _id: inv._id }, { $set: set });
  const inviter = (await ctx.models.User.findById(inv.invitedBy, { name: 1 }).lean()) ?? actor;
  await mailInvitation(ctx, workspace, renewed, token, inviter.name);
  await announce(ctx, renewed, 'invitation.updated', actor._id, { before: { status: inv.status, expiresAt: inv.expiresAt.toISOString() }, after: { status: 'sent', expiresAt: renewed.expiresAt.toISOString(), resent: true } });
  if (inv.status === 'expired') {
    await announceSeats(ctx, renewed.poolId, actor._id);
    await tellInvitee(ctx, renewed, actor._id);
  }
  return presentInvitation(renewed, inviter);
}

/** Revokes a pending invitation: its token dies and its seat is freed. Revoking one that already ended changes nothing. */
export async function revokeInvitation(ctx: AppContext, workspace: WorkspaceDoc, invitationId: string, actorId: string) {
  const inv = await loadInvitation(ctx, workspace, invitationId);
  if (inv.status === 'accepted') throw conflict('This invitation was already accepted; remove the member instead');
  if (inv.status !== 'sent') return;
  const earlier = await decide(ctx, inv, 'revoked', actorId);
  if (earlier?.outcome === 'accepted') throw conflict('This invitation was already accepted; remove the member instead');
  if (earlier) return;
  await endUnaccepted(ctx, inv, 'revoked', actorId, true);
}

/** Every pending invitation of a workspace that is being deleted ends, and their seats are freed. */
export async function dropWorkspaceInvitations(ctx: AppContext, workspace: WorkspaceDoc, actorId: string) {
  const pending = await ctx.models.Invitation.find({ workspaceId: workspace._id, status: 'sent' }).lean();
  for (const inv of pending) {
    if (await decide(ctx, inv, 'revoked', actorId)) continue;
    await closeInvitation(ctx, inv, 'revoked');
    for (const poolId of await releaseInvitationSeat(ctx, inv)) await announceSeats(ctx, poolId, actorId);
    await tellInvitee(ctx, { ...inv, status: 'revoked', decidedAt: ctx.now() }, actorId);
  }
  await ctx.models.InviteToken.deleteMany({ workspaceId: workspace._id, kind: 'invitation' });
}

/**
 * The invitation a token opens. Unknown tokens are a uniform 404; a token
 * that was used, declined, revoked, replaced by a resend, or is past its
 * expiry is 410.
 */
export async function openToken(ctx: AppContext, token: string) {
  const ref = await ctx.models.InviteToken.findById(hashToken(token)).lean();
  if (!ref || ref.kind !== 'invitation' || !ref.invitationId) throw notFound('This invitation does not exist');
  const inv = await ctx.models.Invitation.findById(ref.invitationId).lean();
  const workspace = inv ? await ctx.models.Workspace.findById(inv.workspaceId).lean() : null;
  if (!inv || !workspace) throw notFound('This invitation does not exist');
  if (inv.status !== 'sent' && inv.status !== 'expired') throw endedError(inv.status);
  if (inv.tokenHash !== ref._id) throw endedError('revoked');
  if (inv.status === 'expired' || inv.expiresAt.getTime() <= ctx.now().getTime()) throw endedError('expired');
  return { inv, workspace };
}

/** A pending invitation addressed to this signed-in, verified account (the app's own accept and decline); anything else is "not found". */
export async function openOwnInvitation(ctx: AppContext, invitationId: string, user: UserDoc) {
  const inv = await ctx.models.Invitation.findById(invitationId).lean();
  const workspace = inv ? await ctx.models.Workspace.findById(inv.workspaceId).lean() : null;
  if (!inv || !workspace || inv.email !== user.email || !isVerified(user)) throw notFound('Invitation not found');
  if (inv.status !== 'sent') throw endedError(inv.status);
  if (inv.expiresAt.getTime() <= ctx.now().getTime()) throw endedError('expired');
  return { inv, workspace };
}

export async function previewInvitation(ctx: AppContext, token: string): Promise<InvitationPreview> {
  const { inv, workspace } = await openToken(ctx, token);
  const [inviter, account] = await Promise.all([ctx.models.User.findById(inv.invitedBy, { name: 1 }).lean(), ctx.models.User.exists({ email: inv.email })]);
  return { workspace: { name: workspace.name }, role: inv.role, invitedBy: { name: inviter?.name ?? '' }, email: inv.email, hasAccount: account !== null };
}

/**
 * Declines: the invitation ends, its seat is freed, and the person who sent
 * it is told. From the mail link (no sign-in needed: the token is the proof)
 * or from the app.
 */
export async function declineInvitation(ctx: AppContext, inv: InvitationDoc, workspace: WorkspaceDoc) {
  const invitee = await ctx.models.User.findOne({ email: inv.email }, { name: 1 }).lean();
  const earlier = await decide(ctx, inv, 'declined', invitee?._id ?? null);
  if (earlier) throw endedError(earlier.outcome);
  const closed = await endUnaccepted(ctx, inv, 'declined', invitee?._id ?? null, true);
  await notify(ctx, inv.invitedBy, { type: 'invitation.declined', workspaceId: workspace._id, data: { workspaceName: workspace.name, email: inv.email, ...(invitee ? { name: invitee.name } : {}) }, actorId: invitee?._id ?? null });
  return presentInvitation(closed, null);
}

/** The person's own pending invitations, for their home page: only once their address is verified. */
export async function listMyInvitations(ctx: AppContext, user: UserDoc): Promise<IncomingInvitationView[]> {
  if (!isVerified(user)) return [];
  const docs = await ctx.models.Invitation.find({ email: user.email, status: 'sent', expiresAt: mongoose.trusted({ $gt: ctx.now() }) }).sort({ _id: -1 }).limit(100).lean();
  if (docs.length === 0) return [];
  const [byId, inviters] = await Promise.all([findByIds(ctx.models.Workspace, docs.map((d) => d.workspaceId), { name: 1 }), inviterNames(ctx, docs)]);
  return docs.filter((d) => byId.has(d.workspaceId)).map((d) => presentIncoming(d, byId.get(d.workspaceId)!, inviters.get(d.invitedBy)?.name ?? ''));
}

/** After an accept: admins see the row go Active, the invitee's other tabs and panel follow, the inviter is told. */
export async function announceAccepted(ctx: AppContext, inv: InvitationDoc, workspace: WorkspaceDoc, user: UserDoc) {
  await announce(ctx, inv, 'invitation.updated', user._id, { before: { status: 'sent' }, after: { status: 'accepted', role: inv.role } });
  await tellInvitee(ctx, inv, user._id);
  await notify(ctx, inv.invitedBy, { type: 'invitation.accepted', workspaceId: workspace._id, data: { workspaceName: workspace.name, email: inv.email, name: user.name }, actorId: user._id });
}
