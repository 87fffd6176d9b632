import { Router } from 'express';
import type { AppContext } from '../context.js';
import { ListQuerySchema } from '../../shared/schemas/workspaces.js';
import { parse } from '../http/validate.js';
import { notFound } from '../http/errors.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Mail is kept in the outbox instead of sent: no SMTP server configured, and not production. */
export const devOutboxActive = (ctx: AppContext) => !ctx.mailer.delivers && ctx.config.NODE_ENV !== 'production';

/**
 * A client on this very machine: the connection comes from loopback, and no
 * trusted proxy in front says it forwarded someone else (a reverse proxy on
 * the same host connects from loopback for every visitor). A forwarded
 * address alone never makes a client local.
 */
export const isLocalClient = (connection: string | undefined, forwarded: string | undefined) => LOOPBACK.test(connection ?? '') && LOOPBACK.test(forwarded ?? connection ?? '');

/**
 * `GET /api/dev/outbox`: the mail the console would have sent, newest first.
 * Only while the outbox is active, and only to a client on this machine (the
 * mail holds invitation and verification links).
 */
export function outboxRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/dev/outbox', async (req, res) => {
    if (!devOutboxActive(ctx) || !isLocalClient(req.socket.remoteAddress, req.ip)) throw notFound('No such API endpoint');
    const { limit } = parse(ListQuerySchema, req.query);
    const mails = await ctx.models.Outbox.find({}).sort({ _id: -1 }).limit(limit).lean();
    res.json({ items: mails.map((m) => ({ id: m._id, to: m.to, subject: m.subject, text: m.text, html: m.html, at: m.at.toISOString() })), nextCursor: null });
  });
  return r;
}
