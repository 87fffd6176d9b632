import type { AppContext } from '../context.js';
import type { InviteLinkInput, InviteLinkView, JoinLinkPreview } from '../../shared/schemas/invitations.js';
import { AppError, notFound } from '../http/errors.js';
import { hashToken, newToken } from '../db/ids.js';
import type { UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { addMembership } from '../workspaces/member.service.js';
import { membershipId } from '../workspaces/membership.model.js';
import { findPendingRequest, requestToJoin } from '../join-requests/join-request.service.js';
import { mayJoinByDomain } from '../domains/suggestion.service.js';
import { claimLinkUse, countLinkUses, releaseLinkUse } from './link-use.service.js';
import type { InviteLinkDoc } from './invite-link.model.js';

async function present(ctx: AppContext, link: InviteLinkDoc, token?: string): Promise<InviteLinkView> {
  const uses = await countLinkUses(ctx, link);
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

/** What a link opens, for the join page: the workspace's name, the role, whether approval is needed. */
export async function previewLink(ctx: AppContext, token: string): Promise<JoinLinkPreview> {
  const { link, workspace } = await openLink(ctx, token);
  // The workspace's own image URL needs membership: the link itself is the visitor's key to it.
  const imageUrl = workspace.imageUrl ? `/api/join/${token}/image${new URL(workspace.imageUrl, 'http://x').search}` : null;
  return { workspace: { name: workspace.name, imageUrl }, role: link.role, requireApproval: workspace.settings.requireApproval };
}

/**
 * Joins through a link: a member at once, or a join request when the
 * workspace requires approval. Each join — or request — uses one of the
 * link's uses (see link-use.service.ts), so `maxUses` holds under parallel
 * joins and cannot be passed by way of approvals.
 */
export async function joinByLink(ctx: AppContext, token: string, user: UserDoc) {
  const { link, workspace } = await openLink(ctx, token);
  if (await ctx.models.Membership.exists({ _id: membershipId(workspace._id, user._id) })) {
    return { status: 'active' as const, workspaceId: workspace._id };
  }
  if (workspace.settings.requireApproval) {
    const pending = await findPendingRequest(ctx, workspace._id, user._id);
    if (pending) return { status: 'pending' as const, joinRequestId: pending._id, workspaceId: workspace._id };
    const use = await claimLinkUse(ctx, link, user._id);
    const request = await requestToJoin(ctx, workspace, user, 'link', link.role, use);
    return { status: 'pending' as const, joinRequestId: request._id, workspaceId: workspace._id };
  }
  const use = await claimLinkUse(ctx, link, user._id);
  try {
    await addMembership(ctx, workspace, user, link.role, user._id);
  } catch (err) {
    await releaseLinkUse(ctx, use);
    if (err instanceof AppError && err.code === 'already_member') return { status: 'active' as const, workspaceId: workspace._id };
    throw err;
  }
  return { status: 'active' as const, workspaceId: workspace._id };
}

/**
 * Joins a workspace because the person's verified address is at one of its
 * company domains: a member at once (as Viewer), or a join request when
 * approval is required. Any other workspace is "not found".
 */
export async function joinByDomain(ctx: AppContext, workspaceId: string, user: UserDoc) {
  const workspace = await ctx.models.Workspace.findById(workspaceId).lean();
  if (!workspace || !(await mayJoinByDomain(ctx, workspace, user))) throw notFound('Workspace not found');
  if (await ctx.models.Membership.exists({ _id: membershipId(workspaceId, user._id) })) return { status: 'active' as const, workspaceId };
  if (workspace.settings.requireApproval) {
    const request = await requestToJoin(ctx, workspace, user, 'domain', 'viewer');
    return { status: 'pending' as const, joinRequestId: request._id, workspaceId };
  }
  await addMembership(ctx, workspace, user, 'viewer', user._id);
  return { status: 'active' as const, workspaceId };
}

/** Before a workspace is deleted: its link dies with it. */
export async function dropWorkspaceLink(ctx: AppContext, workspace: WorkspaceDoc) {
  const link = await ctx.models.InviteLink.findById(workspace._id).lean();
  if (!link) return;
  await ctx.models.InviteLink.deleteOne({ _id: workspace._id });
  await dropToken(ctx, link);
  await ctx.models.LinkUse.deleteMany({ tokenHash: link.tokenHash });
}
