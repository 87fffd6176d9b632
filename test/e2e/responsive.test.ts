import { describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { openSession, useWebAndBrowser } from '../support/browser.js';
import { memberRow, type WebServer } from '../support/organisation.js';
import { buildScene, LONG_INVITEE, SHARED_DRAFT, type Scene } from '../support/scene.js';
import { checkScreen as check } from '../support/screens.js';
import { seedVideo } from '../support/videos.js';

/*
 * Every page and every dialog works on a phone (390 × 844) and stays good on
 * a desktop (1280 × 800): nothing is wider than the screen, every control is
 * on it, what opens lies inside the viewport, and axe finds nothing serious or
 * critical. Each state is saved in test-results/ for a person to look at.
 */

let server: WebServer;
let browser: Browser;
let scene: Scene;

useWebAndBrowser(async (s, b) => {
  server = s;
  browser = b;
  scene = await buildScene(server);
}, {}, 120_000);

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** Each screen is checked several times (layout, axe, screenshot): more than the default minute under load. */
const SCREENS_TIMEOUT = 120_000;

/** A browser profile of this size, signed in as `person` or signed out. */
async function sessionAt(viewport: typeof PHONE, person?: { client: { cookie: string } }, locale = 'en-US') {
  const session = await openSession(browser, server.url, locale);
  await session.page.setViewportSize(viewport);
  if (person) await session.context.addCookies([{ name: 'sid', value: person.client.cookie.slice(4), url: server.url }]);
  return session;
}

const ws = () => `/app/w/${scene.workspaceId}`;
/** Escape closes what is open, as it must for someone on a keyboard. */
async function dismiss(page: Page, opened: Locator) {
  await page.keyboard.press('Escape');
  await opened.waitFor({ state: 'hidden' });
}
/** Opens the share dialog of the scene's shared draft from its folder and waits for its rows (`title`: the dialog's name, `{name}` for the draft's). */
async function openShareDialog(page: Page, menuLabel: string, title: string) {
  await page.goto(`${ws()}/content/f/${scene.campaignsId}`);
  const row = page.locator('[data-item-id]', { hasText: SHARED_DRAFT });
  await row.getByRole('button', { name: new RegExp(SHARED_DRAFT) }).click();
  await row.getByRole('button', { name: menuLabel }).click();
  const share = page.getByRole('dialog', { name: title.replace('{name}', SHARED_DRAFT) });
  await share.locator('.who > li').nth(3).waitFor();
  await expect.poll(() => share.getByTestId('share-status').getAttribute('data-mode'), { timeout: 10_000 }).not.toBe('connecting');
  return share;
}
/** How the rows of a stacked table are laid out: `flex` as cards, `table-row` as a table. */
const rowDisplay = (page: Page) => page.locator('tbody tr').first().evaluate((tr) => getComputedStyle(tr).display);

describe.each([
  { ...PHONE, narrow: true },
  { ...DESKTOP, narrow: false },
])('at $width × $height', ({ width, height, narrow }) => {
  const viewport = { width, height };

  it('signed out: sign-in, sign-up, the join page and the 404 page', async () => {
    const { page, errors } = await sessionAt(viewport);
    await page.goto('/signin');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await check(page, 'signin');
    await page.goto('/signup');
    await page.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor();
    await check(page, 'signup');
    await page.goto(scene.joinPath);
    await page.getByTestId('join-outcome').and(page.locator('[data-outcome="signed-out"]')).waitFor();
    await check(page, 'join-signed-out');
    const notFound = await page.goto('/no-such-page');
    expect(notFound?.status()).toBe(404);
    await page.getByRole('link', { name: 'Go to the home page' }).waitFor();
    await check(page, 'not-found');
    // The router reports the unknown path it was asked for; nothing else may fail.
    expect(errors.filter((e) => !e.includes('Not found: /no-such-page'))).toEqual([]);
  }, SCREENS_TIMEOUT);

  it('the shell: home, overview, the navigation (a drawer on a phone), the notifications panel and the user menu', async () => {
    const { page, errors } = await sessionAt(viewport, scene.owner);
    await page.goto('/app');
    await page.getByRole('heading', { level: 1, name: /^Welcome/ }).waitFor();
    await check(page, 'home');

    await page.goto(ws());
    await page.getByRole('heading', { level: 1, name: 'Northwind Creative Studios International' }).waitFor();
    await check(page, 'overview');

    const switcher = page.getByRole('navigation', { name: 'Workspaces' });
    const menu = page.getByRole('button', { name: 'Menu', exact: true });
    if (narrow) {
      // The switcher waits behind the menu button instead of pushing every page down.
      expect(await switcher.isVisible()).toBe(false);
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      await menu.click();
      const drawer = page.getByRole('dialog', { name: 'Menu' });
      await drawer.waitFor();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      expect(await drawer.getByRole('navigation', { name: 'Workspaces' }).getByRole('link').allTextContents()).toEqual([
        expect.stringContaining('Northwind Creative Studios International'),
        expect.stringContaining('Northwind Labs'),
        expect.stringContaining('Northwind Retail — Europe, Middle East & Africa'),
        expect.stringContaining('New workspace'),
      ]);
      expect(await drawer.evaluate((d) => d.contains(document.activeElement))).toBe(true);
      // The language switch lives in the drawer on a phone, so the top bar keeps room for the rest.
      expect(await page.getByRole('group', { name: 'Language' }).count()).toBe(1);
      expect(await drawer.getByRole('group', { name: 'Language' }).isVisible()).toBe(true);
      await check(page, 'drawer', drawer);
      // Escape closes it and gives the focus back to the button.
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });
      expect(await menu.evaluate((b) => b === document.activeElement)).toBe(true);
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      // From the keyboard too; following a link closes it.
      await page.keyboard.press('Enter');
      await drawer.waitFor();
      expect(await drawer.getByRole('link', { name: /Northwind Creative Studios International/ }).evaluate((a) => a === document.activeElement)).toBe(true);
      await page.keyboard.press('Tab');
      expect(await drawer.getByRole('link', { name: /Northwind Labs/ }).evaluate((a) => a === document.activeElement)).toBe(true);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Northwind Labs' }).waitFor();
      await drawer.waitFor({ state: 'hidden' });
      await page.goto(ws());
    } else {
      expect(await menu.count()).toBe(0);
      expect(await switcher.isVisible()).toBe(true);
    }

    const bell = page.getByRole('button', { name: /^Notifications/ });
    await bell.click();
    const notifications = page.getByRole('dialog', { name: 'Notifications' });
    await notifications.locator('li[data-type="joinRequest.created"]').first().waitFor();
    expect(await notifications.locator('li[data-type="joinRequest.created"]').count()).toBe(2);
    await check(page, 'notifications', notifications);
    await page.keyboard.press('Escape');
    await notifications.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: /^Account menu for/ }).click();
    const account = page.locator('#user-menu-panel');
    await account.getByTestId('user-email').waitFor();
    expect(await account.getByTestId('user-email').textContent()).toBe(scene.owner.email);
    await check(page, 'user-menu', account);
    expect(errors).toEqual([]);
  }, SCREENS_TIMEOUT);

  it('members: the table, the invite dialog, the invite link panel and the confirm dialogs', async () => {
    const { page, errors } = await sessionAt(viewport, scene.owner);
    await page.goto(`${ws()}/members`);
    for (const person of scene.people) await memberRow(page, person.user._id).waitFor();
    await page.locator(`tr[data-invitation-id]`, { hasText: LONG_INVITEE }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1 + scene.people.length + 1 + 2);
    // On a phone each member is a card; on a desktop a row of the table.
    expect(await rowDisplay(page)).toBe(narrow ? 'flex' : 'table-row');
    await check(page, 'members');

    await page.getByRole('button', { name: 'Invite people' }).click();
    const invite = page.getByRole('dialog', { name: 'Invite people' });
    await invite.getByLabel('Email addresses').fill(`${LONG_INVITEE.replace('maximiliana', 'friedrich')}\nana@example.com,developer\nnot-an-address`);
    await invite.getByRole('heading', { name: 'Preview (2)' }).waitFor();
    await check(page, 'invite-dialog', invite);
    await dismiss(page, invite);

    const panel = page.getByTestId('invite-link');
    await panel.getByRole('button', { name: 'Rotate link' }).click();
    await panel.getByLabel('Invite link URL').waitFor();
    await check(page, 'invite-link', panel, { inPage: true });

    await memberRow(page, scene.people[2]!.user._id).getByRole('button', { name: 'Remove' }).click();
    const remove = page.getByRole('dialog', { name: `Remove ${scene.people[2]!.user.name}?` });
    await remove.waitFor();
    await check(page, 'remove-dialog', remove);
    await dismiss(page, remove);

    await page.locator('tr[data-invitation-id]', { hasText: LONG_INVITEE }).getByRole('button', { name: 'Revoke' }).click();
    const revoke = page.getByRole('dialog', { name: `Revoke the invitation to ${LONG_INVITEE}?` });
    await revoke.waitFor();
    await check(page, 'revoke-dialog', revoke);
    await dismiss(page, revoke);
    expect(errors).toEqual([]);
  }, SCREENS_TIMEOUT);

  it('join requests, sub-workspaces with the wizard, the gear menu, the settings and delete dialogs', async () => {
    const { page, errors } = await sessionAt(viewport, scene.owner);
    await page.goto(`${ws()}/members/requests`);
    await page.getByTestId('pending-requests').locator('li[data-request-id]').first().waitFor();
    await page.getByTestId('decided-requests').locator('li[data-request-id]').first().waitFor();
    await check(page, 'requests');

    await page.goto(`${ws()}/subworkspaces`);
    const rows = page.locator('li[data-subworkspace-id]');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    await check(page, 'subworkspaces');

    await page.getByRole('button', { name: 'New sub-workspace' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Northwind Retail — Asia Pacific');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Step 2 of 4: Image' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Step 3 of 4: Members' }).waitFor();
    await page.locator('#wizard-email-0').fill(LONG_INVITEE);
    await page.getByRole('button', { name: 'Add a person' }).click();
    await check(page, 'wizard-members', page.getByRole('region', { name: 'New sub-workspace' }), { inPage: true });
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Step 4 of 4: Settings' }).waitFor();
    await check(page, 'wizard-settings');
    await page.getByRole('region', { name: 'New sub-workspace' }).getByRole('button', { name: 'Close' }).click();

    const retail = page.locator(`li[data-subworkspace-id="${scene.retailId}"]`);
    const gearButton = retail.getByRole('button', { name: /^Options for Northwind Retail/ });
    await gearButton.click();
    const gear = page.locator(`#${await gearButton.getAttribute('aria-controls')}`);
    await gear.getByRole('button', { name: 'Settings' }).waitFor();
    await check(page, 'gear-menu', gear);
    await gear.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: /^Settings of Northwind Retail/ });
    await settings.waitFor();
    await check(page, 'subworkspace-settings', settings);
    await dismiss(page, settings);

    await gearButton.click();
    await gear.getByRole('button', { name: 'Delete' }).click();
    const remove = page.getByRole('dialog', { name: /^Delete Northwind Retail/ });
    await remove.waitFor();
    await check(page, 'subworkspace-delete', remove);
    await dismiss(page, remove);
    expect(errors).toEqual([]);
  }, SCREENS_TIMEOUT);

  it('settings, and the library with the new asset form, the share, rename and delete dialogs', async () => {
    const { page, errors } = await sessionAt(viewport, scene.owner);
    await page.goto(`${ws()}/settings`);
    await page.getByTestId('avatar-slots-used').waitFor();
    await check(page, 'settings');

    await page.goto(`${ws()}/library`);
    const kit = page.locator('li[data-asset-id]', { hasText: 'Northwind corporate identity 2026' });
    await kit.waitFor();
    expect(await page.locator('li[data-asset-id]').count()).toBe(4);
    await check(page, 'library');

    await page.getByRole('button', { name: 'New asset' }).click();
    await page.getByLabel('Kind').selectOption('brand_kit');
    await page.getByRole('button', { name: 'Add a colour' }).click();
    await check(page, 'new-asset', page.getByRole('region', { name: 'New asset' }), { inPage: true });
    await page.getByRole('region', { name: 'New asset' }).getByRole('button', { name: 'Close' }).click();

    const options = kit.getByRole('button', { name: 'Options for Northwind corporate identity 2026' });
    await options.click();
    await kit.getByRole('button', { name: 'Share…' }).click();
    const share = page.getByRole('dialog', { name: 'Share Northwind corporate identity 2026' });
    await share.getByRole('checkbox', { name: /Northwind Retail/ }).waitFor();
    await check(page, 'share-dialog', share);
    await dismiss(page, share);

    await options.click();
    await kit.getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: /^Rename Northwind corporate identity 2026/ });
    await rename.waitFor();
    await check(page, 'rename-dialog', rename);
    await dismiss(page, rename);

    await options.click();
    await kit.getByRole('button', { name: 'Delete' }).click();
    const remove = page.getByRole('dialog', { name: /^Delete Northwind corporate identity 2026/ });
    await remove.waitFor();
    await check(page, 'asset-delete', remove);
    await dismiss(page, remove);
    expect(errors).toEqual([]);
  }, SCREENS_TIMEOUT);

  it('the share dialog of a draft: people added, general access, who has access and why, the people search', async () => {
    const { page, errors } = await sessionAt(viewport, scene.owner);
    const share = await openShareDialog(page, 'Share…', 'Share “{name}”');
    await check(page, 'item-share-dialog', share);
    await share.getByRole('combobox', { name: 'Add people' }).fill('Eun');
    await share.getByRole('option').first().waitFor();
    await check(page, 'item-share-search', share);
    await share.getByRole('combobox', { name: 'Add people' }).press('Enter');
    await share.getByRole('button', { name: 'Add', exact: true }).waitFor();
    await check(page, 'item-share-chosen', share);
    await dismiss(page, share);
    expect(errors).toEqual([]);
  }, SCREENS_TIMEOUT);

  it('content: the top level, a folder with its menu, the new folder, move and delete dialogs, a draft, the request-access page', async () => {
    const api = scene.owner.client;
    const items = `/api/workspaces/${scene.workspaceId}/items`;
    const made = async (body: Record<string, unknown>) => ((await api.post(items, body)).body as { id: string }).id;
    const folderId = await made({ kind: 'folder', name: `Quarterly campaign material for every region ${width}` });
    await made({ kind: 'folder', name: `Archive ${width}`, parentId: folderId });
    const draftId = await made({ kind: 'draft', name: `Welcome script for the spring launch — long title ${width}`, parentId: folderId, body: 'Hello and welcome.\n'.repeat(12) });
    await made({ kind: 'draft', name: `Notes ${width}` });
    const secretId = await made({ kind: 'draft', name: 'Private', body: 'x' });

    const { page, errors } = await sessionAt(viewport, scene.owner);
    await page.goto(`${ws()}/content`);
    const folderRow = page.locator(`li[data-item-id="${folderId}"]`);
    await folderRow.waitFor();
    await check(page, 'content');

    await page.goto(`${ws()}/content/f/${folderId}`);
    const draftRow = page.locator(`li[data-item-id="${draftId}"]`);
    await draftRow.waitFor();
    await check(page, 'content-folder');
    const options = draftRow.getByRole('button', { name: /^Options for Welcome script/ });
    await options.click();
    const menu = page.locator(`#${await options.getAttribute('aria-controls')}`);
    await menu.getByRole('button', { name: 'Move' }).waitFor();
    await check(page, 'content-menu', menu);
    await menu.getByRole('button', { name: 'Move' }).click();
    const move = page.getByRole('dialog', { name: /^Move Welcome script/ });
    await move.getByRole('button', { name: /^Open Archive/ }).waitFor();
    await check(page, 'content-move', move);
    await dismiss(page, move);

    await options.click();
    await menu.getByRole('button', { name: 'Delete' }).click();
    const remove = page.getByRole('dialog', { name: /^Delete Welcome script/ });
    await remove.waitFor();
    await check(page, 'content-delete', remove);
    await dismiss(page, remove);

    await page.getByRole('button', { name: 'New folder' }).click();
    const create = page.getByRole('dialog', { name: 'New folder' });
    await create.getByRole('button', { name: 'Create' }).click();
    await create.locator('.field-error').waitFor();
    await check(page, 'content-new-folder', create);
    await dismiss(page, create);

    await draftRow.getByRole('link').click();
    await page.getByLabel('Script', { exact: true }).waitFor();
    await page.getByLabel('Script', { exact: true }).fill('Changed, not saved yet.');
    await check(page, 'content-draft');

    // Someone who cannot see an item: the page names nothing of it and offers to ask.
    const other = await sessionAt(viewport, scene.people[3]!);
    await other.page.goto(`${ws()}/content/d/${secretId}`);
    await other.page.getByTestId('request-access').waitFor();
    await check(other.page, 'content-request-access');
    await other.page.goto(`${ws()}/content?shared=me`);
    // What the scene shared with them, or the empty state that says what shows here.
    await other.page.locator('li[data-item-id], [data-testid="content-empty"]').first().waitFor();
    await check(other.page, 'content-shared');
    expect(errors).toEqual([]);
    expect(other.errors).toEqual([]);
  }, SCREENS_TIMEOUT);

  it('videos: the new-video dialog, a rendering video, a completed one with its share controls and the caption editor (cues stacked on a phone)', async () => {
    const { page, errors } = await sessionAt(viewport, scene.owner);
    await page.goto(`${ws()}/content`);
    await page.getByRole('button', { name: 'New video' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New video' });
    await dialog.getByLabel('Title').fill(`Quarterly update for every region — ${width}`);
    await dialog.getByLabel('Script').fill('Hello and welcome to the quarterly update. '.repeat(20));
    await expect.poll(() => dialog.getByTestId('new-video-estimate').textContent()).toContain('credits available');
    await check(page, 'video-new', dialog);
    await dismiss(page, dialog);

    // A render that takes long enough to look at.
    process.env.RENDER_FAKE_MS = '60000';
    try {
      const made = await scene.owner.client.post(`/api/workspaces/${scene.workspaceId}/videos`, { title: `Rendering video with a long title ${width}`, script: 'Hello and welcome. '.repeat(30) });
      expect(made.status).toBe(202);
      await page.goto(`${ws()}/content/v/${made.body.id}`);
      await page.getByTestId('video-render').getByRole('progressbar').waitFor();
      await check(page, 'video-rendering');
      await page.goto(`${ws()}/content`);
      await page.locator(`li[data-item-id="${made.body.id}"]`).getByTestId('video-badge').waitFor();
      await check(page, 'content-video-rendering');
      expect((await scene.owner.client.post(`/api/workspaces/${scene.workspaceId}/videos/${made.body.id}/cancel`)).status).toBeLessThan(300);
    } finally {
      delete process.env.RENDER_FAKE_MS;
    }

    const { id } = await seedVideo(server.ctx, { workspaceId: scene.workspaceId, ownerId: scene.owner.user._id, title: `Completed video with captions in two languages ${width}` });
    await page.goto(`${ws()}/content/v/${id}`);
    await page.getByLabel('Text of cue 1', { exact: true }).waitFor();
    await page.getByRole('switch', { name: /Publish to the web/ }).check();
    await page.getByTestId('video-public-link').waitFor();
    await page.getByRole('button', { name: 'Add a cue' }).click();
    await check(page, 'video-completed');
    expect(await rowDisplay(page)).toBe(narrow ? 'flex' : 'table-row');
    await page.getByRole('button', { name: 'Delete the track' }).click();
    const remove = page.getByRole('dialog', { name: /^Delete the track/ });
    await check(page, 'video-delete-track', remove);
    await dismiss(page, remove);
    expect(errors).toEqual([]);
  }, SCREENS_TIMEOUT);

  it('billing & usage with the purchase dialog; the API tab with keys, the usage chart, the create and revoke dialogs', async () => {
    const { page, errors } = await sessionAt(viewport, scene.owner);
    await page.goto(`${ws()}/billing`);
    await page.locator('tr[data-ledger-type]').first().waitFor();
    expect(await rowDisplay(page)).toBe(narrow ? 'flex' : 'table-row');
    await check(page, 'billing');
    await page.locator('form[data-item="api_credits"]').getByRole('button', { name: 'Buy credits' }).click();
    const buy = page.getByRole('dialog', { name: 'Buy 1,000 API credits?' });
    await buy.waitFor();
    await check(page, 'purchase-dialog', buy);
    await dismiss(page, buy);

    // Northwind Labs has API access on: its API tab, with a key and its usage.
    const labs = (await server.ctx.models.Workspace.findOne({ name: 'Northwind Labs' }).lean())!;
    await page.goto(`/app/w/${labs._id}/api`);
    await page.getByRole('button', { name: 'New API key' }).click();
    const create = page.getByRole('dialog', { name: 'New API key' });
    await create.getByLabel('Name').fill(`Zapier — marketing automations ${width}`);
    await check(page, 'api-key-create', create);
    await create.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByRole('dialog', { name: /^Your key/ });
    await secret.getByTestId('api-key-secret').waitFor();
    await check(page, 'api-key-secret', secret);
    await secret.getByRole('button', { name: 'Done' }).click();
    await secret.waitFor({ state: 'hidden' });
    await page.getByTestId('usage-chart').locator('canvas').waitFor();
    await page.getByRole('button', { name: 'Show as table' }).click();
    await check(page, 'api');
    await page.getByRole('button', { name: `Revoke Zapier — marketing automations ${width}` }).click();
    const revoke = page.getByRole('dialog', { name: /^Revoke the key/ });
    await revoke.waitFor();
    await check(page, 'api-key-revoke', revoke);
    await dismiss(page, revoke);
    expect(errors).toEqual([]);
  }, SCREENS_TIMEOUT);

  it('the audit log, the invite page, the join page and the sent mail', async () => {
    const { page, errors } = await sessionAt(viewport, scene.owner);
    await page.goto(`${ws()}/audit`);
    await page.locator('tbody tr').first().waitFor();
    // Every entry of the scene is on the first page (fewer than its 50).
    expect(await page.locator('tbody tr').count()).toBe(await server.ctx.models.Audit.countDocuments({ workspaceId: scene.workspaceId }));
    expect(await rowDisplay(page)).toBe(narrow ? 'flex' : 'table-row');
    await check(page, 'audit');

    // Signed in as someone else than the invitee: the page says so, with both addresses.
    await page.goto(scene.invitePath);
    await page.getByTestId('wrong-account').waitFor();
    await check(page, 'invite-page');

    await page.goto('/app/dev/mail');
    await page.locator('li[data-mail-id]').first().waitFor();
    await check(page, 'dev-mail');

    const visitor = await sessionAt(viewport, scene.people[3]);
    await visitor.page.goto(scene.joinPath);
    await visitor.page.getByRole('heading', { name: 'Your request was sent' }).waitFor();
    await check(visitor.page, 'join-page');
    expect([...errors, ...visitor.errors]).toEqual([]);
  }, SCREENS_TIMEOUT);
});

describe('in French on a phone', () => {
  it('the longer words still fit: the drawer, members, the invite dialog, settings and the audit log', async () => {
    const { page, errors } = await sessionAt(PHONE, scene.owner, 'fr-FR');
    await page.goto(`${ws()}/members`);
    await memberRow(page, scene.people[0]!.user._id).waitFor();
    await check(page, 'fr-members');

    await page.getByRole('button', { name: 'Menu', exact: true }).click();
    const drawer = page.getByRole('dialog', { name: 'Menu' });
    await drawer.getByRole('navigation', { name: 'Espaces de travail' }).waitFor();
    await check(page, 'fr-drawer', drawer);
    await drawer.getByRole('button', { name: 'Fermer le menu' }).click();
    await drawer.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Inviter des personnes' }).click();
    const invite = page.getByRole('dialog', { name: 'Inviter des personnes' });
    await invite.locator('textarea').fill(`${LONG_INVITEE}\nana@example.com,developer`);
    await check(page, 'fr-invite-dialog', invite);
    await dismiss(page, invite);

    await page.goto(`${ws()}/settings`);
    await page.getByTestId('avatar-slots-used').waitFor();
    await check(page, 'fr-settings');
    await page.goto(`${ws()}/audit`);
    await page.locator('tbody tr').first().waitFor();
    await check(page, 'fr-audit');
    await page.goto(`${ws()}/billing`);
    await page.locator('tr[data-ledger-type]').first().waitFor();
    expect(await page.getByRole('heading', { name: 'Acheter des crédits et des places' }).isVisible()).toBe(true);
    await check(page, 'fr-billing');
    const labs = (await server.ctx.models.Workspace.findOne({ name: 'Northwind Labs' }).lean())!;
    await page.goto(`/app/w/${labs._id}/api`);
    await page.getByTestId('usage-chart').locator('canvas').waitFor();
    expect(await page.getByRole('heading', { name: 'Clés d’API' }).isVisible()).toBe(true);
    await check(page, 'fr-api');
    const { id: videoId } = await seedVideo(server.ctx, { workspaceId: scene.workspaceId, ownerId: scene.owner.user._id, title: 'Présentation trimestrielle pour toutes les régions' });
    await page.goto(`${ws()}/content/v/${videoId}`);
    await page.getByLabel('Texte du sous-titre 1', { exact: true }).waitFor();
    expect(await page.getByRole('switch', { name: /Publier sur le web/ }).isVisible()).toBe(true);
    await check(page, 'fr-video');
    await page.goto(`${ws()}/content`);
    await page.getByRole('button', { name: 'Nouvelle vidéo' }).first().click();
    const newVideo = page.getByRole('dialog', { name: 'Nouvelle vidéo' });
    await newVideo.getByLabel('Script').fill('Bonjour et bienvenue. '.repeat(10));
    await expect.poll(() => newVideo.getByTestId('new-video-estimate').textContent()).toContain('crédits disponibles');
    await check(page, 'fr-video-new', newVideo);
    await dismiss(page, newVideo);
    const share = await openShareDialog(page, 'Partager…', 'Partager «\u00a0{name}\u00a0»');
    await check(page, 'fr-item-share-dialog', share);
    await dismiss(page, share);
    expect(errors).toEqual([]);
  }, SCREENS_TIMEOUT);
});
