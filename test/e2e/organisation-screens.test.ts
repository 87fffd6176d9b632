import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { screenshot, useWebAndBrowser } from '../support/browser.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { memberRow, personInBrowser, tinyPng, waitLive, type WebServer } from '../support/organisation.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

describe('creating workspaces', () => {
  it('creates a workspace from the empty state, then a sub-workspace with the wizard: image, people by email (added or invited), settings', async () => {
    const { page, errors } = await personInBrowser(server, browser, 'Nora Founder');
    const colleague = await createUser(server.ctx, server.url, 'Omar Colleague');

    await page.goto('/app');
    await page.getByRole('heading', { name: 'You’re not in a workspace yet' }).waitFor();
    // The form checks the name with the shared schema before sending anything.
    await page.getByRole('button', { name: 'Create workspace' }).click();
    expect(await page.locator('#create-workspace-name-error').textContent()).toContain('Enter a name.');
    await page.getByLabel('Workspace name').fill('Acme Studio');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(/\/app\/w\/[\w-]+$/);
    const workspaceId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('heading', { level: 1, name: 'Acme Studio' }).waitFor();
    expect(await page.getByText('Your role: Super Admin').isVisible()).toBe(true);
    expect(await page.getByTestId('seat-counter').textContent()).toContain('1 / 10 seats used');
    const switcher = page.getByRole('navigation', { name: 'Workspaces' });
    expect(await switcher.getByRole('link', { name: /Acme Studio/ }).getAttribute('aria-current')).toBe('page');
    // The colleague is in the account (a member of its root): the wizard adds them; anyone else is invited.
    await addMember(server.ctx, workspaceId, colleague.user, 'viewer');

    // The wizard, in the product's order: name → image → members → settings → create.
    await page.getByRole('link', { name: 'Sub-workspaces' }).click();
    await page.getByRole('button', { name: 'New sub-workspace' }).click();
    expect(await page.getByRole('heading', { name: 'Step 1 of 4: Name' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Next' }).click();
    expect(await page.locator('#wizard-name-help').textContent()).toBe('Enter a name.');
    await page.getByLabel('Name', { exact: true }).fill('Acme Clients');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Step 2 of 4: Image' }).waitFor();
    await page.locator('#wizard-image').setInputFiles(tinyPng());
    await page.getByRole('img', { name: 'Preview of the new image' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Step 3 of 4: Members' }).waitFor();
    await page.locator('#wizard-email-0').fill(colleague.email);
    await page.locator('#wizard-role-0').selectOption('developer');
    await page.getByRole('button', { name: 'Add a person' }).click();
    await page.locator('#wizard-email-1').fill('nobody.here@example.com');
    await page.getByRole('button', { name: 'Add a person' }).click();
    await page.getByRole('button', { name: 'Remove person 3' }).click();
    expect(await page.locator('input[type=email]').count()).toBe(2);
    await screenshot(page, 'wizard-members-en');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Step 4 of 4: Settings' }).waitFor();
    expect(await page.getByText('Uses the parent’s seats and the credits the parent gives it.', { exact: false }).isVisible()).toBe(true);
    await page.getByRole('radio', { name: /Independent/ }).check();
    await page.getByRole('switch', { name: /API access/ }).check();
    await page.getByRole('button', { name: 'Create sub-workspace' }).click();

    await page.getByRole('heading', { name: 'Acme Clients is ready.' }).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('member-results').locator('li').allTextContents()).toEqual([`${colleague.email} was added.`, 'Invitation sent to nobody.here@example.com.']);
    expect(await page.getByTestId('member-failures').count()).toBe(0);
    await screenshot(page, 'wizard-result-en');

    const row = page.locator('li[data-subworkspace-id]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByRole('link', { name: 'Acme Clients' }).isVisible()).toBe(true);
    expect(await row.locator('.meta').textContent()).toMatch(/2 members\s*·\s*2 \/ 10 seats/);
    expect(await row.getByText('Independent').isVisible()).toBe(true);
    expect(await row.getByText('API on').isVisible()).toBe(true);
    const image = row.locator('img');
    expect(await image.getAttribute('src')).toMatch(/^\/api\/workspaces\/[\w-]+\/image\?v=[0-9a-f]{16}$/);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    await screenshot(page, 'subworkspaces-en');

    // What the wizard asked for is what the server stored.
    const subId = (await row.getAttribute('data-subworkspace-id'))!;
    const membership = await server.ctx.models.Membership.findOne({ workspaceId: subId, userId: colleague.user._id }).lean();
    expect(membership?.role).toBe('developer');
    const sub = await server.ctx.models.Workspace.findById(subId).lean();
    expect(sub).toMatchObject({ parentId: workspaceId, settings: { billingMode: 'independent', apiAccess: true } });

    // The creator owns it: it shows in the switcher, under its parent.
    await expect.poll(() => switcher.locator('li.depth-1').textContent()).toContain('Acme Clients');

    // The gear menu's delete names what will be lost.
    await row.getByRole('button', { name: 'Options for Acme Clients' }).click();
    await row.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Acme Clients?' });
    expect(await dialog.textContent()).toContain('Delete Acme Clients? Its 2 members lose access at once and their seats are freed.');
    await dialog.getByRole('button', { name: 'Delete sub-workspace' }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(await page.getByText('No sub-workspaces yet.', { exact: false }).isVisible()).toBe(true);
    await expect.poll(() => switcher.getByText('Acme Clients').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

describe('the sub-workspace wizard after a delete', () => {
  it('says “1 member” in the singular, and stops offering Open once the new sub-workspace is deleted, here or by another admin', async () => {
    const { page, id, client, errors } = await personInBrowser(server, browser, 'Solo Founder');
    const workspaceId = await createWorkspace(server.ctx, id, [], 'Solo Root');

    // A root is the account: its billing says so, not "uses nothing of the parent's".
    await page.goto(`/app/w/${workspaceId}`);
    expect(await page.getByTestId('billing').textContent()).toBe('Own subscription');
    expect(await page.getByTestId('billing-help').textContent()).toBe(
      'This is the account workspace: it has its own subscription (seats and credits). Its sub-workspaces either draw on it or have a subscription of their own.',
    );

    await page.getByRole('link', { name: 'Sub-workspaces' }).click();
    await waitLive(page);
    for (const name of ['Solo One', 'Solo Two']) {
      if (name === 'Solo Two') await page.getByRole('button', { name: 'Create another' }).click();
      else await page.getByRole('button', { name: 'New sub-workspace' }).click();
      await page.getByLabel('Name', { exact: true }).fill(name);
      for (let step = 0; step < 3; step++) await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Create sub-workspace' }).click();
      await page.getByRole('heading', { name: `${name} is ready.` }).waitFor();
    }
    const rows = page.locator('li[data-subworkspace-id]');
    await expect.poll(() => rows.count()).toBe(2);
    const two = rows.filter({ hasText: 'Solo Two' });
    expect(await two.locator('.meta').textContent()).toMatch(/^1 member\s*·\s*1 \/ 10 seats$/);
    expect(await page.getByRole('link', { name: 'Open Solo Two' }).isVisible()).toBe(true);

    // The delete dialog counts in the singular too; deleting from here takes Open away.
    await two.getByRole('button', { name: 'Options for Solo Two' }).click();
    await two.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Solo Two?' });
    expect(await dialog.textContent()).toContain('Delete Solo Two? Its 1 member loses access at once and their seat is freed.');
    await dialog.getByRole('button', { name: 'Delete sub-workspace' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Open Solo Two' }).count()).toBe(0);
    expect(await page.getByTestId('wizard-deleted').textContent()).toBe('Solo Two was deleted since, so it can no longer be opened.');
    await screenshot(page, 'wizard-after-delete-en');

    // Deleted elsewhere (another tab, another admin): the live event takes Open away as well.
    await page.getByRole('button', { name: 'Create another' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Solo Three');
    for (let step = 0; step < 3; step++) await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Create sub-workspace' }).click();
    await page.getByRole('link', { name: 'Open Solo Three' }).waitFor();
    const threeId = (await rows.filter({ hasText: 'Solo Three' }).getAttribute('data-subworkspace-id'))!;
    expect((await client.request('DELETE', `/api/workspaces/${threeId}`)).status).toBe(204);
    await expect.poll(() => page.getByRole('link', { name: 'Open Solo Three' }).count()).toBe(0);
    expect(await page.getByTestId('wizard-deleted').textContent()).toBe('Solo Three was deleted since, so it can no longer be opened.');
    expect(errors).toEqual([]);
  });
});

describe('the members page in French', () => {
  it('shows French headings, role names and status', async () => {
    const owner = await personInBrowser(server, browser, 'Camille Dupont', 'fr-FR');
    const viewer = await createUser(server.ctx, server.url, 'Lucie Martin');
    const workspaceId = await createWorkspace(server.ctx, owner.id, [{ userId: viewer.user._id, role: 'viewer' }], 'Atelier Lumière');

    await owner.page.goto(`/app/w/${workspaceId}/members`);
    await memberRow(owner.page, viewer.user._id).waitFor();
    expect(await owner.page.getByRole('heading', { level: 2, name: 'Membres' }).isVisible()).toBe(true);
    expect(await owner.page.getByRole('navigation', { name: 'Sections de l’espace de travail' }).getByRole('link').allTextContents()).toEqual([
      'Vue d’ensemble',
      'Membres',
      'Bibliothèque',
      'Contenu',
      'Sous-espaces',
      'Facturation et usage',
      'Paramètres',
      'Journal d’audit',
    ]);
    expect(await owner.page.locator('thead th').allTextContents()).toEqual(['Nom', 'E-mail', 'Rôle', 'Statut', 'Arrivée', 'Actions']);
    expect(await memberRow(owner.page, owner.id).getByTestId('role').textContent()).toBe('Propriétaire · Super administrateur');
    const viewerRole = memberRow(owner.page, viewer.user._id).getByRole('combobox', { name: `Rôle de ${viewer.user.name}` });
    expect(await viewerRole.locator('option:checked').textContent()).toBe('Lecteur');
    expect(await memberRow(owner.page, viewer.user._id).getByText('Actif').isVisible()).toBe(true);
    // Only the owner hands ownership on, and never to themselves (mayTransferOwnership).
    expect(await memberRow(owner.page, viewer.user._id).getByRole('button', { name: 'Nommer propriétaire' }).isVisible()).toBe(true);
    expect(await memberRow(owner.page, owner.id).getByRole('button', { name: 'Nommer propriétaire' }).count()).toBe(0);
    expect(await owner.page.getByTestId('seat-counter').textContent()).toContain('2 / 10 places utilisées');
    await screenshot(owner.page, 'members-fr');
    expect(owner.errors).toEqual([]);
  });
});

describe('the seat counter', () => {
  it('says clearly when the pool is full, and the add-member form explains the refusal', async () => {
    const admin = await personInBrowser(server, browser, 'Sasha Admin');
    const others = await Promise.all(Array.from({ length: 10 }, (_, i) => createUser(server.ctx, server.url, `Seat Holder ${i}`)));
    const workspaceId = await createWorkspace(server.ctx, admin.id, others.slice(0, 9).map((o) => ({ userId: o.user._id, role: 'creator' as const })), 'Full House');

    await admin.page.goto(`/app/w/${workspaceId}/members`);
    await waitLive(admin.page);
    expect(await admin.page.getByTestId('seat-counter').textContent()).toContain('10 / 10 seats used');
    expect(await admin.page.getByTestId('seats-full').textContent()).toContain('All seats are taken. Remove a member or add seats before adding anyone.');

    await admin.page.getByRole('button', { name: '+ Add a member' }).click();
    await admin.page.getByLabel('Email address').fill(others[9]!.email);
    await admin.page.getByRole('button', { name: 'Add member', exact: true }).click();
    await admin.page.getByText('All seats are taken. Remove a member or add seats, then try again.').waitFor();

    // Removing someone frees a seat: the warning goes.
    await memberRow(admin.page, others[0]!.user._id).getByRole('button', { name: 'Remove' }).click();
    await admin.page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => admin.page.getByTestId('seat-counter').textContent()).toContain('9 / 10 seats used');
    expect(await admin.page.getByTestId('seats-full').count()).toBe(0);
    expect(admin.errors).toEqual([]);
  });
});

describe('workspace settings', () => {
  it('renames (the switcher follows), uploads an image, refuses a webmail domain and a non-image, and access settings save themselves', async () => {
    // Rita's verified address is at piedpiper.com: that is what lets her add the domain.
    const { page, id, errors } = await personInBrowser(server, browser, 'Rita Settings', 'en-US', { email: 'rita@piedpiper.com' });
    const workspaceId = await createWorkspace(server.ctx, id, [], 'Pied Piper');
    await page.goto(`/app/w/${workspaceId}/settings`);
    await waitLive(page);

    await page.getByLabel('Workspace name').fill('Pied Piper Inc');
    await page.getByRole('region', { name: 'General' }).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: 'Pied Piper Inc' }).waitFor();
    await expect.poll(() => page.getByRole('navigation', { name: 'Workspaces' }).getByText('Pied Piper Inc').count()).toBe(1);

    // A text file named .png passes the browser's type check; the server reads the bytes and says no.
    const fake = path.join(mkdtempSync(path.join(tmpdir(), 'wsc-')), 'fake.png');
    writeFileSync(fake, 'not an image at all');
    await page.locator('#settings-image').setInputFiles(fake);
    await page.getByRole('button', { name: 'Upload image' }).click();
    await expect.poll(() => page.locator('#settings-image-help').textContent()).toBe('This file is not a PNG, JPEG or WebP image.');
    await page.locator('#settings-image').setInputFiles(tinyPng());
    await page.getByRole('button', { name: 'Upload image' }).click();
    await page.getByText('Image updated.').waitFor();
    expect(await page.locator('header img').getAttribute('src')).toMatch(/\/image\?v=/);

    await page.getByRole('switch', { name: /Require approval to join/ }).check();
    await page.getByLabel('New domain').fill('gmail.com');
    await page.getByRole('button', { name: 'Add domain' }).click();
    expect(await page.locator('#domain-error').textContent()).toBe('Public email domains (like gmail.com) cannot be company domains.');
    await page.getByLabel('New domain').fill('piedpiper.com');
    await page.getByLabel('New domain').press('Enter');
    expect(await page.locator('.domains li').allTextContents()).toEqual([expect.stringContaining('piedpiper.com')]);
    // No Save button in that section: the switch and the domain list were saved as they changed.
    const access = page.getByRole('region', { name: 'Joining and API' });
    expect(await access.getByRole('button', { name: 'Save' }).count()).toBe(0);
    await expect.poll(() => access.getByRole('status').textContent()).toBe('Saved.');
    await expect.poll(async () => (await server.ctx.models.Workspace.findById(workspaceId).lean())?.settings.companyDomains).toEqual(['piedpiper.com']);
    const stored = await server.ctx.models.Workspace.findById(workspaceId).lean();
    expect(stored).toMatchObject({ name: 'Pied Piper Inc', settings: { requireApproval: true, companyDomains: ['piedpiper.com'], apiAccess: false } });
    await screenshot(page, 'settings-en');
    expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });
});
