import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import { hashToken, newToken } from '../db/ids.js';
import type { SessionDoc } from './session.model.js';
import type { UserDoc } from './user.model.js';

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

/** The signed-in user of a cookie token, or null when the session is unknown, ended or expired. */
export async function authenticateToken(ctx: AppContext, token: string | undefined): Promise<Auth | null> {
  if (!token || token.length > 100) return null;
  const session = await ctx.models.Session.findById(hashToken(token)).lean();
  if (!session) return null;
  const now = Date.now();
  if (session.expiresAt.getTime() <= now) {
    await ctx.models.Session.deleteOne({ _id: session._id });
    return null;
  }
  const user = await ctx.models.User.findById(session.userId).lean();
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
