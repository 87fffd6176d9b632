import { describe, expect, it } from 'vitest';
import { AUDITED_TYPES } from '../../shared/event-map.js';
import type { AuditEntryView } from '../../shared/schemas/workspaces.js';
import { translator } from '../../web/src/lib/i18n/translate.js';
import { auditSentences } from '../../web/src/lib/workspaces/audit-sentences.js';
import { AUDIT_FILTER } from '../../web/src/lib/workspaces/audit-types.js';

const olivia = { id: 'u-olivia', name: 'Olivia Admin', email: 'olivia@x.io' };
const ana = { id: 'u-ana', name: 'Ana Lima', email: 'ana@x.io' };
const dev = { id: 'u-dev', name: 'Dev Patel', email: 'dev@x.io' };
const chloe = { id: 'u-chloe', name: 'Chloé Martin', email: 'chloe@x.io' };

const anaMember = { kind: 'member', id: ana.id, label: 'Ana Lima <ana@x.io>' };
const chloeMember = { kind: 'member', id: chloe.id, label: 'Chloé Martin <chloe@x.io>' };
const anaInvitation = { kind: 'invitation', id: 'inv-1', label: 'ana@x.io' };
const workspace = { kind: 'workspace', id: 'w-1', label: 'Umbrella Works' };
const link = { kind: 'inviteLink', id: 'w-1', label: 'Umbrella Works' };
const brandKit = { kind: 'asset', id: 'a-1', label: 'Acme' };
const launchItem = { kind: 'item', id: 'f-1', label: 'Launch' };
const draftItem = { kind: 'item', id: 'd-1', label: 'Welcome' };
const videoItem = { kind: 'item', id: 'v-1', label: 'Tour' };
// Noon UTC: the same day in every time zone the tests may run in.
const DEC_8 = '2026-12-08T12:00:00.000Z';

function entry(type: string, fields: Partial<AuditEntryView>): AuditEntryView {
  return { id: `e-${type}`, type, actor: olivia, target: null, before: null, after: null, at: '2026-05-01T10:00:00.000Z', ...fields };
}

const en = auditSentences(translator('en'));
const fr = auditSentences(translator('fr'));
/** French as written below, with the non-breaking spaces French puts inside « » and before a colon. */
const nbsp = (s: string) => s.replace(/« /g, '«\u00a0').replace(/ »/g, '\u00a0»').replace(/ : /g, '\u00a0: ');

/** Every audited type in each shape the server writes, with its sentence in English and French. */
const CASES: Array<{ case: string; entry: AuditEntryView; en: string; fr: string }> = [
  {
    case: 'a rename',
    entry: entry('workspace.updated', { target: workspace, before: { name: 'Umbrella Works' }, after: { name: 'Umbrella Studio' } }),
    en: 'Olivia Admin renamed the workspace from “Umbrella Works” to “Umbrella Studio”',
    fr: 'Olivia Admin a renommé l’espace « Umbrella Works » en « Umbrella Studio »',
  },
  {
    case: 'approval turned on',
    entry: entry('workspace.updated', { target: workspace, before: { requireApproval: false }, after: { requireApproval: true } }),
    en: 'Olivia Admin turned on “Require approval to join”',
    fr: 'Olivia Admin a activé « Exiger une approbation pour rejoindre »',
  },
  {
    case: 'several settings at once',
    entry: entry('workspace.updated', {
      target: workspace,
      before: { apiAccess: true, billingMode: 'inherited', companyDomains: ['old.io'] },
      after: { apiAccess: false, billingMode: 'independent', companyDomains: ['acme.io', 'acme.fr'] },
    }),
    en: 'Olivia Admin turned off “API access”, made billing independent of the parent, added the company email domains acme.io and acme.fr, and removed the company email domain old.io',
    fr: 'Olivia Admin a désactivé « Accès API », a rendu la facturation indépendante du parent, a ajouté les domaines e-mail d’entreprise acme.io et acme.fr et a retiré le domaine e-mail d’entreprise old.io',
  },
  {
    case: 'billing inherited again, a domain added to none',
    entry: entry('workspace.updated', { target: workspace, before: { billingMode: 'independent', companyDomains: [] }, after: { billingMode: 'inherited', companyDomains: ['acme.io'] } }),
    en: 'Olivia Admin made billing inherited from the parent and added the company email domain acme.io',
    fr: 'Olivia Admin a fait hériter la facturation du parent et a ajouté le domaine e-mail d’entreprise acme.io',
  },
  {
    case: 'a new image',
    entry: entry('workspace.updated', { target: workspace, before: { imageUrl: null }, after: { imageUrl: '/api/images/img-1' } }),
    en: 'Olivia Admin changed the workspace image',
    fr: 'Olivia Admin a changé l’image de l’espace',
  },
  {
    case: 'the image removed',
    entry: entry('workspace.updated', { target: workspace, before: { imageUrl: '/api/images/img-1' }, after: { imageUrl: null } }),
    en: 'Olivia Admin removed the workspace image',
    fr: 'Olivia Admin a retiré l’image de l’espace',
  },
  {
    case: 'a field it does not know',
    entry: entry('workspace.updated', { target: workspace, before: { theme: 'dark' }, after: { theme: 'light' } }),
    en: 'Olivia Admin changed the workspace settings',
    fr: 'Olivia Admin a modifié les paramètres de l’espace',
  },
  {
    case: 'an older ownership entry (as a workspace change)',
    entry: entry('workspace.updated', { target: workspace, before: { ownerId: olivia.id }, after: { ownerId: chloe.id } }),
    en: 'Olivia Admin transferred ownership of the workspace',
    fr: 'Olivia Admin a transféré la propriété de l’espace',
  },
  {
    case: 'an older seat purchase (as a workspace change)',
    entry: entry('workspace.updated', { target: workspace, before: { limit: 10 }, after: { limit: 15, purchased: 5 } }),
    en: 'Olivia Admin bought 5 seats (10 → 15)',
    fr: 'Olivia Admin a acheté 5 places (10 → 15)',
  },
  {
    case: 'ownership',
    entry: entry('ownership.transferred', { target: chloeMember, before: { ownerId: olivia.id }, after: { ownerId: chloe.id } }),
    en: 'Olivia Admin transferred ownership to Chloé Martin',
    fr: 'Olivia Admin a transféré la propriété de l’espace à Chloé Martin',
  },
  {
    case: 'seats',
    entry: entry('seats.purchased', { target: { kind: 'seats', id: 'w-1', label: 'Umbrella Works' }, before: { limit: 10 }, after: { limit: 15, purchased: 5 } }),
    en: 'Olivia Admin bought 5 seats (10 → 15)',
    fr: 'Olivia Admin a acheté 5 places (10 → 15)',
  },
  {
    case: 'one seat, to a pool of thousands',
    entry: entry('seats.purchased', { target: { kind: 'seats', id: 'w-1', label: 'Umbrella Works' }, before: { limit: 1199 }, after: { limit: 1200, purchased: 1 } }),
    en: 'Olivia Admin bought 1 seat (1,199 → 1,200)',
    fr: 'Olivia Admin a acheté 1 place (1\u202f199 → 1\u202f200)',
  },
  {
    case: 'avatar slots',
    entry: entry('avatarSlots.updated', { target: { kind: 'avatarSlots', id: 'w-1', label: 'Umbrella Works' }, before: { avatarSlots: 5 }, after: { avatarSlots: 8 } }),
    en: 'Olivia Admin changed the avatar slots from 5 to 8',
    fr: 'Olivia Admin a fait passer les emplacements d’avatar de 5 à 8',
  },
  {
    case: 'a member added by an admin',
    entry: entry('member.added', { target: anaMember, after: { role: 'viewer' } }),
    en: 'Olivia Admin added Ana Lima as Viewer',
    fr: 'Olivia Admin a ajouté Ana Lima en tant que Lecteur',
  },
  {
    case: 'a person who joined by link or domain',
    entry: entry('member.added', { actor: ana, target: anaMember, after: { role: 'viewer' } }),
    en: 'Ana Lima joined as Viewer',
    fr: 'Ana Lima a rejoint l’espace en tant que Lecteur',
  },
  {
    case: 'a member added by the system',
    entry: entry('member.added', { actor: null, target: anaMember, after: { role: 'super_admin' } }),
    en: 'Ana Lima joined as Super Admin',
    fr: 'Ana Lima a rejoint l’espace en tant que Super administrateur',
  },
  {
    case: 'a role change',
    entry: entry('member.updated', { target: chloeMember, before: { role: 'viewer' }, after: { role: 'creator' } }),
    en: 'Olivia Admin changed the role of Chloé Martin from Viewer to Creator',
    fr: 'Olivia Admin a fait passer Chloé Martin du rôle Lecteur au rôle Créateur',
  },
  {
    case: 'a removal',
    entry: entry('member.removed', { target: chloeMember, before: { role: 'developer' }, after: null }),
    en: 'Olivia Admin removed Chloé Martin from the workspace',
    fr: 'Olivia Admin a retiré Chloé Martin de l’espace',
  },
  {
    case: 'a member who left',
    entry: entry('member.removed', { actor: ana, target: anaMember, before: { role: 'viewer' }, after: null }),
    en: 'Ana Lima left the workspace',
    fr: 'Ana Lima a quitté l’espace',
  },
  {
    case: 'an invitation',
    entry: entry('invitation.created', { target: anaInvitation, after: { status: 'sent', role: 'creator' } }),
    en: 'Olivia Admin invited ana@x.io as Creator',
    fr: 'Olivia Admin a invité ana@x.io en tant que Créateur',
  },
  {
    case: 'a resend of an expired invitation',
    entry: entry('invitation.updated', { target: anaInvitation, before: { status: 'expired', expiresAt: '2026-11-01T12:00:00.000Z' }, after: { status: 'sent', expiresAt: DEC_8, resent: true } }),
    en: 'Olivia Admin resent the invitation to ana@x.io (expires Dec 8, 2026)',
    fr: 'Olivia Admin a renvoyé l’invitation à ana@x.io (expire le 8 déc. 2026)',
  },
  {
    case: 'an invitation accepted',
    entry: entry('invitation.updated', { actor: ana, target: anaInvitation, before: { status: 'sent' }, after: { status: 'accepted', role: 'creator' } }),
    en: 'Ana Lima accepted the invitation as Creator',
    fr: 'Ana Lima a accepté l’invitation en tant que Créateur',
  },
  {
    case: 'an invitation declined',
    entry: entry('invitation.updated', { actor: ana, target: anaInvitation, before: { status: 'sent' }, after: { status: 'declined', role: 'creator' } }),
    en: 'Ana Lima declined the invitation',
    fr: 'Ana Lima a refusé l’invitation',
  },
  {
    case: 'an invitation revoked',
    entry: entry('invitation.revoked', { target: anaInvitation, before: { status: 'sent' }, after: { status: 'revoked', role: 'creator' } }),
    en: 'Olivia Admin revoked the invitation to ana@x.io',
    fr: 'Olivia Admin a révoqué l’invitation envoyée à ana@x.io',
  },
  {
    case: 'an invite link with an expiry and a use limit',
    entry: entry('inviteLink.created', { actor: dev, target: link, after: { role: 'creator', expiresAt: DEC_8, maxUses: 10 } }),
    en: 'Dev Patel created the invite link for Creators (expires Dec 8, 2026, 10 uses)',
    fr: 'Dev Patel a créé le lien d’invitation pour les Créateurs (expire le 8 déc. 2026, 10 utilisations)',
  },
  {
    case: 'an invite link without either',
    entry: entry('inviteLink.created', { target: link, after: { role: 'developer', expiresAt: null, maxUses: null } }),
    en: 'Olivia Admin created the invite link for Developers (no expiry, unlimited uses)',
    fr: 'Olivia Admin a créé le lien d’invitation pour les Développeurs (sans expiration, utilisations illimitées)',
  },
  {
    case: 'a rotated link',
    entry: entry('inviteLink.rotated', { target: link, before: { role: 'creator' }, after: { role: 'viewer', expiresAt: null, maxUses: 1 } }),
    en: 'Olivia Admin rotated the invite link, now for Viewers (no expiry, 1 use)',
    fr: 'Olivia Admin a renouvelé le lien d’invitation, désormais pour les Lecteurs (sans expiration, 1 utilisation)',
  },
  {
    case: 'a revoked link',
    entry: entry('inviteLink.revoked', { target: link, before: { role: 'super_admin' }, after: null }),
    en: 'Olivia Admin revoked the invite link for Super Admins',
    fr: 'Olivia Admin a révoqué le lien d’invitation pour les Super administrateurs',
  },
  {
    case: 'a join request approved',
    entry: entry('joinRequest.decided', { target: { kind: 'joinRequest', id: 'jr-1', label: 'ana@x.io' }, before: { status: 'pending' }, after: { status: 'approved', role: 'viewer' } }),
    en: 'Olivia Admin approved ana@x.io’s request to join as Viewer',
    fr: 'Olivia Admin a approuvé la demande d’accès envoyée par ana@x.io, qui rejoint l’espace en tant que Lecteur',
  },
  {
    case: 'a join request denied (a label with the name reads by the name)',
    entry: entry('joinRequest.decided', { target: { kind: 'joinRequest', id: 'jr-1', label: 'Ana Lima <ana@x.io>' }, before: { status: 'pending' }, after: { status: 'denied', role: 'viewer' } }),
    en: 'Olivia Admin denied Ana Lima’s request to join',
    fr: 'Olivia Admin a refusé la demande d’accès envoyée par Ana Lima',
  },
  {
    case: 'a brand kit created',
    entry: entry('asset.created', { target: brandKit, after: { kind: 'brand_kit', name: 'Acme' } }),
    en: 'Olivia Admin created the brand kit “Acme”',
    fr: 'Olivia Admin a créé la charte graphique « Acme »',
  },
  {
    case: 'a voice renamed',
    entry: entry('asset.updated', { target: { kind: 'asset', id: 'a-2', label: 'Narrator 2' }, before: { kind: 'voice', name: 'Narrator' }, after: { kind: 'voice', name: 'Narrator 2' } }),
    en: 'Olivia Admin renamed the voice “Narrator” to “Narrator 2”',
    fr: 'Olivia Admin a renommé la voix « Narrator » en « Narrator 2 »',
  },
  {
    case: 'a new logo',
    entry: entry('asset.updated', { target: brandKit, before: { kind: 'brand_kit', logo: false }, after: { kind: 'brand_kit', logo: true } }),
    en: 'Olivia Admin uploaded a new logo for the brand kit “Acme”',
    fr: 'Olivia Admin a importé un nouveau logo pour la charte graphique « Acme »',
  },
  {
    case: 'an avatar deleted',
    entry: entry('asset.deleted', { target: { kind: 'asset', id: 'a-3', label: 'Ana look' }, before: { kind: 'avatar', name: 'Ana look' }, after: null }),
    en: 'Olivia Admin deleted the avatar “Ana look”',
    fr: 'Olivia Admin a supprimé l’avatar « Ana look »',
  },
  {
    case: 'a brand kit shared',
    entry: entry('asset.shared', {
      actor: chloe,
      target: brandKit,
      after: { kind: 'brand_kit', sharedWith: [{ id: 'w-a', name: 'Client A' }, { id: 'w-b', name: 'Client B' }] },
    }),
    en: 'Chloé Martin shared the brand kit “Acme” with Client A and Client B',
    fr: 'Chloé Martin a partagé la charte graphique « Acme » avec Client A et Client B',
  },
  {
    case: 'a template unshared',
    entry: entry('asset.unshared', { target: { kind: 'asset', id: 'a-4', label: 'Intro' }, before: { kind: 'template', sharedWith: [{ id: 'w-a', name: 'Client A' }] }, after: null }),
    en: 'Olivia Admin stopped sharing the template “Intro” with Client A',
    fr: 'Olivia Admin a cessé de partager le modèle « Intro » avec Client A',
  },
  {
    case: 'unshared from a workspace deleted since',
    entry: entry('asset.unshared', { target: { kind: 'asset', id: 'a-4', label: 'Intro' }, before: { kind: 'template', sharedWith: [{ id: 'w-gone', name: '' }] }, after: null }),
    en: 'Olivia Admin stopped sharing the template “Intro” with a workspace that no longer exists',
    fr: 'Olivia Admin a cessé de partager le modèle « Intro » avec un espace qui n’existe plus',
  },
  {
    case: 'a sub-workspace created',
    entry: entry('subworkspace.created', { target: { kind: 'workspace', id: 'w-a', label: 'Client A' }, after: { name: 'Client A', billingMode: 'inherited', apiAccess: false } }),
    en: 'Olivia Admin created the sub-workspace “Client A” (inherited billing, API access off)',
    fr: 'Olivia Admin a créé le sous-espace « Client A » (facturation héritée, accès API désactivé)',
  },
  {
    case: 'an independent sub-workspace with API access',
    entry: entry('subworkspace.created', { target: { kind: 'workspace', id: 'w-b', label: 'Client B' }, after: { name: 'Client B', billingMode: 'independent', apiAccess: true } }),
    en: 'Olivia Admin created the sub-workspace “Client B” (independent billing, API access on)',
    fr: 'Olivia Admin a créé le sous-espace « Client B » (facturation indépendante, accès API activé)',
  },
  {
    case: 'a sub-workspace deleted with its members',
    entry: entry('subworkspace.deleted', { target: { kind: 'workspace', id: 'w-a', label: 'Client A' }, before: { name: 'Client A', members: 3 }, after: null }),
    en: 'Olivia Admin deleted the sub-workspace “Client A” and its 3 members',
    fr: 'Olivia Admin a supprimé le sous-espace « Client A » et ses 3 membres',
  },
  {
    case: 'a sub-workspace deleted with one member',
    entry: entry('subworkspace.deleted', { target: { kind: 'workspace', id: 'w-a', label: 'Client A' }, before: { name: 'Client A', members: 1 }, after: null }),
    en: 'Olivia Admin deleted the sub-workspace “Client A” and its only member',
    fr: 'Olivia Admin a supprimé le sous-espace « Client A » et son unique membre',
  },
  {
    case: 'an empty sub-workspace deleted',
    entry: entry('subworkspace.deleted', { target: { kind: 'workspace', id: 'w-a', label: 'Client A' }, before: { name: 'Client A', members: 0 }, after: null }),
    en: 'Olivia Admin deleted the sub-workspace “Client A”',
    fr: 'Olivia Admin a supprimé le sous-espace « Client A »',
  },
  {
    case: 'generative credits bought',
    entry: entry('purchase.completed', { target: workspace, after: { item: 'generative_credits', quantity: 1500 } }),
    en: 'Olivia Admin bought 1,500 generative credits',
    fr: 'Olivia Admin a acheté 1\u202f500 crédits génératifs',
  },
  {
    case: 'one API credit bought',
    entry: entry('purchase.completed', { target: workspace, after: { item: 'api_credits', quantity: 1 } }),
    en: 'Olivia Admin bought 1 API credit',
    fr: 'Olivia Admin a acheté 1 crédit API',
  },
  {
    case: 'seats bought as a purchase',
    entry: entry('purchase.completed', { target: workspace, after: { item: 'seats', quantity: 5 } }),
    en: 'Olivia Admin bought 5 seats',
    fr: 'Olivia Admin a acheté 5 places',
  },
  {
    case: 'credits allocated to a sub-workspace, both kinds',
    entry: entry('allocation.updated', { target: { kind: 'workspace', id: 'w-a', label: 'Client A' }, before: { generative: 0, api: 0 }, after: { generative: 1200, api: 50 } }),
    en: 'Olivia Admin changed the credits allocated to “Client A”: generative 0 → 1,200 and API 0 → 50',
    fr: 'Olivia Admin a modifié les crédits alloués à « Client A » : génératifs 0 → 1\u202f200 et API 0 → 50',
  },
  {
    case: 'an allocation lowered, one kind',
    entry: entry('allocation.updated', { target: { kind: 'workspace', id: 'w-a', label: 'Client A' }, before: { generative: 400, api: 50 }, after: { generative: 100, api: 50 } }),
    en: 'Olivia Admin changed the credits allocated to “Client A”: generative 400 → 100',
    fr: 'Olivia Admin a modifié les crédits alloués à « Client A » : génératifs 400 → 100',
  },
  {
    case: 'a sub-workspace made independent',
    entry: entry('billing.updated', { target: { kind: 'workspace', id: 'w-a', label: 'Client A' }, before: { billingMode: 'inherited' }, after: { billingMode: 'independent' } }),
    en: 'Olivia Admin made the billing of “Client A” independent: it has its own seats and credits',
    fr: 'Olivia Admin a rendu la facturation de « Client A » indépendante : il a ses propres places et crédits',
  },
  {
    case: 'a sub-workspace made inherited again',
    entry: entry('billing.updated', { target: { kind: 'workspace', id: 'w-a', label: 'Client A' }, before: { billingMode: 'independent' }, after: { billingMode: 'inherited' } }),
    en: 'Olivia Admin made “Client A” use the seats and credits of the parent workspace',
    fr: 'Olivia Admin a fait utiliser à « Client A » les places et crédits de l’espace parent',
  },
  {
    case: 'an API key created with an expiry',
    entry: entry('apiKey.created', { actor: dev, target: { kind: 'apiKey', id: 'k-1', label: 'CI pipeline' }, after: { name: 'CI pipeline', prefix: 'wsc_8f2a', expiresAt: DEC_8 } }),
    en: 'Dev Patel created the API key “CI pipeline” (wsc_8f2a…, expires Dec 8, 2026)',
    fr: 'Dev Patel a créé la clé d’API « CI pipeline » (wsc_8f2a…, expire le 8 déc. 2026)',
  },
  {
    case: 'an API key created without expiry',
    entry: entry('apiKey.created', { actor: dev, target: { kind: 'apiKey', id: 'k-1', label: 'Zapier' }, after: { name: 'Zapier', prefix: 'wsc_77c1', expiresAt: null } }),
    en: 'Dev Patel created the API key “Zapier” (wsc_77c1…, no expiry)',
    fr: 'Dev Patel a créé la clé d’API « Zapier » (wsc_77c1…, sans expiration)',
  },
  {
    case: 'an API key revoked',
    entry: entry('apiKey.revoked', { target: { kind: 'apiKey', id: 'k-1', label: 'Zapier' }, before: { name: 'Zapier', prefix: 'wsc_77c1' } }),
    en: 'Olivia Admin revoked the API key “Zapier” (wsc_77c1…)',
    fr: 'Olivia Admin a révoqué la clé d’API « Zapier » (wsc_77c1…)',
  },
  {
    case: 'a folder created',
    entry: entry('item.created', { target: launchItem, after: { kind: 'folder', name: 'Launch', parentId: null } }),
    en: 'Olivia Admin created the folder “Launch”',
    fr: 'Olivia Admin a créé le dossier « Launch »',
  },
  {
    case: 'a draft renamed and its script edited',
    entry: entry('item.updated', { target: draftItem, before: { kind: 'draft', name: 'Intro', parentId: 'f-1', body: 12 }, after: { kind: 'draft', name: 'Welcome', parentId: 'f-1', body: 40 } }),
    en: 'Olivia Admin renamed the draft “Intro” to “Welcome” and edited the script of the draft “Welcome”',
    fr: 'Olivia Admin a renommé le brouillon « Intro » en « Welcome » et a modifié le script pour le brouillon « Welcome »',
  },
  {
    case: 'a draft moved to the top level',
    entry: entry('item.updated', { target: draftItem, before: { kind: 'draft', name: 'Welcome', parentId: 'f-1' }, after: { kind: 'draft', name: 'Welcome', parentId: null } }),
    en: 'Olivia Admin moved the draft “Welcome” to the top level',
    fr: 'Olivia Admin a déplacé le brouillon « Welcome » au premier niveau',
  },
  {
    case: 'a folder deleted with what it held',
    entry: entry('item.deleted', { target: launchItem, before: { kind: 'folder', name: 'Launch', parentId: null, descendants: 3 } }),
    en: 'Olivia Admin deleted the folder “Launch” and the 3 items inside it',
    fr: 'Olivia Admin a supprimé le dossier « Launch » et les 3 éléments qu’il contenait',
  },
  {
    case: 'a draft deleted',
    entry: entry('item.deleted', { target: draftItem, before: { kind: 'draft', name: 'Welcome', parentId: null, descendants: 0 } }),
    en: 'Olivia Admin deleted the draft “Welcome”',
    fr: 'Olivia Admin a supprimé le brouillon « Welcome »',
  },
  {
    case: 'sharing opened to the workspace with a person added',
    entry: entry('item.sharing.updated', {
      target: launchItem,
      before: { kind: 'folder', general: { scope: 'only_me', role: 'view' }, grants: [] },
      after: { kind: 'folder', general: { scope: 'workspace', role: 'view' }, grants: [{ user: { id: ana.id, name: ana.name }, role: 'edit' }] },
    }),
    en: 'Olivia Admin let anyone in the workspace view the folder “Launch” and gave Ana Lima access to the folder “Launch”',
    fr: 'Olivia Admin a permis à tout l’espace de consulter le dossier « Launch » et a partagé le dossier « Launch » avec Ana Lima',
  },
  {
    case: 'sharing changed without the details',
    entry: entry('item.sharing.updated', { target: launchItem }),
    en: 'Olivia Admin changed who has access to the item “Launch”',
    fr: 'Olivia Admin a modifié les accès pour l’élément « Launch »',
  },
  {
    case: 'an access request approved',
    entry: entry('accessRequest.decided', { target: draftItem, after: { status: 'approved', role: 'edit', requester: { id: ana.id, name: ana.name }, itemName: 'Welcome' } }),
    en: 'Olivia Admin let Ana Lima edit the item “Welcome”, as they asked',
    fr: 'Olivia Admin a permis à Ana Lima de modifier l’élément « Welcome », comme demandé',
  },
  {
    case: 'an access request declined',
    entry: entry('accessRequest.decided', { target: draftItem, after: { status: 'denied', role: 'view', requester: { id: ana.id, name: ana.name } } }),
    en: 'Olivia Admin declined Ana Lima’s request for access to the item “Welcome”',
    fr: 'Olivia Admin a refusé l’accès demandé par Ana Lima pour l’élément « Welcome »',
  },
  {
    case: 'a video published with a password',
    entry: entry('video.share.updated', {
      target: videoItem,
      before: { published: false, passwordProtected: false, indexable: false },
      after: { published: true, passwordProtected: true, indexable: false },
    }),
    en: 'Olivia Admin published the video “Tour” to the web and set a password on the video “Tour”',
    fr: 'Olivia Admin a publié la vidéo « Tour » sur le web et a protégé la vidéo « Tour » par un mot de passe',
  },
  {
    case: 'a video unpublished',
    entry: entry('video.share.updated', { target: videoItem, before: { published: true, passwordProtected: false, indexable: false }, after: { published: false, passwordProtected: false, indexable: false } }),
    en: 'Olivia Admin took the video “Tour” off the web',
    fr: 'Olivia Admin a retiré la vidéo « Tour » du web',
  },
  {
    case: 'a caption track updated',
    entry: entry('video.captions.updated', { target: videoItem, after: { lang: 'fr', label: 'Français' } }),
    en: 'Olivia Admin updated the “Français” captions of the video “Tour”',
    fr: 'Olivia Admin a mis à jour les sous-titres « Français » de la vidéo « Tour »',
  },
  {
    case: 'a caption track removed',
    entry: entry('video.captions.updated', { target: videoItem, before: { lang: 'en', label: 'English' } }),
    en: 'Olivia Admin removed the “English” captions of the video “Tour”',
    fr: 'Olivia Admin a supprimé les sous-titres « English » de la vidéo « Tour »',
  },
];

describe('audit sentences', () => {
  it.each(CASES)('reads $case as a sentence in English and French', ({ entry, en: english, fr: french }) => {
    expect(en(entry)).toBe(english);
    expect(fr(entry)).toBe(nbsp(french));
  });

  it('has a case for every audited type', () => {
    expect(new Set(CASES.map((c) => c.entry.type))).toEqual(new Set(AUDITED_TYPES));
  });

  it('names the system and a deleted account instead of a person', () => {
    const system = entry('member.removed', { actor: null, target: chloeMember, before: { role: 'viewer' } });
    expect(en(system)).toBe('The system removed Chloé Martin from the workspace');
    expect(fr(system)).toBe('Le système a retiré Chloé Martin de l’espace');
    const gone = entry('inviteLink.revoked', { actor: { id: 'u-gone', name: '(deleted account)', email: '' }, before: { role: 'viewer' } });
    expect(en(gone)).toBe('A deleted account revoked the invite link for Viewers');
    expect(fr(gone)).toBe('Un compte supprimé a révoqué le lien d’invitation pour les Lecteurs');
  });

  it('reads an entry of a known type but another shape as a generic sentence with the type’s name', () => {
    const odd = entry('member.updated', { target: chloeMember, before: 'viewer', after: ['creator'] });
    expect(en(odd)).toBe('Olivia Admin made a change to Chloé Martin: Role changed');
    expect(fr(odd)).toBe('Olivia Admin a fait une modification sur Chloé Martin\u00a0: Rôle modifié');
    const bare = entry('seats.purchased', { before: null, after: { limit: 'many' } });
    expect(en(bare)).toBe('Olivia Admin made a change: Seats bought');
    expect(fr(bare)).toBe('Olivia Admin a fait une modification\u00a0: Places achetées');
    const oddPurchase = entry('purchase.completed', { target: workspace, after: { item: 'gold', quantity: 5 } });
    expect(en(oddPurchase)).toBe('Olivia Admin made a change to Umbrella Works: Purchase made');
    expect(fr(oddPurchase)).toBe('Olivia Admin a fait une modification sur Umbrella Works\u00a0: Achat effectué');
    const noRole = entry('inviteLink.revoked', { target: link, before: { role: 'owner' } });
    expect(en(noRole)).toBe('Olivia Admin revoked the invite link');
    expect(fr(noRole)).toBe('Olivia Admin a révoqué le lien d’invitation');
  });

  it('reads an unknown type without its raw name, with the target when there is one', () => {
    const withTarget = entry('webhook.created', { target: { kind: 'webhook', id: 'h-1', label: 'CI hook' }, after: { scopes: ['read'] } });
    expect(en(withTarget)).toBe('Olivia Admin made a change to CI hook');
    expect(fr(withTarget)).toBe('Olivia Admin a fait une modification sur CI hook');
    const bare = entry('legacy.thing', { actor: null, before: 42, after: 'x' });
    expect(en(bare)).toBe('The system made a change');
    expect(fr(bare)).toBe('Le système a fait une modification');
  });

  it('never writes an id, an ISO date or a raw value into a sentence', () => {
    for (const { entry: e } of CASES) {
      for (const sentence of [en(e), fr(e)]) {
        expect(sentence).not.toMatch(/\d{4}-\d{2}-\d{2}T|u-\w+|w-\w+|inv-1|jr-1|true|false|null|undefined|super_admin|brand_kit|[<>]/);
      }
    }
  });
});

describe('the audit type filter', () => {
  it('offers every audited type exactly once', () => {
    const offered = AUDIT_FILTER.flatMap((g) => g.types);
    expect(offered).toHaveLength(AUDITED_TYPES.length);
    expect(new Set(offered)).toEqual(new Set(AUDITED_TYPES));
  });

  it('groups them by what they are about', () => {
    expect(AUDIT_FILTER).toEqual([
      { group: 'workspace', types: ['workspace.updated', 'ownership.transferred', 'seats.purchased', 'avatarSlots.updated', 'subworkspace.created', 'subworkspace.deleted'] },
      { group: 'members', types: ['member.added', 'member.updated', 'member.removed'] },
      {
        group: 'joining',
        types: ['invitation.created', 'invitation.updated', 'invitation.revoked', 'inviteLink.created', 'inviteLink.rotated', 'inviteLink.revoked', 'joinRequest.decided'],
      },
      { group: 'assets', types: ['asset.created', 'asset.updated', 'asset.deleted', 'asset.shared', 'asset.unshared'] },
      { group: 'content', types: ['item.created', 'item.updated', 'item.deleted', 'item.sharing.updated', 'video.captions.updated', 'video.share.updated', 'accessRequest.decided'] },
      { group: 'billing', types: ['purchase.completed', 'allocation.updated', 'billing.updated', 'apiKey.created', 'apiKey.revoked'] },
    ]);
  });
});
