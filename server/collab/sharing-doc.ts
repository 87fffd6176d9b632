import * as Y from 'yjs';
import { z } from 'zod';
import { IdSchema } from '../../shared/schemas/ids.js';
import {
  CollabGrantSchema,
  GeneralScopeSchema,
  MAX_GRANTS,
  ShareRoleSchema,
  type GeneralAccess,
  type PutSharing,
  type SharingView,
} from '../../shared/schemas/content.js';

/**
 * The share dialog's Yjs document (API.md, "Co-editing the sharing
 * settings"): `general` Y.Map `{ scope, role }` and `grants` Y.Map
 * userId → `{ role, expiresAt }`. The database is the authority: what
 * clients write is read through the schemas (anything else is ignored),
 * stored by the sharing service, and the stored state is written back.
 */

export type CollabGrant = z.infer<typeof CollabGrantSchema>;

/** The sharing of an item as the document holds it: direct grants only (inherited ones are not the dialog's to change). */
export interface SharingState {
  general: GeneralAccess;
  grants: Map<string, CollabGrant>;
}

/** Transactions the server makes carry this origin, so they are never taken for a client's change. */
export const SERVER_ORIGIN = Object.freeze({ collab: 'server' });

const TOP_LEVEL = new Set(['general', 'grants']);
const GENERAL_KEYS = ['scope', 'role'] as const;

export function stateOfView(view: Pick<SharingView, 'general' | 'grants'>): SharingState {
  const grants = new Map<string, CollabGrant>();
  for (const g of view.grants) if (g.inheritedFrom === null) grants.set(g.user.id, { role: g.role, expiresAt: g.expiresAt });
  return { general: { scope: view.general.scope, role: view.general.role }, grants };
}

/** What a value is, as text: two values are the same when their prints are. Nested Yjs types never pass for plain values. */
function printOf(value: unknown): string {
  if (value instanceof Y.AbstractType) return `yjs:${JSON.stringify(value.toJSON())}`;
  return JSON.stringify(value) ?? 'undefined';
}

const printGrant = (g: CollabGrant) => JSON.stringify({ role: g.role, expiresAt: g.expiresAt });

/** Every field of the document as printed, to tell later whether a client moved it since. */
export interface DocPrint {
  general: Map<string, string>;
  grants: Map<string, string>;
}

export function printDoc(doc: Y.Doc): DocPrint {
  const general = new Map<string, string>();
  for (const [k, v] of doc.getMap('general').entries()) general.set(k, printOf(v));
  const grants = new Map<string, string>();
  for (const [k, v] of doc.getMap('grants').entries()) grants.set(k, printOf(v));
  return { general, grants };
}

/** A client's change, against the state the document was last written to. */
export interface SharingDelta {
  general?: GeneralAccess;
  /** userId → the grant wanted, or null for removed. */
  grants: Map<string, CollabGrant | null>;
}

const plain = (v: unknown) => (v instanceof Y.AbstractType ? undefined : v);

/**
 * What clients changed, read through the schemas: a field that is not what
 * the contract says (a wrong type, an unknown scope, a key that is not a
 * user id, a nested Yjs type) counts as unchanged. More than MAX_GRANTS valid
 * grants: the grants are left as they were.
 */
export function deltaOf(doc: Y.Doc, base: SharingState): SharingDelta {
  const generalMap = doc.getMap('general');
  const scope = GeneralScopeSchema.safeParse(plain(generalMap.get('scope')));
  const role = ShareRoleSchema.safeParse(plain(generalMap.get('role')));
  const general = { scope: scope.success ? scope.data : base.general.scope, role: role.success ? role.data : base.general.role };
  const delta: SharingDelta = { grants: new Map() };
  if (general.scope !== base.general.scope || general.role !== base.general.role) delta.general = general;

  const seen = new Map<string, CollabGrant>();
  for (const [key, value] of doc.getMap('grants').entries()) {
    if (!IdSchema.safeParse(key).success) continue;
    const grant = CollabGrantSchema.safeParse(plain(value));
    if (grant.success) seen.set(key, grant.data);
    else if (base.grants.has(key)) seen.set(key, base.grants.get(key)!);
  }
  if (seen.size > MAX_GRANTS) return delta;
  for (const [userId, grant] of seen) {
    const was = base.grants.get(userId);
    if (!was || !sameGrant(was, grant)) delta.grants.set(userId, grant);
  }
  for (const userId of base.grants.keys()) if (!seen.has(userId)) delta.grants.set(userId, null);
  return delta;
}

const sameGrant = (a: CollabGrant, b: CollabGrant) =>
  a.role === b.role && (a.expiresAt === b.expiresAt || (a.expiresAt !== null && b.expiresAt !== null && Date.parse(a.expiresAt) === Date.parse(b.expiresAt)));

export const isEmptyDelta = (d: SharingDelta) => d.general === undefined && d.grants.size === 0;

/**
 * A client's change applied to the state stored now (a three-way merge: a
 * change made meanwhile by another path — REST, a sweep — is kept unless the
 * client changed the same field), as the sharing service's input. Null when
 * nothing is left to store.
 */
export function inputOf(stored: SharingState, delta: SharingDelta, now: Date): PutSharing | null {
  const input: { general?: GeneralAccess; grants?: NonNullable<PutSharing['grants']> } = {};
  if (delta.general && (delta.general.scope !== stored.general.scope || delta.general.role !== stored.general.role)) input.general = delta.general;
  if (delta.grants.size) {
    const grants = new Map(stored.grants);
    for (const [userId, grant] of delta.grants) {
      if (grant === null) grants.delete(userId);
      // An end already past counts for nothing: the grant is not given.
      else if (grant.expiresAt !== null && Date.parse(grant.expiresAt) <= now.getTime()) grants.delete(userId);
      else grants.set(userId, grant);
    }
    const list = [...grants].map(([userId, g]) => ({ userId, role: g.role, expiresAt: g.expiresAt }));
    const changed = list.length !== stored.grants.size || list.some((g) => !stored.grants.has(g.userId) || !sameGrant(stored.grants.get(g.userId)!, g));
    if (changed && list.length <= MAX_GRANTS) input.grants = list;
  }
  return input.general || input.grants ? input : null;
}

/** Deletes whatever a type holds (entries and list content): junk a client put where the contract has nothing. */
function clearType(type: Y.AbstractType<any>, tr: Y.Transaction, keep: (key: string) => boolean = () => false) {
  for (const [key, item] of type._map) if (!item.deleted && !keep(key)) item.delete(tr);
  for (let item = type._start; item; item = item.right) if (!item.deleted) item.delete(tr);
}

/**
 * Writes `state` into the document as the server, field by field, leaving
 * alone a field a client moved since `since` was printed (that change is
 * processed next). Unknown top-level types, unknown keys and list content
 * are emptied. Nothing is written where the document already says it.
 */
export function writeState(doc: Y.Doc, state: SharingState, since?: DocPrint) {
  doc.transact((tr) => {
    for (const [name, type] of doc.share) if (!TOP_LEVEL.has(name)) clearType(type, tr);
    const general = doc.getMap('general');
    const grants = doc.getMap('grants');
    clearType(general, tr, (key) => (GENERAL_KEYS as readonly string[]).includes(key));
    clearType(grants, tr, () => true);

    const untouched = (field: 'general' | 'grants', key: string, now: string) => since === undefined || (since[field].get(key) ?? 'undefined') === now;
    for (const key of GENERAL_KEYS) {
      const now = printOf(general.get(key));
      const wanted = state.general[key];
      if (untouched('general', key, now) && now !== JSON.stringify(wanted)) general.set(key, wanted);
    }
    const keys = new Set([...grants.keys(), ...state.grants.keys()]);
    for (const key of keys) {
      const now = grants.has(key) ? printOf(grants.get(key)) : 'undefined';
      if (!untouched('grants', key, now)) continue;
      const wanted = state.grants.get(key);
      if (!wanted) {
        if (grants.has(key)) grants.delete(key);
      } else if (now !== printGrant(wanted)) grants.set(key, { role: wanted.role, expiresAt: wanted.expiresAt });
    }
  }, SERVER_ORIGIN);
}
