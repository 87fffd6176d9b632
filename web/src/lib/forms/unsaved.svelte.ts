import { getContext, setContext } from 'svelte';
import { beforeNavigate, goto } from '$app/navigation';

/**
 * Text typed in a form is kept only once its Save button is pressed
 * (switches and list edits save themselves, see `AutoSave`). Leaving a page
 * that holds unsaved text asks first: in the app for a link, Back or a
 * redirect; with the browser's own prompt when the tab closes or reloads.
 * Built during a page's initialisation (it registers `beforeNavigate`).
 */
export class UnsavedChanges {
  /** Where the person was going when asked to confirm; null when not asking. */
  leaving = $state<URL | null>(null);
  #sources = new Set<() => boolean>();
  #confirmed = false;

  constructor() {
    beforeNavigate((nav) => {
      if (this.#confirmed || !this.dirty) return;
      // On `leave` (closing or reloading the tab) cancelling makes the browser ask.
      nav.cancel();
      if (nav.type !== 'leave' && nav.to) this.leaving = nav.to.url;
    });
  }

  get dirty(): boolean {
    for (const isDirty of this.#sources) if (isDirty()) return true;
    return false;
  }

  /** A form says whether it holds unsaved text; the returned call forgets it. */
  track(isDirty: () => boolean): () => void {
    this.#sources.add(isDirty);
    return () => void this.#sources.delete(isDirty);
  }

  stay() {
    this.leaving = null;
  }

  async leave() {
    const to = this.leaving;
    this.leaving = null;
    if (!to) return;
    this.#confirmed = true;
    try {
      await goto(to);
    } finally {
      this.#confirmed = false;
    }
  }
}

const KEY = Symbol('unsaved');

export const provideUnsaved = (unsaved: UnsavedChanges) => setContext(KEY, unsaved);

/** The page's guard, or null on a page without one (the form then guards nothing). */
export const useUnsaved = () => getContext<UnsavedChanges | undefined>(KEY) ?? null;
