import { Router } from 'express';
import type { AppContext } from '../context.js';
import { AuditQuerySchema } from '../../shared/schemas/workspaces.js';
import { parse } from '../http/validate.js';
import { authOf } from '../http/auth.middleware.js';
import { idParam } from '../http/params.js';
import { loadAuthorized } from '../workspaces/access.js';
import { auditCsv, listAudit } from './audit.service.js';

export function auditRoutes(ctx: AppContext): Router {
  const r = Router();

  r.get('/workspaces/:id/audit', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, idParam(req.params.id, 'Workspace not found'), authOf(req).user._id, 'audit.view');
    res.json(await listAudit(ctx, workspace._id, parse(AuditQuerySchema, req.query)));
  });

  r.get('/workspaces/:id/audit.csv', async (req, res) => {
    const { workspace } = await loadAuthorized(ctx, idParam(req.params.id, 'Workspace not found'), authOf(req).user._id, 'audit.view');
    const { limit: _l, cursor: _c, ...filters } = parse(AuditQuerySchema, req.query);
    const csv = await auditCsv(ctx, workspace._id, filters);
    res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="audit-${workspace._id}.csv"` });
    res.send(csv);
  });

  return r;
}
