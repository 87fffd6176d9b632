import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { screenshot, useWebAndBrowser } from '../support/browser.js';
import { createWorkspace } from '../support/factories.js';
import { memberRow, msUntil, personInBrowser, waitLive, type WebServer } from '../support/organisation.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

describe('two admins of one workspace', () => {
  it('see each other’s role changes, seat purchases and new sub-workspaces within a second, without reloading', async () => {
    const a = await personInBrowser(server, browser, 'Alice Admin');
    const b = await personInBrowser(server, browser, 'Bruno Admin');
    const c = await personInBrowser(server, browser, 'Chloe Creator');
    const v = await personInBrowser(server, browser, 'Victor Viewer');
    const workspaceId = await createWorkspace(
      server.ctx,
      a.id,
      [
        { userId: b.id, role: 'super_admin' },
        { userId: c.id, role: 'creator' },
        { userId: v.id, role: 'viewer' },
      ],
      'Northwind Studio',
    );

    for (const p of [a, b]) {
      await p.page.goto(`/app/w/${workspaceId}/members`);
      await waitLive(p.page);
      await memberRow(p.page, v.id).waitFor();
    }
    expect(await b.page.locator('tbody tr').count()).toBe(4);
    expect(await memberRow(b.page, a.id).getByTestId('role').textContent()).toBe('Owner · Super Admin');
    expect(await memberRow(b.page, v.id).locator('select').inputValue()).toBe('viewer');
    expect(await memberRow(b.page, v.id).locator('td').nth(3).textContent()).toBe('Active');
    expect(await b.page.getByTestId('seat-counter').textContent()).toContain('4 / 10 seats used');
    await screenshot(b.page, 'members-en');

    // 1. A changes Victor's role: B's select shows it.
    const patched = a.page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes(`/members/${v.id}`));
    await a.page.getByLabel(`Role of ${v.name}`).selectOption('developer');
    expect((await patched).status()).toBe(200);
    const roleMs = await msUntil(b.page, Date.now(), async () => (await memberRow(b.page, v.id).locator('select').inputValue()) === 'developer');
    expect(roleMs).toBeLessThan(1000);

    // 2. A buys 3 seats in Settings: B's seat counter on the Members tab follows.
    await a.page.getByRole('link', { name: 'Settings' }).click();
    await a.page.getByLabel('Seats to add').fill('3');
    const bought = a.page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/workspaces/${workspaceId}/seats`));
    await a.page.getByRole('button', { name: 'Add seats' }).click();
    expect((await bought).status()).toBe(200);
    const seatsMs = await msUntil(b.page, Date.now(), async () => (await b.page.getByTestId('seat-counter').textContent())!.includes('4 / 13 seats used'));
    expect(seatsMs).toBeLessThan(1000);
    expect(await a.page.getByText('Seats added. The pool now has 13 seats.').isVisible()).toBe(true);

    // 3. A creates a sub-workspace with the wizard: it appears in B's Sub-workspaces list.
    await b.page.getByRole('link', { name: 'Sub-workspaces' }).click();
    await b.page.getByText('No sub-workspaces yet. Create one for a client, department or project.').waitFor();
    await a.page.getByRole('link', { name: 'Sub-workspaces' }).click();
    await a.page.getByRole('button', { name: 'New sub-workspace' }).click();
    await a.page.getByLabel('Name', { exact: true }).fill('Globex Account');
    for (let step = 0; step < 3; step++) await a.page.getByRole('button', { name: 'Next' }).click();
    const created = a.page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/workspaces/${workspaceId}/subworkspaces`));
    await a.page.getByRole('button', { name: 'Create sub-workspace' }).click();
    expect((await created).status()).toBe(201);
    const subMs = await msUntil(b.page, Date.now(), () => b.page.getByRole('link', { name: 'Globex Account' }).isVisible());
    expect(subMs).toBeLessThan(1000);
    const row = b.page.locator('li[data-subworkspace-id]');
    expect(await row.locator('.meta').textContent()).toMatch(/1 member\s*·\s*4 \/ 13 seats/);
    expect(await row.getByText('Inherited').isVisible()).toBe(true);

    console.info(`live delays: role ${roleMs} ms, seats ${seatsMs} ms, sub-workspace ${subMs} ms`);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});

describe('a member removed while looking at the workspace', () => {
  it('sees the lost-access notice at once and the workspace leaves their switcher', async () => {
    const a = await personInBrowser(server, browser, 'Ada Owner');
    const c = await personInBrowser(server, browser, 'Cyril Member');
    const workspaceId = await createWorkspace(server.ctx, a.id, [{ userId: c.id, role: 'creator' }], 'Initech Labs');
    await createWorkspace(server.ctx, c.id, [], 'Cyril Side Project');

    await c.page.goto(`/app/w/${workspaceId}`);
    await waitLive(c.page);
    await c.page.getByRole('heading', { level: 1, name: 'Initech Labs' }).waitFor();
    const switcher = c.page.getByRole('navigation', { name: 'Workspaces' });
    expect(await switcher.getByRole('link').allTextContents()).toEqual([
      expect.stringContaining('Cyril Side Project'),
      expect.stringContaining('Initech Labs'),
      expect.stringContaining('New workspace'),
    ]);
    expect(await c.page.getByTestId('seat-counter').isVisible()).toBe(true);

    await a.page.goto(`/app/w/${workspaceId}/members`);
    await memberRow(a.page, c.id).getByRole('button', { name: 'Remove' }).click();
    const dialog = a.page.getByRole('dialog', { name: `Remove ${c.name}?` });
    expect(await dialog.textContent()).toContain(`${c.name} loses access to Initech Labs at once and their seat is freed.`);
    const removed = a.page.waitForResponse((r) => r.request().method() === 'DELETE');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    expect((await removed).status()).toBe(204);
    const started = Date.now();
    await memberRow(a.page, c.id).waitFor({ state: 'detached' });
    console.info('row gone after', Date.now() - started);

    const noticeMs = await msUntil(c.page, started, () => c.page.getByRole('heading', { name: 'You no longer have access to Initech Labs' }).isVisible());
    expect(noticeMs).toBeLessThan(1000);
    expect(await c.page.getByText('An admin removed you from this workspace. Its data is no longer shown here.').isVisible()).toBe(true);
    expect(await c.page.getByTestId('seat-counter').count()).toBe(0);
    expect(await c.page.getByRole('link', { name: 'Back to your workspaces' }).getAttribute('href')).toBe('/app');
    await expect.poll(() => switcher.getByText('Initech Labs').count()).toBe(0);
    expect(await switcher.getByText('Cyril Side Project').isVisible()).toBe(true);
    expect(c.page.url()).toBe(`${server.url}/app/w/${workspaceId}`);
    await screenshot(c.page, 'lost-access-en');
    expect(c.errors).toEqual([]);
  });
});

describe('a member promoted to Super Admin', () => {
  it('gets the admin sections and the admin-only feed without reloading', async () => {
    const a = await personInBrowser(server, browser, 'Owen Owner');
    const c = await personInBrowser(server, browser, 'Pia Promoted');
    const workspaceId = await createWorkspace(server.ctx, a.id, [{ userId: c.id, role: 'creator' }], 'Hooli');

    await c.page.goto(`/app/w/${workspaceId}`);
    await waitLive(c.page);
    const tabs = c.page.getByRole('navigation', { name: 'Workspace sections' });
    await tabs.getByRole('link', { name: 'Members' }).waitFor();
    expect(await tabs.getByRole('link').allTextContents()).toEqual(['Overview', 'Members', 'Library', 'Content', 'Billing & usage']);
    expect(await c.page.getByText('Your role: Creator').isVisible()).toBe(true);

    expect((await a.client.request('PATCH', `/api/workspaces/${workspaceId}/members/${c.id}`, { role: 'super_admin' })).status).toBe(200);
    await expect.poll(() => tabs.getByRole('link').allTextContents()).toEqual(['Overview', 'Members', 'Library', 'Content', 'Sub-workspaces', 'Billing & usage', 'Settings', 'Audit log']);
    expect(await c.page.getByText('Your role: Super Admin').isVisible()).toBe(true);
    expect(await c.page.getByRole('navigation', { name: 'Workspaces' }).getByText('Super Admin').isVisible()).toBe(true);

    // Re-subscribed with the new role: admin-only events (sub-workspaces) now reach this tab.
    await tabs.getByRole('link', { name: 'Sub-workspaces' }).click();
    await c.page.getByText('No sub-workspaces yet.', { exact: false }).waitFor();
    const created = await a.client.post(`/api/workspaces/${workspaceId}/subworkspaces`, { name: 'Hooli XYZ', billingMode: 'inherited', apiAccess: false });
    expect(created.status).toBe(201);
    const ms = await msUntil(c.page, Date.now(), () => c.page.getByRole('link', { name: 'Hooli XYZ' }).isVisible());
    expect(ms).toBeLessThan(1000);
    expect(c.errors).toEqual([]);
  });
});
