import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { UnlockSchema, type PublicVideoView } from '../../shared/schemas/videos.js';
import { parse } from '../http/validate.js';
import { notFound } from '../http/errors.js';
import { sendBlob } from '../files/blob-store.js';
import { findPublished, type PublishedVideo } from './share.service.js';
import { requireUnlocked, unlock } from './unlock.service.js';
import { publicCaptionUrl, publicFileUrl, publicPosterUrl } from './video-urls.js';
import { langParam, tracksOf } from './captions.service.js';
import { captionTrackId, type CaptionTrackDoc } from './video.model.js';

/**
 * The public side of a published video, no sign-in: its description, the
 * password unlock, its file, poster and captions. Every answer is
 * `no-store` (a link taken earlier stops working when the video is
 * unpublished), `noindex` unless the owner opted in; an unknown or
 * unpublished token is a 404 for all of them, a locked video a 401.
 */

export const publicVideoView = (p: PublishedVideo, tracks: CaptionTrackDoc[]): PublicVideoView => ({
  title: p.title,
  durationSeconds: p.video.durationSeconds,
  fileUrl: publicFileUrl(p.token, p.video),
  posterUrl: publicPosterUrl(p.token, p.video),
  captions: tracks.map((t) => ({ lang: t.lang, label: t.label, url: publicCaptionUrl(p.token, t.lang) })),
});

const gone = () => notFound('This video is not available');

/** The published video of the request's token (404 otherwise), with the robots header it calls for. */
export async function publishedOf(ctx: AppContext, req: Request, res: Response): Promise<PublishedVideo> {
  res.set('Cache-Control', 'no-store').set('X-Robots-Tag', 'noindex');
  const token = String(req.params.token ?? '');
  const found = await findPublished(ctx, token);
  if (!found) throw gone();
  if (found.video.share.indexable) res.removeHeader('X-Robots-Tag');
  return found;
}

export function publicVideoRoutes(ctx: AppContext): Router {
  const r = Router();

  r.get('/public/videos/:token', async (req, res) => {
    const found = await publishedOf(ctx, req, res);
    await requireUnlocked(ctx, req, found.video);
    res.json(publicVideoView(found, await tracksOf(ctx, found.video._id)));
  });

  r.post('/public/videos/:token/unlock', async (req, res) => {
    const found = await publishedOf(ctx, req, res);
    const { password } = parse(UnlockSchema, req.body);
    await unlock(ctx, req, res, found.video, password);
    res.status(204).end();
  });

  for (const what of ['file', 'poster'] as const) {
    r.get(`/public/videos/:token/${what}`, async (req, res) => {
      const found = await publishedOf(ctx, req, res);
      await requireUnlocked(ctx, req, found.video);
      const blob = found.video[what];
      if (!blob) throw notFound('No such file');
      await sendBlob(req, res, ctx.blobs, blob.key, { contentType: blob.contentType, cacheControl: 'no-store' });
    });
  }

  r.get('/public/videos/:token/captions/:lang.vtt', async (req, res) => {
    const found = await publishedOf(ctx, req, res);
    await requireUnlocked(ctx, req, found.video);
    const lang = langParam(req.params.lang);
    const track = await ctx.models.CaptionTrack.findById(captionTrackId(found.video._id, lang)).lean<CaptionTrackDoc>();
    if (!track) throw notFound('No captions in this language');
    res.type('text/vtt; charset=utf-8').set('X-Content-Type-Options', 'nosniff').send(track.vtt);
  });

  return r;
}
