import type { AuditEntryView } from '$shared/schemas/workspaces.js';
import { ItemKindSchema } from '$shared/schemas/content.js';
import { AuditWords, data, text, whole, type Data } from './audit-words.js';

/*
 * The audit sentences of content (folders, drafts, videos), their sharing and
 * access requests. What the server records (server/content/item.presenter.ts):
 * the target `{ kind: 'item', id, label: name }`; `before` / `after` the item's
 * `{ kind, name, parentId }`, with `body` (the script's length) when a script
 * changed and `descendants` on a deleted folder. Sharing entries may carry
 * `general: { scope, role }` and `grants: [{ name | user: { name }, role }]`;
 * a decided access request `status`, `role` and `requester` / `itemName`.
 * What an entry lacks is left out of its sentence, never guessed.
 */

export interface ContentReading {
  e: AuditEntryView;
  before: Data;
  after: Data;
  w: AuditWords;
  actor: string;
}

type ContentType = 'item.created' | 'item.updated' | 'item.deleted' | 'item.sharing.updated' | 'accessRequest.decided' | 'video.share.updated' | 'video.captions.updated';

/** "the draft “Launch”": the item's kind and name, from the entry's data or else the target's label. */
function itemPhrase(w: AuditWords, e: AuditEntryView, fields: Data): string | null {
  const name = text(fields.name) ?? (e.target?.kind === 'item' ? text(e.target.label) : null) ?? text(fields.itemName);
  if (!name) return null;
  const kind = ItemKindSchema.safeParse(fields.kind);
  return w.tr.t(kind.success ? `audit.item.${kind.data}` : 'audit.item.other', { name });
}

const shareRole = (v: unknown): 'view' | 'edit' | null => (v === 'view' || v === 'edit' ? v : null);

/** The people of a list of grants, by name, with their role. */
function grantsOf(v: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(v)) return out;
  for (const g of v) {
    const d = data(g);
    const name = text(d.name) ?? text(data(d.user).name);
    const role = shareRole(d.role);
    if (name && role) out.set(name, role);
  }
  return out;
}

/** Each change of an item's sharing as a clause; nothing when the entry does not say what changed. */
function sharingChanges({ before, after, w }: ContentReading, item: string): string[] {
  const { t } = w.tr;
  const clauses: string[] = [];
  const [was, now] = [data(before.general), data(after.general)];
  const scope = now.scope === 'only_me' || now.scope === 'selected' || now.scope === 'workspace' ? now.scope : null;
  const role = shareRole(now.role);
  if (scope && (was.scope !== now.scope || was.role !== now.role)) {
    clauses.push(scope === 'workspace' && role ? t(`audit.sharing.workspace.${role}`, { item }) : t(`audit.sharing.${scope === 'workspace' ? 'selected' : scope}`, { item }));
  }
  if (Array.isArray(after.grants)) {
    const [old, next] = [grantsOf(before.grants), grantsOf(after.grants)];
    const added = [...next.keys()].filter((n) => !old.has(n));
    const removed = [...old.keys()].filter((n) => !next.has(n));
    const changed = [...next.keys()].filter((n) => old.has(n) && old.get(n) !== next.get(n));
    if (added.length) clauses.push(t('audit.sharing.added', { list: w.list(added), item }));
    if (changed.length) clauses.push(t('audit.sharing.changed', { list: w.list(changed), item }));
    if (removed.length) clauses.push(t('audit.sharing.removed', { list: w.list(removed), item }));
  }
  return clauses;
}

export const CONTENT_SENTENCES: Record<ContentType, (r: ContentReading) => string | null> = {
  'item.created': ({ e, after, w, actor }) => {
    const item = itemPhrase(w, e, after);
    return item ? w.tr.t('audit.item.created', { actor, item }) : null;
  },
  // A rename, a move, a new script, or several at once.
  'item.updated': ({ e, before, after, w, actor }) => {
    const [was, now] = [itemPhrase(w, e, before), itemPhrase(w, e, after)];
    if (!was || !now) return null;
    const { t } = w.tr;
    const clauses: string[] = [];
    const [oldName, newName] = [text(before.name), text(after.name)];
    if (oldName && newName && oldName !== newName) clauses.push(t('audit.item.renamed', { item: was, name: newName }));
    if ('parentId' in after && before.parentId !== after.parentId) clauses.push(t(after.parentId === null ? 'audit.item.movedTop' : 'audit.item.moved', { item: now }));
    if ('body' in after) clauses.push(t('audit.item.edited', { item: now }));
    return clauses.length ? t('audit.item.changes', { actor, changes: w.list(clauses) }) : t('audit.item.updated', { actor, item: now });
  },
  'item.deleted': ({ e, before, w, actor }) => {
    const item = itemPhrase(w, e, before);
    if (!item) return null;
    const inside = whole(before.descendants);
    return inside ? w.tr.plural('audit.item.deletedWith', inside, { actor, item, count: w.number(inside) }) : w.tr.t('audit.item.deleted', { actor, item });
  },
  'item.sharing.updated': (r) => {
    const item = itemPhrase(r.w, r.e, r.after) ?? itemPhrase(r.w, r.e, r.before);
    if (!item) return null;
    const changes = sharingChanges(r, item);
    return changes.length ? r.w.tr.t('audit.item.changes', { actor: r.actor, changes: r.w.list(changes) }) : r.w.tr.t('audit.sharing.plain', { actor: r.actor, item });
  },
  'accessRequest.decided': ({ e, after, w, actor }) => {
    const requester = data(after.requester);
    const person = text(requester.name) ?? text(after.requesterName) ?? (e.target?.kind === 'item' ? null : w.target(e));
    const itemFields = { ...data(after.item), ...(text(after.itemName) ? { name: after.itemName } : {}) };
    const item = itemPhrase(w, e, itemFields);
    if (!person || !item) return null;
    const role = shareRole(after.role);
    if (after.status === 'approved' && role) return w.tr.t(`audit.accessRequest.approved.${role}`, { actor, person, item });
    if (after.status === 'denied') return w.tr.t('audit.accessRequest.denied', { actor, person, item });
    return null;
  },
  // The share page: `before` / `after` hold `{ published, passwordProtected, indexable }`.
  'video.share.updated': ({ e, before, after, w, actor }) => {
    const item = itemPhrase(w, e, { kind: 'video' });
    if (!item) return null;
    const { t } = w.tr;
    const clauses: string[] = [];
    if (typeof after.published === 'boolean' && after.published !== before.published) clauses.push(t(after.published ? 'audit.video.published' : 'audit.video.unpublished', { item }));
    if (typeof after.passwordProtected === 'boolean' && after.passwordProtected !== before.passwordProtected) clauses.push(t(after.passwordProtected ? 'audit.video.passwordSet' : 'audit.video.passwordRemoved', { item }));
    else if (after.passwordChanged === true) clauses.push(t('audit.video.passwordChanged', { item }));
    if (typeof after.indexable === 'boolean' && after.indexable !== before.indexable) clauses.push(t(after.indexable ? 'audit.video.indexable' : 'audit.video.noindex', { item }));
    return clauses.length ? t('audit.item.changes', { actor, changes: w.list(clauses) }) : t('audit.video.share', { actor, item });
  },
  // A caption track: `after` `{ lang, label }` when added or changed, `before` only when removed.
  'video.captions.updated': ({ e, before, after, w, actor }) => {
    const item = itemPhrase(w, e, { kind: 'video' });
    const label = text(after.label) ?? text(before.label);
    if (!item || !label) return null;
    return w.tr.t(text(after.label) ? 'audit.video.captions' : 'audit.video.captionsRemoved', { actor, item, label });
  },
};
