import { Router } from 'express';
import type { AppContext } from '../context.js';
import { CreateInvitationsSchema, InvitationsQuerySchema, TokenSchema } from '../../shared/schemas/invitations.js';
import { ListQuerySchema } from '../../shared/schemas/workspaces.js';
import { parse } from '../http/validate.js';
import { authOf, enforceLimit } from '../http/auth.middleware.js';
import { clientIp } from '../http/proxy.js';
import { idParam, workspaceIdParam } from '../http/params.js';
import { notFound, rateLimited } from '../http/errors.js';
import { loadAuthorized } from '../workspaces/access.js';
import { acceptInvitationByToken, acceptOwnInvitation } from '../commands/accept-invitation.js';
import { createInvitations, declineInvitation, listInvitations, listMyInvitations, openOwnInvitation, openToken, previewInvitation, resendInvitation, revokeInvitation } from './invitation.service.js';
import { listSuggestions } from '../domains/suggestion.service.js';
import { listMyJoinRequests } from '../join-requests/join-request.service.js';

/** A token that cannot exist answers like one that does not: a stranger learns nothing. */
export function tokenParam(value: unknown): string {
  const parsed = TokenSchema.safeParse(value);
  if (!parsed.success) throw notFound('This invitation does not exist');
  return parsed.data;
}

/**
 * Routes anyone may call: the invitation an invitee opens before signing in,
 * and declining it (the mail's link is the proof, like an unsubscribe link).
 */
export function publicInvitationRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/invitations/:token', async (req, res) => {
    await enforceLimit(ctx, `token-lookup:ip:${clientIp(req)}`, ctx.config.TOKEN_LOOKUP_MAX_PER_HOUR, 3600);
    res.json(await previewInvitation(ctx, tokenParam(req.params.token)));
  });
  r.post('/invitations/:token/decline', async (req, res) => {
    await enforceLimit(ctx, `token-lookup:ip:${clientIp(req)}`, ctx.config.TOKEN_LOOKUP_MAX_PER_HOUR, 3600);
    const { inv, workspace } = await openToken(ctx, tokenParam(req.params.token));
    res.json(await declineInvitation(ctx, inv, workspace));
  });
  return r;
}

export function invitationRoutes(ctx: AppContext): Router {
  const r = Router();
  const ownInvitationId = (params: Record<string, string | string[] | undefined>) => idParam(params.invitationId, 'Invitation not found');

  r.post('/invitations/:token/accept', async (req, res) => {
    const { user } = authOf(req);
    await enforceLimit(ctx, `token-lookup:user:${user._id}`, ctx.config.TOKEN_LOOKUP_MAX_PER_HOUR, 3600);
    res.json(await acceptInvitationByToken(ctx, tokenParam(req.params.token), user));
  });

  /** The signed-in person's own pending invitations and join requests (their home page). */
  r.get('/me/invitations', async (req, res) => {
    res.json({ items: await listMyInvitations(ctx, authOf(req).user), nextCursor: null });
  });

  r.post('/me/invitations/:invitationId/accept', async (req, res) => {
    res.json(await acceptOwnInvitation(ctx, ownInvitationId(req.params), authOf(req).user));
  });

  r.post('/me/invitations/:invitationId/decline', async (req, res) => {
    const { inv, workspace } = await openOwnInvitation(ctx, ownInvitationId(req.params), authOf(req).user);
    res.json(await declineInvitation(ctx, inv, workspace));
  });

  r.get('/me/join-requests', async (req, res) => {
    res.json({ items: await listMyJoinRequests(ctx, authOf(req).user), nextCursor: null });
  });

  r.post('/workspaces/:id/invitations', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'invitations.manage');
    const { invites } = parse(CreateInvitationsSchema, req.body);
    const capped = await ctx.limiter.peek(`invite-mail:${workspace._id}`, ctx.config.INVITE_MAIL_PER_DAY, 86_400);
    if (!capped.allowed) throw rateLimited(capped.retryAfter, 'The daily invitation limit of this workspace is reached');
    res.status(201).json(await createInvitations(ctx, workspace, user, invites));
  });

  r.get('/workspaces/:id/invitations', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'invitations.manage');
    res.json(await listInvitations(ctx, workspace, parse(InvitationsQuerySchema, req.query)));
  });

  r.post('/workspaces/:id/invitations/:invitationId/resend', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'invitations.manage');
    res.json(await resendInvitation(ctx, workspace, idParam(req.params.invitationId, 'Invitation not found'), user));
  });

  r.delete('/workspaces/:id/invitations/:invitationId', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'invitations.manage');
    await revokeInvitation(ctx, workspace, idParam(req.params.invitationId, 'Invitation not found'), user._id);
    res.status(204).end();
  });

  r.get('/workspaces/:id/suggestions', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'invitations.manage');
    res.json(await listSuggestions(ctx, workspace, parse(ListQuerySchema, req.query)));
  });

  return r;
}
