import { Router } from 'express';
import type { AppContext } from '../context.js';
import { LoginSchema, SignupSchema } from '../../shared/schemas/auth.js';
import { parse } from '../http/validate.js';
import { enforceLimit, sessionTokenOf, setSessionCookie, clearSessionCookie, requireUser, authOf } from '../http/auth.middleware.js';
import { createSession, destroySession, authenticateToken } from './session.service.js';
import { signUp, verifyCredentials } from './account.service.js';
import { presentUser } from './user.model.js';
import { listMyMemberships } from '../workspaces/membership.service.js';
import { hashToken } from '../db/ids.js';

const localeOf = (header: string | undefined): 'en' | 'fr' | null =>
  header?.toLowerCase().startsWith('fr') ? 'fr' : header ? 'en' : null;

export function authRoutes(ctx: AppContext): Router {
  const r = Router();
  const { config } = ctx;

  r.post('/auth/signup', async (req, res) => {
    await enforceLimit(ctx, `signup:ip:${req.ip}`, config.SIGNUP_MAX_PER_IP, 3600);
    const input = parse(SignupSchema, req.body);
    const user = await signUp(ctx, input, localeOf(req.headers['accept-language']));
    const { token } = await createSession(ctx, user._id, { ip: req.ip, userAgent: req.headers['user-agent'] });
    setSessionCookie(ctx, res, token);
    res.status(201).json({ user: presentUser(user) });
  });

  r.post('/auth/login', async (req, res) => {
    const window = config.LOGIN_WINDOW_SECONDS;
    await enforceLimit(ctx, `login:ip:${req.ip}`, config.LOGIN_MAX_PER_IP, window);
    const input = parse(LoginSchema, req.body);
    await enforceLimit(ctx, `login:account:${input.email}`, config.LOGIN_MAX_PER_ACCOUNT, window);
    const user = await verifyCredentials(ctx, input);
    await ctx.limiter.reset(`login:account:${input.email}`);
    // A new session id at every sign-in: a session planted before sign-in is dropped.
    const previous = sessionTokenOf(req.headers.cookie);
    if (previous) await destroySession(ctx, hashToken(previous));
    const { token } = await createSession(ctx, user._id, { ip: req.ip, userAgent: req.headers['user-agent'] });
    setSessionCookie(ctx, res, token);
    res.json({ user: presentUser(user) });
  });

  r.post('/auth/logout', async (req, res) => {
    const auth = await authenticateToken(ctx, sessionTokenOf(req.headers.cookie));
    if (auth) await destroySession(ctx, auth.session._id);
    clearSessionCookie(ctx, res);
    res.status(204).end();
  });

  r.get('/me', requireUser(ctx), async (req, res) => {
    const { user } = authOf(req);
    res.json({ user: presentUser(user), memberships: await listMyMemberships(ctx, user._id) });
  });

  return r;
}
