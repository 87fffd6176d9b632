import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { screenshot, useWebAndBrowser } from '../support/browser.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { msUntil, personInBrowser, tinyPng, waitLive, type WebServer } from '../support/organisation.js';
import { createSubworkspace } from '../../server/commands/create-subworkspace.js';
import { addMembership } from '../../server/workspaces/member.service.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/** A parent workspace owned by `ownerId` and a sub-workspace of it (the owner is its Super Admin too). */
async function parentAndSub(ownerId: string, parentName: string, subName: string) {
  const parentId = await createWorkspace(server.ctx, ownerId, [], parentName);
  const parent = (await server.ctx.models.Workspace.findById(parentId).lean())!;
  const owner = (await server.ctx.models.User.findById(ownerId).lean())!;
  const { workspace: sub } = await createSubworkspace(server.ctx, parent, owner, { name: subName, billingMode: 'inherited', apiAccess: false, members: [] });
  return { parentId, sub };
}

const card = (page: Page, name: string) => page.locator('li[data-asset-id]', { hasText: name });

/** Opens the Share dialog of an asset, sets the checkbox of `target`, saves, and returns when the save's last answer arrived. */
async function setShare(page: Page, asset: string, target: string, shared: boolean) {
  await card(page, asset).getByRole('button', { name: `Options for ${asset}` }).click();
  await card(page, asset).getByRole('button', { name: 'Share…' }).click();
  const dialog = page.getByRole('dialog', { name: `Share ${asset}` });
  const box = dialog.getByRole('checkbox', { name: new RegExp(target) });
  await box.waitFor();
  await box.setChecked(shared);
  const answer = page.waitForResponse((r) => r.url().includes(`/shares`) && r.request().method() === (shared ? 'POST' : 'DELETE'));
  await dialog.getByRole('button', { name: 'Save shares' }).click();
  expect((await answer).ok()).toBe(true);
  return dialog;
}

describe('the asset library', () => {
  it('shares a voice and a brand kit into a sub-workspace live; unsharing and deleting take them away there at once', async () => {
    const admin = await personInBrowser(server, browser, 'Ada Admin');
    const creator = await personInBrowser(server, browser, 'Cole Creator');
    const { parentId, sub } = await parentAndSub(admin.id, 'Northwind', 'Northwind Retail');
    const creatorDoc = (await server.ctx.models.User.findById(creator.id).lean())!;
    await addMembership(server.ctx, sub, creatorDoc, 'creator', null);
    // The creator's own asset, so their library holds own and shared ones.
    expect((await creator.client.post(`/api/workspaces/${sub._id}/assets`, { kind: 'template', name: 'Retail promo', data: { layout: { preset: 'split' } } })).status).toBe(201);

    // B: the creator, on the sub-workspace's library.
    const b = creator.page;
    await b.goto(`/app/w/${sub._id}/library`);
    await card(b, 'Retail promo').waitFor();
    await waitLive(b);
    expect(await b.getByRole('link', { name: 'Library' }).getAttribute('aria-current')).toBe('page');

    // A: the admin creates a voice and a brand kit (with colours, fonts and a logo) in the parent's library.
    const a = admin.page;
    await a.goto(`/app/w/${parentId}/library`);
    await a.getByText('No assets yet.', { exact: false }).waitFor();
    await a.getByRole('button', { name: 'New asset' }).click();
    const form = a.getByRole('region', { name: 'New asset' });
    await form.getByLabel('Kind').selectOption('voice');
    await a.getByRole('button', { name: 'Create asset' }).click();
    expect(await a.locator('#asset-name-error').textContent()).toBe('Enter a name for the asset.');
    await form.getByLabel('Name', { exact: true }).fill('Warm Narrator');
    await form.getByLabel('Language').selectOption('fr-FR');
    await form.getByLabel('Voice type').selectOption('female');
    await a.getByRole('button', { name: 'Create asset' }).click();
    await a.getByText('Warm Narrator was created.').waitFor();
    expect(await card(a, 'Warm Narrator').textContent()).toContain('French (France) · Female');

    await form.getByLabel('Kind').selectOption('brand_kit');
    await form.getByLabel('Name', { exact: true }).fill('Northwind Brand');
    await a.getByRole('button', { name: 'Add a colour' }).click();
    await a.locator('#asset-color-1').fill('#f59e0b');
    await form.getByLabel('Fonts').fill('Inter\nMerriweather');
    await screenshot(a, 'assets-new-brand-kit-en');
    await a.getByRole('button', { name: 'Create asset' }).click();
    await a.getByRole('heading', { name: 'Add a logo to Northwind Brand' }).waitFor();
    await a.locator('#asset-logo').setInputFiles(tinyPng());
    await a.getByRole('button', { name: 'Upload logo' }).click();
    await a.getByText('Northwind Brand was created.').waitFor();
    const logo = card(a, 'Northwind Brand').getByRole('img', { name: 'Logo of Northwind Brand' });
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    expect(await card(a, 'Northwind Brand').getByRole('list', { name: 'Colours: #4f46e5, #f59e0b' }).isVisible()).toBe(true);
    expect(await card(a, 'Northwind Brand').textContent()).toContain('Fonts: Inter, Merriweather');
    await form.getByRole('button', { name: 'Close' }).click();
    await waitLive(a);

    // Share both: each appears in B's open library within a second of A's save.
    const dialog = await setShare(a, 'Warm Narrator', 'Northwind Retail', true);
    const voiceShared = await msUntil(b, Date.now(), async () => (await card(b, 'Warm Narrator').count()) === 1);
    await dialog.waitFor({ state: 'hidden' });
    await setShare(a, 'Northwind Brand', 'Northwind Retail', true);
    const kitShared = await msUntil(b, Date.now(), async () => (await card(b, 'Northwind Brand').count()) === 1);
    expect(voiceShared).toBeLessThan(1000);
    expect(kitShared).toBeLessThan(1000);
    await expect.poll(() => card(a, 'Warm Narrator').textContent()).toContain('Shared with 1 workspace');
    expect(await card(b, 'Warm Narrator').textContent()).toContain('Shared from Northwind');
    expect(await card(b, 'Northwind Brand').textContent()).toContain('Shared from Northwind');
    // The shared-in logo is readable by the sub-workspace's members.
    const sharedLogo = card(b, 'Northwind Brand').getByRole('img', { name: 'Logo of Northwind Brand' });
    await expect.poll(() => sharedLogo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    // Shared-in assets are read-only; the creator's own one has its menu.
    expect(await card(b, 'Warm Narrator').getByRole('button', { name: /Options for/ }).count()).toBe(0);
    expect(await card(b, 'Retail promo').getByRole('button', { name: 'Options for Retail promo' }).count()).toBe(1);
    await screenshot(a, 'assets-library-owner-en');
    await screenshot(b, 'assets-library-shared-en');

    // The Share dialog shows where it is shared now.
    await card(a, 'Warm Narrator').getByRole('button', { name: 'Options for Warm Narrator' }).click();
    await card(a, 'Warm Narrator').getByRole('button', { name: 'Share…' }).click();
    const open = a.getByRole('dialog', { name: 'Share Warm Narrator' });
    await expect.poll(() => open.getByRole('checkbox', { name: /Northwind Retail/ }).isChecked()).toBe(true);
    expect(await open.textContent()).toContain('Shared now');
    await screenshot(a, 'assets-share-dialog-en');
    await open.getByRole('button', { name: 'Cancel' }).click();

    // B picks the shared voice and brand kit.
    await b.getByLabel('Voice', { exact: true }).selectOption({ label: 'Warm Narrator (from Northwind)' });
    await b.getByLabel('Brand kit', { exact: true }).selectOption({ label: 'Northwind Brand (from Northwind)' });
    await b.getByText('Ready: Warm Narrator with the Northwind Brand brand kit.').waitFor();

    // A unshares the voice: it leaves B's library and B's picker says it is gone.
    await setShare(a, 'Warm Narrator', 'Northwind Retail', false);
    const unshared = await msUntil(b, Date.now(), async () => (await card(b, 'Warm Narrator').count()) === 0 && (await b.getByTestId('picker-unavailable').count()) === 1);
    expect(unshared).toBeLessThan(1000);
    expect(await b.getByTestId('picker-unavailable').textContent()).toContain('No longer available');
    expect(await b.getByTestId('picker-unavailable').textContent()).toContain('Warm Narrator was deleted or is no longer shared with this workspace. Pick another one.');
    expect(await b.getByLabel('Voice', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await b.getByText('Ready:', { exact: false }).count()).toBe(0);
    await screenshot(b, 'assets-picker-unavailable-en');
    await expect.poll(() => card(a, 'Warm Narrator').textContent()).not.toContain('Shared with');

    // A deletes the brand kit: the confirmation says where it disappears from, and it leaves B.
    await card(a, 'Northwind Brand').getByRole('button', { name: 'Options for Northwind Brand' }).click();
    await card(a, 'Northwind Brand').getByRole('button', { name: 'Delete' }).click();
    const confirm = a.getByRole('dialog', { name: 'Delete Northwind Brand?' });
    expect(await confirm.textContent()).toContain('It also disappears from the 1 workspace it is shared with.');
    const deleted = a.waitForResponse((r) => r.request().method() === 'DELETE' && /\/assets\/[\w-]+$/.test(new URL(r.url()).pathname));
    await confirm.getByRole('button', { name: 'Delete asset' }).click();
    expect((await deleted).status()).toBe(204);
    const gone = await msUntil(b, Date.now(), async () => (await card(b, 'Northwind Brand').count()) === 0);
    expect(gone).toBeLessThan(1000);
    expect(await card(a, 'Northwind Brand').count()).toBe(0);
    expect(await b.locator('[data-picker="brand_kit"]').getByTestId('picker-unavailable').count()).toBe(1);

    expect(admin.errors).toEqual([]);
    expect(creator.errors).toEqual([]);
  });

  it('refuses a 4th avatar with 3 slots in words that say how to fix it; more slots in settings let it through', async () => {
    const owner = await personInBrowser(server, browser, 'Sam Slots');
    const workspaceId = await createWorkspace(server.ctx, owner.id, [], 'Slot Studio');
    for (const name of ['Anna', 'Ben', 'Chloé']) {
      expect((await owner.client.post(`/api/workspaces/${workspaceId}/assets`, { kind: 'avatar', name, data: { style: 'studio' } })).status).toBe(201);
    }
    const page = owner.page;
    await page.goto(`/app/w/${workspaceId}/library`);
    await card(page, 'Chloé').waitFor();
    expect(await page.getByTestId('avatar-slots').textContent()).toContain('Avatars: 3 / 3');
    await page.getByRole('button', { name: 'Avatars' }).click();
    expect(await page.locator('li[data-asset-id]').count()).toBe(3);
    await page.getByRole('button', { name: 'Templates' }).click();
    expect(await page.getByText('Nothing of this kind yet.', { exact: false }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'All', exact: true }).click();

    await page.getByRole('button', { name: 'New asset' }).click();
    await page.getByLabel('Kind').selectOption('avatar');
    expect(await page.getByText('All avatar slots are used:', { exact: false }).isVisible()).toBe(true);
    await page.getByLabel('Name', { exact: true }).fill('Dora');
    await page.getByRole('button', { name: 'Create asset' }).click();
    const alert = page.locator('form [role=alert]');
    await expect.poll(() => alert.textContent()).toBe('All avatar slots of this workspace are used. Delete an avatar or ask an admin for more slots, then try again.');
    expect(await card(page, 'Dora').count()).toBe(0);

    await page.getByRole('link', { name: 'Settings' }).click();
    expect(await page.getByTestId('avatar-slots-used').textContent()).toBe('Avatars: 3 / 3');
    await page.getByRole('spinbutton', { name: 'Avatar slots' }).fill('4');
    await page.getByRole('button', { name: 'Save slots' }).click();
    await page.getByText('This workspace now has 4 avatar slots.').waitFor();
    expect(await page.getByTestId('avatar-slots-used').textContent()).toBe('Avatars: 3 / 4');

    await page.getByRole('link', { name: 'Library' }).click();
    await page.getByRole('button', { name: 'New asset' }).click();
    await page.getByLabel('Kind').selectOption('avatar');
    await page.getByLabel('Name', { exact: true }).fill('Dora');
    await page.getByRole('button', { name: 'Create asset' }).click();
    await card(page, 'Dora').waitFor();
    await expect.poll(() => page.getByTestId('avatar-slots').textContent()).toContain('Avatars: 4 / 4');
    expect(owner.errors).toEqual([]);
  });

  it('shows the library in French', async () => {
    const admin = await createUser(server.ctx, server.url, 'Hélène Admin');
    const member = await personInBrowser(server, browser, 'Louis Créateur', 'fr-FR');
    const { sub } = await parentAndSub(admin.user._id, 'Maison Mère', 'Boutique Lyon');
    await addMembership(server.ctx, sub, (await server.ctx.models.User.findById(member.id).lean())!, 'creator', null);
    const voice = await admin.client.post(`/api/workspaces/${sub.parentId}/assets`, { kind: 'voice', name: 'Voix douce', data: { language: 'fr-FR', gender: 'female' } });
    expect((await admin.client.post(`/api/workspaces/${sub.parentId}/assets/${voice.body.id}/shares`, { workspaceIds: [sub._id] })).status).toBe(200);

    const page = member.page;
    await page.goto(`/app/w/${sub._id}/library`);
    await page.getByRole('heading', { name: 'Bibliothèque de ressources' }).waitFor();
    await card(page, 'Voix douce').waitFor();
    expect(await page.getByRole('link', { name: 'Bibliothèque' }).getAttribute('aria-current')).toBe('page');
    expect(await card(page, 'Voix douce').textContent()).toContain('Partagé par Maison Mère');
    expect(await card(page, 'Voix douce').textContent()).toContain('français (France) · Féminine');
    expect(await page.getByRole('group', { name: 'Afficher' }).textContent()).toMatch(/Tout\s*Avatars\s*Voix\s*Chartes graphiques\s*Modèles/);
    expect(await page.getByTestId('avatar-slots').textContent()).toContain('Avatars : 0 / 3');
    await page.getByRole('button', { name: 'Nouvelle ressource' }).click();
    await page.getByRole('button', { name: 'Créer la ressource' }).click();
    expect(await page.locator('#asset-name-error').textContent()).toBe('Saisissez un nom pour la ressource.');
    expect(await page.getByRole('heading', { name: 'Créer une vidéo' }).isVisible()).toBe(true);
    await screenshot(page, 'assets-library-fr');
    expect(member.errors).toEqual([]);
  });
});
