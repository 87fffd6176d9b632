import type { AppContext } from '../context.js';
import type { InviteLinkInput, InviteLinkView } from '../../shared/schemas/invitations.js';
import { AppError, notFound } from '../http/errors.js';
import { hashToken, newToken } from '../db/ids.js';
import { claimFreeNumber } from '../db/claims.js';
import type { UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { addMembership } from '../workspaces/member.service.js';
import { membershipId } from '../workspaces/membership.model.js';
import { requestToJoin } from '../join-requests/join-request.service.js';
import type { InviteLinkDoc } from './invite-link.model.js';

async function present(ctx: AppContext, link: InviteLinkDoc, token?: string): Promise<InviteLinkView> {
  const uses = await ctx.models.LinkUse.countDocuments({ tokenHash: link.tokenHash });
  return {
    ...(token ? { url: `${ctx.publicUrl()}/join/${token}`, token } : {}),
    role: link.role,
    expiresAt: link.expiresAt?.toISOString() ?? null,
    maxUses: link.maxUses,
    uses,
    createdAt: link.createdAt.toISOString(),
  };
}

export async function getInviteLink(ctx: AppContext, workspace: WorkspaceDoc): Promise<InviteLinkView | null> {
  const link = await ctx.models.InviteLink.findById(workspace._id).lean();
  return link ? present(ctx, link) : null;
}

async function dropToken(ctx: AppContext, link: InviteLinkDoc | null) {
  if (link) await ctx.models.InviteToken.deleteOne({ _id: link.tokenHash });
}

/** Creates or rotates the workspace's link: a new token each time; the previous one dies at once. */
export async function setInviteLink(ctx: AppContext, workspace: WorkspaceDoc, actor: UserDoc, input: InviteLinkInput): Promise<InviteLinkView> {
  const previous = await ctx.models.InviteLink.findById(workspace._id).lean();
  const token = newToken();
  const link: InviteLinkDoc = {
    _id: workspace._id,
    tokenHash: hashToken(token),
    role: input.role,
    expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
    maxUses: input.maxUses ?? null,
    createdBy: actor._id,
    createdAt: ctx.now(),
  };
  await ctx.models.InviteToken.create({ _id: link.tokenHash, kind: 'link', workspaceId: workspace._id, invitationId: null });
  await ctx.models.InviteLink.replaceOne({ _id: workspace._id }, link, { upsert: true });
  await dropToken(ctx, previous);
  const view = await present(ctx, link, token);
  const { url: _u, token: _t, ...safe } = view;
  await ctx.publisher.toWorkspace(workspace._id, 'admins', {
    type: previous ? 'inviteLink.rotated' : 'inviteLink.created',
    actorId: actor._id,
    data: { link: safe },
    audit: { target: { kind: 'inviteLink', id: workspace._id, label: workspace.name }, before: previous ? { role: previous.role } : null, after: { role: link.role, expiresAt: safe.expiresAt, maxUses: link.maxUses } },
  });
  return view;
}

export async function deleteInviteLink(ctx: AppContext, workspace: WorkspaceDoc, actorId: string) {
  const link = await ctx.models.InviteLink.findById(workspace._id).lean();
  if (!link) return;
  await ctx.models.InviteLink.deleteOne({ _id: workspace._id });
  await dropToken(ctx, link);
  await ctx.publisher.toWorkspace(workspace._id, 'admins', {
    type: 'inviteLink.revoked',
    actorId,
    data: { workspaceId: workspace._id },
    audit: { target: { kind: 'inviteLink', id: workspace._id, label: workspace.name }, before: { role: link.role }, after: null },
  });
}

/** The workspace a link token opens, and its link; a dead or unknown token is a uniform 404. */
export async function openLink(ctx: AppContext, token: string) {
  const tokenHash = hashToken(token);
  const ref = await ctx.models.InviteToken.findById(tokenHash).lean();
  if (!ref || ref.kind !== 'link') throw notFound('This invite link does not exist or was replaced');
  const [link, workspace] = await Promise.all([ctx.models.InviteLink.findById(ref.workspaceId).lean(), ctx.models.Workspace.findById(ref.workspaceId).lean()]);
  if (!link || !workspace || link.tokenHash !== tokenHash) throw notFound('This invite link does not exist or was replaced');
  if (link.expiresAt && link.expiresAt.getTime() <= ctx.now().getTime()) throw new AppError('expired', 'This invite link has expired. Ask for a new one.');
  return { link, workspace };
}

/**
 * Joins through a link: a member at once, or a join request when the
 * workspace requires approval. Each join uses one of the link's uses,
 * claimed by number so `maxUses` holds under parallel joins.
 */
export async function joinByLink(ctx: AppContext, token: string, user: UserDoc) {
  const { link, workspace } = await openLink(ctx, token);
  if (await ctx.models.Membership.exists({ _id: membershipId(workspace._id, user._id) })) {
    return { status: 'active' as const, workspaceId: workspace._id };
  }
  if (workspace.settings.requireApproval) {
    const request = await requestToJoin(ctx, workspace, user, 'link', link.role);
    return { status: 'pending' as const, joinRequestId: request._id, workspaceId: workspace._id };
  }
  let use: number | null = null;
  if (link.maxUses !== null) {
    const taken = await ctx.models.LinkUse.find({ tokenHash: link.tokenHash }, { n: 1 }).lean();
    use = await claimFreeNumber(link.maxUses, taken.map((u) => u.n), (n) =>
      ctx.models.LinkUse.create({ _id: `${link.tokenHash}:${n}`, tokenHash: link.tokenHash, n, userId: user._id, at: ctx.now() }),
    );
    if (use === null) throw new AppError('expired', 'This invite link has been used as many times as allowed. Ask for a new one.');
  }
  try {
    await addMembership(ctx, workspace, user, link.role, user._id);
  } catch (err) {
    if (use !== null) await ctx.models.LinkUse.deleteOne({ _id: `${link.tokenHash}:${use}` });
    if (err instanceof AppError && err.code === 'already_member') return { status: 'active' as const, workspaceId: workspace._id };
    throw err;
  }
  if (use === null) await ctx.models.LinkUse.create({ _id: `${link.tokenHash}:u:${user._id}`, tokenHash: link.tokenHash, n: 0, userId: user._id, at: ctx.now() });
  return { status: 'active' as const, workspaceId: workspace._id };
}

/**
 * Joins a workspace because the person's email domain is one of its company
 * domains: a member at once (as Viewer), or a join request when approval is
 * required. Any other workspace is "not found".
 */
export async function joinByDomain(ctx: AppContext, workspaceId: string, user: UserDoc) {
  const workspace = await ctx.models.Workspace.findById(workspaceId).lean();
  if (!workspace || !workspace.settings.companyDomains.includes(user.email.split('@')[1]!)) throw notFound('Workspace not found');
  if (await ctx.models.Membership.exists({ _id: membershipId(workspaceId, user._id) })) return { status: 'active' as const, workspaceId };
  if (workspace.settings.requireApproval) {
    const request = await requestToJoin(ctx, workspace, user, 'domain', 'viewer');
    return { status: 'pending' as const, joinRequestId: request._id, workspaceId };
  }
  await addMembership(ctx, workspace, user, 'viewer', user._id);
  return { status: 'active' as const, workspaceId };
}
