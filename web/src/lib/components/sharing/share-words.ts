import type { AccessReason, ItemRef } from '$shared/schemas/content.js';
import { locale, t } from '$lib/i18n/index.js';
import { itemHref } from '../content/item-format.js';

const MARK = '\u0000';

/** A sentence with a folder in it, cut where the folder's link goes. */
export interface Sentence {
  before: string;
  folder: ItemRef | null;
  after: string;
}

function around(text: string, folder: ItemRef | null): Sentence {
  const [before = '', after = ''] = text.split(MARK);
  return folder ? { before, folder, after } : { before: text, folder: null, after: '' };
}

/** Why someone has access, in words: "Owner", "Added directly", "Through the folder <Campaigns>". */
export function reasonSentence(r: AccessReason): Sentence {
  switch (r.kind) {
    case 'owner':
      return around(t('share.reason.owner'), null);
    case 'role':
      return around(t('share.reason.role'), null);
    case 'direct':
      return around(t('share.reason.direct'), null);
    case 'folder':
      return r.via ? around(t('share.reason.folder', { folder: MARK }), r.via) : around(t('share.reason.direct'), null);
    case 'general':
      return r.via ? around(t('share.reason.general.via', { folder: MARK }), r.via) : around(t('share.reason.general'), null);
  }
}

/** "From the folder <Campaigns>", for a grant that comes from above. */
export const fromFolder = (folder: ItemRef): Sentence => around(t('share.grant.from', { folder: MARK }), folder);

/** Where a folder's content is seen in the Content tab (its folder view). */
export const folderHref = (workspaceId: string, folderId: string) => itemHref(workspaceId, { id: folderId, kind: 'folder' });

export const formatDate = (iso: string) => new Intl.DateTimeFormat(locale.current, { dateStyle: 'medium' }).format(new Date(iso));

/** The local day of an ISO time, as a date input holds it (YYYY-MM-DD). */
export function dayOf(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Access "until" a day lasts to the end of that day, where the person is. */
export const endOfDay = (day: string): string | null => (day ? new Date(`${day}T23:59:59.999`).toISOString() : null);

export const today = () => dayOf(new Date().toISOString());

/** Initials for an avatar: "Ada Lovelace" → "AL". */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts[parts.length - 1]![0] ?? '') : '')).toUpperCase();
}
