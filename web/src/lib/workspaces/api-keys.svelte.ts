import type { ApiKeyView, CreateApiKey, CreatedApiKey } from '$shared/schemas/api-keys.js';
import type { UsageView } from '$shared/schemas/credits.js';
import type { EventEnvelope } from '$shared/events.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../api/api-keys.js';
import { getUsage } from '../api/credits.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import { CursorPages } from './cursor-pages.svelte.js';
import { onWorkspaceEvent } from './events.js';

/** The API keys of a workspace, newest first, kept live; a revoked key stays listed as revoked. */
export class ApiKeyList extends CursorPages<ApiKeyView> {
  constructor(readonly workspaceId: string) {
    super();
  }

  protected fetchPage(cursor?: string) {
    return listApiKeys(this.workspaceId, { cursor });
  }

  protected keyOf(key: ApiKeyView) {
    return key.id;
  }

  upsert(key: ApiKeyView) {
    const at = this.items.findIndex((k) => k.id === key.id);
    if (at === -1) this.items = [key, ...this.items];
    else this.items[at] = key;
  }

  /** The reply holds the secret; the list keeps only the key. */
  async create(input: CreateApiKey): Promise<CreatedApiKey> {
    const created = await createApiKey(this.workspaceId, input);
    this.upsert(created.key);
    return created;
  }

  async revoke(key: ApiKeyView) {
    await revokeApiKey(this.workspaceId, key.id);
    this.upsert({ ...key, revokedAt: key.revokedAt ?? new Date().toISOString() });
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'apiKey.created': ({ key }) => this.upsert(key),
      'apiKey.revoked': ({ key }) => this.upsert(key),
      // A key's last use is no event of its own: it moves with the usage, and is read again then.
      'usage.updated': () => void this.reload().catch(() => {}),
    });
  }
}

export type UsageRange = 'day' | 'month';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The buckets of a range, oldest first: the last 24 hours by hour, or the last 30 days by (UTC) day, the current one included. */
export function bucketsOf(range: UsageRange, now = Date.now()): { from: Date; to: Date; starts: number[]; granularity: 'hour' | 'day' } {
  const size = range === 'day' ? HOUR : DAY;
  const count = range === 'day' ? 24 : 30;
  const current = Math.floor(now / size) * size;
  const starts = Array.from({ length: count }, (_, i) => current - (count - 1 - i) * size);
  return { from: new Date(starts[0]!), to: new Date(now), starts, granularity: range === 'day' ? 'hour' : 'day' };
}

/**
 * The API usage of a workspace over a range, as one row per bucket (the
 * empty ones as zero, so a quiet hour reads as a quiet hour), and per key.
 * `usage.updated` (throttled by the server) reads it again.
 */
export class UsageState {
  /** The range asked for; `shown` is the range of the rows there are, until the new ones arrive. */
  range = $state<UsageRange>('day');
  shown = $state<UsageRange>('day');
  rows = $state<Array<{ at: number; calls: number; credits: number }>>([]);
  byKey = $state<UsageView['byKey']>([]);
  loading = $state(true);
  loaded = $state(false);
  error = $state<Message | null>(null);
  #request = 0;

  constructor(readonly workspaceId: string) {}

  get totals() {
    return this.rows.reduce((sum, r) => ({ calls: sum.calls + r.calls, credits: sum.credits + r.credits }), { calls: 0, credits: 0 });
  }

  async load() {
    const request = ++this.#request;
    const range = this.range;
    const { from, to, starts, granularity } = bucketsOf(range);
    this.loading = true;
    try {
      const usage = await getUsage(this.workspaceId, { kind: 'api', from: from.toISOString(), to: to.toISOString(), granularity });
      if (request !== this.#request) return;
      const size = granularity === 'hour' ? HOUR : DAY;
      const byStart = new Map<number, { calls: number; credits: number }>();
      for (const point of usage.series) {
        const start = Math.floor(new Date(point.at).getTime() / size) * size;
        const seen = byStart.get(start) ?? { calls: 0, credits: 0 };
        byStart.set(start, { calls: seen.calls + point.calls, credits: seen.credits + point.credits });
      }
      this.rows = starts.map((at) => ({ at, ...(byStart.get(at) ?? { calls: 0, credits: 0 }) }));
      this.byKey = usage.byKey;
      this.shown = range;
      this.error = null;
      this.loaded = true;
    } catch (err) {
      if (request === this.#request) this.error = errorMessage(err);
      throw err;
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'usage.updated': (d) => {
        if (d.workspaceId === this.workspaceId) void this.load().catch(() => {});
      },
    });
  }

  reload() {
    return this.load().catch(() => {});
  }
}
