import type { AuditEntryView } from '$shared/schemas/workspaces.js';
import { AUDITED_TYPES, type AuditedType } from '$shared/event-map.js';
import type { Translator } from '../i18n/translate.js';
import { AuditWords, data, instant, namesOf, roleOf, text, whole, type Data } from './audit-words.js';
import { CONTENT_SENTENCES } from './audit-content.js';

/** What an entry says, read by the sentence of its type. */
interface Reading {
  e: AuditEntryView;
  before: Data;
  after: Data;
  w: AuditWords;
  actor: string;
}

/** A sentence, or null when the entry does not have the shape its type writes (an older server's): the generic sentence stands in. */
type Sentence = (r: Reading) => string | null;

const isSelf = (e: AuditEntryView) => e.actor !== null && e.target !== null && e.actor.id === e.target.id;

const stringsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string') : []);

/** Each change of a workspace as a clause ("turned on “API access”"); fields it does not know are left out. */
function workspaceChanges({ before, after, w }: Reading): string[] {
  const { t, plural } = w.tr;
  const clauses: string[] = [];
  const [was, name] = [text(before.name), text(after.name)];
  if (was && name) clauses.push(t('audit.change.name', { before: was, after: name }));
  if ('imageUrl' in after) clauses.push(t(after.imageUrl ? 'audit.change.image' : 'audit.change.image.removed'));
  for (const [field, setting] of [
    ['requireApproval', t('settings.requireApproval')],
    ['apiAccess', t('settings.apiAccess')],
  ] as const) {
    if (typeof after[field] === 'boolean') clauses.push(t(after[field] ? 'audit.change.on' : 'audit.change.off', { setting }));
  }
  if (after.billingMode === 'independent' || after.billingMode === 'inherited') clauses.push(t(`audit.change.billing.${after.billingMode}`));
  if (Array.isArray(after.companyDomains)) {
    const [old, now] = [stringsOf(before.companyDomains), stringsOf(after.companyDomains)];
    const added = now.filter((d) => !old.includes(d));
    const removed = old.filter((d) => !now.includes(d));
    if (added.length) clauses.push(plural('audit.change.domains.added', added.length, { list: w.list(added) }));
    if (removed.length) clauses.push(plural('audit.change.domains.removed', removed.length, { list: w.list(removed) }));
  }
  return clauses;
}

const ownership: Sentence = ({ e, w, actor }) => {
  const target = e.target?.kind === 'member' ? w.target(e) : null;
  return target ? w.tr.t('audit.ownership', { actor, target }) : w.tr.t('audit.ownership.unnamed', { actor });
};

const seats: Sentence = ({ before, after, w, actor }) => {
  const [was, now] = [whole(before.limit), whole(after.limit)];
  if (was === null || now === null) return null;
  const bought = whole(after.purchased) ?? now - was;
  return w.tr.plural('audit.seats', bought, { actor, count: w.number(bought), before: w.number(was), after: w.number(now) });
};

/** The terms of an invite link: "expires Dec 8, 2026, 10 uses"; a missing expiry or limit means none. */
function linkTerms({ after, w }: Reading): string {
  const { t, plural } = w.tr;
  const expires = instant(after.expiresAt);
  const uses = whole(after.maxUses);
  return t('audit.link.terms', {
    expiry: expires ? t('audit.link.expires', { date: w.date(expires) }) : t('audit.link.noExpiry'),
    uses: uses === null ? t('audit.link.unlimited') : plural('audit.link.uses', uses, { count: w.number(uses) }),
  });
}

const link =
  (key: 'audit.link.created' | 'audit.link.rotated'): Sentence =>
  (r) => {
    const role = roleOf(r.after.role);
    return role ? r.w.tr.t(key, { actor: r.actor, roles: r.w.roles(role), terms: linkTerms(r) }) : null;
  };

/** An asset's sentence with `{asset}` filled in from its kind and name (the entry's data, else the target's label). */
const asset =
  (key: 'audit.asset.created' | 'audit.asset.deleted', side: 'before' | 'after'): Sentence =>
  (r) => {
    const fields = r[side];
    const name = text(fields.name) ?? text(r.e.target?.label);
    return name ? r.w.tr.t(key, { actor: r.actor, asset: r.w.asset(fields.kind, name) }) : null;
  };

const SENTENCES: Record<AuditedType, Sentence> = {
  'workspace.updated': (r) => {
    // Entries written before ownership and seats had types of their own.
    if ('ownerId' in r.after) return ownership(r);
    if ('purchased' in r.after) return seats(r);
    const changes = workspaceChanges(r);
    if (!changes.length) return r.w.tr.t('audit.workspace.settings', { actor: r.actor });
    return r.w.tr.t('audit.workspace', { actor: r.actor, changes: r.w.list(changes) });
  },
  'ownership.transferred': ownership,
  'seats.purchased': seats,
  'avatarSlots.updated': ({ before, after, w, actor }) => {
    const [was, now] = [whole(before.avatarSlots), whole(after.avatarSlots)];
    if (now === null) return null;
    if (was === null) return w.tr.t('audit.avatarSlots.set', { actor, after: w.number(now) });
    return w.tr.t('audit.avatarSlots', { actor, before: w.number(was), after: w.number(now) });
  },

  // Someone who joins by link or domain adds themself; an add by no one (the system) reads the same.
  'member.added': ({ e, after, w, actor }) => {
    const [role, target] = [roleOf(after.role), w.target(e)];
    if (!role || !target) return null;
    if (!e.actor || isSelf(e)) return w.tr.t('audit.member.joined', { target, role: w.role(role) });
    return w.tr.t('audit.member.added', { actor, target, role: w.role(role) });
  },
  'member.updated': ({ e, before, after, w, actor }) => {
    const [was, now, target] = [roleOf(before.role), roleOf(after.role), w.target(e)];
    return was && now && target ? w.tr.t('audit.member.role', { actor, target, before: w.role(was), after: w.role(now) }) : null;
  },
  'member.removed': ({ e, w, actor }) => {
    const target = w.target(e);
    if (!target) return null;
    return isSelf(e) ? w.tr.t('audit.member.left', { target }) : w.tr.t('audit.member.removed', { actor, target });
  },

  'invitation.created': ({ e, after, w, actor }) => {
    const [role, target] = [roleOf(after.role), w.target(e)];
    return role && target ? w.tr.t('audit.invitation.sent', { actor, target, role: w.role(role) }) : null;
  },
  // A resend by an admin, or the invitee's answer (then the actor is the invitee).
  'invitation.updated': ({ e, after, w, actor }) => {
    const target = w.target(e);
    if (after.resent === true) {
      const expires = instant(after.expiresAt);
      return expires && target ? w.tr.t('audit.invitation.resent', { actor, target, date: w.date(expires) }) : null;
    }
    const invitee = e.actor ? actor : target;
    const role = roleOf(after.role);
    if (!invitee) return null;
    if (after.status === 'accepted' && role) return w.tr.t('audit.invitation.accepted', { actor: invitee, role: w.role(role) });
    if (after.status === 'declined') return w.tr.t('audit.invitation.declined', { actor: invitee });
    return null;
  },
  'invitation.revoked': ({ e, w, actor }) => {
    const target = w.target(e);
    return target ? w.tr.t('audit.invitation.revoked', { actor, target }) : null;
  },

  'inviteLink.created': link('audit.link.created'),
  'inviteLink.rotated': link('audit.link.rotated'),
  'inviteLink.revoked': ({ before, w, actor }) => {
    const role = roleOf(before.role);
    return role ? w.tr.t('audit.link.revoked', { actor, roles: w.roles(role) }) : w.tr.t('audit.link.revoked.unnamed', { actor });
  },
  'joinRequest.decided': ({ e, after, w, actor }) => {
    const [role, target] = [roleOf(after.role), w.target(e)];
    if (!target) return null;
    if (after.status === 'approved' && role) return w.tr.t('audit.request.approved', { actor, target, role: w.role(role) });
    if (after.status === 'denied') return w.tr.t('audit.request.denied', { actor, target });
    return null;
  },

  'asset.created': asset('audit.asset.created', 'after'),
  // A rename, or a new logo (an entry about the logo has no name: the target's label names the asset).
  'asset.updated': ({ e, before, after, w, actor }) => {
    const label = text(e.target?.label);
    if (after.logo === true && label) return w.tr.t('audit.asset.logo', { actor, asset: w.asset(after.kind, label) });
    const [was, name] = [text(before.name), text(after.name)];
    return was && name ? w.tr.t('audit.asset.renamed', { actor, asset: w.asset(before.kind, was), name }) : null;
  },
  'asset.deleted': asset('audit.asset.deleted', 'before'),
  'asset.shared': ({ e, after, w, actor }) => {
    const [names, name] = [namesOf(after.sharedWith), text(e.target?.label)];
    return names.length && name ? w.tr.t('audit.asset.shared', { actor, asset: w.asset(after.kind, name), list: w.list(names) }) : null;
  },
  // A workspace deleted since has no name left: the sentence says so rather than naming nothing.
  'asset.unshared': ({ e, before, w, actor }) => {
    const name = text(e.target?.label);
    if (!name || !Array.isArray(before.sharedWith)) return null;
    const names = namesOf(before.sharedWith);
    const phrase = w.asset(before.kind, name);
    return names.length ? w.tr.t('audit.asset.unshared', { actor, asset: phrase, list: w.list(names) }) : w.tr.t('audit.asset.unsharedUnnamed', { actor, asset: phrase });
  },

  'subworkspace.created': ({ e, after, w, actor }) => {
    const name = text(after.name) ?? text(e.target?.label);
    if (!name) return null;
    const billing = after.billingMode === 'independent' || after.billingMode === 'inherited' ? after.billingMode : null;
    if (!billing || typeof after.apiAccess !== 'boolean') return w.tr.t('audit.sub.created.plain', { actor, name });
    return w.tr.t('audit.sub.created', { actor, name, billing: w.tr.t(`audit.sub.billing.${billing}`), api: w.tr.t(after.apiAccess ? 'audit.sub.api.on' : 'audit.sub.api.off') });
  },
  'subworkspace.deleted': ({ e, before, w, actor }) => {
    const name = text(before.name) ?? text(e.target?.label);
    if (!name) return null;
    const members = whole(before.members);
    return members ? w.tr.plural('audit.sub.deletedWithMembers', members, { actor, name, count: w.number(members) }) : w.tr.t('audit.sub.deleted', { actor, name });
  },
  'purchase.completed': ({ after, w, actor }) => {
    const quantity = whole(after.quantity);
    const item = after.item === 'seats' || after.item === 'generative_credits' || after.item === 'api_credits' ? after.item : null;
    if (quantity === null || !item) return null;
    return w.tr.plural(`audit.purchase.${item}`, quantity, { actor, amount: w.number(quantity) });
  },
  // What the sub-workspace has available, before and after: only the kinds that changed are told.
  'allocation.updated': ({ e, before, after, w, actor }) => {
    const name = text(e.target?.label);
    if (!name) return null;
    const changes = (['generative', 'api'] as const).flatMap((kind) => {
      const [was, now] = [whole(before[kind]), whole(after[kind])];
      return now !== null && was !== now ? [w.tr.t(`audit.allocation.${kind}`, { before: w.number(was ?? 0), after: w.number(now) })] : [];
    });
    if (!changes.length) return w.tr.t('audit.allocation.plain', { actor, name });
    return w.tr.t('audit.allocation', { actor, name, changes: w.list(changes) });
  },
  'billing.updated': ({ e, after, w, actor }) => {
    const name = text(e.target?.label);
    const mode = after.billingMode === 'independent' || after.billingMode === 'inherited' ? after.billingMode : null;
    return name && mode ? w.tr.t(`audit.billing.${mode}`, { actor, name }) : null;
  },
  'apiKey.created': ({ e, after, w, actor }) => {
    const [name, prefix] = [text(after.name) ?? text(e.target?.label), text(after.prefix)];
    if (!name || !prefix) return null;
    const expires = instant(after.expiresAt);
    return expires ? w.tr.t('audit.apiKey.created', { actor, name, prefix, date: w.date(expires) }) : w.tr.t('audit.apiKey.createdNoExpiry', { actor, name, prefix });
  },
  'apiKey.revoked': ({ e, before, w, actor }) => {
    const [name, prefix] = [text(before.name) ?? text(e.target?.label), text(before.prefix)];
    if (!name) return null;
    return prefix ? w.tr.t('audit.apiKey.revoked', { actor, name, prefix }) : w.tr.t('audit.apiKey.revoked.plain', { actor, name });
  },
  ...CONTENT_SENTENCES,
};

export const isAuditedType = (type: string): type is AuditedType => (AUDITED_TYPES as readonly string[]).includes(type);

/** "Made a change", with the type's name when it is a known one and the target when there is one. */
function genericSentence({ e, w, actor }: Reading): string {
  const target = w.target(e);
  if (!isAuditedType(e.type)) return target ? w.tr.t('audit.unknown.target', { actor, target }) : w.tr.t('audit.unknown', { actor });
  const what = w.tr.t(`audit.type.${e.type}`);
  return target ? w.tr.t('audit.generic.target', { actor, target, what }) : w.tr.t('audit.generic', { actor, what });
}

/**
 * The sentence of every audit entry in one locale ("Olivia invited
 * ana@x.io as Creator"): people by name, roles by their display names,
 * dates, numbers and lists as the locale writes them, never an id. An
 * entry of an unknown type or shape reads as a generic sentence.
 */
export function auditSentences(tr: Translator): (entry: AuditEntryView) => string {
  const w = new AuditWords(tr);
  return (e) => {
    const r: Reading = { e, before: data(e.before), after: data(e.after), w, actor: w.actor(e) };
    return (isAuditedType(e.type) ? SENTENCES[e.type](r) : null) ?? genericSentence(r);
  };
}
