import type { Resolution } from '../../shared/access.js';
import type { ItemDetailView, ItemRef, ItemView } from '../../shared/schemas/content.js';
import type { ItemDoc } from './item.model.js';

/**
 * How an item reads to one person: the fields every screen shows, with that
 * person's own access (the resolver's answer). Lists, routes, events, the
 * sharing view and the co-editing server all present items through here.
 */
export function itemView(doc: ItemDoc, resolution: Pick<Resolution, 'access' | 'manage'>): ItemView {
  return {
    id: doc._id,
    kind: doc.kind,
    name: doc.name,
    parentId: doc.parentId,
    ownerId: doc.ownerId,
    access: resolution.access,
    manage: resolution.manage,
    updatedAt: doc.updatedAt.toISOString(),
    createdAt: doc.createdAt.toISOString(),
    status: doc.kind === 'video' ? doc.status : null,
  };
}

export const itemRef = (doc: Pick<ItemDoc, '_id' | 'name'>): ItemRef => ({ id: doc._id, name: doc.name });

/** The item opened: the folders above it (top first), a draft's script, and for a folder how many items it holds at every depth. */
export function itemDetailView(doc: ItemDoc, resolution: Pick<Resolution, 'access' | 'manage'>, ancestors: ItemDoc[], descendants: number | null): ItemDetailView {
  return {
    ...itemView(doc, resolution),
    path: ancestors.map(itemRef),
    body: doc.kind === 'draft' ? (doc.body ?? '') : null,
    descendants: doc.kind === 'folder' ? (descendants ?? 0) : null,
  };
}

/** An item as the audit log records it (no body: scripts are not audit material). */
export const itemAudit = (doc: Pick<ItemDoc, 'kind' | 'name' | 'parentId'>) => ({ kind: doc.kind, name: doc.name, parentId: doc.parentId });
export const itemTarget = (doc: Pick<ItemDoc, '_id' | 'name'>) => ({ kind: 'item', id: doc._id, label: doc.name });
