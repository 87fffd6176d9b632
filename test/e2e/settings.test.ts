import { describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { screenshot, useWebAndBrowser } from '../support/browser.js';
import { createWorkspace } from '../support/factories.js';
import { personInBrowser, waitLive, type WebServer } from '../support/organisation.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const access = (page: Page) => page.getByRole('region', { name: 'Joining and API' });
const approvalSwitch = (page: Page) => access(page).getByRole('switch', { name: /Require approval to join/ });
const stored = async (workspaceId: string) => (await server.ctx.models.Workspace.findById(workspaceId).lean())!;
const patches = (calls: string[], workspaceId: string) => calls.filter((c) => c === `PATCH /api/workspaces/${workspaceId}`).length;
const isFocused = (target: Locator) => target.evaluate((el) => el === document.activeElement);

describe('settings that save themselves', () => {
  it('a switch and the domain list are saved the moment they change, survive a reload, and show live on another admin’s open page', async () => {
    // A domain is added by someone with a verified address at it: Ana for autosave.io, Bruno for studio.io.
    const ana = await personInBrowser(server, browser, 'Ana Settings', 'en-US', { email: 'ana@autosave.io' });
    const bruno = await personInBrowser(server, browser, 'Bruno Settings', 'en-US', { email: 'bruno@studio.io' });
    const workspaceId = await createWorkspace(server.ctx, ana.id, [{ userId: bruno.id, role: 'super_admin' }], 'Autosave Studio');
    for (const admin of [ana, bruno]) {
      await admin.page.goto(`/app/w/${workspaceId}/settings`);
      await approvalSwitch(admin.page).waitFor();
      await waitLive(admin.page);
    }
    expect(await access(ana.page).getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await access(ana.page).getByText('Changes here are saved as you make them.').isVisible()).toBe(true);

    // Flipping the switch is all it takes: no button, one request, a polite "Saved".
    await approvalSwitch(ana.page).check();
    const status = access(ana.page).getByRole('status');
    await expect.poll(() => status.textContent()).toBe('Saved.');
    expect(patches(ana.apiCalls, workspaceId)).toBe(1);
    expect((await stored(workspaceId)).settings.requireApproval).toBe(true);
    await expect.poll(() => approvalSwitch(bruno.page).isChecked()).toBe(true);
    await screenshot(ana.page, 'settings-autosaved-en');

    // A domain is saved when added, and removed when its ✕ is pressed (by keyboard: the focus stays in the list).
    await access(ana.page).getByLabel('New domain').fill('autosave.io');
    await access(ana.page).getByLabel('New domain').press('Enter');
    await expect.poll(() => status.textContent()).toBe('Saved.');
    await expect.poll(async () => (await stored(workspaceId)).settings.companyDomains).toEqual(['autosave.io']);
    await expect.poll(() => access(bruno.page).locator('.domains li').allTextContents()).toEqual([expect.stringContaining('autosave.io')]);
    await access(bruno.page).getByLabel('New domain').fill('studio.io');
    await access(bruno.page).getByRole('button', { name: 'Add domain' }).click();
    await expect.poll(async () => (await stored(workspaceId)).settings.companyDomains).toEqual(['autosave.io', 'studio.io']);
    await expect.poll(() => access(ana.page).locator('.domains li').allTextContents()).toEqual([
      expect.stringContaining('autosave.io'),
      expect.stringContaining('studio.io'),
    ]);
    await access(ana.page).getByRole('button', { name: 'Remove autosave.io' }).focus();
    await ana.page.keyboard.press('Enter');
    await expect.poll(async () => (await stored(workspaceId)).settings.companyDomains).toEqual(['studio.io']);
    expect(await isFocused(access(ana.page).getByRole('button', { name: 'Remove studio.io' }))).toBe(true);
    await expect.poll(() => access(bruno.page).locator('.domains li').allTextContents()).toEqual([expect.stringContaining('studio.io')]);

    // What was saved is what a reload shows.
    await ana.page.reload();
    await approvalSwitch(ana.page).waitFor();
    expect(await approvalSwitch(ana.page).isChecked()).toBe(true);
    expect(await access(ana.page).locator('.domains li').allTextContents()).toEqual([expect.stringContaining('studio.io')]);
    expect((await stored(workspaceId)).settings).toMatchObject({ requireApproval: true, apiAccess: false, companyDomains: ['studio.io'] });
    // The name is text: it follows another admin's rename until someone types in it, then it waits for its Save.
    const brunoName = bruno.page.getByLabel('Workspace name');
    expect((await ana.client.request('PATCH', `/api/workspaces/${workspaceId}`, { name: 'Autosave Studio 2' })).status).toBe(200);
    await expect.poll(() => brunoName.inputValue()).toBe('Autosave Studio 2');
    await brunoName.fill('Bruno Typing');
    expect((await ana.client.request('PATCH', `/api/workspaces/${workspaceId}`, { name: 'Autosave Studio 3' })).status).toBe(200);
    await bruno.page.getByRole('heading', { level: 1, name: 'Autosave Studio 3' }).waitFor();
    expect(await brunoName.inputValue()).toBe('Bruno Typing');
    await bruno.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(bruno.page, 'settings-live-390');
    for (const s of [ana, bruno]) expect(s.errors).toEqual([]);
  });

  it('a save the server refuses puts the switch back and says why', async () => {
    const { page, id, errors } = await personInBrowser(server, browser, 'Rita Refused');
    const workspaceId = await createWorkspace(server.ctx, id, [], 'Refusing Works');
    await page.goto(`/app/w/${workspaceId}/settings`);
    await approvalSwitch(page).waitFor();

    // The server answers as it does to someone who may not change settings.
    await page.route(`**/api/workspaces/${workspaceId}`, (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ error: { code: 'forbidden', message: 'Forbidden' } }) })
        : route.fallback(),
    );
    // A click, not check(): the refusal may put the switch back before check() looks at it.
    await approvalSwitch(page).click();
    const alert = access(page).getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe('Not saved: the setting is back as it was. You are not allowed to do this.');
    expect(await approvalSwitch(page).isChecked()).toBe(false);
    expect(await access(page).getByRole('status').textContent()).toBe('');
    expect((await stored(workspaceId)).settings.requireApproval).toBe(false);
    await screenshot(page, 'settings-save-refused-en');

    // Once the server accepts again, the same switch saves and the alert goes.
    await page.unroute(`**/api/workspaces/${workspaceId}`);
    await approvalSwitch(page).check();
    await expect.poll(() => access(page).getByRole('status').textContent()).toBe('Saved.');
    expect(await alert.count()).toBe(0);
    expect((await stored(workspaceId)).settings.requireApproval).toBe(true);
    expect(errors.filter((e) => !e.includes('status of 403'))).toEqual([]);
  });

  it('a name typed but not saved: leaving asks first, in the app and on reload; once saved, nothing is asked', async () => {
    const { page, id, errors } = await personInBrowser(server, browser, 'Nina Unsaved');
    const workspaceId = await createWorkspace(server.ctx, id, [], 'Draft House');
    await page.goto(`/app/w/${workspaceId}/settings`);
    const nameField = page.getByLabel('Workspace name');
    await nameField.click();
    await nameField.fill('Draft House Renamed');

    // A link in the app: the page asks, and staying keeps the text.
    await page.getByRole('link', { name: 'Members' }).click();
    const ask = page.getByRole('dialog', { name: 'Leave without saving?' });
    await ask.waitFor();
    expect(await ask.textContent()).toContain('Some text you typed here is not saved yet. Stay to save it, or leave and lose it.');
    await screenshot(page, 'settings-unsaved-ask-en');
    await ask.getByRole('button', { name: 'Stay on this page' }).click();
    expect(await ask.isHidden()).toBe(true);
    expect(new URL(page.url()).pathname).toBe(`/app/w/${workspaceId}/settings`);
    expect(await nameField.inputValue()).toBe('Draft House Renamed');

    // Closing or reloading the tab: the browser's own prompt.
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.accept();
    });
    await page.reload();
    await nameField.waitFor();
    expect(dialogs).toEqual(['beforeunload']);
    expect(await nameField.inputValue()).toBe('Draft House');
    expect((await stored(workspaceId)).name).toBe('Draft House');

    // Leaving on purpose drops the text; saving first asks nothing.
    await nameField.click();
    await nameField.fill('Draft House Left');
    await page.getByRole('link', { name: 'Members' }).click();
    await ask.getByRole('button', { name: 'Leave without saving' }).click();
    await page.waitForURL(`**/app/w/${workspaceId}/members`);
    expect((await stored(workspaceId)).name).toBe('Draft House');

    await page.getByRole('link', { name: 'Settings' }).click();
    await nameField.click();
    await nameField.fill('Draft House Saved');
    await page.getByRole('region', { name: 'General' }).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('region', { name: 'General' }).getByText('Saved.').waitFor();
    expect((await stored(workspaceId)).name).toBe('Draft House Saved');
    await page.getByRole('link', { name: 'Members' }).click();
    await page.waitForURL(`**/app/w/${workspaceId}/members`);
    await page.reload();
    expect(dialogs).toEqual(['beforeunload']);
    expect(errors).toEqual([]);
  });
});

describe('the sub-workspace settings dialog', () => {
  it('follows the same rule: the switch saves itself, the name waits for Save, and closing with an unsaved name asks', async () => {
    const { page, id, client, errors } = await personInBrowser(server, browser, 'Sam Parent');
    const workspaceId = await createWorkspace(server.ctx, id, [], 'Parent Co');
    const created = await client.post(`/api/workspaces/${workspaceId}/subworkspaces`, { name: 'Client A', billingMode: 'inherited', apiAccess: false });
    expect(created.status).toBe(201);
    const subId = created.body.id as string;

    await page.goto(`/app/w/${workspaceId}/subworkspaces`);
    const row = page.locator(`li[data-subworkspace-id="${subId}"]`);
    await row.waitFor();
    await waitLive(page);
    await row.getByRole('button', { name: 'Options for Client A' }).click();
    await row.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings of Client A' });
    await dialog.waitFor();

    await dialog.getByRole('switch', { name: /API access/ }).check();
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe('Saved.');
    expect((await stored(subId)).settings.apiAccess).toBe(true);
    await row.getByText('API on').waitFor();

    // Escape with a name typed and not saved: the dialog asks, keeping it is the default.
    await dialog.getByLabel('Name', { exact: true }).fill('Client Alpha');
    await page.keyboard.press('Escape');
    const ask = dialog.getByRole('group', { name: 'The new name is not saved.' });
    await ask.waitFor();
    expect(await isFocused(ask.getByRole('button', { name: 'Keep editing' }))).toBe(true);
    await screenshot(page, 'sub-settings-unsaved-en');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'sub-settings-unsaved-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.keyboard.press('Enter');
    expect(await ask.count()).toBe(0);
    expect(await isFocused(dialog.getByLabel('Name', { exact: true }))).toBe(true);

    await dialog.getByRole('button', { name: 'Save name' }).click();
    await expect.poll(async () => (await stored(subId)).name).toBe('Client Alpha');
    expect(await dialog.getByTestId('name-saved').textContent()).toBe('Saved.');
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(await page.getByRole('dialog', { name: /Settings of/ }).count()).toBe(0);
    expect(await row.getByRole('link', { name: 'Client Alpha' }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('company domains', () => {
  it('says on the field why the server refused a domain (no verified address there, or another organisation’s), in English and French', async () => {
    // Someone else's organisation already holds taken.test.
    const rival = await personInBrowser(server, browser, 'Rival Owner', 'en-US', { email: 'rival@taken.test' });
    const rivalWorkspace = await createWorkspace(server.ctx, rival.id, [], 'Rival Inc');
    expect((await rival.client.request('PATCH', `/api/workspaces/${rivalWorkspace}`, { settings: { companyDomains: ['taken.test'] } })).status).toBe(200);

    const { page, id, errors } = await personInBrowser(server, browser, 'Rita Domains', 'en-US', { email: 'rita@taken.test' });
    const workspaceId = await createWorkspace(server.ctx, id, [], 'Domain Works');
    await page.goto(`/app/w/${workspaceId}/settings`);
    await approvalSwitch(page).waitFor();
    expect(await access(page).locator('fieldset .hint').textContent()).toBe(
      'People with a verified address at these domains are suggested as members and may join. A domain can be added only from an account with a verified address at it, and belongs to one organisation. Public webmail domains are not allowed.',
    );
    const field = access(page).getByLabel('New domain');
    const fieldError = access(page).locator('#domain-error');

    // Rita's address is at taken.test, but another organisation has it: 409, said on the field.
    await field.fill('taken.test');
    await field.press('Enter');
    await expect.poll(() => fieldError.textContent()).toBe('taken.test is already used by another organisation.');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('aria-describedby')).toBe('domain-error');
    expect(await access(page).getByRole('alert').textContent()).toBe('Not saved: the setting is back as it was. Some fields need your attention.');
    expect(await access(page).locator('.domains li').count()).toBe(0);

    // A domain she has no address at: 403, said on the field.
    await field.fill('elsewhere.test');
    await access(page).getByRole('button', { name: 'Add domain' }).click();
    await expect.poll(() => fieldError.textContent()).toBe('To add elsewhere.test, sign in with a verified address at elsewhere.test.');
    expect(await access(page).locator('.domains li').count()).toBe(0);
    await screenshot(page, 'settings-domain-refused-en');
    // The message follows the language (the section's own name changes too, so the field is found by its id).
    await page.getByRole('button', { name: 'French' }).click();
    await expect.poll(() => page.locator('#domain-error').textContent()).toBe('Pour ajouter elsewhere.test, connectez-vous avec une adresse vérifiée à elsewhere.test.');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'settings-domain-refused-fr-390');
    expect((await stored(workspaceId)).settings.companyDomains).toEqual([]);
    expect(errors.filter((e) => !/status of 40[39]/.test(e))).toEqual([]);
  });
});
