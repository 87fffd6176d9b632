import { browser } from '$app/environment';

export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

const STORAGE_KEY = 'wsc.locale';

const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale);

/** The saved choice first, then the browser's preferred languages, then English. */
function initialLocale(): Locale {
  if (!browser) return 'en';
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    /* storage disabled: fall through to the browser's languages */
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

/**
 * The current locale. Reading `current` inside a template or `$derived`
 * makes it reactive, so every `t()` call re-renders when the locale changes.
 * The choice is saved in localStorage and mirrored on `<html lang>`.
 */
class LocaleState {
  current = $state<Locale>(initialLocale());

  constructor() {
    if (!browser) return;
    document.documentElement.lang = this.current;
    // Another tab switched language: follow it.
    window.addEventListener('storage', (e) => {
      if (e.key === STORAGE_KEY && isLocale(e.newValue)) this.#apply(e.newValue);
    });
  }

  set(locale: Locale) {
    this.#apply(locale);
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      /* storage disabled: the choice lasts for this page only */
    }
  }

  #apply(locale: Locale) {
    this.current = locale;
    if (browser) document.documentElement.lang = locale;
  }
}

export const locale = new LocaleState();
