import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { PutCaptionSchema } from '../../shared/schemas/videos.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam, workspaceIdParam } from '../http/params.js';
import { loadAuthorized } from '../workspaces/access.js';
import { captionDetail, deleteCaption, getCaption, langParam, listCaptions, putCaption } from './captions.service.js';

/** A video's caption tracks: read with view access, changed with edit. */
export function captionRoutes(ctx: AppContext): Router {
  const r = Router();
  const videoId = (req: Request) => idParam(req.params.videoId, 'Video not found');
  const workspaceOf = (req: Request) => loadAuthorized(ctx, workspaceIdParam(req.params), authOf(req).user._id, 'content.view');
  const base = '/workspaces/:id/videos/:videoId/captions';

  r.get(base, async (req, res) => {
    res.json(await listCaptions(ctx, await workspaceOf(req), authOf(req).user._id, videoId(req)));
  });

  r.get(`${base}/:lang`, async (req, res) => {
    const access = await workspaceOf(req);
    res.json(captionDetail(await getCaption(ctx, access, authOf(req).user._id, videoId(req), langParam(req.params.lang))));
  });

  r.get(`${base}/:lang/vtt`, async (req, res) => {
    const access = await workspaceOf(req);
    const track = await getCaption(ctx, access, authOf(req).user._id, videoId(req), langParam(req.params.lang));
    res.type('text/vtt; charset=utf-8').set('X-Content-Type-Options', 'nosniff').send(track.vtt);
  });

  r.put(`${base}/:lang`, async (req, res) => {
    const access = await workspaceOf(req);
    const id = videoId(req);
    const lang = langParam(req.params.lang);
    res.json(await putCaption(ctx, access, authOf(req).user._id, id, lang, parse(PutCaptionSchema, req.body)));
  });

  r.delete(`${base}/:lang`, async (req, res) => {
    const access = await workspaceOf(req);
    await deleteCaption(ctx, access, authOf(req).user._id, videoId(req), langParam(req.params.lang));
    res.status(204).end();
  });

  return r;
}
