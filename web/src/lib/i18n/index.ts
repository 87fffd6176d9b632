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

export const isMessageKey = (key: unknown): key is MessageKey => typeof key === 'string' && key in en;

export function render(message: Message): string {
  return 'key' in message ? t(message.key, message.params) : message.text;
}

export function roleName(role: Role): string {
  return t(`role.${role}`);
}
