import type { AuditEntryView } from '$shared/schemas/workspaces.js';
import { RoleSchema, type Role } from '$shared/schemas/auth.js';
import { AssetKindSchema } from '$shared/schemas/assets.js';
import type { Translator } from '../i18n/translate.js';

/*
 * Readers of an entry's `before` / `after`. They never throw: an entry written
 * by an older server may lack a field or hold another shape, and reads as
 * null (or empty) here, which the sentence then does without.
 */
export type Data = Record<string, unknown>;
export const data = (v: unknown): Data => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Data) : {});
export const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);
export const whole = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const roleOf = (v: unknown): Role | null => (RoleSchema.safeParse(v).success ? (v as Role) : null);
export const instant = (v: unknown): Date | null => {
  const date = typeof v === 'string' ? new Date(v) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
};
/** The names of a list of `{ id, name }` (workspaces an asset is shared with); blank names are left out. */
export const namesOf = (v: unknown): string[] => (Array.isArray(v) ? v.map((item) => text(data(item).name)).filter((n): n is string => n !== null) : []);

/** A person's label is "Name <email>": people are named by their name, an address stands for itself. */
export function personName(label: string): string {
  const match = /^(.+?)\s*<[^<>\s]+@[^<>\s]+>$/.exec(label);
  return match ? match[1]! : label;
}

const PERSON_TARGETS = new Set(['member', 'invitation', 'joinRequest']);

/** The words of one locale an audit sentence is made of: names, roles, dates, numbers and lists as people read them. */
export class AuditWords {
  readonly #dates: Intl.DateTimeFormat;
  readonly #numbers: Intl.NumberFormat;
  readonly #lists: Intl.ListFormat;

  constructor(readonly tr: Translator) {
    this.#dates = new Intl.DateTimeFormat(tr.locale, { dateStyle: 'medium' });
    this.#numbers = new Intl.NumberFormat(tr.locale);
    this.#lists = new Intl.ListFormat(tr.locale, { type: 'conjunction' });
  }

  /** Who did it: a person by name, or the system; the server names an account that no longer exists with an empty email. */
  actor(e: AuditEntryView): string {
    if (!e.actor) return this.tr.t('audit.actor.system');
    return e.actor.email ? e.actor.name : this.tr.t('audit.actor.deleted');
  }

  /** What it was done to, as its label reads, a person by their name; null when the entry has none. */
  target(e: AuditEntryView): string | null {
    const label = text(e.target?.label);
    if (!label) return null;
    return PERSON_TARGETS.has(e.target!.kind) ? personName(label) : label;
  }

  role(role: Role): string {
    return this.tr.t(`role.${role}`);
  }

  /** The people who have a role, as a group ("Creators"). */
  roles(role: Role): string {
    return this.tr.t(`audit.roles.${role}`);
  }

  /** An asset with its kind and name: "the brand kit “Acme”". */
  asset(kind: unknown, name: string): string {
    const parsed = AssetKindSchema.safeParse(kind);
    return this.tr.t(parsed.success ? `audit.asset.${parsed.data}` : 'audit.asset.other', { name });
  }

  date(date: Date): string {
    return this.#dates.format(date);
  }

  number(n: number): string {
    return this.#numbers.format(n);
  }

  list(items: string[]): string {
    return this.#lists.format(items);
  }
}
