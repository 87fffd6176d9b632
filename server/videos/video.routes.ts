import { Router } from 'express';
import type { AppContext } from '../context.js';
import { CreateVideoSchema } from '../../shared/schemas/videos.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam, workspaceIdParam } from '../http/params.js';
import { loadAuthorized } from '../workspaces/access.js';
import { cancelVideo, createVideo, openVideo } from './video.service.js';

/** Asking for a video, its page's view, cancelling its render. (Share page, captions and files have their own routes.) */
export function videoRoutes(ctx: AppContext): Router {
  const r = Router();
  const videoId = (params: Record<string, string | string[] | undefined>) => idParam(params.videoId, 'Video not found');

  r.post('/workspaces/:id/videos', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'content.view');
    const input = parse(CreateVideoSchema, req.body);
    res.status(202).json(await createVideo(ctx, access, user._id, input));
  });

  r.get('/workspaces/:id/videos/:videoId', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'content.view');
    res.json(await openVideo(ctx, access, user._id, videoId(req.params)));
  });

  r.post('/workspaces/:id/videos/:videoId/cancel', async (req, res) => {
    const { user } = authOf(req);
    const access = await loadAuthorized(ctx, workspaceIdParam(req.params), user._id, 'content.view');
    res.json(await cancelVideo(ctx, access, user._id, videoId(req.params)));
  });

  return r;
}
