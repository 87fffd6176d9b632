import type { Page } from '$shared/schemas/workspaces.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';

/**
 * A list read page by page with the API's cursor. Only the newest request may
 * write: a slow old reply (an earlier search or filter) never overwrites a
 * newer one.
 */
export abstract class CursorPages<T> {
  items = $state<T[]>([]);
  nextCursor = $state<string | null>(null);
  /** 'first' while the list (re)loads, 'more' while the next page loads. */
  loading = $state<'first' | 'more' | null>('first');
  error = $state<Message | null>(null);

  #request = 0;

  /** One page, from the start or after `cursor`, with the list's current filters. */
  protected abstract fetchPage(cursor?: string): Promise<Page<T>>;
  protected abstract keyOf(item: T): string;

  async reload() {
    const request = ++this.#request;
    this.loading = 'first';
    try {
      const page = await this.fetchPage();
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
      const page = await this.fetchPage(this.nextCursor);
      if (request !== this.#request) return;
      // A live change may already have put an item of this page in the list.
      const known = new Set(this.items.map((item) => this.keyOf(item)));
      this.items = [...this.items, ...page.items.filter((item) => !known.has(this.keyOf(item)))];
      this.nextCursor = page.nextCursor;
      this.error = null;
    } catch (err) {
      if (request === this.#request) this.error = errorMessage(err);
    } finally {
      if (request === this.#request) this.loading = null;
    }
  }

  /** Ignores every reply still on its way. */
  protected cancel() {
    this.#request++;
  }
}
