import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { Role } from '../../shared/schemas/auth.js';
import type { JoinRequestView, MyJoinRequestView } from '../../shared/schemas/invitations.js';
import type { Page } from '../../shared/schemas/workspaces.js';
import { AppError, notFound } from '../http/errors.js';
import { newId } from '../db/ids.js';
import { isDuplicateKey } from '../db/claims.js';
import { findByIds } from '../db/lookups.js';
import { sendQuietly } from '../mail/mailer.js';
import { joinDecisionMail } from '../mail/templates.js';
import type { UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { addMembership } from '../workspaces/member.service.js';
import { usersWhoMay } from '../workspaces/access.js';
import { notify, notifyAll, settleNotifications } from '../notifications/notification.service.js';
import { releaseLinkUse } from '../invitations/link-use.service.js';
import { pendingRequestKey, type JoinRequestDoc } from './join-request.model.js';

const subjectOf = (requestId: string) => `joinRequest:${requestId}`;

async function present(ctx: AppContext, docs: JoinRequestDoc[]): Promise<JoinRequestView[]> {
  const users = await findByIds(ctx.models.User, docs.flatMap((d) => [d.userId, d.decidedBy]), { name: 1, email: 1 });
  return docs.map((d) => {
    const u = users.get(d.userId);
    const by = d.decidedBy ? users.get(d.decidedBy) : undefined;
    return {
      id: d._id,
      workspaceId: d.workspaceId,
      user: { id: d.userId, name: u?.name ?? '', email: u?.email ?? '' },
      status: d.status,
      role: d.role,
      via: d.via,
      createdAt: d.createdAt.toISOString(),
      decidedBy: by ? { id: by._id, name: by.name } : null,
      decidedAt: d.decidedAt?.toISOString() ?? null,
    };
  });
}

const presentMine = (d: JoinRequestDoc, workspace: Pick<WorkspaceDoc, '_id' | 'name'>): MyJoinRequestView => ({
  id: d._id,
  workspace: { id: workspace._id, name: workspace.name },
  status: d.status,
  role: d.role,
  createdAt: d.createdAt.toISOString(),
  decidedAt: d.decidedAt?.toISOString() ?? null,
});

export const pendingCount = (ctx: AppContext, workspaceId: string) => ctx.models.JoinRequest.countDocuments({ workspaceId, status: 'pending' });

/** The person's pending request to join a workspace, if any. */
export const findPendingRequest = (ctx: AppContext, workspaceId: string, userId: string) => ctx.models.JoinRequest.findOne({ pendingKey: pendingRequestKey(workspaceId, userId) }).lean();

/**
 * Asks to join a workspace that requires approval. A person has at most one
 * pending request per workspace: asking again returns the pending one (and
 * gives back the link use taken for the second ask). Everyone who may decide
 * is told: the workspace's Super Admins and those of the workspaces above.
 */
export async function requestToJoin(ctx: AppContext, workspace: WorkspaceDoc, user: UserDoc, via: JoinRequestDoc['via'], role: Role, linkUseId: string | null = null): Promise<JoinRequestDoc> {
  const doc: JoinRequestDoc = {
    _id: newId(),
    workspaceId: workspace._id,
    userId: user._id,
    status: 'pending',
    pendingKey: pendingRequestKey(workspace._id, user._id),
    via,
    role,
    createdAt: ctx.now(),
    decidedBy: null,
    decidedAt: null,
    linkUseId,
  };
  try {
    await ctx.models.JoinRequest.create(doc);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await releaseLinkUse(ctx, linkUseId);
    return (await findPendingRequest(ctx, workspace._id, user._id))!;
  }
  const [view] = await present(ctx, [doc]);
  await ctx.publisher.toWorkspace(workspace._id, 'admins', { type: 'joinRequest.created', actorId: user._id, data: { request: view!, pendingCount: await pendingCount(ctx, workspace._id) } });
  await ctx.publisher.toUser(user._id, { type: 'joinRequest.created', actorId: user._id, workspaceId: null, data: { request: presentMine(doc, workspace) } });
  await notifyAll(ctx, await usersWhoMay(ctx, workspace, 'joinRequests.decide'), {
    type: 'joinRequest.created',
    workspaceId: workspace._id,
    data: { workspaceName: workspace.name, requestId: doc._id, name: user.name, email: user.email },
    actorId: user._id,
    ref: subjectOf(doc._id),
  });
  return doc;
}

export async function listJoinRequests(ctx: AppContext, workspace: WorkspaceDoc, q: { limit: number; cursor?: string; status?: string }): Promise<Page<JoinRequestView> & { pendingCount: number }> {
  const filter: Record<string, unknown> = { workspaceId: workspace._id };
  if (q.status) filter.status = q.status;
  if (q.cursor) filter._id = mongoose.trusted({ $lt: q.cursor });
  const [docs, pending] = await Promise.all([ctx.models.JoinRequest.find(filter).sort({ _id: -1 }).limit(q.limit + 1).lean(), pendingCount(ctx, workspace._id)]);
  const page = docs.slice(0, q.limit);
  return { items: await present(ctx, page), nextCursor: docs.length > q.limit ? page[page.length - 1]!._id : null, pendingCount: pending };
}

/** The requests a person made that are still pending, for their home page. */
export async function listMyJoinRequests(ctx: AppContext, user: UserDoc): Promise<MyJoinRequestView[]> {
  const docs = await ctx.models.JoinRequest.find({ userId: user._id, status: 'pending' }).sort({ _id: -1 }).limit(100).lean();
  if (docs.length === 0) return [];
  const workspaces = await findByIds(ctx.models.Workspace, docs.map((d) => d.workspaceId), { name: 1 });
  return docs.filter((d) => workspaces.has(d.workspaceId)).map((d) => presentMine(d, workspaces.get(d.workspaceId)!));
}

async function alreadyDecided(ctx: AppContext, requestId: string) {
  const decision = await ctx.models.JoinDecision.findById(requestId).lean();
  const by = decision ? await ctx.models.User.findById(decision.decidedBy, { name: 1 }).lean() : null;
  return new AppError('already_decided', by ? `${by.name} already ${decision!.decision} this request` : 'This request was already decided', {
    decidedBy: by ? { id: by._id, name: by.name } : null,
    decision: decision?.decision ?? null,
    decidedAt: decision?.at.toISOString() ?? null,
  });
}

/**
 * Approves or denies. Exactly one decision counts, however many admins act
 * at once: the decision is claimed by inserting it under the request's id.
 * Approval makes the person a member at once and takes a seat; a full pool
 * undoes the claim and answers `seat_limit_reached`. A denial gives the
 * request's link use back. Every decider's notification then shows the
 * outcome, and the requester's home page follows live.
 */
export async function decideJoinRequest(ctx: AppContext, workspace: WorkspaceDoc, requestId: string, actor: UserDoc, decision: 'approved' | 'denied', role?: Role): Promise<JoinRequestView> {
  const request = await ctx.models.JoinRequest.findById(requestId).lean();
  if (!request || request.workspaceId !== workspace._id) throw notFound('Join request not found');
  if (request.status !== 'pending') throw await alreadyDecided(ctx, requestId);
  try {
    await ctx.models.JoinDecision.create({ _id: requestId, decidedBy: actor._id, decision, at: ctx.now() });
  } catch (err) {
    if (isDuplicateKey(err)) throw await alreadyDecided(ctx, requestId);
    throw err;
  }
  const requester = await ctx.models.User.findById(request.userId).lean();
  const finalRole = role ?? request.role;
  if (decision === 'approved' && requester) {
    try {
      await addMembership(ctx, workspace, requester, finalRole, actor._id);
    } catch (err) {
      if (err instanceof AppError && err.code === 'already_member') {
        /* joined another way meanwhile: the approval stands */
      } else {
        await ctx.models.JoinDecision.deleteOne({ _id: requestId });
        throw err;
      }
    }
  }
  if (decision === 'denied') await releaseLinkUse(ctx, request.linkUseId ?? null);
  const decidedAt = ctx.now();
  const decided: JoinRequestDoc = { ...request, status: decision, role: finalRole, decidedBy: actor._id, decidedAt, pendingKey: `done:${requestId}` };
  await ctx.models.JoinRequest.updateOne({ _id: requestId }, { $set: { status: decision, role: finalRole, decidedBy: actor._id, decidedAt, pendingKey: decided.pendingKey } });
  const [view] = await present(ctx, [decided]);
  await ctx.publisher.toWorkspace(workspace._id, 'admins', {
    type: 'joinRequest.decided',
    actorId: actor._id,
    data: { request: view!, pendingCount: await pendingCount(ctx, workspace._id) },
    audit: { target: { kind: 'joinRequest', id: requestId, label: `${view!.user.name} <${view!.user.email}>` }, before: { status: 'pending' }, after: { status: decision, role: finalRole } },
  });
  await settleNotifications(ctx, subjectOf(requestId), { status: decision, role: finalRole, by: { id: actor._id, name: actor.name }, at: decidedAt.toISOString() }, actor._id);
  if (requester) {
    await ctx.publisher.toUser(requester._id, { type: 'joinRequest.decided', actorId: actor._id, workspaceId: null, data: { request: presentMine(decided, workspace) } });
    await notify(ctx, requester._id, { type: decision === 'approved' ? 'joinRequest.approved' : 'joinRequest.denied', workspaceId: workspace._id, data: { workspaceName: workspace.name, role: finalRole }, actorId: actor._id });
    const mail = joinDecisionMail(requester.locale ?? 'en', requester.email, { workspace: workspace.name, approved: decision === 'approved', role: finalRole, url: `${ctx.publicUrl()}/app/w/${workspace._id}` });
    await sendQuietly(ctx.mailer, ctx.log, mail);
  }
  return view!;
}

/** Before a workspace is deleted: its pending requests end (denied by the deletion), their link uses go with the link. */
export async function dropWorkspaceJoinRequests(ctx: AppContext, workspace: WorkspaceDoc) {
  const pending = await ctx.models.JoinRequest.find({ workspaceId: workspace._id, status: 'pending' }).lean();
  for (const request of pending) {
    await ctx.models.JoinRequest.updateOne({ _id: request._id }, { $set: { status: 'denied', decidedAt: ctx.now(), pendingKey: `done:${request._id}` } });
    await settleNotifications(ctx, subjectOf(request._id), { status: 'denied', at: ctx.now().toISOString() }, null);
  }
}
