import { describe, expect, it } from 'vitest';
import { resolveAccess, type AccessFacts, type ChainItem, type GrantFact } from '../../shared/access.js';
import type { Role } from '../../shared/schemas/auth.js';
import type { AccessLevel, AccessReason, GeneralScope, ShareRole } from '../../shared/schemas/content.js';

/**
 * The access resolver as a table: every combination of the facts it decides
 * from, each checked against a small oracle written here from the rules
 * (DESIGN.md §1.5, API.md "Content and sharing"), not from the resolver.
 */

const NOW = new Date('2026-06-01T12:00:00.000Z');
const FUTURE = '2026-06-02T12:00:00.000Z';
const PAST = '2026-05-31T12:00:00.000Z';
const ME = 'me';
const SOMEONE = 'someone';

type RoleCase = Role | 'none';
type Where = 'item' | 'parent' | 'grandparent';
type GrantSource = 'none' | Where;
type Expiry = 'none' | 'future' | 'past';
type Ownership = 'none' | Where;

interface Row {
  role: RoleCase;
  grant: GrantSource;
  grantRole: ShareRole;
  expiry: Expiry;
  scope: GeneralScope;
  generalRole: ShareRole;
  generalOn: Where;
  owner: Ownership;
}

const ROLES: RoleCase[] = ['super_admin', 'developer', 'creator', 'viewer', 'none'];
const SOURCES: GrantSource[] = ['none', 'item', 'parent', 'grandparent'];
const SHARE_ROLES: ShareRole[] = ['view', 'edit'];
const EXPIRIES: Expiry[] = ['none', 'future', 'past'];
const SCOPES: GeneralScope[] = ['only_me', 'selected', 'workspace'];
const PLACES: Where[] = ['item', 'parent', 'grandparent'];
const OWNERSHIPS: Ownership[] = ['none', 'item', 'parent', 'grandparent'];

const IDS: Record<Where, string> = { grandparent: 'gp', parent: 'p', item: 'i' };
const NAMES: Record<Where, string> = { grandparent: 'Top', parent: 'Middle', item: 'Draft' };

function factsOf(row: Row): AccessFacts {
  const chain: ChainItem[] = (['grandparent', 'parent', 'item'] as Where[]).map((w) => ({
    id: IDS[w],
    name: NAMES[w],
    ownerId: row.owner === w ? ME : SOMEONE,
    general: row.generalOn === w ? { scope: row.scope, role: row.generalRole } : { scope: 'only_me', role: 'view' },
  }));
  const grants: GrantFact[] =
    row.grant === 'none' ? [] : [{ itemId: IDS[row.grant], role: row.grantRole, expiresAt: row.expiry === 'none' ? null : row.expiry === 'future' ? FUTURE : PAST }];
  return { userId: ME, role: row.role === 'none' ? null : row.role, chain, grants, now: NOW };
}

/** The rules, said once more: each source of access, what it gives, capped for Viewers. */
function oracle(row: Row): { access: AccessLevel; manage: boolean; capped: boolean; reasons: AccessReason[] } {
  if (row.role === 'none') return { access: 'none', manage: false, capped: false, reasons: [] };
  const via = (w: Where) => ({ id: IDS[w], name: NAMES[w] });
  const reasons: AccessReason[] = [];
  // Super Admins see and manage all content of their workspace.
  if (row.role === 'super_admin') reasons.push({ kind: 'role', role: 'edit' });
  // An owner edits what they own, and what is inside a folder they own.
  if (row.owner === 'item') reasons.push({ kind: 'owner', role: 'edit' });
  else if (row.owner !== 'none') reasons.push({ kind: 'folder', role: 'edit', via: via(row.owner) });
  // A live grant (no end, or an end still ahead) on the item or a folder above.
  if (row.grant !== 'none' && row.expiry !== 'past') {
    const expiresAt = row.expiry === 'future' ? { expiresAt: FUTURE } : {};
    reasons.push(row.grant === 'item' ? { kind: 'direct', role: row.grantRole, ...expiresAt } : { kind: 'folder', role: row.grantRole, via: via(row.grant), ...expiresAt });
  }
  // General access "anyone in the workspace" of the item or a folder above; "only me" and "selected" give nobody anything.
  if (row.scope === 'workspace') reasons.push(row.generalOn === 'item' ? { kind: 'general', role: row.generalRole } : { kind: 'general', role: row.generalRole, via: via(row.generalOn) });
  if (reasons.length === 0) return { access: 'none', manage: false, capped: false, reasons: [] };
  const best: ShareRole = reasons.some((r) => r.role === 'edit') ? 'edit' : 'view';
  const capped = row.role === 'viewer' && best === 'edit';
  const access: AccessLevel = capped ? 'view' : best;
  return { access, manage: access === 'edit' && row.role !== 'viewer', capped, reasons };
}

const KIND_ORDER = ['owner', 'role', 'direct', 'folder', 'general'];
const strength = (r: AccessReason) => (r.role === 'edit' ? 2 : 1);
const canonical = (reasons: AccessReason[]) => [...reasons].map((r) => JSON.stringify(r)).sort();

function* rows(): Generator<Row> {
  for (const role of ROLES)
    for (const grant of SOURCES)
      for (const grantRole of grant === 'none' ? (['view'] as ShareRole[]) : SHARE_ROLES)
        for (const expiry of grant === 'none' ? (['none'] as Expiry[]) : EXPIRIES)
          for (const scope of SCOPES)
            for (const generalRole of SHARE_ROLES)
              for (const generalOn of PLACES) for (const owner of OWNERSHIPS) yield { role, grant, grantRole, expiry, scope, generalRole, generalOn, owner };
}

describe('the access resolver, as a table', () => {
  const all = [...rows()];

  it('covers every combination of role × grant source × grant role × expiry × general access × ownership', () => {
    // 5 roles × (1 without a grant + 3 sources × 2 roles × 3 expiries) × 3 scopes × 2 roles × 3 places × 4 ownerships
    expect(all.length).toBe(5 * (1 + 3 * 2 * 3) * 3 * 2 * 3 * 4);
  });

  it('answers every row as the oracle does: access, manage, the Viewer cap and every reason, strongest first', () => {
    const mismatches: string[] = [];
    for (const row of all) {
      const got = resolveAccess(factsOf(row));
      const want = oracle(row);
      const same =
        got.access === want.access &&
        got.manage === want.manage &&
        got.capped === want.capped &&
        JSON.stringify(canonical(got.reasons)) === JSON.stringify(canonical(want.reasons)) &&
        got.reasons.every((r, i) => i === 0 || strength(got.reasons[i - 1]!) > strength(r) || (strength(got.reasons[i - 1]!) === strength(r) && KIND_ORDER.indexOf(got.reasons[i - 1]!.kind) <= KIND_ORDER.indexOf(r.kind)));
      if (!same) mismatches.push(`${JSON.stringify(row)} → got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('the table holds every outcome: none, view and edit, capped and not, managed and not', () => {
    const outcomes = new Set(all.map((row) => JSON.stringify((({ access, manage, capped }) => ({ access, manage, capped }))(resolveAccess(factsOf(row))))));
    expect([...outcomes].sort()).toEqual(
      [
        { access: 'none', manage: false, capped: false },
        { access: 'view', manage: false, capped: false },
        { access: 'view', manage: false, capped: true },
        { access: 'edit', manage: true, capped: false },
      ]
        .map((o) => JSON.stringify(o))
        .sort(),
    );
  });
});

describe('the access resolver, spot rows', () => {
  const base: Row = { role: 'creator', grant: 'none', grantRole: 'view', expiry: 'none', scope: 'only_me', generalRole: 'view', generalOn: 'item', owner: 'none' };
  const at = (over: Partial<Row>) => resolveAccess(factsOf({ ...base, ...over }));

  it('a member with nothing: none; the same with a grant that ended: none', () => {
    expect(at({})).toEqual({ access: 'none', manage: false, capped: false, reasons: [] });
    expect(at({ grant: 'item', grantRole: 'edit', expiry: 'past' })).toEqual({ access: 'none', manage: false, capped: false, reasons: [] });
  });

  it('a grant that ends exactly now counts for nothing', () => {
    const facts = factsOf({ ...base, grant: 'item', grantRole: 'edit', expiry: 'future' });
    expect(resolveAccess({ ...facts, now: new Date(FUTURE) }).access).toBe('none');
    expect(resolveAccess({ ...facts, now: new Date(Date.parse(FUTURE) - 1) }).access).toBe('edit');
  });

  it('someone not in the workspace gets nothing, whatever they were given or own', () => {
    expect(at({ role: 'none', grant: 'item', grantRole: 'edit', owner: 'item', scope: 'workspace', generalRole: 'edit' })).toEqual({ access: 'none', manage: false, capped: false, reasons: [] });
  });

  it('a Viewer granted edit on a folder above gets view, capped, and may not manage', () => {
    expect(at({ role: 'viewer', grant: 'grandparent', grantRole: 'edit', expiry: 'future' })).toEqual({
      access: 'view',
      manage: false,
      capped: true,
      reasons: [{ kind: 'folder', role: 'edit', via: { id: 'gp', name: 'Top' }, expiresAt: FUTURE }],
    });
  });

  it('a Viewer who owns the item still only views it', () => {
    expect(at({ role: 'viewer', owner: 'item' })).toEqual({ access: 'view', manage: false, capped: true, reasons: [{ kind: 'owner', role: 'edit' }] });
  });

  it('a Super Admin edits and manages everything, with the role as the reason, and the other reasons after it', () => {
    expect(at({ role: 'super_admin', scope: 'workspace', generalRole: 'view', generalOn: 'parent' })).toEqual({
      access: 'edit',
      manage: true,
      capped: false,
      reasons: [{ kind: 'role', role: 'edit' }, { kind: 'general', role: 'view', via: { id: 'p', name: 'Middle' } }],
    });
  });

  it('the highest access wins: a view grant on the item and edit for the workspace on a folder above give edit', () => {
    expect(at({ grant: 'item', grantRole: 'view', scope: 'workspace', generalRole: 'edit', generalOn: 'grandparent' })).toEqual({
      access: 'edit',
      manage: true,
      capped: false,
      reasons: [{ kind: 'general', role: 'edit', via: { id: 'gp', name: 'Top' } }, { kind: 'direct', role: 'view' }],
    });
  });

  it('"selected" and "only me" give nobody anything by themselves; "workspace" gives every member its role', () => {
    expect(at({ scope: 'selected', generalRole: 'edit' }).access).toBe('none');
    expect(at({ scope: 'only_me', generalRole: 'edit' }).access).toBe('none');
    expect(at({ role: 'developer', scope: 'workspace', generalRole: 'view' })).toEqual({ access: 'view', manage: false, capped: false, reasons: [{ kind: 'general', role: 'view' }] });
  });

  it('owning a folder above gives edit on what is inside it, said as "via the folder"', () => {
    expect(at({ owner: 'parent' })).toEqual({ access: 'edit', manage: true, capped: false, reasons: [{ kind: 'folder', role: 'edit', via: { id: 'p', name: 'Middle' } }] });
  });

  it('a grant on an item outside the chain counts for nothing', () => {
    const facts = factsOf(base);
    expect(resolveAccess({ ...facts, grants: [{ itemId: 'elsewhere', role: 'edit', expiresAt: null }] }).access).toBe('none');
  });

  it('an empty chain (no item) is none, even for a Super Admin', () => {
    expect(resolveAccess({ userId: ME, role: 'super_admin', chain: [], grants: [], now: NOW }).access).toBe('none');
  });
});
