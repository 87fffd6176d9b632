import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { PutVideoShareSchema } from '../../shared/schemas/videos.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam, workspaceIdParam } from '../http/params.js';
import { notFound } from '../http/errors.js';
import { sendBlob } from '../files/blob-store.js';
import { loadAuthorized } from '../workspaces/access.js';
import { loadVideo } from './video-access.js';
import { getShare, putShare } from './share.service.js';

/** Signed-in: a video's file and poster (view access, ranges) and its share settings (`manage` to change them). */
export function shareRoutes(ctx: AppContext): Router {
  const r = Router();
  const videoId = (req: Request) => idParam(req.params.videoId, 'Video not found');
  const workspaceOf = (req: Request) => loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'content.view');

  // GET answers HEAD too (Express runs the GET route without a body).
  for (const what of ['file', 'poster'] as const) {
    r.get(`/workspaces/:id/videos/:videoId/${what}`, async (req, res) => {
      const { user } = authOf(req);
      const { video } = await loadVideo(ctx, await workspaceOf(req), videoId(req), user._id);
      const blob = video[what];
      if (!blob) throw notFound(what === 'file' ? 'This video has no file yet' : 'This video has no poster yet');
      // The URL names the version (video-urls.ts): a new render is a new URL, so this one may be kept a while.
      await sendBlob(req, res, ctx.blobs, blob.key, { contentType: blob.contentType, cacheControl: 'private, max-age=3600' });
    });
  }

  r.get('/workspaces/:id/videos/:videoId/share', async (req, res) => {
    res.json(await getShare(ctx, await workspaceOf(req), authOf(req).user._id, videoId(req)));
  });

  r.put('/workspaces/:id/videos/:videoId/share', async (req, res) => {
    const access = await workspaceOf(req);
    const id = videoId(req);
    res.json(await putShare(ctx, access, authOf(req).user._id, id, parse(PutVideoShareSchema, req.body)));
  });

  return r;
}
