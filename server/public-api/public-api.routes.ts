import express, { Router } from 'express';
import type { AppContext } from '../context.js';
import { PublicCreateVideoSchema } from '../../shared/schemas/api-keys.js';
import { AssetsQuerySchema } from '../../shared/schemas/assets.js';
import { parse } from '../http/validate.js';
import { idParam } from '../http/params.js';
import { errorMiddleware, notFound } from '../http/errors.js';
import { createVideo, publicVideo } from '../videos/video.service.js';
import { keyHolderAccess } from './key-holder.js';
import { listAssets } from '../assets/asset.service.js';
import { apiKeyOf, requireApiKey } from './bearer-auth.js';
import { limitApiCalls } from './rate-limit.js';
import { chargeOf, meterCall } from './metering.js';
import { presentPublicWorkspace } from './public-api.presenter.js';

/**
 * The public API, `/api/v1`: an API key in `Authorization: Bearer …`, no
 * cookie, no Origin rule, its own error replies. A call is authenticated,
 * then rate limited, then (each route below) charged 1 API credit, then
 * served; the key acts for its own workspace only, so every other
 * workspace's ids are "not found". Mounted on `/api` with full paths, so
 * the routes read as they are called.
 */
export function publicApiRoutes(ctx: AppContext): Router {
  const r = Router();
  const metered = meterCall(ctx);
  r.use('/v1', requireApiKey(ctx), limitApiCalls(ctx), express.json({ limit: '100kb', strict: true }));

  r.get('/v1/workspace', metered, async (req, res) => {
    res.json(await presentPublicWorkspace(ctx, apiKeyOf(req).workspace, chargeOf(res)));
  });

  r.get('/v1/assets', metered, async (req, res) => {
    res.json(await listAssets(ctx, apiKeyOf(req).workspace, parse(AssetsQuerySchema, req.query)));
  });

  // A key acts as the person who made it: the video is theirs, with their role's permissions.
  r.post('/v1/videos', metered, async (req, res) => {
    const input = parse(PublicCreateVideoSchema, req.body);
    const { key, workspace } = apiKeyOf(req);
    const access = await keyHolderAccess(ctx, workspace, key.createdBy);
    res.status(202).json(await createVideo(ctx, access, key.createdBy, input));
  });

  r.get('/v1/videos/:videoId', metered, async (req, res) => {
    res.json(await publicVideo(ctx, apiKeyOf(req).workspace._id, idParam(req.params.videoId, 'Video not found')));
  });

  r.use('/v1', () => {
    throw notFound('No such API endpoint');
  });
  r.use('/v1', errorMiddleware(ctx.log));
  return r;
}
