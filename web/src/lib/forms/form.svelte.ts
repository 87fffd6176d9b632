import { tick } from 'svelte';
import type { z } from 'zod';
import { ApiError } from '../api/client.js';
import { errorMessage, fieldMessage } from '../i18n/errors.js';
import type { Message, MessageKey } from '../i18n/index.js';

/**
 * The state of one form: per-field errors (from the shared zod schema in the
 * browser, or from the API's `details`), one form-level error, and whether a
 * submission is in flight. Errors are kept as messages, not text, so they
 * follow a change of language.
 */
export class FormState<F extends string> {
  fieldErrors = $state<Partial<Record<F, Message>>>({});
  formError = $state<Message | null>(null);
  pending = $state(false);

  /**
   * `messages` words shared schema messages for this form (see `fieldMessage`).
   * An issue of a nested path (`settings.companyDomains.2`) belongs to the
   * field that path starts with.
   */
  constructor(
    readonly fields: readonly F[],
    private readonly messages: Record<string, MessageKey> = {},
  ) {}

  /**
   * Validates `values` with `schema`, then runs `action` with the parsed data.
   * Nothing is sent while a field is invalid. On failure the first invalid
   * field of `form` gets the focus.
   */
  async submit<S extends z.ZodType>(form: HTMLFormElement, schema: S, values: unknown, action: (data: z.infer<S>) => Promise<void>) {
    if (this.pending) return;
    this.fieldErrors = {};
    this.formError = null;
    const parsed = schema.safeParse(values);
    if (!parsed.success) {
      this.#setFieldErrors(parsed.error.issues.map((i) => ({ path: String(i.path[0] ?? ''), message: i.message })));
      await this.#focusFirstInvalid(form);
      return;
    }
    this.pending = true;
    try {
      await action(parsed.data);
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields.filter((f) => this.#fieldOf(f.path) !== null) : [];
      this.#setFieldErrors(fields);
      // A field problem is shown beside its field; anything else in the alert area.
      if (!fields.length) this.formError = errorMessage(err);
      await this.#focusFirstInvalid(form);
    } finally {
      this.pending = false;
    }
  }

  #fieldOf(path: string): F | null {
    return this.fields.find((f) => path === f || path.startsWith(`${f}.`)) ?? null;
  }

  /** Shows `message` beside `field` (a check the schema cannot make, e.g. a duplicate). */
  setFieldError(field: F, message: Message) {
    this.fieldErrors = { ...this.fieldErrors, [field]: message };
  }

  #setFieldErrors(issues: { path: string; message: string }[]) {
    const errors: Partial<Record<F, Message>> = {};
    for (const issue of issues) {
      const field = this.#fieldOf(issue.path);
      if (field && !errors[field]) errors[field] = fieldMessage(issue.message, this.messages);
    }
    this.fieldErrors = errors;
    if (issues.length && !Object.keys(errors).length) this.formError = { key: 'error.validation_failed' };
  }

  async #focusFirstInvalid(form: HTMLFormElement) {
    await tick();
    form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }
}
