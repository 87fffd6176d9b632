import { Router } from 'express';
import type { AppContext } from '../context.js';
import { NotificationsQuerySchema } from '../../shared/schemas/invitations.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam } from '../http/params.js';
import { listNotifications, markRead } from './notification.service.js';

export function notificationRoutes(ctx: AppContext): Router {
  const r = Router();

  r.get('/notifications', async (req, res) => {
    res.json(await listNotifications(ctx, authOf(req).user._id, parse(NotificationsQuerySchema, req.query)));
  });

  r.post('/notifications/read-all', async (req, res) => {
    res.json({ unreadCount: await markRead(ctx, authOf(req).user._id) });
  });

  r.post('/notifications/:id/read', async (req, res) => {
    res.json({ unreadCount: await markRead(ctx, authOf(req).user._id, idParam(req.params.id, 'Notification not found')) });
  });

  return r;
}
