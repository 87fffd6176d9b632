import type { Role } from './schemas/auth.js';
import type { AccessLevel, AccessReason, GeneralAccess, ItemRef, ShareRole } from './schemas/content.js';
import { can } from './permissions.js';

/**
 * The one access resolver for content. Pure: it decides from the facts
 * alone, and every route, list, socket fan-out, co-editing hook and the
 * "who has access and why" view asks it. The server's loader gathers the
 * facts (server/content/access-loader.ts); the web app may call it on facts
 * it was sent, but never decides anything the server has not.
 */

/** One item of the chain from the top folder down to the item itself. */
export interface ChainItem {
  id: string;
  name: string;
  ownerId: string;
  general: GeneralAccess;
}

/** A direct grant to the person, on the item or on a folder above it. */
export interface GrantFact {
  itemId: string;
  role: ShareRole;
  /** ISO time; null = no end. */
  expiresAt: string | null;
}

export interface AccessFacts {
  userId: string;
  /**
   * The person's role in the item's workspace as the workspace access gives
   * it (a Super Admin of a workspace above counts as `super_admin`); null when
   * they are not in it (a grant to someone who left counts for nothing).
   */
  role: Role | null;
  /** Top folder first, the item itself last. */
  chain: ChainItem[];
  grants: GrantFact[];
  now: Date;
}

export interface Resolution {
  access: AccessLevel;
  /** Whether they may change the item's sharing: edit access, and never a Viewer. */
  manage: boolean;
  /** True when the Viewer ceiling lowered edit to view. */
  capped: boolean;
  /** Every reason that gives access, strongest first; empty for none. */
  reasons: AccessReason[];
}

const rank: Record<AccessLevel, number> = { none: 0, view: 1, edit: 2 };
const reasonOrder = ['owner', 'role', 'direct', 'folder', 'general'] as const;

/** The higher of two access levels. */
export const maxAccess = (a: AccessLevel, b: AccessLevel): AccessLevel => (rank[a] >= rank[b] ? a : b);
/** Whether `a` gives at least what `b` does. */
export const atLeast = (a: AccessLevel, b: AccessLevel) => rank[a] >= rank[b];

/** Whether a grant still counts at `now` (an expired grant counts for nothing). */
export const grantActive = (g: { expiresAt: string | null }, now: Date) => g.expiresAt === null || Date.parse(g.expiresAt) > now.getTime();

export function resolveAccess(facts: AccessFacts): Resolution {
  const { role, chain, now } = facts;
  const none: Resolution = { access: 'none', manage: false, capped: false, reasons: [] };
  if (role === null || chain.length === 0) return none;
  const item = chain[chain.length - 1]!;
  const ref = (c: ChainItem): ItemRef => ({ id: c.id, name: c.name });
  const reasons: AccessReason[] = [];

  if (can(role, 'content.manage_all')) reasons.push({ kind: 'role', role: 'edit' });
  for (const c of chain) {
    const self = c.id === item.id;
    if (c.ownerId === facts.userId) reasons.push(self ? { kind: 'owner', role: 'edit' } : { kind: 'folder', role: 'edit', via: ref(c) });
    if (c.general.scope === 'workspace') reasons.push(self ? { kind: 'general', role: c.general.role } : { kind: 'general', role: c.general.role, via: ref(c) });
  }
  const position = new Map(chain.map((c, i) => [c.id, i]));
  for (const g of facts.grants) {
    const at = position.get(g.itemId);
    if (at === undefined || !grantActive(g, now)) continue;
    const c = chain[at]!;
    const expiry = g.expiresAt ? { expiresAt: new Date(g.expiresAt).toISOString() } : {};
    reasons.push(c.id === item.id ? { kind: 'direct', role: g.role, ...expiry } : { kind: 'folder', role: g.role, via: ref(c), ...expiry });
  }
  if (reasons.length === 0) return none;

  reasons.sort((a, b) => rank[b.role] - rank[a.role] || reasonOrder.indexOf(a.kind) - reasonOrder.indexOf(b.kind));
  const granted: AccessLevel = reasons[0]!.role;
  // Viewers stay view-only, whatever they are given.
  const capped = role === 'viewer' && granted === 'edit';
  const access: AccessLevel = capped ? 'view' : granted;
  return { access, manage: access === 'edit' && role !== 'viewer', capped, reasons };
}

/** The most a person with `own` access may give anyone else (nobody grants more than they have). */
export const mayGive = (own: AccessLevel, wanted: ShareRole) => atLeast(own, wanted);
