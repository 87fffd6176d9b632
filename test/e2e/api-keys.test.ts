import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { screenshot, useWebAndBrowser } from '../support/browser.js';
import { addMember, createWorkspace } from '../support/factories.js';
import { personInBrowser, waitLive, type WebServer } from '../support/organisation.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const keyRow = (page: Page, name: string) => page.getByTestId('api-keys').locator('tr[data-key-id]', { hasText: name });
const usageTotals = (page: Page) => page.getByTestId('usage-totals').textContent().then((t) => t?.replace(/\s+/g, ' ').trim());

describe('API keys in the browser', () => {
  it('a developer creates a key, copies it, calls /api/v1/workspace with it, and sees the call in the usage chart; an admin sees the key come and go live', async () => {
    const ana = await personInBrowser(server, browser, 'Ana Admin');
    const dev = await personInBrowser(server, browser, 'Dev Builder');
    const workspaceId = await createWorkspace(server.ctx, ana.id, [], 'Acme Studio');
    await addMember(server.ctx, workspaceId, dev.user, 'developer');
    await dev.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });

    // With API access off there is no API tab, and the page says where to turn it on.
    await dev.page.goto(`/app/w/${workspaceId}`);
    await dev.page.getByRole('heading', { level: 1, name: 'Acme Studio' }).waitFor();
    expect(await dev.page.getByRole('navigation', { name: 'Workspace sections' }).getByRole('link', { name: 'API', exact: true }).count()).toBe(0);
    expect((await ana.client.request('PATCH', `/api/workspaces/${workspaceId}`, { settings: { apiAccess: true } })).status).toBe(200);
    // Turned on by an admin: the tab appears without a reload.
    await dev.page.getByRole('navigation', { name: 'Workspace sections' }).getByRole('link', { name: 'API', exact: true }).click();
    await dev.page.getByText('No API keys yet.', { exact: false }).waitFor();
    await waitLive(dev.page);
    await expect.poll(() => usageTotals(dev.page)).toBe('Last 24 hours: 0 calls, 0 credits');

    await ana.page.goto(`/app/w/${workspaceId}/api`);
    await ana.page.getByText('No API keys yet.', { exact: false }).waitFor();
    await waitLive(ana.page);

    // Create: the secret is shown once, copied to the clipboard, and said to be never shown again.
    await dev.page.getByRole('button', { name: 'New API key' }).click();
    const create = dev.page.getByRole('dialog', { name: 'New API key' });
    await create.getByLabel('Name').fill('CI pipeline');
    await create.getByLabel('Expires after (days)').fill('30');
    await create.getByRole('button', { name: 'Create key' }).click();
    const shown = dev.page.getByRole('dialog', { name: 'Your key “CI pipeline”' });
    await shown.waitFor();
    expect(await shown.textContent()).toContain('you will not see it again');
    const secret = await shown.getByTestId('api-key-secret').inputValue();
    expect(secret).toMatch(/^wsc_\S{20,}$/);
    await shown.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => shown.getByRole('status').textContent()).toBe('Copied to the clipboard.');
    expect(await dev.page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await screenshot(dev.page, 'api-key-secret-1280', { fullPage: false });
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'hidden' });
    const row = keyRow(dev.page, 'CI pipeline');
    await row.waitFor();
    expect(await row.textContent()).toContain(`${secret.slice(0, 8)}`);
    expect(await row.textContent()).toContain('Never used');
    expect(await row.textContent()).not.toContain(secret);
    // The admin's open screen got it live, without the secret.
    await keyRow(ana.page, 'CI pipeline').waitFor();
    expect(await ana.page.content()).not.toContain(secret);

    // An integration calls the public API with the copied key.
    const reply = await fetch(`${server.url}/api/v1/workspace`, { headers: { authorization: `Bearer ${secret}` } });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toMatchObject({ id: workspaceId, name: 'Acme Studio' });

    // The call shows in the chart's numbers, its table and the per-key breakdown, live.
    await expect.poll(() => usageTotals(dev.page), { timeout: 10_000 }).toBe('Last 24 hours: 1 call, 1 credit');
    expect(await dev.page.getByTestId('usage-chart').getAttribute('aria-label')).toContain('1 call, 1 credit');
    expect(await dev.page.locator('[data-testid="usage-chart"] canvas').count()).toBe(1);
    const table = dev.page.getByTestId('usage-table');
    expect(await table.evaluate((el) => el.classList.contains('visually-hidden'))).toBe(true);
    await dev.page.getByRole('button', { name: 'Show as table' }).click();
    expect(await table.evaluate((el) => el.classList.contains('visually-hidden'))).toBe(false);
    const hours = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).innerText.split('\t').map((c) => c.trim())));
    expect(hours).toHaveLength(24);
    expect(hours.filter((h) => h[1] !== '0')).toEqual([[expect.any(String), '1', '1']]);
    expect(hours.at(-1)!.slice(1)).toEqual(['1', '1']);
    expect(await dev.page.getByTestId('usage-by-key').locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^CI pipeline\s+1\s+1$/)]);
    await expect.poll(() => row.textContent()).not.toContain('Never used');
    await screenshot(dev.page, 'api-usage-1280');
    await dev.page.getByRole('button', { name: 'Last 30 days' }).click();
    await expect.poll(() => usageTotals(dev.page)).toBe('Last 30 days: 1 call, 1 credit');
    expect(await table.locator('tbody tr').count()).toBe(30);
    await dev.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(dev.page, 'api-usage-390');
    await dev.page.setViewportSize({ width: 1280, height: 800 });

    // Revoke, confirmed: the key stops at once, and both screens say so.
    await row.getByRole('button', { name: 'Revoke CI pipeline' }).click();
    const confirm = dev.page.getByRole('dialog', { name: 'Revoke the key “CI pipeline”?' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => row.textContent()).toContain('Revoked');
    await expect.poll(() => keyRow(ana.page, 'CI pipeline').textContent()).toContain('Revoked');
    expect(await row.getByRole('button', { name: 'Revoke CI pipeline' }).count()).toBe(0);
    const refused = await fetch(`${server.url}/api/v1/workspace`, { headers: { authorization: `Bearer ${secret}` } });
    expect(refused.status).toBe(401);
    for (const s of [ana, dev]) expect(s.errors).toEqual([]);
  });
});
