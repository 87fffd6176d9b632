import { describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { useWebAndBrowser } from '../support/browser.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { bell, bellCount } from '../support/invitations.js';
import { msUntil, personInBrowser, waitLive, type WebServer } from '../support/organisation.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/** Opens the share dialog of `name` from its folder in the Content tab and waits until it says how it saves. */
async function openShare(page: Page, workspaceId: string, folderId: string | null, name: string): Promise<Locator> {
  await page.goto(`/app/w/${workspaceId}/content${folderId ? `/f/${folderId}` : ''}`);
  const row = page.locator('[data-item-id]', { hasText: name }).first();
  await row.waitFor();
  await waitLive(page);
  await row.getByRole('button', { name: `Options for ${name}` }).click();
  await row.getByRole('button', { name: /^(Share…|Who has access…)$/ }).click();
  const dialog = page.getByRole('dialog', { name: `Share “${name}”` });
  await dialog.waitFor();
  return dialog;
}

const mode = (dialog: Locator) => dialog.getByTestId('share-status').getAttribute('data-mode');
const grantRow = (dialog: Locator, userId: string) => dialog.locator(`li.grant[data-user-id="${userId}"]`);
const whoRow = (dialog: Locator, userId: string) => dialog.locator(`.who > li[data-user-id="${userId}"]`);

describe('the share dialog', () => {
  it('two admins co-edit the sharing of a draft live, see each other and what each edits; a Viewer given edit shows as view in both; a read-only person sees it all disabled', async () => {
    const ada = await personInBrowser(server, browser, 'Ada Admin');
    const bea = await personInBrowser(server, browser, 'Bea Boss');
    const cole = await personInBrowser(server, browser, 'Cole Creator');
    const vic = await createUser(server.ctx, server.url, 'Vic Viewer');
    const vicId = vic.user._id as string;
    const workspaceId = await createWorkspace(
      server.ctx,
      ada.id,
      [
        { userId: bea.id, role: 'super_admin' },
        { userId: cole.id, role: 'creator' },
        { userId: vicId, role: 'viewer' },
      ],
      'Northwind',
    );
    const items = `/api/workspaces/${workspaceId}/items`;
    const folder = await ada.client.post(items, { kind: 'folder', name: 'Campaigns' });
    expect(folder.status, JSON.stringify(folder.body)).toBe(201);
    const draft = await ada.client.post(items, { kind: 'draft', name: 'Spring launch', parentId: folder.body.id, body: 'Hello.' });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    // Cole may look at everything in Campaigns: a reason that comes from the folder.
    expect((await ada.client.request('PUT', `${items}/${folder.body.id}/sharing`, { grants: [{ userId: cole.id, role: 'view' }] })).status).toBe(200);

    const a = await openShare(ada.page, workspaceId, folder.body.id, 'Spring launch');
    await expect.poll(() => mode(a), { timeout: 10_000 }).toBe('live');
    const b = await openShare(bea.page, workspaceId, folder.body.id, 'Spring launch');
    await expect.poll(() => mode(b), { timeout: 10_000 }).toBe('live');

    // Each sees the other within a second of joining.
    const joined = Date.now();
    const seen = await msUntil(ada.page, joined, async () => (await a.locator(`[data-presence-id="${bea.id}"]`).count()) === 1);
    expect(seen).toBeLessThan(1000);
    expect(await b.locator(`[data-presence-id="${ada.id}"]`).count()).toBe(1);
    expect(await a.getByRole('list', { name: 'Also in this dialog' }).getByText(`${bea.name} is here`).count()).toBe(1);

    // Bea opens the general access to the whole workspace: Ada's dialog follows.
    await b.getByLabel('Who can open it').focus();
    await expect.poll(() => a.locator('section.general [data-editor-id]').getAttribute('data-editor-id')).toBe(bea.id);
    expect(await a.locator('section.general').textContent()).toContain(`${bea.name} is editing this`);
    await b.getByLabel('Who can open it').selectOption('workspace');
    const opened = Date.now();
    const followed = await msUntil(ada.page, opened, async () => (await a.getByLabel('Who can open it').inputValue()) === 'workspace');
    expect(followed).toBeLessThan(1000);
    await b.getByLabel('Their access').selectOption('view');

    // Ada gives Vic, a Viewer, edit: the server makes it view, in both dialogs.
    const search = a.getByRole('combobox', { name: 'Add people' });
    await search.fill('Vic Viewer');
    await a.getByRole('option', { name: new RegExp(vic.user.name as string) }).waitFor();
    expect(await a.getByRole('option', { name: new RegExp(vic.user.name as string) }).textContent()).toContain('Viewer');
    await search.press('Enter');
    await a.getByLabel('Access', { exact: true }).selectOption('edit');
    await a.getByRole('button', { name: 'Add', exact: true }).click();
    for (const d of [a, b]) {
      await expect.poll(() => grantRow(d, vicId).getAttribute('data-role'), { timeout: 5000 }).toBe('view');
      expect(await grantRow(d, vicId).getByLabel(`Access of ${vic.user.name}`, { exact: true }).inputValue()).toBe('view');
    }
    // Ada picked a Viewer: her dialog says why edit became view.
    expect(await grantRow(a, vicId).textContent()).toContain('Capped: Viewers stay view-only.');
    // Bea's focus on Vic's row shows on Ada's.
    await grantRow(b, vicId).getByLabel(`Access of ${vic.user.name}`, { exact: true }).focus();
    await expect.poll(() => grantRow(a, vicId).locator('[data-editor-id]').getAttribute('data-editor-id')).toBe(bea.id);

    // Who has access and why: the owner, the role, the folder (a link to it), the general access, the direct grant.
    await expect.poll(() => whoRow(a, vicId).locator('[data-reason="direct"]').count(), { timeout: 5000 }).toBe(1);
    expect(await whoRow(a, ada.id).locator('[data-reason="owner"]').count()).toBe(1);
    expect(await whoRow(a, bea.id).locator('[data-reason="role"]').count()).toBe(1);
    const viaFolder = whoRow(a, cole.id).locator('[data-reason="folder"]');
    expect(await viaFolder.textContent()).toContain('Through the folder Campaigns');
    expect(await viaFolder.getByRole('link', { name: 'Campaigns' }).getAttribute('href')).toBe(`/app/w/${workspaceId}/content/f/${folder.body.id}`);
    expect(await whoRow(a, cole.id).locator('[data-reason="general"]').count()).toBe(1);
    expect(await whoRow(a, vicId).getAttribute('data-access')).toBe('view');

    // What the dialogs show is what is stored.
    const stored = await ada.client.get(`${items}/${draft.body.id}/sharing`);
    expect(stored.body.general).toEqual({ scope: 'workspace', role: 'view' });
    expect(stored.body.grants.filter((g: { inheritedFrom: unknown }) => g.inheritedFrom === null).map((g: { user: { id: string }; role: string }) => [g.user.id, g.role])).toEqual([[vicId, 'view']]);

    // Cole can see the draft but not change its sharing: every control is disabled, and the dialog says why.
    const c = await openShare(cole.page, workspaceId, folder.body.id, 'Spring launch');
    await c.getByTestId('share-read-only').waitFor();
    expect(await c.getByTestId('share-read-only').textContent()).toContain('You can see who has access, but not change it');
    expect(await c.getByRole('combobox', { name: 'Add people' }).count()).toBe(0);
    expect(await c.getByLabel('Who can open it').isDisabled()).toBe(true);
    await expect.poll(() => grantRow(c, vicId).count()).toBe(1);
    expect(await grantRow(c, vicId).getByLabel(`Access of ${vic.user.name}`, { exact: true }).isDisabled()).toBe(true);
    expect(await grantRow(c, vicId).getByRole('button', { name: `Remove ${vic.user.name}` }).isDisabled()).toBe(true);

    // The folder's link leads to the folder and closes the dialog.
    await viaFolder.getByRole('link', { name: 'Campaigns' }).click();
    await a.waitFor({ state: 'hidden' });
    await ada.page.waitForURL(`**/content/f/${folder.body.id}`);

    for (const p of [ada, bea, cole]) expect(p.errors).toEqual([]);
  });

  it('without co-editing it saves each change over REST and says so', async () => {
    const ada = await personInBrowser(server, browser, 'Ada Admin');
    const dan = await createUser(server.ctx, server.url, 'Dan Developer');
    const workspaceId = await createWorkspace(server.ctx, ada.id, [{ userId: dan.user._id as string, role: 'developer' }], 'Southwind');
    const draft = await ada.client.post(`/api/workspaces/${workspaceId}/items`, { kind: 'draft', name: 'Autumn teaser' });
    expect(draft.status).toBe(201);
    // The co-editing endpoint refuses this browser.
    await ada.context.routeWebSocket(/\/collab/, (ws) => ws.close());

    const a = await openShare(ada.page, workspaceId, null, 'Autumn teaser');
    await expect.poll(() => mode(a), { timeout: 10_000 }).toBe('rest');
    expect(await a.getByTestId('share-status').textContent()).toContain('Live co-editing is unavailable');
    await a.getByRole('combobox', { name: 'Add people' }).fill('Dan');
    await a.getByRole('option', { name: new RegExp(dan.user.name as string) }).click();
    await a.getByLabel('Until (optional)').fill('2099-06-30');
    const saved = ada.page.waitForResponse((r) => r.url().endsWith('/sharing') && r.request().method() === 'PUT');
    await a.getByRole('button', { name: 'Add', exact: true }).click();
    expect((await saved).status()).toBe(200);
    await expect.poll(() => grantRow(a, dan.user._id as string).getByLabel(`Access of ${dan.user.name} until`).inputValue()).toBe('2099-06-30');
    await expect.poll(() => whoRow(a, dan.user._id as string).textContent()).toContain('until Jun 30, 2099');
    const stored = await ada.client.get(`/api/workspaces/${workspaceId}/items/${draft.body.id}/sharing`);
    expect(stored.body.grants).toMatchObject([{ user: { id: dan.user._id }, role: 'view', expiresAt: expect.stringMatching(/^2099-06-30|^2099-07-01/) }]);
    expect(ada.errors).toEqual([]);
  });

  it('an access request rings the owner’s bell with Approve and Deny; approved there, the requester is told live and can open the draft', async () => {
    const olga = await personInBrowser(server, browser, 'Olga Owner');
    const ray = await personInBrowser(server, browser, 'Ray Requester');
    const workspaceId = await createWorkspace(server.ctx, olga.id, [{ userId: ray.id, role: 'creator' }], 'Eastwind');
    const draft = await olga.client.post(`/api/workspaces/${workspaceId}/items`, { kind: 'draft', name: 'Board memo' });
    expect(draft.status).toBe(201);
    for (const p of [olga, ray]) {
      await p.page.goto(`/app/w/${workspaceId}`);
      await waitLive(p.page);
    }

    const asked = await ray.client.post(`/api/workspaces/${workspaceId}/items/${draft.body.id}/access-requests`, { role: 'edit', message: 'For the board pack, please.' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    await expect.poll(() => bellCount(olga.page)).toBe('1');
    await bell(olga.page).click();
    const panel = olga.page.getByRole('dialog', { name: 'Notifications' });
    const entry = panel.locator('li[data-notification-id]', { hasText: 'Board memo' });
    await entry.waitFor();
    expect(await entry.textContent()).toContain(`${ray.name} (${ray.email}) asks for access to “Board memo” (edit)`);
    expect(await entry.textContent()).toContain('“For the board pack, please.”');
    expect(await entry.getByRole('button', { name: 'Deny' }).isVisible()).toBe(true);
    await entry.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => entry.getByTestId('outcome').getAttribute('data-status')).toBe('approved');
    expect(await entry.getByRole('button').count()).toBe(0);

    await expect.poll(() => bellCount(ray.page)).toBe('1');
    await bell(ray.page).click();
    const told = ray.page.getByRole('dialog', { name: 'Notifications' }).locator('li[data-notification-id]').first();
    await expect.poll(() => told.textContent()).toContain('You can now open “Board memo” (edit)');
    expect(await told.getByRole('link').first().getAttribute('href')).toBe(`/app/w/${workspaceId}/content/d/${draft.body.id}`);
    const stored = await olga.client.get(`/api/workspaces/${workspaceId}/items/${draft.body.id}/sharing`);
    expect(stored.body.grants).toMatchObject([{ user: { id: ray.id }, role: 'edit' }]);
    for (const p of [olga, ray]) expect(p.errors).toEqual([]);
  });
});
