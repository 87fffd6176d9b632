import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { PutVideoShare, VideoShareView } from '../../shared/schemas/videos.js';
import { conflict, forbidden } from '../http/errors.js';
import { withLock } from '../db/claims.js';
import { recipientsOf, viewersOf } from '../content/access-loader.js';
import { itemTarget } from '../content/item.presenter.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { loadVideo } from './video-access.js';
import { publicPageUrl } from './video-urls.js';
import type { VideoDoc, VideoShare } from './video.model.js';

/**
 * A video's share page settings: publishing to the web (a public link),
 * its password and whether search engines may list it. The public link is
 * a PublicLink document whose `_id` is the token, AND the video's
 * `share.token`: the public side accepts a token only while both agree, so
 * unpublishing (token cleared, links deleted) stops every public URL at
 * once on every node — nothing about a link is cached.
 */

/** 24 random bytes (192 bits), base64url: 32 characters. */
export const newShareToken = () => randomBytes(24).toString('base64url');
/** What a token can look like; anything else is not looked up at all. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22,64}$/;

export function shareViewOf(ctx: AppContext, share: VideoShare): VideoShareView {
  return {
    published: share.token !== null,
    publicUrl: share.token ? publicPageUrl(ctx.publicUrl(), share.token) : null,
    passwordProtected: share.passwordHash !== null,
    indexable: share.indexable,
  };
}

const auditOf = (s: VideoShare) => ({ published: s.token !== null, passwordProtected: s.passwordHash !== null, indexable: s.indexable });

export async function getShare(ctx: AppContext, access: WorkspaceAccess, userId: string, videoId: string): Promise<VideoShareView> {
  const { video } = await loadVideo(ctx, access, videoId, userId);
  return shareViewOf(ctx, video.share);
}

/** `PUT …/share`: needs the resolver's `manage`; one change of a video's share settings at a time (a lock), on every node. */
export async function putShare(ctx: AppContext, access: WorkspaceAccess, userId: string, videoId: string, input: PutVideoShare): Promise<VideoShareView> {
  const first = await loadVideo(ctx, access, videoId, userId);
  if (!first.manage) throw forbidden('You may not change how this video is shared');
  // Hash outside the lock: argon2id takes a while and must not hold others up.
  const newHash = typeof input.password === 'string' ? await ctx.hasher.hash(input.password) : null;
  return withLock(ctx.models.Lock, `video-share:${videoId}`, async () => {
    const found = await loadVideo(ctx, access, videoId, userId);
    if (!found.manage) throw forbidden('You may not change how this video is shared');
    const { video, item } = found;
    const before = video.share;
    const next: VideoShare = { ...before };
    if (input.published === true && before.token === null) {
      if (video.status !== 'completed') throw conflict('Only a completed video can be published');
      next.token = newShareToken();
      next.publishedAt = ctx.now();
    } else if (input.published === false) {
      next.token = null;
      next.publishedAt = null;
    }
    let passwordChanged = false;
    if (input.password === null && before.passwordHash !== null) {
      next.passwordHash = null;
      next.passwordVersion = before.passwordVersion + 1;
    } else if (newHash !== null) {
      passwordChanged = before.passwordHash !== null;
      next.passwordHash = newHash;
      next.passwordVersion = before.passwordVersion + 1;
    }
    if (input.indexable !== undefined) next.indexable = input.indexable;

    if (next.token && next.token !== before.token) {
      await ctx.models.PublicLink.create({ _id: next.token, videoId, workspaceId: video.workspaceId, createdAt: ctx.now() });
    }
    await ctx.models.Video.updateOne({ _id: videoId }, { $set: { share: next } });
    // Unlocks name the password version they were given for: those of an earlier one can never open it again.
    if (next.passwordVersion !== before.passwordVersion) await ctx.models.VideoUnlock.deleteMany({ videoId });
    // After the token is cleared: every link of the video goes (also one a crashed publish may have left).
    if (next.token === null && before.token !== null) await ctx.models.PublicLink.deleteMany({ videoId });

    const view = shareViewOf(ctx, next);
    const changed = JSON.stringify(auditOf(before)) !== JSON.stringify(auditOf(next)) || passwordChanged;
    if (changed) {
      const chain = [...found.ancestors, item];
      const viewers = await viewersOf(ctx, access.workspace, chain);
      await ctx.publisher.toItemViewers(access.workspace._id, recipientsOf(viewers), {
        type: 'video.share.updated',
        actorId: userId,
        data: { id: videoId, share: view },
        audit: { target: itemTarget(item), before: auditOf(before), after: { ...auditOf(next), ...(passwordChanged ? { passwordChanged: true } : {}) } },
      });
    }
    return view;
  });
}

export interface PublishedVideo {
  video: VideoDoc;
  title: string;
  token: string;
}

/**
 * The video a public token names while it is published, or null: a token
 * of the wrong shape, unknown, of a link taken down, or whose video or item
 * is gone. Read from the database on every request (never cached).
 */
export async function findPublished(ctx: AppContext, token: string): Promise<PublishedVideo | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const link = await ctx.models.PublicLink.findById(token).lean();
  if (!link) return null;
  const [video, item] = await Promise.all([ctx.models.Video.findById(link.videoId).lean<VideoDoc>(), ctx.models.Item.findById(link.videoId, { name: 1, kind: 1, workspaceId: 1 }).lean()]);
  if (!video || !item || item.kind !== 'video' || video.share.token !== token || video.status !== 'completed' || !video.file) return null;
  return { video, title: item.name, token };
}
