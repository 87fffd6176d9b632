import type { AuditEntryView } from '$shared/schemas/workspaces.js';
import { auditCsvUrl, listAudit, type AuditFilters } from '../api/workspaces.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';

const PAGE_SIZE = 50;

/** `yyyy-mm-dd` of a date input, as the instant its local day starts (or ends). */
export function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The audit log of a workspace, newest first, filtered by type and day range. */
export class AuditLog {
  items = $state<AuditEntryView[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state<'first' | 'more' | null>('first');
  error = $state<Message | null>(null);
  type = $state('');
  fromDay = $state('');
  toDay = $state('');

  filters = $derived<AuditFilters>({ type: this.type || undefined, from: dayBound(this.fromDay, false), to: dayBound(this.toDay, true) });
  csvUrl = $derived.by(() => auditCsvUrl(this.workspaceId, this.filters));

  #request = 0;
  readonly workspaceId: string;

  constructor(workspaceId: string) {
    this.workspaceId = workspaceId;
  }

  async reload() {
    const request = ++this.#request;
    this.loading = 'first';
    try {
      const page = await listAudit(this.workspaceId, { ...this.filters, limit: PAGE_SIZE });
      if (request !== this.#request) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.error = null;
    } catch (err) {
      if (request === this.#request) this.error = errorMessage(err);
      throw err;
    } finally {
      if (request === this.#request) this.loading = null;
    }
  }

  async loadMore() {
    if (!this.nextCursor || this.loading) return;
    const request = this.#request;
    this.loading = 'more';
    try {
      const page = await listAudit(this.workspaceId, { ...this.filters, cursor: this.nextCursor, limit: PAGE_SIZE });
      if (request !== this.#request) return;
      this.items = [...this.items, ...page.items];
      this.nextCursor = page.nextCursor;
    } catch (err) {
      if (request === this.#request) this.error = errorMessage(err);
    } finally {
      if (request === this.#request) this.loading = null;
    }
  }
}
