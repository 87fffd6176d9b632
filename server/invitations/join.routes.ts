import { Router } from 'express';
import type { AppContext } from '../context.js';
import { authOf, enforceLimit } from '../http/auth.middleware.js';
import { workspaceIdParam } from '../http/params.js';
import { InviteLinkSchema } from '../../shared/schemas/invitations.js';
import { parse } from '../http/validate.js';
import { loadAuthorized } from '../workspaces/access.js';
import { deleteInviteLink, getInviteLink, joinByDomain, joinByLink, openLink, previewLink, setInviteLink } from './invite-link.service.js';
import { loadImage, sendImage } from '../files/image-store.js';
import { listDomainWorkspaces } from '../domains/suggestion.service.js';
import { tokenParam } from './invitation.routes.js';
import { TokenSchema } from '../../shared/schemas/invitations.js';
import { clientIp } from '../http/proxy.js';

/**
 * What an invite link opens, before joining (no sign-in needed). A path
 * segment that is not token-shaped (`/join/domain`) belongs to another route.
 */
export function publicJoinRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/join/:token', async (req, res, next) => {
    if (!TokenSchema.safeParse(req.params.token).success) return next();
    await enforceLimit(ctx, `token-lookup:ip:${clientIp(req)}`, ctx.config.TOKEN_LOOKUP_MAX_PER_HOUR, 3600);
    res.json(await previewLink(ctx, req.params.token));
  });
  r.get('/join/:token/image', async (req, res) => {
    await enforceLimit(ctx, `token-lookup:ip:${clientIp(req)}`, ctx.config.TOKEN_LOOKUP_MAX_PER_HOUR, 3600);
    const { workspace } = await openLink(ctx, tokenParam(req.params.token));
    sendImage(res, await loadImage(ctx, workspace._id));
  });
  return r;
}

/** Invite links, joining through them, and joining by company domain. */
export function joinRoutes(ctx: AppContext): Router {
  const r = Router();

  r.get('/workspaces/:id/invite-link', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'invitations.manage');
    res.json({ link: await getInviteLink(ctx, workspace) });
  });

  r.put('/workspaces/:id/invite-link', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'invitations.manage');
    res.json(await setInviteLink(ctx, workspace, user, parse(InviteLinkSchema, req.body)));
  });

  r.delete('/workspaces/:id/invite-link', async (req, res) => {
    const { user } = authOf(req);
    const { workspace } = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'invitations.manage');
    await deleteInviteLink(ctx, workspace, user._id);
    res.status(204).end();
  });

  r.post('/join/:token', async (req, res) => {
    const { user } = authOf(req);
    await enforceLimit(ctx, `join:user:${user._id}`, ctx.config.JOIN_MAX_PER_HOUR, 3600);
    const result = await joinByLink(ctx, tokenParam(req.params.token), user);
    res.status(result.status === 'pending' ? 202 : 200).json(result);
  });

  r.get('/join/domain', async (req, res) => {
    const { user } = authOf(req);
    res.json({ items: await listDomainWorkspaces(ctx, user), nextCursor: null });
  });

  /** Joins a workspace whose company domains include the caller's: at once, or by request when approval is required. */
  r.post('/workspaces/:id/join', async (req, res) => {
    const { user } = authOf(req);
    await enforceLimit(ctx, `join:user:${user._id}`, ctx.config.JOIN_MAX_PER_HOUR, 3600);
    const result = await joinByDomain(ctx, workspaceIdParam(req.params), user);
    res.status(result.status === 'pending' ? 202 : 200).json(result);
  });

  return r;
}
