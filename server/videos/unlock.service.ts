import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { Request, Response } from 'express';
import { parse as parseCookie } from 'cookie';
import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { clientIp } from '../http/proxy.js';
import { hashToken } from '../db/ids.js';
import { sessionTokenOf } from '../http/auth.middleware.js';
import { authenticateToken } from '../accounts/session.service.js';
import { loadWorkspace } from '../workspaces/access.js';
import { loadVideo } from './video-access.js';
import { guardUnlock } from './unlock.guard.js';
import type { VideoDoc } from './video.model.js';

/**
 * A password-protected public video opens for a browser that gave the
 * password (an HttpOnly cookie naming an unlock of this video and password
 * version, "this browser only"), or for a signed-in person who may view
 * the video anyway.
 */
const UNLOCK_DAYS = 30;
export const unlockCookieName = (videoId: string) => `wsc_v_${videoId}`;

export const passwordRequired = () => new AppError('password_required', 'This video is protected by a password');

/** Whether the request may watch `video` (no password, unlocked here, or signed in with view access). */
export async function isUnlocked(ctx: AppContext, req: Request, video: VideoDoc): Promise<boolean> {
  const { share } = video;
  if (share.passwordHash === null) return true;
  const value = req.headers.cookie ? parseCookie(req.headers.cookie)[unlockCookieName(video._id)] : undefined;
  if (value && value.length <= 100) {
    const unlock = await ctx.models.VideoUnlock.findById(hashToken(value)).lean();
    if (unlock && unlock.videoId === video._id && unlock.passwordVersion === share.passwordVersion && unlock.expiresAt > ctx.now()) return true;
  }
  return canViewSignedIn(ctx, req, video);
}

async function canViewSignedIn(ctx: AppContext, req: Request, video: VideoDoc): Promise<boolean> {
  const auth = await authenticateToken(ctx, sessionTokenOf(req.headers.cookie)).catch(() => null);
  if (!auth) return false;
  try {
    const workspace = await loadWorkspace(ctx, video.workspaceId, auth.user._id);
    await loadVideo(ctx, workspace, video._id, auth.user._id);
    return true;
  } catch {
    return false;
  }
}

export async function requireUnlocked(ctx: AppContext, req: Request, video: VideoDoc) {
  if (!(await isUnlocked(ctx, req, video))) throw passwordRequired();
}

/** `POST …/unlock`: the guess limits first, then the hash; right → a cookie for this video. */
export async function unlock(ctx: AppContext, req: Request, res: Response, video: VideoDoc, password: string) {
  const hash = video.share.passwordHash;
  const guard = await guardUnlock(ctx, video._id, clientIp(req));
  if (hash === null) return; // nothing to unlock
  if (!(await ctx.hasher.verify(hash, password))) throw new AppError('invalid_credentials', 'That password is not right');
  await guard.succeeded();
  const value = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + UNLOCK_DAYS * 86_400_000);
  await ctx.models.VideoUnlock.create({ _id: hashToken(value), videoId: video._id, passwordVersion: video.share.passwordVersion, createdAt: now, expiresAt });
  res.cookie(unlockCookieName(video._id), value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.publicUrl().startsWith('https:'),
    path: '/',
    maxAge: UNLOCK_DAYS * 86_400_000,
  });
}

/** The unlocks past their time (the periodic sweep); those of an earlier password go when it changes (share.service.ts). */
export async function sweepExpiredUnlocks(ctx: AppContext) {
  const { deletedCount } = await ctx.models.VideoUnlock.deleteMany({ expiresAt: mongoose.trusted({ $lte: ctx.now() }) });
  return deletedCount;
}
