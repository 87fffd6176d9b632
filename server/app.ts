import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { AppContext } from './context.js';
import { errorMiddleware, notFound, unavailable } from './http/errors.js';
import { originCheck } from './http/origin.js';
import { requestLog } from './http/request-log.js';
import { requireUser } from './http/auth.middleware.js';
import { isDatabaseReachable } from './db/connect.js';
import { authRoutes } from './accounts/auth.routes.js';
import { workspaceRoutes } from './workspaces/workspace.routes.js';
import { memberRoutes } from './workspaces/member.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { buildOpenApi } from './http/openapi.js';
import { invitationRoutes, publicInvitationRoutes } from './invitations/invitation.routes.js';
import { joinRoutes, publicJoinRoutes } from './invitations/join.routes.js';
import { joinRequestRoutes } from './join-requests/join-request.routes.js';
import { notificationRoutes } from './notifications/notification.routes.js';
import { outboxRoutes } from './mail/outbox.routes.js';
import { assetRoutes } from './assets/asset.routes.js';
import { creditRoutes } from './credits/credits.routes.js';
import { apiKeyRoutes } from './api-keys/api-key.routes.js';
import { usageRoutes } from './api-keys/usage.routes.js';
import { publicApiRoutes } from './public-api/public-api.routes.js';
import { itemRoutes } from './content/item.routes.js';
import { sharingRoutes } from './sharing/sharing.routes.js';
import { videoRoutes } from './videos/video.routes.js';
import { shareRoutes } from './videos/share.routes.js';
import { captionRoutes } from './videos/captions.routes.js';
import { publicVideoRoutes } from './videos/public.routes.js';
import { mountPublicPage } from './videos/public-page.js';

/**
 * The Express app: health probes, the JSON API under `/api`, then the web
 * app (SvelteKit's handler) for every other path.
 */
export function createApp(ctx: AppContext, webHandler: RequestHandler | null): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.trustProxy);
  app.use(ctx.lifecycle.middleware());
  app.use(requestLog(ctx.log));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // A draining node is not ready: the load balancer stops sending it new work while it finishes what it has.
  app.get('/readyz', async (_req, res) => {
    if (ctx.lifecycle.draining) return void res.status(503).json({ status: 'draining' });
    const ok = ctx.database.up && (await isDatabaseReachable(ctx.conn));
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'database unreachable' });
  });

  const https = ctx.publicUrl().startsWith('https:');
  const api = express.Router();
  api.use(helmet({ strictTransportSecurity: https, contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } } }));
  api.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  api.use((_req, _res, next) => {
    if (!ctx.database.up) throw unavailable();
    next();
  });
  // The public API: bearer keys, no cookie and so no Origin rule; it answers every /api/v1 call itself.
  api.use(publicApiRoutes(ctx));
  api.use(originCheck(ctx));
  // A caption track is up to MAX_VTT_BYTES of WebVTT, more once escaped in JSON: its own, larger limit.
  api.use('/workspaces/:id/videos/:videoId/captions/:lang', express.json({ limit: '450kb', strict: true }));
  api.use(express.json({ limit: '100kb', strict: true }));
  api.use(authRoutes(ctx));
  api.use(publicInvitationRoutes(ctx));
  api.use(publicJoinRoutes(ctx));
  api.use(outboxRoutes(ctx));
  api.use(publicVideoRoutes(ctx));
  const openapi = buildOpenApi(process.env.npm_package_version ?? '0.1.0');
  api.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  // Everything below needs a signed-in user; public endpoints go above.
  api.use(requireUser(ctx));
  api.use(workspaceRoutes(ctx));
  api.use(memberRoutes(ctx));
  api.use(auditRoutes(ctx));
  api.use(invitationRoutes(ctx));
  api.use(joinRoutes(ctx));
  api.use(joinRequestRoutes(ctx));
  api.use(notificationRoutes(ctx));
  api.use(assetRoutes(ctx));
  api.use(creditRoutes(ctx));
  api.use(apiKeyRoutes(ctx));
  api.use(usageRoutes(ctx));
  api.use(itemRoutes(ctx));
  api.use(sharingRoutes(ctx));
  api.use(videoRoutes(ctx));
  api.use(shareRoutes(ctx));
  api.use(captionRoutes(ctx));
  api.use(() => {
    throw notFound('No such API endpoint');
  });
  api.use(errorMiddleware(ctx.log));
  app.use('/api', api);

  // SvelteKit sets its own Content-Security-Policy (with nonces) on pages.
  app.use(helmet({ contentSecurityPolicy: false, strictTransportSecurity: https }));
  // The public share page of a video, server-rendered without the app bundle.
  mountPublicPage(app, ctx);
  if (webHandler) app.use(webHandler);
  else
    app.use((_req, res) => {
      res.status(503).type('text').send('The web app is not built. Run "npm run build" (npm start does it for you).');
    });
  app.use(errorMiddleware(ctx.log));
  return app;
}
