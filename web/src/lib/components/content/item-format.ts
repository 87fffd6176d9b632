import type { ItemView } from '$shared/schemas/content.js';
import { locale } from '$lib/i18n/index.js';

const SEGMENT = { folder: 'f', draft: 'd', video: 'v' } as const;

/** Where an item opens: a folder's view, a draft's page or a video's page. */
export const itemHref = (workspaceId: string, item: Pick<ItemView, 'id' | 'kind'>) => `/app/w/${workspaceId}/content/${SEGMENT[item.kind]}/${item.id}`;

/** "on 3 Mar 2026, 10:04" style, in the screen's language. */
export function updatedWhen(iso: string): string {
  return new Intl.DateTimeFormat(locale.current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
