import { Router } from 'express';
import type { AppContext } from '../context.js';
import { ListQuerySchema } from '../../shared/schemas/workspaces.js';
import { parse } from '../http/validate.js';
import { notFound } from '../http/errors.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * `GET /api/dev/outbox`: the mail the console would have sent, newest first.
 * Only when no SMTP server is configured, not in production mode, and only to
 * a client on this machine: the mail holds invitation links.
 */
export function outboxRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/dev/outbox', async (req, res) => {
    if (ctx.mailer.delivers || ctx.config.NODE_ENV === 'production' || !LOOPBACK.test(req.ip ?? '')) throw notFound('No such API endpoint');
    const { limit } = parse(ListQuerySchema, req.query);
    const mails = await ctx.models.Outbox.find({}).sort({ _id: -1 }).limit(limit).lean();
    res.json({ items: mails.map((m) => ({ id: m._id, to: m.to, subject: m.subject, text: m.text, html: m.html, at: m.at.toISOString() })), nextCursor: null });
  });
  return r;
}
