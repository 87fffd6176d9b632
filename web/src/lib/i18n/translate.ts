import { en, type MessageKey, type Messages } from './en.js';
import { fr } from './fr.js';
import type { Locale } from './locale.svelte.js';
import type { Params, PluralKey } from './index.js';

const dictionaries: Record<Locale, Messages> = { en, fr };

/** `t` and `plural` for one given locale, for pure modules (and their tests) that cannot read the current one. */
export interface Translator {
  locale: Locale;
  t(key: MessageKey, params?: Params): string;
  /** `key.one` where the language says "one" (French: 0 and 1), `key` otherwise; `{count}` is the number unless `params` gives it formatted. */
  plural(key: PluralKey, count: number, params?: Params): string;
}

export function translator(locale: Locale): Translator {
  const dictionary = dictionaries[locale];
  const rules = new Intl.PluralRules(locale);
  const t = (key: MessageKey, params?: Params) =>
    params ? dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : dictionary[key];
  return {
    locale,
    t,
    plural: (key, count, params) => t(rules.select(count) === 'one' ? (`${key}.one` as MessageKey) : key, { count, ...params }),
  };
}
