import type { CreditKind, CreditsView, LedgerEntryView, Purchase, PurchaseReply } from '$shared/schemas/credits.js';
import type { EventEnvelope } from '$shared/events.js';
import { ApiError } from '../api/client.js';
import { actionFor, getCredits, listLedger, purchase, type IdempotentAction } from '../api/credits.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import { CursorPages } from './cursor-pages.svelte.js';
import { onWorkspaceEvent } from './events.js';

/**
 * A workspace's balances as the ledger has them, kept live: `credits.updated`
 * carries the balances after every purchase, allocation or spending, so a
 * screen never adds up amounts itself.
 */
export class CreditsState {
  view = $state<CreditsView | null>(null);
  error = $state<Message | null>(null);
  loading = $state(true);

  constructor(readonly workspaceId: string) {}

  async load() {
    this.loading = true;
    try {
      this.view = await getCredits(this.workspaceId);
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
      throw err;
    } finally {
      this.loading = false;
    }
  }

  /** The balances of a reply (a purchase, an allocation) are the newest there are. */
  show(credits: CreditsView) {
    this.view = credits;
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'credits.updated': (d) => {
        if (d.workspaceId !== this.workspaceId || !this.view) return;
        this.view.generative = d.generative;
        this.view.api = d.api;
      },
      // Another admin switched the billing mode: what the workspace spends from changed, so does everything here.
      'billing.updated': (d) => {
        if (d.workspaceId === this.workspaceId) void this.load().catch(() => {});
      },
    });
  }

  reload() {
    return this.load().catch(() => {});
  }
}

/** A simulated purchase in progress: retried with the same key until it is answered, a new purchase gets a new key. */
export class PurchaseAction {
  pending = $state(false);
  error = $state<Message | null>(null);
  done = $state<PurchaseReply | null>(null);
  #action: IdempotentAction | null = null;

  constructor(readonly workspaceId: string) {}

  async run(input: Purchase): Promise<PurchaseReply | null> {
    if (this.pending) return null;
    this.pending = true;
    this.error = null;
    this.done = null;
    const action = (this.#action = actionFor(this.#action, input));
    try {
      const reply = await purchase(this.workspaceId, input, action);
      this.#action = null;
      this.done = reply;
      return reply;
    } catch (err) {
      // A network failure may have bought it already: the same key again replays that purchase. Any answer ends the action.
      if (!(err instanceof ApiError && err.code === 'network')) this.#action = null;
      this.error = errorMessage(err);
      return null;
    } finally {
      this.pending = false;
    }
  }

  reset() {
    this.error = null;
    this.#action = null;
  }
}

const PAGE_SIZE = 50;

/** The ledger of a workspace, newest first, of one credit kind or both. */
export class Ledger extends CursorPages<LedgerEntryView> {
  kind = $state<CreditKind | ''>('');
  #refreshing = false;
  #again = false;
  /** Counts reloads: a head read that a reload overtook is dropped. */
  #generation = 0;

  constructor(readonly workspaceId: string) {
    super();
  }

  protected fetchPage(cursor?: string) {
    return listLedger(this.workspaceId, { kind: this.kind || undefined, cursor, limit: PAGE_SIZE });
  }

  protected keyOf(entry: LedgerEntryView) {
    return entry.id;
  }

  override reload() {
    this.#generation++;
    return super.reload();
  }

  /**
   * New entries were written (the balances moved): the newest page is read
   * again and what is not in the list yet goes on top. One read at a time;
   * changes during it cause one more read after it.
   */
  async refreshHead() {
    if (this.loading === 'first') return;
    if (this.#refreshing) return void (this.#again = true);
    this.#refreshing = true;
    try {
      do {
        this.#again = false;
        const generation = this.#generation;
        const page = await this.fetchPage();
        // The list was read again meanwhile (another filter): that read is what counts.
        if (generation !== this.#generation) return;
        const known = new Set(this.items.map((item) => item.id));
        const fresh = page.items.filter((item) => !known.has(item.id));
        // A whole page of new entries may hide more between them and the list: read it from the start.
        if (this.items.length && fresh.length === page.items.length && page.nextCursor) return void (await this.reload());
        if (!this.items.length) this.nextCursor = page.nextCursor;
        if (fresh.length) this.items = [...fresh, ...this.items];
      } while (this.#again);
    } catch {
      /* the next change or a reload tries again */
    } finally {
      this.#refreshing = false;
    }
  }
}
