import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AUDITED_TYPES, type AuditedType } from '../../shared/event-map.js';
import { screenshot, useWebAndBrowser } from '../support/browser.js';
import type { ApiClient } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { personInBrowser, type WebServer } from '../support/organisation.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/** A request that must answer `status`; its body. */
async function call(client: ApiClient, method: string, path: string, body: unknown, status: number) {
  const res = await client.request(method, `/api${path}`, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

// "Dec 8, 2026" and "8 déc. 2026", written out by hand so the test does not format dates the way the page does.
const MONTHS = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  fr: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
};
const dayEn = (iso: string) => ((d) => `${MONTHS.en[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()}`)(new Date(iso));
const dayFr = (iso: string) => ((d) => `${d.getDate()} ${MONTHS.fr[d.getMonth()]} ${d.getFullYear()}`)(new Date(iso));

const rows = (page: Page) => page.locator('tbody tr');
const sentences = (page: Page) => page.locator('tbody td.what').allTextContents();
const typesShown = (page: Page) => rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-type')));

describe('the audit log', () => {
  it('reads every admin action as a sentence in English and French, and filters by each audited type', async () => {
    const admin = await personInBrowser(server, browser, 'Olivia Admin');
    const ana = await createUser(server.ctx, server.url, 'Ana Lima');
    const chloe = await createUser(server.ctx, server.url, 'Chloe Martin');
    const dev = await createUser(server.ctx, server.url, 'Dev Patel');
    const invitee = `newcomer.${Date.now().toString(36)}@example.com`;
    const id = await createWorkspace(server.ctx, admin.id, [], 'Umbrella Works');
    const [A, Ana, Chloe, Dev] = [admin.name, ana.user.name, chloe.user.name, dev.user.name];
    const c = admin.client;

    // Real actions through the API, oldest first; each line is what the log must say of it, newest first at the end.
    const log: Array<{ type: AuditedType; en: string; fr: string }> = [];
    // French keeps « » to their words with non-breaking spaces.
    const expectEntry = (type: AuditedType, en: string, fr: string) => log.push({ type, en, fr: fr.replace(/« /g, '«\u00a0').replace(/ »/g, '\u00a0»') });

    const { created } = await call(c, 'POST', `/workspaces/${id}/invitations`, { invites: [{ email: invitee, role: 'creator' }] }, 201);
    expectEntry('invitation.created', `${A} invited ${invitee} as Creator`, `${A} a invité ${invitee} en tant que Créateur`);
    const resent = await call(c, 'POST', `/workspaces/${id}/invitations/${created[0].id}/resend`, undefined, 200);
    expectEntry(
      'invitation.updated',
      `${A} resent the invitation to ${invitee} (expires ${dayEn(resent.expiresAt)})`,
      `${A} a renvoyé l’invitation à ${invitee} (expire le ${dayFr(resent.expiresAt)})`,
    );
    await call(c, 'DELETE', `/workspaces/${id}/invitations/${created[0].id}`, undefined, 204);
    expectEntry('invitation.revoked', `${A} revoked the invitation to ${invitee}`, `${A} a révoqué l’invitation envoyée à ${invitee}`);

    await call(c, 'PUT', `/workspaces/${id}/invite-link`, { role: 'creator', expiresAt: '2030-12-08T12:00:00.000Z', maxUses: 10 }, 200);
    expectEntry(
      'inviteLink.created',
      `${A} created the invite link for Creators (expires Dec 8, 2030, 10 uses)`,
      `${A} a créé le lien d’invitation pour les Créateurs (expire le 8 déc. 2030, 10 utilisations)`,
    );
    await call(c, 'PATCH', `/workspaces/${id}`, { settings: { requireApproval: true } }, 200);
    expectEntry('workspace.updated', `${A} turned on “Require approval to join”`, `${A} a activé « Exiger une approbation pour rejoindre »`);
    const rotated = await call(c, 'PUT', `/workspaces/${id}/invite-link`, { role: 'viewer', expiresAt: null, maxUses: null }, 200);
    expectEntry(
      'inviteLink.rotated',
      `${A} rotated the invite link, now for Viewers (no expiry, unlimited uses)`,
      `${A} a renouvelé le lien d’invitation, désormais pour les Lecteurs (sans expiration, utilisations illimitées)`,
    );

    // Ana asks to join with the link; approving her adds her, then records the decision.
    const { joinRequestId } = await call(ana.client, 'POST', `/join/${rotated.token}`, undefined, 202);
    await call(c, 'POST', `/workspaces/${id}/join-requests/${joinRequestId}/approve`, {}, 200);
    expectEntry('member.added', `${A} added ${Ana} as Viewer`, `${A} a ajouté ${Ana} en tant que Lecteur`);
    expectEntry(
      'joinRequest.decided',
      `${A} approved ${ana.user.name}’s request to join as Viewer`,
      `${A} a approuvé la demande d’accès envoyée par ${ana.user.name}, qui rejoint l’espace en tant que Lecteur`,
    );
    await call(c, 'PATCH', `/workspaces/${id}/members/${ana.user._id}`, { role: 'creator' }, 200);
    expectEntry('member.updated', `${A} changed the role of ${Ana} from Viewer to Creator`, `${A} a fait passer ${Ana} du rôle Lecteur au rôle Créateur`);
    await call(c, 'DELETE', `/workspaces/${id}/members/${ana.user._id}`, undefined, 204);
    expectEntry('member.removed', `${A} removed ${Ana} from the workspace`, `${A} a retiré ${Ana} de l’espace`);
    await call(c, 'DELETE', `/workspaces/${id}/invite-link`, undefined, 204);
    expectEntry('inviteLink.revoked', `${A} revoked the invite link for Viewers`, `${A} a révoqué le lien d’invitation pour les Lecteurs`);

    await call(c, 'POST', `/workspaces/${id}/seats`, { add: 5 }, 200);
    expectEntry('seats.purchased', `${A} bought 5 seats (10 → 15)`, `${A} a acheté 5 places (10 → 15)`);
    await call(c, 'PUT', `/workspaces/${id}/avatar-slots`, { avatarSlots: 8 }, 200);
    expectEntry('avatarSlots.updated', `${A} changed the avatar slots from 3 to 8`, `${A} a fait passer les emplacements d’avatar de 3 à 8`);

    // Someone from outside the account is invited, even from the add-member form; accepting adds her, then records the answer.
    const { invitation } = await call(c, 'POST', `/workspaces/${id}/members`, { email: chloe.email, role: 'viewer' }, 201);
    expectEntry('invitation.created', `${A} invited ${chloe.email} as Viewer`, `${A} a invité ${chloe.email} en tant que Lecteur`);
    await call(chloe.client, 'POST', `/me/invitations/${invitation.id}/accept`, undefined, 200);
    expectEntry('member.added', `${Chloe} joined as Viewer`, `${Chloe} a rejoint l’espace en tant que Lecteur`);
    expectEntry('invitation.updated', `${Chloe} accepted the invitation as Viewer`, `${Chloe} a accepté l’invitation en tant que Lecteur`);
    await call(chloe.client, 'POST', `/workspaces/${id}/leave`, undefined, 204);
    expectEntry('member.removed', `${Chloe} left the workspace`, `${Chloe} a quitté l’espace`);

    const subA = await call(c, 'POST', `/workspaces/${id}/subworkspaces`, { name: 'Client A' }, 201);
    expectEntry('subworkspace.created', `${A} created the sub-workspace “Client A” (inherited billing, API access off)`, `${A} a créé le sous-espace « Client A » (facturation héritée, accès API désactivé)`);
    const subB = await call(c, 'POST', `/workspaces/${id}/subworkspaces`, { name: 'Client B', billingMode: 'independent', apiAccess: true }, 201);
    expectEntry('subworkspace.created', `${A} created the sub-workspace “Client B” (independent billing, API access on)`, `${A} a créé le sous-espace « Client B » (facturation indépendante, accès API activé)`);

    const kit = await call(c, 'POST', `/workspaces/${id}/assets`, { kind: 'brand_kit', name: 'Acme' }, 201);
    expectEntry('asset.created', `${A} created the brand kit “Acme”`, `${A} a créé la charte graphique « Acme »`);
    await call(c, 'POST', `/workspaces/${id}/assets/${kit.id}/shares`, { workspaceIds: [subA.id, subB.id] }, 200);
    expectEntry('asset.shared', `${A} shared the brand kit “Acme” with Client A and Client B`, `${A} a partagé la charte graphique « Acme » avec Client A et Client B`);
    await call(c, 'DELETE', `/workspaces/${id}/assets/${kit.id}/shares/${subB.id}`, undefined, 204);
    expectEntry('asset.unshared', `${A} stopped sharing the brand kit “Acme” with Client B`, `${A} a cessé de partager la charte graphique « Acme » avec Client B`);
    const voice = await call(c, 'POST', `/workspaces/${id}/assets`, { kind: 'voice', name: 'Narrator' }, 201);
    expectEntry('asset.created', `${A} created the voice “Narrator”`, `${A} a créé la voix « Narrator »`);
    await call(c, 'PATCH', `/workspaces/${id}/assets/${voice.id}`, { name: 'Storyteller' }, 200);
    expectEntry('asset.updated', `${A} renamed the voice “Narrator” to “Storyteller”`, `${A} a renommé la voix « Narrator » en « Storyteller »`);
    await call(c, 'DELETE', `/workspaces/${id}/assets/${voice.id}`, undefined, 204);
    expectEntry('asset.deleted', `${A} deleted the voice “Storyteller”`, `${A} a supprimé la voix « Storyteller »`);
    await call(c, 'DELETE', `/workspaces/${subB.id}`, undefined, 204);
    expectEntry('subworkspace.deleted', `${A} deleted the sub-workspace “Client B” and its only member`, `${A} a supprimé le sous-espace « Client B » et son unique membre`);

    const invited = await call(c, 'POST', `/workspaces/${id}/invitations`, { invites: [{ email: dev.email, role: 'super_admin' }] }, 201);
    expectEntry('invitation.created', `${A} invited ${dev.email} as Super Admin`, `${A} a invité ${dev.email} en tant que Super administrateur`);
    await call(dev.client, 'POST', `/me/invitations/${invited.created[0].id}/accept`, undefined, 200);
    expectEntry('member.added', `${Dev} joined as Super Admin`, `${Dev} a rejoint l’espace en tant que Super administrateur`);
    expectEntry('invitation.updated', `${Dev} accepted the invitation as Super Admin`, `${Dev} a accepté l’invitation en tant que Super administrateur`);
    await call(c, 'POST', `/workspaces/${id}/transfer-ownership`, { userId: dev.user._id }, 200);
    expectEntry('ownership.transferred', `${A} transferred ownership to ${Dev}`, `${A} a transféré la propriété de l’espace à ${Dev}`);
    await call(c, 'PATCH', `/workspaces/${id}`, { name: 'Umbrella Studio', settings: { requireApproval: false } }, 200);
    expectEntry(
      'workspace.updated',
      `${A} renamed the workspace from “Umbrella Works” to “Umbrella Studio” and turned off “Require approval to join”`,
      `${A} a renommé l’espace « Umbrella Works » en « Umbrella Studio » et a désactivé « Exiger une approbation pour rejoindre »`,
    );
    const newestFirst = log.toReversed();

    const { page, errors } = admin;
    await page.goto(`/app/w/${id}/audit`);
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(newestFirst.length);
    expect(await sentences(page)).toEqual(newestFirst.map((e) => e.en));
    expect(await typesShown(page)).toEqual(newestFirst.map((e) => e.type));
    expect(await page.locator('thead th').allTextContents()).toEqual(['When', 'What happened', 'Who']);
    // Who: the name, then the address; when: the day, then the time.
    const newest = rows(page).first();
    expect(await newest.locator('td.who').innerText()).toBe(`${A}\n${admin.email}`);
    const at = await newest.locator('time').getAttribute('datetime');
    expect((await newest.locator('td.when').innerText()).split('\n')[0]).toBe(dayEn(at!));
    await screenshot(page, 'audit-en');

    // The filter offers every audited type, in groups, by name.
    const select = page.getByLabel('Action');
    expect(await select.locator('optgroup').evaluateAll((gs) => gs.map((g) => g.getAttribute('label')))).toEqual([
      'Workspace',
      'Members',
      'Invitations and join requests',
      'Asset library',
      'Content',
      'Billing and API',
    ]);
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    expect(options).toEqual([
      ['', 'All actions'],
      ['workspace.updated', 'Name, image or settings changed'],
      ['ownership.transferred', 'Ownership transferred'],
      ['seats.purchased', 'Seats bought'],
      ['avatarSlots.updated', 'Avatar slots changed'],
      ['subworkspace.created', 'Sub-workspace created'],
      ['subworkspace.deleted', 'Sub-workspace deleted'],
      ['member.added', 'Member added or joined'],
      ['member.updated', 'Role changed'],
      ['member.removed', 'Member removed or left'],
      ['invitation.created', 'Invitation sent'],
      ['invitation.updated', 'Invitation resent, accepted or declined'],
      ['invitation.revoked', 'Invitation revoked'],
      ['inviteLink.created', 'Invite link created'],
      ['inviteLink.rotated', 'Invite link rotated'],
      ['inviteLink.revoked', 'Invite link revoked'],
      ['joinRequest.decided', 'Join request approved or denied'],
      ['asset.created', 'Asset created'],
      ['asset.updated', 'Asset renamed or new logo'],
      ['asset.deleted', 'Asset deleted'],
      ['asset.shared', 'Asset shared'],
      ['asset.unshared', 'Asset no longer shared'],
      ['item.created', 'Folder, draft or video created'],
      ['item.updated', 'Item renamed, moved or edited'],
      ['item.deleted', 'Item deleted'],
      ['item.sharing.updated', 'Sharing of an item changed'],
      ['video.captions.updated', 'Captions of a video changed'],
      ['video.share.updated', 'Share page of a video changed'],
      ['accessRequest.decided', 'Access request approved or declined'],
      ['purchase.completed', 'Purchase made'],
      ['allocation.updated', 'Credits allocated'],
      ['billing.updated', 'Billing mode changed'],
      ['apiKey.created', 'API key created'],
      ['apiKey.revoked', 'API key revoked'],
    ]);
    expect(new Set(options.slice(1).map(([value]) => value))).toEqual(new Set(AUDITED_TYPES));

    // Each type shows exactly its own entries (every audited type above; the sentences of credits, billing,
    // API keys, content and videos are read in test/integration/audit-sentences.test.ts and their screens' own tests).
    const ELSEWHERE: readonly string[] = ['purchase.completed', 'allocation.updated', 'billing.updated', 'apiKey.created', 'apiKey.revoked', 'item.created', 'item.updated', 'item.deleted', 'item.sharing.updated', 'video.captions.updated', 'video.share.updated', 'accessRequest.decided'];
    for (const type of AUDITED_TYPES.filter((t) => !ELSEWHERE.includes(t))) {
      await select.selectOption(type);
      const mine = newestFirst.filter((e) => e.type === type).map((e) => e.en);
      expect(mine.length, type).toBeGreaterThan(0);
      await expect.poll(() => sentences(page), { message: type }).toEqual(mine);
    }

    // The export carries the same filter and one line per entry, each ending with its sentence in English.
    await select.selectOption('member.removed');
    await expect.poll(() => rows(page).count()).toBe(2);
    const href = (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'))!;
    expect(href).toBe(`/api/workspaces/${id}/audit.csv?type=member.removed`);
    const csv = await c.get(href);
    expect(csv.status).toBe(200);
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((line) => line.includes('"member.removed"'))).toBe(true);

    // A day range with nothing in it says what to do.
    await page.getByLabel('From').fill('2000-01-01');
    await page.getByLabel('To').fill('2000-01-02');
    await page.getByText('No entries match these filters. Widen the dates or choose all actions.').waitFor();
    await page.getByLabel('From').fill('');
    await page.getByLabel('To').fill('');
    await select.selectOption('');
    await expect.poll(() => rows(page).count()).toBe(newestFirst.length);

    // The same log in French, after the switch and without a reload.
    await page.getByRole('button', { name: 'French' }).click();
    await expect.poll(() => sentences(page)).toEqual(newestFirst.map((e) => e.fr));
    expect(await page.locator('thead th').allTextContents()).toEqual(['Date', 'Ce qui s’est passé', 'Auteur']);
    expect((await rows(page).first().locator('td.when').innerText()).split('\n')[0]).toBe(dayFr(at!));
    expect(await page.getByLabel('Action').locator('optgroup').evaluateAll((gs) => gs.map((g) => g.getAttribute('label')))).toEqual([
      'Espace',
      'Membres',
      'Invitations et demandes d’accès',
      'Bibliothèque de ressources',
      'Contenu',
      'Facturation et API',
    ]);
    await page.getByLabel('Action').selectOption('inviteLink.rotated');
    expect(await page.getByLabel('Action').locator('option:checked').textContent()).toBe('Lien d’invitation renouvelé');
    await expect.poll(() => sentences(page)).toEqual([newestFirst.find((e) => e.type === 'inviteLink.rotated')!.fr]);
    await page.getByLabel('Action').selectOption('');
    await expect.poll(() => rows(page).count()).toBe(newestFirst.length);
    await screenshot(page, 'audit-fr');

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'audit-fr-390');
    // On a phone the language switch is in the menu drawer.
    await page.getByRole('button', { name: 'Menu', exact: true }).click();
    await page.getByRole('button', { name: 'Anglais' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => sentences(page)).toEqual(newestFirst.map((e) => e.en));
    await screenshot(page, 'audit-en-390');
    expect(errors).toEqual([]);
  });
});
