import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { screenshot, useWebAndBrowser } from '../support/browser.js';
import { createWorkspace } from '../support/factories.js';
import { msUntil, personInBrowser, waitLive, type WebServer } from '../support/organisation.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const row = (page: Page, name: string) => page.locator('li[data-item-id]', { has: page.getByRole('link', { name, exact: true }) });
const rowNames = (page: Page) => page.locator('li[data-item-id] a').allTextContents();
const crumbs = (page: Page) => page.getByRole('navigation', { name: 'Folder path' });

/** Opens the three-dot menu of `name` and returns the labels it offers. */
async function menuOf(page: Page, name: string, label = `Options for ${name}`) {
  const trigger = row(page, name).getByRole('button', { name: label });
  await trigger.click();
  const panel = page.locator(`#${await trigger.getAttribute('aria-controls')}`);
  await panel.waitFor();
  return { panel, labels: await panel.getByRole('button').allTextContents() };
}

async function choose(page: Page, name: string, action: string, label?: string) {
  const { panel } = await menuOf(page, name, label);
  await panel.getByRole('button', { name: action, exact: true }).click();
}


describe('the Content tab', () => {
  it('creates folders and drafts, goes through breadcrumbs, renames, moves (a cycle refused in words), deletes a folder saying what is inside, searches and sorts', async () => {
    const owner = await personInBrowser(server, browser, 'Olga Owner');
    const workspaceId = await createWorkspace(server.ctx, owner.id, [], 'Content Studio');
    const page = owner.page;
    await page.goto(`/app/w/${workspaceId}`);
    await page.getByRole('link', { name: 'Content', exact: true }).click();
    await page.waitForURL(`**/app/w/${workspaceId}/content`);
    expect(await page.getByRole('link', { name: 'Content', exact: true }).getAttribute('aria-current')).toBe('page');
    await page.getByTestId('content-empty').waitFor();
    expect(await page.getByTestId('content-empty').textContent()).toContain('Create a folder to organise your work, or start a new draft.');

    // Two folders at the top level; a bad name is refused beside the field.
    await page.getByRole('button', { name: 'New folder' }).click();
    const create = page.getByRole('dialog', { name: 'New folder' });
    expect(await create.textContent()).toContain('It goes at the top level of Content.');
    await create.getByRole('button', { name: 'Create' }).click();
    expect(await create.locator('.field-error').textContent()).toBe('Enter a name.');
    await create.getByLabel('Name').fill('Campaigns');
    await create.getByRole('button', { name: 'Create' }).click();
    await create.waitFor({ state: 'hidden' });
    await row(page, 'Campaigns').waitFor();
    await page.getByRole('button', { name: 'New folder' }).click();
    await page.getByRole('dialog', { name: 'New folder' }).getByLabel('Name').fill('Spring launch');
    await page.keyboard.press('Enter');
    await row(page, 'Spring launch').waitFor();
    expect(await rowNames(page)).toEqual(['Campaigns', 'Spring launch']);
    expect(await row(page, 'Campaigns').textContent()).toContain('Folder');

    // Into Campaigns: breadcrumbs, an empty folder that says what to do, a sub-folder and a draft.
    await row(page, 'Campaigns').getByRole('link').click();
    await page.getByRole('heading', { level: 2, name: 'Campaigns' }).waitFor();
    expect(await crumbs(page).getByRole('listitem').allTextContents()).toEqual(['Content', 'Campaigns']);
    expect(await page.getByTestId('content-empty').textContent()).toContain('This folder is empty. Add a draft or a folder');
    await page.getByRole('button', { name: 'New folder' }).click();
    await page.getByRole('dialog', { name: 'New folder' }).getByLabel('Name').fill('Archive');
    await page.keyboard.press('Enter');
    await row(page, 'Archive').waitFor();
    await page.getByRole('button', { name: 'New draft' }).click();
    const newDraft = page.getByRole('dialog', { name: 'New draft' });
    expect(await newDraft.textContent()).toContain('It goes in “Campaigns”.');
    await newDraft.getByLabel('Name').fill('Launch script');
    await newDraft.getByRole('button', { name: 'Create' }).click();

    // A new draft opens on its page: the script is saved with its button, and says so.
    await page.getByRole('heading', { level: 2, name: 'Launch script' }).waitFor();
    expect(await crumbs(page).getByRole('listitem').allTextContents()).toEqual(['Content', 'Campaigns', 'Launch script']);
    await page.getByLabel('Script').fill('Hello and welcome to the spring launch.');
    expect(await page.getByTestId('draft-status').textContent()).toContain('Unsaved changes');
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/items/'));
    await page.getByRole('button', { name: 'Save draft' }).click();
    expect((await saved).status()).toBe(200);
    await expect.poll(() => page.getByTestId('draft-status').textContent()).toContain('Saved');
    await page.reload();
    await expect.poll(() => page.getByLabel('Script').inputValue()).toBe('Hello and welcome to the spring launch.');
    await screenshot(page, 'content-draft-en');
    await crumbs(page).getByRole('link', { name: 'Campaigns' }).click();
    await row(page, 'Launch script').waitFor();
    expect(await rowNames(page)).toEqual(['Archive', 'Launch script']);

    // Rename from the menu.
    await choose(page, 'Launch script', 'Rename');
    const rename = page.getByRole('dialog', { name: 'Rename Launch script' });
    await rename.getByLabel('New name').fill('Launch video script');
    await rename.getByRole('button', { name: 'Save' }).click();
    await row(page, 'Launch video script').waitFor();
    expect(await row(page, 'Launch script').count()).toBe(0);

    // Move it to Spring launch through the folder picker: it opens where the item is, goes up and into another folder.
    await choose(page, 'Launch video script', 'Move');
    const move = page.getByRole('dialog', { name: 'Move Launch video script' });
    await move.getByRole('button', { name: 'Open Archive' }).waitFor();
    await screenshot(page, 'content-move-en', { fullPage: false });
    await move.getByRole('button', { name: 'Top level' }).click();
    await move.getByRole('button', { name: 'Open Spring launch' }).click();
    await move.getByText('No folders here.').waitFor();
    await move.getByRole('button', { name: 'Move here' }).click();
    await move.waitFor({ state: 'hidden' });
    await expect.poll(() => row(page, 'Launch video script').count()).toBe(0);

    // The picker never enters the folder being moved; a folder moved meanwhile under it is refused by the server, in words.
    await crumbs(page).getByRole('link', { name: 'Content', exact: true }).click();
    await row(page, 'Campaigns').waitFor();
    await choose(page, 'Campaigns', 'Move');
    const cycle = page.getByRole('dialog', { name: 'Move Campaigns' });
    await cycle.getByText('This is the item you are moving.').waitFor();
    expect(await cycle.getByRole('button', { name: 'Open Campaigns' }).count()).toBe(0);
    await cycle.getByRole('button', { name: 'Open Spring launch' }).click();
    await cycle.getByText('No folders here.').waitFor();
    const ids = Object.fromEntries((await server.ctx.models.Item.find({ workspaceId }).lean()).map((d) => [d.name, d._id]));
    expect((await owner.client.request('PATCH', `/api/workspaces/${workspaceId}/items/${ids['Spring launch']}`, { parentId: ids['Campaigns'] })).status).toBe(200);
    await expect.poll(() => rowNames(page)).toEqual(['Campaigns']);
    await cycle.getByRole('button', { name: 'Move here' }).click();
    await expect.poll(() => cycle.getByRole('alert').textContent()).toBe('A folder cannot go into a folder inside it. Pick another folder.');
    await cycle.getByRole('button', { name: 'Cancel' }).click();
    await cycle.waitFor({ state: 'hidden' });
    expect((await owner.client.request('PATCH', `/api/workspaces/${workspaceId}/items/${ids['Spring launch']}`, { parentId: null })).status).toBe(200);
    await expect.poll(() => rowNames(page)).toEqual(['Campaigns', 'Spring launch']);

    // Delete a folder: the confirmation counts what is inside (Archive), then it is gone.
    await choose(page, 'Campaigns', 'Delete');
    const remove = page.getByRole('dialog', { name: 'Delete Campaigns?' });
    await expect.poll(() => remove.textContent()).toContain('The folder “Campaigns” and the 1 item inside it are deleted, for everyone.');
    await screenshot(page, 'content-delete-en', { fullPage: false });
    await remove.getByRole('button', { name: 'Delete' }).click();
    await remove.waitFor({ state: 'hidden' });
    await expect.poll(() => rowNames(page)).toEqual(['Spring launch']);

    // Search by name across the tree, in the address; Escape clears it.
    await page.getByRole('searchbox', { name: 'Search by name' }).fill('video');
    await page.waitForURL(/q=video/);
    await row(page, 'Launch video script').waitFor();
    expect(await rowNames(page)).toEqual(['Launch video script']);
    expect(await page.getByText('Results for “video”').isVisible()).toBe(true);
    await page.getByRole('searchbox', { name: 'Search by name' }).fill('nothing-like-this');
    await page.getByTestId('content-empty').waitFor();
    expect(await page.getByTestId('content-empty').textContent()).toContain('Nothing matches “nothing-like-this”.');
    await page.getByRole('searchbox', { name: 'Search by name' }).press('Escape');
    await expect.poll(() => rowNames(page)).toEqual(['Spring launch']);
    expect(page.url()).not.toContain('q=');

    // Sort: a new draft at the top level comes first by last update, last by name.
    await owner.client.post(`/api/workspaces/${workspaceId}/items`, { kind: 'draft', name: 'Zebra notes' });
    await expect.poll(() => rowNames(page)).toEqual(['Spring launch', 'Zebra notes']);
    await page.getByLabel('Sort by').selectOption('updated');
    await page.waitForURL(/sort=updated/);
    await expect.poll(() => rowNames(page)).toEqual(['Zebra notes', 'Spring launch']);
    await screenshot(page, 'content-list-en');

    // The audit log says what happened to the content, in sentences.
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByLabel('Action').selectOption('item.deleted');
    await expect.poll(() => page.locator('tbody td.what').allTextContents()).toEqual([`${owner.name} deleted the folder “Campaigns” and the 1 item inside it`]);
    await page.getByLabel('Action').selectOption('item.updated');
    await expect.poll(() => page.locator('tbody td.what').allTextContents()).toContain(`${owner.name} renamed the draft “Launch script” to “Launch video script”`);
    expect(await page.locator('tbody td.what').allTextContents()).toContain(`${owner.name} edited the script of the draft “Launch script”`);
    expect(await page.locator('tbody td.what').allTextContents()).toContain(`${owner.name} moved the draft “Launch video script” to another folder`);
    expect(owner.errors).toEqual([]);
  });

  it('shows a viewer only what they may do, live: an item created by another person appears, a deleted draft says so; someone without access may ask for it', async () => {
    const admin = await personInBrowser(server, browser, 'Ada Admin');
    const viewer = await personInBrowser(server, browser, 'Vic Viewer');
    const creator = await personInBrowser(server, browser, 'Cleo Creator');
    const workspaceId = await createWorkspace(server.ctx, admin.id, [{ userId: viewer.id, role: 'viewer' }, { userId: creator.id, role: 'creator' }], 'Live Content');
    const ws = `/api/workspaces/${workspaceId}`;
    const folder = (await admin.client.post(`${ws}/items`, { kind: 'folder', name: 'Team folder' })).body as { id: string };
    const draft = (await admin.client.post(`${ws}/items`, { kind: 'draft', name: 'Team draft', parentId: folder.id, body: 'Read me.' })).body as { id: string };
    const secret = (await admin.client.post(`${ws}/items`, { kind: 'draft', name: 'Secret plan', body: 'Not for everyone.' })).body as { id: string };
    expect((await admin.client.request('PUT', `${ws}/items/${folder.id}/sharing`, { general: { scope: 'workspace', role: 'view' } })).status).toBe(200);

    // The viewer sees the folder, with Open and "Who has access…" only; no create buttons.
    const v = viewer.page;
    await v.goto(`/app/w/${workspaceId}/content`);
    await row(v, 'Team folder').waitFor();
    expect(await rowNames(v)).toEqual(['Team folder']);
    expect(await v.getByRole('button', { name: 'New folder' }).count()).toBe(0);
    expect(await v.getByRole('button', { name: 'New draft' }).count()).toBe(0);
    expect((await menuOf(v, 'Team folder')).labels).toEqual(['Open', 'Who has access…']);
    await v.keyboard.press('Escape');
    expect(await row(v, 'Team folder').textContent()).toContain('View only');
    // The admin's menu has everything.
    const a = admin.page;
    await a.goto(`/app/w/${workspaceId}/content`);
    await row(a, 'Team folder').waitFor();
    expect((await menuOf(a, 'Team folder')).labels).toEqual(['Open', 'Share…', 'Rename', 'Move', 'Delete']);
    await a.keyboard.press('Escape');

    // Both in the folder; the admin creates a draft there from the UI: it appears on the viewer's screen at once.
    await v.goto(`/app/w/${workspaceId}/content/f/${folder.id}`);
    await row(v, 'Team draft').waitFor();
    expect(await v.getByTestId('content-empty').count()).toBe(0);
    await waitLive(v);
    await a.goto(`/app/w/${workspaceId}/content/f/${folder.id}`);
    await row(a, 'Team draft').waitFor();
    await a.getByRole('button', { name: 'New folder' }).click();
    await a.getByRole('dialog', { name: 'New folder' }).getByLabel('Name').fill('Fresh ideas');
    const since = Date.now();
    await a.keyboard.press('Enter');
    expect(await msUntil(v, since, async () => (await row(v, 'Fresh ideas').count()) === 1)).toBeLessThan(1000);
    expect(await rowNames(v)).toEqual(['Fresh ideas', 'Team draft']);
    // A rename shows too, and the viewer's menu of the new folder is still view-only.
    await admin.client.request('PATCH', `${ws}/items/${draft.id}`, { name: 'Team draft v2' });
    await row(v, 'Team draft v2').waitFor();
    expect((await menuOf(v, 'Fresh ideas')).labels).toEqual(['Open', 'Who has access…']);
    await v.keyboard.press('Escape');
    await screenshot(v, 'content-viewer-en');

    // The viewer opens the draft: read-only, no Save.
    await row(v, 'Team draft v2').getByRole('link').click();
    await v.getByRole('heading', { level: 2, name: 'Team draft v2' }).waitFor();
    expect(await v.getByTestId('draft-read-only').textContent()).toContain('You can read this draft but not change it.');
    expect(await v.getByLabel('Script').inputValue()).toBe('Read me.');
    expect(await v.getByLabel('Script').getAttribute('readonly')).not.toBeNull();
    expect(await v.getByRole('button', { name: 'Save draft' }).count()).toBe(0);
    // The admin deletes it while it is open: the page says so, without a reload.
    await waitLive(v);
    await admin.client.request('DELETE', `${ws}/items/${draft.id}`);
    await v.getByTestId('item-lost').and(v.locator('[data-loss="deleted"]')).waitFor({ timeout: 2000 });
    expect(await v.getByRole('heading', { name: 'This item was deleted' }).isVisible()).toBe(true);

    // Shared with the viewer while "Shared with me" is open: it appears at once (view only, a Viewer's ceiling);
    // opened, then unshared: the draft page says the access is gone, without a reload.
    const briefing = (await admin.client.post(`${ws}/items`, { kind: 'draft', name: 'Briefing', body: 'For Vic.' })).body as { id: string };
    await v.getByRole('link', { name: 'Go to Content' }).click();
    await v.getByRole('link', { name: 'Shared with me' }).click();
    await v.getByTestId('content-empty').waitFor();
    expect(await v.getByTestId('content-empty').textContent()).toContain('Nothing has been shared with you yet.');
    await waitLive(v);
    const shareSince = Date.now();
    expect((await admin.client.request('PUT', `${ws}/items/${briefing.id}/sharing`, { grants: [{ userId: viewer.id, role: 'edit' }] })).status).toBe(200);
    expect(await msUntil(v, shareSince, async () => (await row(v, 'Briefing').count()) === 1)).toBeLessThan(1000);
    expect(await row(v, 'Briefing').textContent()).toContain('View only');
    await row(v, 'Briefing').getByRole('link').click();
    await v.getByTestId('draft-read-only').waitFor();
    await waitLive(v);
    expect((await admin.client.request('PUT', `${ws}/items/${briefing.id}/sharing`, { grants: [] })).status).toBe(200);
    await v.getByTestId('item-lost').and(v.locator('[data-loss="revoked"]')).waitFor({ timeout: 2000 });
    expect(await v.getByRole('heading', { name: 'You no longer have access' }).isVisible()).toBe(true);
    expect(await v.getByLabel('Script').count()).toBe(0);
    expect(await v.getByTestId('request-access').isVisible()).toBe(true);

    // The creator opens a link to the admin's private draft: nothing of it is named, they ask for edit access.
    const c = creator.page;
    await c.goto(`/app/w/${workspaceId}/content/d/${secret.id}`);
    const request = c.getByTestId('request-access');
    await request.waitFor();
    expect(await c.getByRole('heading', { name: 'You need access' }).isVisible()).toBe(true);
    expect(await c.locator('main').textContent()).not.toContain('Secret plan');
    expect(await c.title()).not.toContain('Secret plan');
    await request.getByRole('radio', { name: /Edit/ }).check();
    await request.getByLabel('Message (optional)').fill('I am writing the voice-over.');
    await screenshot(c, 'content-request-access-en');
    const asked = c.waitForResponse((r) => r.url().endsWith('/access-requests') && r.request().method() === 'POST');
    await request.getByRole('button', { name: 'Request access' }).click();
    expect((await asked).status()).toBe(201);
    await c.getByRole('heading', { name: 'Request sent' }).waitFor();
    expect(await c.getByTestId('request-access').textContent()).toContain('You will be told when someone decides');
    // The admin is notified: the request is there to decide (its own test decides it).
    const pending = await server.ctx.models.AccessRequest.find({ itemId: secret.id, status: 'pending' }).lean();
    expect(pending.map((r) => [r.requesterId, r.role, r.message])).toEqual([[creator.id, 'edit', 'I am writing the voice-over.']]);
    expect(admin.errors).toEqual([]);
    expect(viewer.errors).toEqual([]);
    expect(creator.errors).toEqual([]);
  });
});
