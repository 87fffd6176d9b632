import { ApiError } from '../api/client.js';
import { errorMessage, fieldMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'failed';

/**
 * The rule of every settings section: a switch or a list edit is saved the
 * moment it changes (text keeps an explicit Save, see `UnsavedChanges`).
 * The new value shows at once and the section says "Saving…", then "Saved";
 * if the server refuses, every change it has not confirmed goes back to the
 * stored value and the section says why. Changes made while a save is on its
 * way go in the next one, so saves reach the server one at a time, in order.
 */
export class AutoSave<S extends object> {
  status = $state<SaveStatus>('idle');
  /** What the last save failed with (its changes were put back), or null. */
  error = $state<unknown>(null);
  #changes = $state<Partial<S>>({});
  #running = false;

  constructor(
    /** The values as stored: the store's, kept live by the events of other admins' changes. */
    private readonly stored: () => S | null | undefined,
    /** Sends the changes; resolves once the store holds the server's reply. */
    private readonly send: (changes: Partial<S>) => Promise<void>,
  ) {}

  /** What the controls show: the stored values with the changes not confirmed yet on top. */
  get current(): S {
    return { ...this.stored(), ...this.#changes } as S;
  }

  /** The failure in words, for the section's alert. */
  get message(): Message | null {
    if (this.status !== 'failed') return null;
    // A refusal about a field is said beside that field; the section only points there.
    if (this.error instanceof ApiError && this.error.fields.length) return { key: 'error.validation_failed' };
    return errorMessage(this.error);
  }

  /** The server's words about the field at `path` (e.g. `settings.companyDomains`) in the last failure. */
  fieldError(path: string): Message | null {
    if (this.status !== 'failed' || !(this.error instanceof ApiError)) return null;
    const issue = this.error.fields.find((f) => f.path === path || f.path.startsWith(`${path}.`));
    return issue ? fieldMessage(issue.message) : null;
  }

  change<K extends keyof S>(key: K, value: S[K]) {
    this.#changes = { ...this.#changes, [key]: value };
    void this.#flush();
  }

  async #flush() {
    if (this.#running) return;
    this.#running = true;
    this.error = null;
    try {
      while (Object.keys(this.#changes).length) {
        const batch = $state.snapshot(this.#changes) as Partial<S>;
        this.status = 'saving';
        await this.send(batch);
        // A value changed again while this batch was on its way goes in the next one.
        const rest: Partial<S> = {};
        for (const key of Object.keys(this.#changes) as Array<keyof S>) {
          if (JSON.stringify(this.#changes[key]) !== JSON.stringify(batch[key])) rest[key] = this.#changes[key];
        }
        this.#changes = rest;
      }
      this.status = 'saved';
    } catch (err) {
      this.#changes = {};
      this.error = err;
      this.status = 'failed';
    } finally {
      this.#running = false;
    }
  }
}
