import { Router } from 'express';
import type { AppContext } from '../context.js';
import { AddMemberSchema, MembersQuerySchema, TransferOwnershipSchema, UpdateMemberSchema } from '../../shared/schemas/workspaces.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam, workspaceIdParam } from '../http/params.js';
import { notFound } from '../http/errors.js';
import { authorize, loadAuthorized, loadWorkspace, mayAllocate } from './access.js';
import { changeRole, presentMember, readMembers, removeMembership, transferOwnership } from './member.service.js';
import { addPersonByEmail } from '../commands/add-person.js';
import { presentWorkspace } from './workspace.presenter.js';
import { membershipId } from './membership.model.js';

export function memberRoutes(ctx: AppContext): Router {
  const r = Router();
  const memberId = (params: Record<string, string | string[] | undefined>) => idParam(params.userId, 'Member not found');

  r.get('/workspaces/:id/members', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'members.view');
    res.json(await readMembers(ctx, workspace, parse(MembersQuerySchema, req.query)));
  });

  r.get('/workspaces/:id/members/:userId', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'members.view');
    const userId = memberId(req.params);
    const [m, u] = await Promise.all([ctx.models.Membership.findById(membershipId(workspace._id, userId)).lean(), ctx.models.User.findById(userId).lean()]);
    if (!m || !u) throw notFound('Member not found');
    res.json(presentMember(m, u, workspace));
  });

  /** Adds someone of the account tree at once, or invites anyone else (Super Admins): `{ member }` or `{ invitation }`. */
  r.post('/workspaces/:id/members', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'members.manage');
    const { email, role } = parse(AddMemberSchema, req.body);
    res.status(201).json(await addPersonByEmail(ctx, workspace, user, email, role));
  });

  r.patch('/workspaces/:id/members/:userId', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'members.manage');
    const targetId = memberId(req.params);
    const { role } = parse(UpdateMemberSchema, req.body);
    res.json(await changeRole(ctx, workspace, targetId, role, user._id));
  });

  /** Removes a member (Super Admins), or leaves when it is the caller's own membership. */
  r.delete('/workspaces/:id/members/:userId', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadWorkspace(ctx, workspaceIdParam(req.params), user._id);
    const targetId = memberId(req.params);
    const leaving = targetId === user._id;
    if (!leaving) authorize(access, 'members.manage');
    await removeMembership(ctx, access.workspace, targetId, user._id, leaving ? 'left' : 'removed');
    res.status(204).end();
  });

  r.post('/workspaces/:id/leave', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadWorkspace(ctx, workspaceIdParam(req.params), user._id);
    await removeMembership(ctx, workspace, user._id, user._id, 'left');
    res.status(204).end();
  });

  r.post('/workspaces/:id/transfer-ownership', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'members.manage');
    const { userId } = parse(TransferOwnershipSchema, req.body);
    await transferOwnership(ctx, access.workspace, userId, user._id);
    const updated = (await ctx.models.Workspace.findById(access.workspace._id).lean())!;
    res.json(await presentWorkspace(ctx, updated, access.role, await mayAllocate(ctx, access, user._id)));
  });

  return r;
}
