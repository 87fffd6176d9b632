import { tick } from 'svelte';
import type { z } from 'zod';
import { ApiError } from '../api/client.js';
import { errorMessage, fieldMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';

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

  constructor(readonly fields: readonly F[]) {}

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
      const fields = err instanceof ApiError ? err.fields.filter((f) => this.#isField(f.path)) : [];
      this.#setFieldErrors(fields);
      // A field problem is shown beside its field; anything else in the alert area.
      if (!fields.length) this.formError = errorMessage(err);
      await this.#focusFirstInvalid(form);
    } finally {
      this.pending = false;
    }
  }

  #isField(path: string): path is F {
    return (this.fields as readonly string[]).includes(path);
  }

  #setFieldErrors(issues: { path: string; message: string }[]) {
    const errors: Partial<Record<F, Message>> = {};
    for (const issue of issues) {
      if (this.#isField(issue.path) && !errors[issue.path]) errors[issue.path] = fieldMessage(issue.message);
    }
    this.fieldErrors = errors;
    if (issues.length && !Object.keys(errors).length) this.formError = { key: 'error.validation_failed' };
  }

  async #focusFirstInvalid(form: HTMLFormElement) {
    await tick();
    form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }
}
