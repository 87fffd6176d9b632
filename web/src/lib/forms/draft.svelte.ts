import { untrack } from 'svelte';

/**
 * A text field over a stored value (a name): it shows the stored value and
 * follows it when someone else changes it, until the person types; from then
 * on it waits for its Save (see `UnsavedChanges`). Built during a component's
 * initialisation.
 */
export class Draft {
  value = $state('');
  #shown: string;

  constructor(private readonly stored: () => string) {
    this.#shown = untrack(stored);
    this.value = this.#shown;
    $effect(() => {
      const next = stored();
      untrack(() => {
        if (this.value === this.#shown) this.value = next;
        this.#shown = next;
      });
    });
  }

  /** Typed and not saved (spaces around it do not count: the schema trims them). */
  get dirty(): boolean {
    return this.value.trim() !== this.stored();
  }

  /** After a save: the field shows what was stored. */
  reset() {
    this.value = this.#shown = this.stored();
  }
}
