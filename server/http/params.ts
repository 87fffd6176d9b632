import { IdSchema } from '../../shared/events.js';
import { notFound } from './errors.js';

/** An id from the path; one that cannot exist is simply "not found". */
export function idParam(value: unknown, what = 'Not found'): string {
  const parsed = IdSchema.safeParse(value);
  if (!parsed.success) throw notFound(what);
  return parsed.data;
}

/** The `:id` of a `/workspaces/:id/…` route. */
export const workspaceIdParam = (params: Record<string, string | string[] | undefined>) => idParam(params.id, 'Workspace not found');
