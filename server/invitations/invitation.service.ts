import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { Role } from '../../shared/schemas/auth.js';
import { EmailSchema } from '../../shared/schemas/auth.js';
import type { InvitationPreview, InvitationView } from '../../shared/schemas/invitations.js';
import type { Page } from '../../shared/schemas/workspaces.js';
import { AppError, conflict, forbidden, notFound } from '../http/errors.js';
import { hashToken, newId, newToken } from '../db/ids.js';
import { isDuplicateKey } from '../db/claims.js';
import { sendQuietly } from '../mail/mailer.js';
import { invitationMail } from '../mail/templates.js';
import type { UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { claimSeat, releaseSeat, transferSeat } from '../workspaces/seat.service.js';
import { announceSeats } from '../workspaces/seat-events.js';
import { addMembership } from '../workspaces/member.service.js';
import { membershipId } from '../workspaces/membership.model.js';
import { notify } from '../notifications/notification.service.js';
import { pendingInvitationKey, type InvitationDoc } from './invitation.model.js';

const holderOf = (inv: Pick<InvitationDoc, '_id'>) => `i:${inv._id}`;
const inviteUrl = (ctx: AppContext, token: string) => `${ctx.publicUrl()}/invite/${token}`;

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

async function inviterOf(ctx: AppContext, invs: InvitationDoc[]) {
  const users = await ctx.models.User.find({ _id: mongoose.trusted({ $in: [...new Set(invs.map((i) => i.invitedBy))] }) }, { name: 1 }).lean();
  return new Map(users.map((u) => [u._id, u]));
}

async function announce(ctx: AppContext, inv: InvitationDoc, type: 'invitation.created' | 'invitation.updated' | 'invitation.revoked', actorId: string | null, audit = true) {
  const inviter = (await inviterOf(ctx, [inv])).get(inv.invitedBy) ?? null;
  await ctx.publisher.toWorkspace(inv.workspaceId, 'admins', {
    type,
    actorId,
    data: { invitation: presentInvitation(inv, inviter) },
    audit: audit ? { target: { kind: 'invitation', id: inv._id, label: inv.email }, after: { status: inv.status, role: inv.role } } : undefined,
  });
}

async function mailInvitation(ctx: AppContext, workspace: WorkspaceDoc, inv: InvitationDoc, token: string, inviterName: string) {
  const existing = await ctx.models.User.findOne({ email: inv.email }, { locale: 1 }).lean();
  const mail = invitationMail(existing?.locale ?? 'en', inv.email, { workspace: workspace.name, inviter: inviterName, role: inv.role, url: inviteUrl(ctx, token), expiresAt: inv.expiresAt });
  await sendQuietly(ctx.mailer, ctx.log, mail);
}

/**
 * Marks overdue invitations of a workspace expired and frees their seats.
 * Runs before every read of the list and from the periodic sweep (no TTL).
 */
export async function expireInvitations(ctx: AppContext, workspaceId?: string) {
  const filter: Record<string, unknown> = { status: 'sent', expiresAt: mongoose.trusted({ $lte: ctx.now() }) };
  if (workspaceId) filter.workspaceId = workspaceId;
  const overdue = await ctx.models.Invitation.find(filter).lean();
  for (const inv of overdue) {
    await ctx.models.Invitation.updateOne({ _id: inv._id, status: 'sent' }, { $set: { status: 'expired', pendingKey: `done:${inv._id}`, decidedAt: ctx.now() } });
    if (await releaseSeat(ctx, inv.poolId, holderOf(inv))) await announceSeats(ctx, inv.poolId, null);
    await announce(ctx, { ...inv, status: 'expired' }, 'invitation.updated', null, false);
  }
  return overdue.length;
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
    expiresAt: new Date(now.getTime() + ctx.config.INVITATION_TTL_DAYS * 86_400_000),
    decidedAt: null,
    acceptedBy: null,
  };
  try {
    await ctx.models.Invitation.create(inv);
  } catch (err) {
    if (isDuplicateKey(err)) return { ok: false, email, code: 'conflict', message: 'Already invited: resend the pending invitation instead' };
    throw err;
  }
  try {
    await claimSeat(ctx, workspace.poolId, holderOf(inv), 'invitation');
  } catch (err) {
    await ctx.models.Invitation.deleteOne({ _id: inv._id });
    if (err instanceof AppError) return { ok: false, email, code: err.code, message: err.message };
    throw err;
  }
  await ctx.models.InviteToken.create({ _id: inv.tokenHash, kind: 'invitation', workspaceId: workspace._id, invitationId: inv._id });
  await mailInvitation(ctx, workspace, inv, token, inviter.name);
  await announce(ctx, inv, 'invitation.created', inviter._id);
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
  if (created.length) await announceSeats(ctx, workspace.poolId, inviter._id);
  return { created, failed };
}

export async function listInvitations(ctx: AppContext, workspace: WorkspaceDoc, q: { limit: number; cursor?: string; status?: string }): Promise<Page<InvitationView>> {
  await expireInvitations(ctx, workspace._id);
  const filter: Record<string, unknown> = { workspaceId: workspace._id };
  if (q.status) filter.status = q.status;
  if (q.cursor) filter._id = mongoose.trusted({ $lt: q.cursor });
  const docs = await ctx.models.Invitation.find(filter).sort({ _id: -1 }).limit(q.limit + 1).lean();
  const page = docs.slice(0, q.limit);
  const inviters = await inviterOf(ctx, page);
  return { items: page.map((i) => presentInvitation(i, inviters.get(i.invitedBy) ?? null)), nextCursor: docs.length > q.limit ? page[page.length - 1]!._id : null };
}

async function loadInvitation(ctx: AppContext, workspace: WorkspaceDoc, invitationId: string) {
  await expireInvitations(ctx, workspace._id);
  const inv = await ctx.models.Invitation.findById(invitationId).lean();
  if (!inv || inv.workspaceId !== workspace._id) throw notFound('Invitation not found');
  return inv;
}

/** A new token and a new expiry, mailed again; an expired invitation comes back (and takes a seat again). */
export async function resendInvitation(ctx: AppContext, workspace: WorkspaceDoc, invitationId: string, actor: UserDoc): Promise<InvitationView> {
  const inv = await loadInvitation(ctx, workspace, invitationId);
  if (inv.status === 'accepted' || inv.status === 'revoked') throw conflict(`This invitation was ${inv.status}; send a new one instead`);
  const limit = await ctx.limiter.hit(`invite-mail:${workspace._id}`, ctx.config.INVITE_MAIL_PER_DAY, 86_400);
  if (!limit.allowed) throw new AppError('rate_limited', 'The daily invitation limit of this workspace is reached', { retryAfter: limit.retryAfter }, { 'Retry-After': String(limit.retryAfter) });
  if (inv.status === 'expired') {
    try {
      await ctx.models.Invitation.updateOne({ _id: inv._id }, { $set: { pendingKey: pendingInvitationKey(workspace._id, inv.email) } });
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict('A newer invitation for this address is pending');
      throw err;
    }
    try {
      await claimSeat(ctx, inv.poolId, holderOf(inv), 'invitation');
    } catch (err) {
      await ctx.models.Invitation.updateOne({ _id: inv._id }, { $set: { pendingKey: `done:${inv._id}` } });
      throw err;
    }
  }
  const token = newToken();
  const now = ctx.now();
  const updated: InvitationDoc = { ...inv, status: 'sent', tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + ctx.config.INVITATION_TTL_DAYS * 86_400_000), decidedAt: null };
  await ctx.models.InviteToken.create({ _id: updated.tokenHash, kind: 'invitation', workspaceId: workspace._id, invitationId: inv._id });
  await ctx.models.Invitation.updateOne({ _id: inv._id }, { $set: { status: 'sent', tokenHash: updated.tokenHash, expiresAt: updated.expiresAt, decidedAt: null, pendingKey: pendingInvitationKey(workspace._id, inv.email) } });
  const inviter = (await ctx.models.User.findById(inv.invitedBy, { name: 1 }).lean()) ?? actor;
  await mailInvitation(ctx, workspace, updated, token, inviter.name);
  await announce(ctx, updated, 'invitation.updated', actor._id);
  if (inv.status === 'expired') await announceSeats(ctx, inv.poolId, actor._id);
  return presentInvitation(updated, inviter);
}

/** Revokes a pending invitation: its token dies and its seat is freed. */
export async function revokeInvitation(ctx: AppContext, workspace: WorkspaceDoc, invitationId: string, actorId: string) {
  const inv = await loadInvitation(ctx, workspace, invitationId);
  if (inv.status === 'accepted') throw conflict('This invitation was already accepted; remove the member instead');
  if (inv.status === 'revoked') return;
  await ctx.models.Invitation.updateOne({ _id: inv._id }, { $set: { status: 'revoked', pendingKey: `done:${inv._id}`, decidedAt: ctx.now() } });
  const freed = await releaseSeat(ctx, inv.poolId, holderOf(inv));
  await announce(ctx, { ...inv, status: 'revoked' }, 'invitation.revoked', actorId);
  if (freed) await announceSeats(ctx, inv.poolId, actorId);
}

/**
 * The invitation a token opens. Unknown tokens are a uniform 404; a token
 * that was used, revoked, replaced by a resend, or is past its expiry is 410.
 */
async function openToken(ctx: AppContext, token: string) {
  const ref = await ctx.models.InviteToken.findById(hashToken(token)).lean();
  if (!ref || ref.kind !== 'invitation' || !ref.invitationId) throw notFound('This invitation does not exist');
  const inv = await ctx.models.Invitation.findById(ref.invitationId).lean();
  const workspace = inv ? await ctx.models.Workspace.findById(inv.workspaceId).lean() : null;
  if (!inv || !workspace) throw notFound('This invitation does not exist');
  if (inv.status === 'accepted') throw new AppError('revoked', 'This invitation has already been used');
  if (inv.status === 'revoked' || inv.tokenHash !== ref._id) throw new AppError('revoked', 'This invitation was withdrawn or replaced by a newer one');
  if (inv.status === 'expired' || inv.expiresAt.getTime() <= ctx.now().getTime()) throw new AppError('expired', 'This invitation has expired. Ask for a new one.');
  return { inv, workspace };
}

export async function previewInvitation(ctx: AppContext, token: string): Promise<InvitationPreview> {
  const { inv, workspace } = await openToken(ctx, token);
  const [inviter, account] = await Promise.all([ctx.models.User.findById(inv.invitedBy, { name: 1 }).lean(), ctx.models.User.exists({ email: inv.email })]);
  return { workspace: { name: workspace.name }, role: inv.role, invitedBy: { name: inviter?.name ?? '' }, email: inv.email, hasAccount: account !== null };
}

/** Accepts for the signed-in account, whose email must be the invited one. Single use. */
export async function acceptInvitation(ctx: AppContext, token: string, user: UserDoc) {
  const { inv, workspace } = await openToken(ctx, token);
  if (user.email !== inv.email) throw forbidden(`This invitation was sent to ${inv.email}. Sign in with that account to accept it.`);
  // The seat reserved for the invitation becomes the person's (reserved → used).
  const moved = await transferSeat(ctx, inv.poolId, holderOf(inv), `u:${user._id}`);
  let role: Role = inv.role;
  try {
    await addMembership(ctx, workspace, user, inv.role, user._id);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'already_member') throw err;
    role = (await ctx.models.Membership.findById(membershipId(workspace._id, user._id)).lean())?.role ?? role;
  }
  await ctx.models.Invitation.updateOne({ _id: inv._id }, { $set: { status: 'accepted', pendingKey: `done:${inv._id}`, decidedAt: ctx.now(), acceptedBy: user._id } });
  await announce(ctx, { ...inv, status: 'accepted' }, 'invitation.updated', user._id, false);
  if (moved) await announceSeats(ctx, inv.poolId, user._id);
  await notify(ctx, inv.invitedBy, 'invitation.accepted', workspace._id, { workspaceName: workspace.name, email: inv.email, name: user.name }, user._id);
  return { workspaceId: workspace._id, role };
}
