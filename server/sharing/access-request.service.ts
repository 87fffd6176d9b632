import type { AppContext } from '../context.js';
import type { AccessRequestView, ShareRole } from '../../shared/schemas/content.js';
import { atLeast } from '../../shared/access.js';
import { AppError, conflict, forbidden, notFound } from '../http/errors.js';
import { enforceLimit } from '../http/auth.middleware.js';
import { newId } from '../db/ids.js';
import { isDuplicateKey, withLock } from '../db/claims.js';
import { sendQuietly } from '../mail/mailer.js';
import { accessDecisionMail } from '../mail/templates.js';
import type { UserDoc } from '../accounts/user.model.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { notify, notifyAll, settleNotifications } from '../notifications/notification.service.js';
import { ancestorsOf, loadItem, recipientsOf, viewersOf, type ItemAccess } from '../content/access-loader.js';
import type { AccessRequestDoc, GrantDoc, ItemDoc } from '../content/item.model.js';
import { itemTarget } from '../content/item.presenter.js';
import { peopleOf, personOr } from './people.js';
import { putSharing } from './sharing.service.js';

/**
 * Access requests: a member of the workspace who cannot see an item (or
 * sees less than they need) asks for view or edit; those who may manage the
 * item are told and one of them decides. A person has at most one pending
 * request per item (asking again updates it). The requester is never told
 * the item's name before access is given.
 */

const subjectOf = (requestId: string) => `accessRequest:${requestId}`;

async function present(ctx: AppContext, d: AccessRequestDoc, itemName: string | null): Promise<AccessRequestView> {
  const people = await peopleOf(ctx, d.workspaceId, [d.requesterId]);
  return {
    id: d._id,
    itemId: d.itemId,
    itemName,
    requester: personOr(people, d.requesterId),
    role: d.role,
    message: d.message,
    status: d.status,
    createdAt: d.createdAt.toISOString(),
    decidedAt: d.decidedAt ? d.decidedAt.toISOString() : null,
  };
}

/** Those who may decide: whoever may manage the item now. */
async function managersOf(ctx: AppContext, workspace: WorkspaceDoc, item: ItemDoc) {
  const viewers = await viewersOf(ctx, workspace, [...(await ancestorsOf(ctx, item)), item]);
  return viewers.filter((v) => v.resolution.manage);
}

/** `POST …/items/:itemId/access-requests`: rate limited per person, counting every ask. */
export async function requestAccess(ctx: AppContext, access: WorkspaceAccess, itemId: string, user: UserDoc, input: { role: ShareRole; message?: string }): Promise<AccessRequestView> {
  await enforceLimit(ctx, `access-request:${user._id}`, ctx.config.ACCESS_REQUESTS_PER_HOUR, 3600);
  const workspace = access.workspace;
  const item = await ctx.models.Item.findById(itemId).lean<ItemDoc>();
  if (!item || item.workspaceId !== workspace._id) throw notFound('Item not found');
  const mine = await loadItem(ctx, access, itemId, user._id).catch(() => null);
  if (mine && atLeast(mine.access, input.role)) throw conflict(`You already have ${mine.access === 'edit' ? 'edit' : 'view'} access to this item`);

  const message = input.message ? input.message : null;
  const { doc, created } = await withLock(ctx.models.Lock, `access-request:${itemId}:${user._id}`, async () => {
    const pending = await ctx.models.AccessRequest.findOne({ itemId, requesterId: user._id, status: 'pending' }).lean<AccessRequestDoc>();
    if (pending) {
      await ctx.models.AccessRequest.updateOne({ _id: pending._id }, { $set: { role: input.role, message } });
      return { doc: { ...pending, role: input.role, message }, created: false };
    }
    const fresh: AccessRequestDoc = { _id: newId(), itemId, workspaceId: workspace._id, requesterId: user._id, role: input.role, message, status: 'pending', decidedBy: null, createdAt: ctx.now(), decidedAt: null };
    await ctx.models.AccessRequest.create(fresh);
    return { doc: fresh, created: true };
  });
  if (created) {
    const managers = await managersOf(ctx, workspace, item);
    const view = await present(ctx, doc, item.name);
    await ctx.publisher.toItemViewers(workspace._id, recipientsOf(managers), { type: 'accessRequest.created', actorId: user._id, data: { request: view } });
    await notifyAll(ctx, managers.map((m) => m.userId), {
      type: 'accessRequest.created',
      workspaceId: workspace._id,
      data: { itemId, itemName: item.name, requestId: doc._id, name: view.requester.name, email: view.requester.email, role: doc.role, message: doc.message },
      actorId: user._id,
      ref: subjectOf(doc._id),
    });
  }
  return present(ctx, doc, null);
}

async function alreadyDecided(ctx: AppContext, requestId: string) {
  const decision = await ctx.models.AccessDecision.findById(requestId).lean();
  const by = decision ? await ctx.models.User.findById(decision.decidedBy, { name: 1 }).lean() : null;
  return new AppError('already_decided', by ? `${by.name} already ${decision!.decision} this request` : 'This request was already decided', {
    decidedBy: by ? { id: by._id, name: by.name } : null,
    decision: decision?.decision ?? null,
    decidedAt: decision?.at.toISOString() ?? null,
  });
}

/**
 * Approves (giving the role asked, or `role`, through the sharing rules: a
 * Viewer gets view) or denies. Exactly one decision counts, however many
 * managers act at once: it is claimed by inserting it under the request's
 * id. The requester is told in their panel and by mail.
 */
export async function decideAccessRequest(
  ctx: AppContext,
  access: WorkspaceAccess,
  itemAccess: ItemAccess,
  requestId: string,
  actor: UserDoc,
  decision: 'approved' | 'denied',
  role?: ShareRole,
): Promise<AccessRequestView> {
  if (!itemAccess.manage) throw forbidden('You may not decide who has access to this item');
  const item = itemAccess.item;
  const request = await ctx.models.AccessRequest.findById(requestId).lean<AccessRequestDoc>();
  if (!request || request.itemId !== item._id || request.workspaceId !== access.workspace._id) throw notFound('Access request not found');
  if (request.status !== 'pending') throw await alreadyDecided(ctx, requestId);
  try {
    await ctx.models.AccessDecision.create({ _id: requestId, decidedBy: actor._id, decision, at: ctx.now() });
  } catch (err) {
    if (isDuplicateKey(err)) throw await alreadyDecided(ctx, requestId);
    throw err;
  }
  let finalRole: ShareRole = role ?? request.role;
  if (decision === 'approved') {
    try {
      const existing = await ctx.models.Grant.find({ itemId: item._id }).lean<GrantDoc[]>();
      const grants = existing
        .filter((g) => g.userId !== request.requesterId)
        .map((g) => ({ userId: g.userId, role: g.role, expiresAt: g.expiresAt ? g.expiresAt.toISOString() : null }));
      grants.push({ userId: request.requesterId, role: finalRole, expiresAt: null });
      const { view } = await putSharing(ctx, access, itemAccess, { grants }, actor._id, { normalize: true });
      finalRole = view.grants.find((g) => g.user.id === request.requesterId && g.inheritedFrom === null)?.role ?? finalRole;
    } catch (err) {
      await ctx.models.AccessDecision.deleteOne({ _id: requestId });
      throw err;
    }
  }
  const decidedAt = ctx.now();
  const decided: AccessRequestDoc = { ...request, status: decision, role: finalRole, decidedBy: actor._id, decidedAt };
  await ctx.models.AccessRequest.updateOne({ _id: requestId }, { $set: { status: decision, role: finalRole, decidedBy: actor._id, decidedAt } });
  const view = await present(ctx, decided, item.name);
  const managers = await managersOf(ctx, access.workspace, item);
  await ctx.publisher.toItemViewers(access.workspace._id, recipientsOf(managers), {
    type: 'accessRequest.decided',
    actorId: actor._id,
    data: { request: view },
    audit: { target: itemTarget(item), before: { status: 'pending', role: request.role }, after: { status: decision, role: finalRole, requester: { id: view.requester.id, name: view.requester.name }, itemName: item.name } },
  });
  await settleNotifications(ctx, subjectOf(requestId), { status: decision, role: finalRole, by: { id: actor._id, name: actor.name }, at: decidedAt.toISOString() }, actor._id);

  const requester = await ctx.models.User.findById(request.requesterId).lean();
  if (requester) {
    const approved = decision === 'approved';
    await notify(ctx, requester._id, {
      type: approved ? 'accessRequest.approved' : 'accessRequest.denied',
      workspaceId: access.workspace._id,
      data: { itemId: item._id, requestId, itemName: approved ? item.name : null, role: finalRole, status: decision },
      actorId: actor._id,
    });
    const url = `${ctx.publicUrl()}/app/w/${access.workspace._id}/content/d/${item._id}`;
    await sendQuietly(ctx.mailer, ctx.log, accessDecisionMail(requester.locale ?? 'en', requester.email, { item: approved ? item.name : null, approved, role: finalRole, url }));
  }
  return view;
}
