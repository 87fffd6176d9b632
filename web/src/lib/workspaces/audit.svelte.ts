import type { AuditEntryView } from '$shared/schemas/workspaces.js';
import { auditCsvUrl, listAudit, type AuditFilters } from '../api/workspaces.js';
import { CursorPages } from './cursor-pages.svelte.js';

const PAGE_SIZE = 50;

/** `yyyy-mm-dd` of a date input, as the instant its local day starts (or ends). */
export function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The audit log of a workspace, newest first, filtered by type and day range. */
export class AuditLog extends CursorPages<AuditEntryView> {
  type = $state('');
  fromDay = $state('');
  toDay = $state('');

  filters = $derived<AuditFilters>({ type: this.type || undefined, from: dayBound(this.fromDay, false), to: dayBound(this.toDay, true) });
  csvUrl = $derived.by(() => auditCsvUrl(this.workspaceId, this.filters));

  constructor(readonly workspaceId: string) {
    super();
  }

  protected fetchPage(cursor?: string) {
    return listAudit(this.workspaceId, { ...this.filters, cursor, limit: PAGE_SIZE });
  }

  protected keyOf(entry: AuditEntryView) {
    return entry.id;
  }
}
