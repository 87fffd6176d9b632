import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openSession, screenshot, useWebAndBrowser } from '../support/browser.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { memberRow, personInBrowser, waitLive, type WebServer } from '../support/organisation.js';
import { bell, bellCount, invitePathFromMail } from '../support/invitations.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const invitationRow = (page: import('playwright-core').Page, email: string) => page.locator('tr[data-invitation-id]', { hasText: email });

describe('inviting by email', () => {
  it('invites through the dialog; the invitee signs up from the mail and accepts; both admins see the row turn Active live', async () => {
    const ana = await personInBrowser(server, browser, 'Ana Admin');
    const bruno = await personInBrowser(server, browser, 'Bruno Admin');
    const workspaceId = await createWorkspace(server.ctx, ana.id, [{ userId: bruno.id, role: 'super_admin' }], 'Invite Studio');
    const cara = `cara.${Date.now().toString(36)}@example.com`;

    for (const admin of [ana, bruno]) {
      await admin.page.goto(`/app/w/${workspaceId}/members`);
      await memberRow(admin.page, admin.id).waitFor();
      await waitLive(admin.page);
    }

    // The dialog parses what was pasted, previews each line with its role, then says what happened to each.
    await ana.page.getByRole('button', { name: 'Invite people' }).click();
    const dialog = ana.page.getByRole('dialog', { name: 'Invite people' });
    await dialog.getByLabel('Email addresses').fill(`email,role\n${cara},creator\nnot-an-address\n${bruno.email}`);
    expect(await dialog.getByRole('heading', { name: 'Preview (2)' }).isVisible()).toBe(true);
    expect(await dialog.locator('li[data-email="not-an-address"]').textContent()).toContain('Not a valid email address');
    const caraRole = dialog.getByRole('combobox', { name: `Role of ${cara}` });
    expect(await caraRole.locator('option:checked').textContent()).toBe('Creator');
    await caraRole.selectOption('developer');
    await dialog.getByRole('button', { name: 'Send 2 invitations' }).click();

    const results = dialog.getByTestId('invite-results');
    await results.waitFor();
    expect(await results.getByRole('status').textContent()).toBe('1 sent, 2 not sent.');
    expect((await results.locator(`li[data-email="${cara}"]`).textContent())!.replace(/\s+/g, ' ')).toContain('Developer Invitation sent');
    expect(await results.locator('li[data-email="not-an-address"]').textContent()).toContain('This is not a valid email address. Correct it and try again.');
    expect(await results.locator(`li[data-email="${bruno.email}"]`).textContent()).toContain('Already a member of this workspace.');
    await screenshot(ana.page, 'invite-dialog-results');
    await dialog.getByRole('button', { name: 'Done' }).click();

    // Both admins list the invitation among the members; its seat is reserved.
    for (const admin of [ana, bruno]) {
      const row = invitationRow(admin.page, cara);
      await row.waitFor();
      expect(await row.getByTestId('invitation-status').textContent()).toBe('Invitation sent');
      expect(await row.getByTestId('role').textContent()).toBe('Developer');
      expect(await row.textContent()).toMatch(/Expires /);
      await expect.poll(() => admin.page.getByTestId('seat-counter').textContent()).toContain('(1 reserved)');
    }
    await screenshot(bruno.page, 'members-with-invitations');

    // The invitee opens the link of the mail, signed out: the page says who invites them where.
    const invitee = await openSession(browser, server.url);
    await invitee.page.goto(await invitePathFromMail(server, cara));
    await invitee.page.getByRole('heading', { name: 'You’re invited' }).waitFor();
    expect(await invitee.page.getByText(`${ana.name} invited you to join Invite Studio as Developer.`).isVisible()).toBe(true);
    expect(await invitee.page.getByTestId('invitation-preview').textContent()).toContain(cara);
    await screenshot(invitee.page, 'invitation-page-signed-out');

    await invitee.page.getByRole('link', { name: 'Create an account to accept' }).click();
    await invitee.page.getByRole('heading', { name: 'Create your account' }).waitFor();
    const email = invitee.page.getByLabel('Email');
    expect(await email.inputValue()).toBe(cara);
    expect(await email.getAttribute('readonly')).not.toBeNull();
    await invitee.page.getByLabel('Full name').fill('Cara Invitee');
    await invitee.page.getByLabel('Password').fill('correct horse battery');
    await invitee.page.getByRole('button', { name: 'Create account' }).click();

    // Back on the invitation, signed in as the invited address.
    await invitee.page.getByRole('button', { name: 'Accept and join Invite Studio' }).click();
    await invitee.page.waitForURL(`**/app/w/${workspaceId}`);
    await invitee.page.getByRole('heading', { level: 1, name: 'Invite Studio' }).waitFor();
    expect(await invitee.page.getByText('Your role: Developer').isVisible()).toBe(true);

    // Without reloading, both admins see the invitation become an Active member.
    const caraId = (await server.ctx.models.User.findOne({ email: cara }).lean())!._id;
    for (const admin of [ana, bruno]) {
      const row = memberRow(admin.page, caraId);
      await row.waitFor();
      expect(await row.getByText('Active').isVisible()).toBe(true);
      await expect.poll(() => invitationRow(admin.page, cara).count()).toBe(0);
      await expect.poll(() => admin.page.getByTestId('seat-counter').textContent()).toMatch(/3 \/ 10 seats used\s*$/);
    }
    // The inviter is told, on the bell.
    await expect.poll(() => bellCount(ana.page)).toBe('1');
    expect(await bell(ana.page).getAttribute('aria-label')).toBe('Notifications, 1 unread');
    await bell(ana.page).click();
    expect(await ana.page.locator('#notifications-panel li').first().textContent()).toContain(`Cara Invitee (${cara}) accepted your invitation to Invite Studio`);

    for (const s of [ana, bruno, invitee]) expect(s.errors).toEqual([]);
  });

  it('reads a pasted CSV: a quoted name with a comma is one address; an unknown role is flagged on its line, in English and French, and not sent', async () => {
    const ana = await personInBrowser(server, browser, 'Csv Admin');
    const camille = await personInBrowser(server, browser, 'Camille Csv', 'fr-FR');
    const workspaceId = await createWorkspace(server.ctx, ana.id, [{ userId: camille.id, role: 'super_admin' }], 'Csv Studio');
    const stamp = Date.now().toString(36);
    const [jane, bob, carl] = [`jane.${stamp}@example.com`, `bob.${stamp}@example.com`, `carl.${stamp}@example.com`];

    await ana.page.goto(`/app/w/${workspaceId}/members`);
    await ana.page.getByRole('button', { name: 'Invite people' }).click();
    const dialog = ana.page.getByRole('dialog', { name: 'Invite people' });
    await dialog.getByLabel('Email addresses').fill(`"Doe, Jane" <${jane}>,creator\n${bob},admin\n${carl};Lecteur`);
    expect(await dialog.getByRole('heading', { name: 'Preview (2)' }).isVisible()).toBe(true);
    expect(await dialog.locator('.preview li').evaluateAll((items) => items.map((li) => li.getAttribute('data-email')))).toEqual([jane, bob, carl]);
    expect(await dialog.getByRole('combobox', { name: `Role of ${jane}` }).locator('option:checked').textContent()).toBe('Creator');
    expect(await dialog.getByRole('combobox', { name: `Role of ${carl}` }).locator('option:checked').textContent()).toBe('Viewer');
    const bobLine = dialog.locator(`li[data-email="${bob}"]`);
    expect(await bobLine.locator('.reason').textContent()).toBe('Unknown role “admin”: use Super Admin, Developer, Creator, Viewer. This line is not sent.');
    expect(await bobLine.getByRole('combobox').count()).toBe(0);
    await screenshot(ana.page, 'invite-dialog-csv-en');


    await dialog.getByRole('button', { name: 'Send 2 invitations' }).click();
    const results = dialog.getByTestId('invite-results');
    await results.waitFor();
    expect(await results.getByRole('status').textContent()).toBe('2 sent, 1 not sent.');
    expect(await results.locator(`li[data-email="${bob}"]`).textContent()).toContain('Unknown role “admin”');
    const sent = await server.ctx.models.Invitation.find({ workspaceId }).lean();
    expect(sent.map((i) => [i.email, i.role]).sort()).toEqual([
      [carl, 'viewer'],
      [jane, 'creator'],
    ]);

    // The same line, for an admin who reads French.
    await camille.page.goto(`/app/w/${workspaceId}/members`);
    await camille.page.getByRole('button', { name: 'Inviter des personnes' }).click();
    const frDialog = camille.page.getByRole('dialog', { name: 'Inviter des personnes' });
    await frDialog.getByLabel('Adresses e-mail').fill(`${bob},admin`);
    expect(await frDialog.getByRole('heading', { name: 'Aperçu (0)' }).isVisible()).toBe(true);
    expect(await frDialog.locator(`li[data-email="${bob}"] .reason`).textContent()).toBe(
      'Rôle inconnu « admin » : utilisez Super administrateur, Développeur, Créateur, Lecteur. Cette ligne n’est pas envoyée.',
    );
    await screenshot(camille.page, 'invite-dialog-csv-fr');
    for (const s of [ana, camille]) expect(s.errors).toEqual([]);
  });

  it('resends and revokes from the members list', async () => {
    const ana = await personInBrowser(server, browser, 'Rosa Admin');
    const workspaceId = await createWorkspace(server.ctx, ana.id, [], 'Resend Works');
    const dan = `dan.${Date.now().toString(36)}@example.com`;
    expect((await ana.client.post(`/api/workspaces/${workspaceId}/invitations`, { invites: [{ email: dan, role: 'viewer' }] })).status).toBe(201);
    const firstLink = await invitePathFromMail(server, dan);

    await ana.page.goto(`/app/w/${workspaceId}/members`);
    const row = invitationRow(ana.page, dan);
    await row.waitFor();
    await row.getByRole('button', { name: 'Resend' }).click();
    await ana.page.getByText(`A new invitation was sent to ${dan}.`).waitFor();
    const secondLink = await invitePathFromMail(server, dan);
    expect(secondLink).not.toBe(firstLink);

    await row.getByRole('button', { name: 'Revoke' }).click();
    const confirm = ana.page.getByRole('dialog', { name: `Revoke the invitation to ${dan}?` });
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => invitationRow(ana.page, dan).count()).toBe(0);
    await expect.poll(() => ana.page.getByTestId('seat-counter').textContent()).not.toContain('reserved');
    expect(ana.errors).toEqual([]);
  });
});

describe('the invitation page', () => {
  it('says clearly when an invitation was revoked, replaced, has expired or does not exist, and when the wrong account is signed in', async () => {
    const admin = await createUser(server.ctx, server.url, 'Page Admin');
    const workspaceId = await createWorkspace(server.ctx, admin.user._id, [], 'Gone Gallery');
    const stamp = Date.now().toString(36);
    const [revoked, expired, wrong] = [`rev.${stamp}@example.com`, `exp.${stamp}@example.com`, `wrong.${stamp}@example.com`] as const;
    const reply = await admin.client.post(`/api/workspaces/${workspaceId}/invitations`, {
      invites: [revoked, expired, wrong].map((email) => ({ email, role: 'creator' })),
    });
    expect(reply.status).toBe(201);
    const byEmail = new Map((reply.body.created as Array<{ id: string; email: string }>).map((i) => [i.email, i.id]));
    expect((await admin.client.request('DELETE', `/api/workspaces/${workspaceId}/invitations/${byEmail.get(revoked)}`)).status).toBe(204);
    await server.ctx.models.Invitation.updateOne({ _id: byEmail.get(expired) }, { $set: { expiresAt: new Date(Date.now() - 60_000) } });

    const visitor = await openSession(browser, server.url);
    await visitor.page.goto(await invitePathFromMail(server, revoked));
    await visitor.page.getByRole('heading', { name: 'This invitation can no longer be used' }).waitFor();
    expect(await visitor.page.getByText('It was already used, withdrawn by an admin, or replaced by a newer mail.', { exact: false }).isVisible()).toBe(true);

    await visitor.page.goto(await invitePathFromMail(server, expired));
    await visitor.page.getByRole('heading', { name: 'This invitation has expired' }).waitFor();
    expect(await visitor.page.getByText('Ask an admin of the workspace to resend it', { exact: false }).isVisible()).toBe(true);
    await screenshot(visitor.page, 'invitation-expired');

    await visitor.page.goto('/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await visitor.page.getByRole('heading', { name: 'This invitation does not exist' }).waitFor();
    expect(await visitor.page.getByRole('link', { name: 'Sign in' }).isVisible()).toBe(true);

    // Signed in as someone else: the page names both addresses and offers to switch.
    const other = await personInBrowser(server, browser, 'Other Person');
    await other.page.goto(await invitePathFromMail(server, wrong));
    const warning = other.page.getByTestId('wrong-account');
    await warning.waitFor();
    expect(await warning.textContent()).toBe(`This invitation was sent to ${wrong}, but you are signed in as ${other.email}. Sign out and continue as ${wrong} to accept it.`);
    await other.page.getByRole('button', { name: `Sign out and continue as ${wrong}` }).click();
    await other.page.getByRole('heading', { name: 'Create your account' }).waitFor();
    expect(await other.page.getByLabel('Email').inputValue()).toBe(wrong);
    expect(visitor.errors).toEqual([]);
  });

  it('shows the invitation page and the notifications panel in French', async () => {
    const admin = await personInBrowser(server, browser, 'Camille Admin', 'fr-FR');
    const workspaceId = await createWorkspace(server.ctx, admin.id, [], 'Atelier Soleil');
    const joiner = await createUser(server.ctx, server.url, 'Lucie Invitee');
    expect((await admin.client.post(`/api/workspaces/${workspaceId}/invitations`, { invites: [{ email: joiner.email, role: 'viewer' }] })).status).toBe(201);
    const path = await invitePathFromMail(server, joiner.email);

    const visitor = await openSession(browser, server.url, 'fr-FR');
    await visitor.page.goto(path);
    await visitor.page.getByRole('heading', { name: 'Vous êtes invité' }).waitFor();
    expect(await visitor.page.getByText(`${admin.name} vous invite à rejoindre Atelier Soleil en tant que Lecteur.`).isVisible()).toBe(true);
    // The address has an account: signing in comes first.
    expect(await visitor.page.getByRole('link', { name: 'Se connecter pour accepter' }).isVisible()).toBe(true);
    await screenshot(visitor.page, 'invitation-page-fr');

    await admin.page.goto('/app');
    await waitLive(admin.page);
    expect((await joiner.client.post(`/api/invitations/${path.split('/').pop()}/accept`)).status).toBe(200);
    await expect.poll(() => bellCount(admin.page)).toBe('1');
    expect(await bell(admin.page).getAttribute('aria-label')).toBe('Notifications, 1 non lue');
    await bell(admin.page).click();
    const panel = admin.page.getByRole('dialog', { name: 'Notifications' });
    expect(await panel.locator('li').first().textContent()).toContain(`${joiner.user.name} (${joiner.email}) a accepté votre invitation à Atelier Soleil`);
    expect(await panel.getByRole('button', { name: 'Tout marquer comme lu' }).isVisible()).toBe(true);
    await screenshot(admin.page, 'notifications-panel-fr');
    await admin.page.keyboard.press('Escape');
    expect(await panel.isHidden()).toBe(true);
    expect(admin.errors).toEqual([]);
  });
});

describe('the bell', () => {
  it('keeps the unread count right on two tabs of the same person', async () => {
    const ana = await personInBrowser(server, browser, 'Tabs Admin');
    const workspaceId = await createWorkspace(server.ctx, ana.id, [], 'Two Tabs');
    const second = await ana.context.newPage();
    await ana.page.goto('/app');
    await second.goto(`/app/w/${workspaceId}`);
    await waitLive(ana.page);
    await waitLive(second);

    // Two people accept invitations: each tab counts up live.
    for (const name of ['Joiner One', 'Joiner Two']) {
      const joiner = await createUser(server.ctx, server.url, name);
      await ana.client.post(`/api/workspaces/${workspaceId}/invitations`, { invites: [{ email: joiner.email, role: 'viewer' }] });
      const token = (await invitePathFromMail(server, joiner.email)).split('/').pop();
      expect((await joiner.client.post(`/api/invitations/${token}/accept`)).status).toBe(200);
    }
    await expect.poll(() => bellCount(ana.page)).toBe('2');
    await expect.poll(() => bellCount(second)).toBe('2');

    // Reading one in the first tab: the second follows.
    // The tab in front is the one the person uses (a background tab's animation frames are throttled).
    await ana.page.bringToFront();
    await bell(ana.page).click();
    const panel = ana.page.getByRole('dialog', { name: 'Notifications' });
    expect(await panel.locator('li.unread').count()).toBe(2);
    await screenshot(ana.page, 'notifications-panel');
    await panel.getByRole('button', { name: 'Mark all as read' }).click();
    await expect.poll(() => bellCount(ana.page)).toBe(null);
    await expect.poll(() => bellCount(second)).toBe(null);
    expect(await bell(second).getAttribute('aria-label')).toBe('Notifications');
    expect(await panel.locator('li.unread').count()).toBe(0);

    // Keyboard: Escape closes the panel and gives the focus back to the bell.
    await ana.page.keyboard.press('Escape');
    expect(await panel.isHidden()).toBe(true);
    expect(await bell(ana.page).evaluate((el) => el === document.activeElement)).toBe(true);
    expect(ana.errors).toEqual([]);
  });
});
