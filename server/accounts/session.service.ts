import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import { hashToken, newToken } from '../db/ids.js';
import type { SessionDoc } from './session.model.js';
import type { UserDoc } from './user.model.js';
import { tagsOf } from '../cache/tags.js';

export interface Auth {
  user: UserDoc;
  session: SessionDoc;
}

/** Touching `lastSeenAt` on every request would be a write per call: once every few minutes is enough. */
const TOUCH_EVERY_MS = 5 * 60_000;

/** Starts a session: a fresh 256-bit token for the cookie; only its hash is stored. */
export async function createSession(ctx: AppContext, userId: string, meta: { ip?: string; userAgent?: string }) {
  const token = newToken();
  const now = new Date();
  const session = await ctx.models.Session.create({
    _id: hashToken(token),
    userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + ctx.config.SESSION_TTL_DAYS * 86_400_000),
    ip: meta.ip?.slice(0, 64) ?? null,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return { token, session: session.toObject() };
}

/** A session by `_id`, through the node cache (an unknown one is not kept). */
function findSession(ctx: AppContext, sessionId: string): Promise<SessionDoc | null> {
  return ctx.cache.read(`session:${sessionId}`, () => ctx.models.Session.findById(sessionId).lean(), (s) => (s ? tagsOf('session', sessionId) : null));
}

/** A user by `_id`, through the node cache. */
export function findUser(ctx: AppContext, userId: string): Promise<UserDoc | null> {
  return ctx.cache.read(`user:${userId}`, () => ctx.models.User.findById(userId).lean(), (u) => (u ? tagsOf('user', userId) : null));
}

/**
 * The signed-in user of a cookie token, or null when the session is unknown,
 * ended or expired. Answered from the node cache when warm: signing out
 * deletes the session, which invalidates it on every node before the reply.
 */
export async function authenticateToken(ctx: AppContext, token: string | undefined): Promise<Auth | null> {
  if (!token || token.length > 100) return null;
  const session = await findSession(ctx, hashToken(token));
  if (!session) return null;
  const now = Date.now();
  if (session.expiresAt.getTime() <= now) {
    await ctx.models.Session.deleteOne({ _id: session._id });
    return null;
  }
  const user = await findUser(ctx, session.userId);
  if (!user) return null;
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    ctx.models.Session.updateOne({ _id: session._id }, { $set: { lastSeenAt: new Date(now) } }).catch((err) =>
      ctx.log.warn({ err }, 'could not touch session'),
    );
  }
  return { user, session };
}

/** Ends a session in the database (every node then refuses it) and closes its live connections on every node. */
export async function destroySession(ctx: AppContext, sessionId: string) {
  await ctx.models.Session.deleteOne({ _id: sessionId });
  ctx.publisher.disconnectSession(sessionId);
}

/** Expiry is by query and a periodic sweep: no TTL index (FerretDB has none). */
export async function sweepExpiredSessions(ctx: AppContext) {
  const { deletedCount } = await ctx.models.Session.deleteMany({ expiresAt: mongoose.trusted({ $lte: new Date() }) });
  return deletedCount;
}
