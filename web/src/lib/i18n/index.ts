import type { Role } from '$shared/schemas/auth.js';
import { en, type MessageKey, type Messages } from './en.js';
import { fr } from './fr.js';
import { locale, type Locale } from './locale.svelte.js';

export { locale, LOCALES, type Locale } from './locale.svelte.js';
export type { MessageKey } from './en.js';

const dictionaries: Record<Locale, Messages> = { en, fr };

export type Params = Record<string, string | number>;

/** A message to show: a dictionary key, or (last resort) text from the server as is. */
export type Message = { key: MessageKey; params?: Params } | { text: string };

/** The text of `key` in the current locale, with `{param}` placeholders filled in. */
export function t(key: MessageKey, params?: Params): string {
  const template = dictionaries[locale.current][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A key with a `.one` form beside it: the pair a count picks from. */
export type PluralKey = { [K in MessageKey]: `${K}.one` extends MessageKey ? K : never }[MessageKey];

const pluralRules = new Map<Locale, Intl.PluralRules>();

/**
 * The text of `key` for `count`, by the current language's plural rules:
 * `key.one` where the language says "one" (English: 1; French: 0 and 1),
 * `key` otherwise. `{count}` is filled in with the number.
 */
export function plural(key: PluralKey, count: number, params?: Params): string {
  const lang = locale.current;
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  const form: MessageKey = rules.select(count) === 'one' ? `${key}.one` : key;
  return t(form, { ...params, count });
}

export const isMessageKey = (key: unknown): key is MessageKey => typeof key === 'string' && key in en;

export function render(message: Message): string {
  return 'key' in message ? t(message.key, message.params) : message.text;
}

export function roleName(role: Role): string {
  return t(`role.${role}`);
}
