import { Router } from 'express';
import type { AppContext } from '../context.js';
import { LoginSchema, SignupSchema, VerifyEmailSchema } from '../../shared/schemas/auth.js';
import { parse } from '../http/validate.js';
import { enforceLimit, sessionTokenOf, setSessionCookie, clearSessionCookie, requireUser, authOf } from '../http/auth.middleware.js';
import { AppError } from '../http/errors.js';
import { clientIp } from '../http/proxy.js';
import { createSession, destroySession, authenticateToken } from './session.service.js';
import { signUp, verifyCredentials } from './account.service.js';
import { guardLogin } from './login-guard.js';
import { sendVerification, verifyEmail } from './email-verification.service.js';
import { isVerified, presentUser } from './user.model.js';
import { listMyMemberships } from '../workspaces/membership.service.js';
import { devOutboxActive } from '../mail/outbox.routes.js';
import { can } from '../../shared/permissions.js';
import { hashToken } from '../db/ids.js';

const localeOf = (header: string | undefined): 'en' | 'fr' | null =>
  header?.toLowerCase().startsWith('fr') ? 'fr' : header ? 'en' : null;

export function authRoutes(ctx: AppContext): Router {
  const r = Router();
  const { config } = ctx;

  r.post('/auth/signup', async (req, res) => {
    await enforceLimit(ctx, `signup:ip:${clientIp(req)}`, config.SIGNUP_MAX_PER_IP, 3600);
    const input = parse(SignupSchema, req.body);
    const user = await signUp(ctx, input, localeOf(req.headers['accept-language']));
    await sendVerification(ctx, user);
    const { token } = await createSession(ctx, user._id, { ip: clientIp(req), userAgent: req.headers['user-agent'] });
    setSessionCookie(ctx, res, token);
    res.status(201).json({ user: presentUser(user) });
  });

  r.post('/auth/login', async (req, res) => {
    const input = parse(LoginSchema, req.body);
    const guard = await guardLogin(ctx, input.email, clientIp(req));
    const user = await verifyCredentials(ctx, input).catch(async (err: unknown) => {
      if (err instanceof AppError && err.code === 'invalid_credentials') await guard.failed();
      throw err;
    });
    await guard.succeeded();
    // A new session id at every sign-in: a session planted before sign-in is dropped.
    const previous = sessionTokenOf(req.headers.cookie);
    if (previous) await destroySession(ctx, hashToken(previous));
    const { token } = await createSession(ctx, user._id, { ip: clientIp(req), userAgent: req.headers['user-agent'] });
    setSessionCookie(ctx, res, token);
    res.json({ user: presentUser(user) });
  });

  r.post('/auth/logout', async (req, res) => {
    const auth = await authenticateToken(ctx, sessionTokenOf(req.headers.cookie));
    if (auth) await destroySession(ctx, auth.session._id);
    clearSessionCookie(ctx, res);
    res.status(204).end();
  });

  /** The link of the verification mail; it may be opened in a browser that is not signed in. */
  r.post('/auth/verify-email', async (req, res) => {
    await enforceLimit(ctx, `token-lookup:ip:${clientIp(req)}`, config.TOKEN_LOOKUP_MAX_PER_HOUR, 3600);
    const { token } = parse(VerifyEmailSchema, req.body);
    res.json({ user: presentUser(await verifyEmail(ctx, token)) });
  });

  r.post('/auth/verify-email/resend', requireUser(ctx), async (req, res) => {
    const { user } = authOf(req);
    if (!isVerified(user)) {
      await enforceLimit(ctx, `verify-mail:user:${user._id}`, config.VERIFY_MAIL_PER_HOUR, 3600);
      await sendVerification(ctx, user);
    }
    res.status(204).end();
  });

  r.get('/me', requireUser(ctx), async (req, res) => {
    const { user } = authOf(req);
    const memberships = await listMyMemberships(ctx, user._id);
    const administers = memberships.some((m) => can(m.role, 'workspace.update'));
    res.json({ user: presentUser(user), memberships, features: { devOutbox: devOutboxActive(ctx) && administers } });
  });

  return r;
}
