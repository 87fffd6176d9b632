import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { type WebServer, openSession, screenshot, useWebAndBrowser } from '../support/browser.js';
import { signedInClient } from '../support/client.js';
import { createWorkspace } from '../support/factories.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

async function signedInPage(name: string) {
  const signedIn = await signedInClient(server.url, { name });
  const session = await openSession(browser, server.url);
  await session.context.addCookies([{ name: 'sid', value: signedIn.client.cookie.slice(4), url: server.url }]);
  return { ...signedIn, ...session };
}

describe('the workspaces of the signed-in user', () => {
  it('lists each workspace with the user’s translated role', async () => {
    const { page, user, errors } = await signedInPage('Morgan Admin');
    const other = await signedInClient(server.url, { name: 'Casey Creator' });
    await createWorkspace(server.ctx, user.id, [], 'Acme');
    await createWorkspace(server.ctx, other.user.id, [{ userId: user.id, role: 'viewer' }], 'Globex Studio');

    await page.goto('/app');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome, Morgan Admin');
    const cards = page.locator('main li');
    await expect.poll(() => cards.count()).toBe(2);
    const acme = cards.filter({ has: page.getByRole('heading', { name: 'Acme', exact: true }) });
    expect(await acme.locator('.badge').textContent()).toBe('Super Admin');
    const globex = cards.filter({ has: page.getByRole('heading', { name: 'Globex Studio' }) });
    expect(await globex.locator('.badge').textContent()).toBe('Viewer');
    expect(await page.getByRole('navigation').getByText('Acme').isVisible()).toBe(true);
    expect(await page.getByText('You’re not in a workspace yet').count()).toBe(0);

    await expect.poll(() => page.getByRole('status').getAttribute('data-status'), { timeout: 10_000 }).toBe('live');
    await screenshot(page, 'app-en');

    await page.getByRole('button', { name: 'French' }).click();
    await expect.poll(() => acme.locator('.badge').textContent()).toBe('Super administrateur');
    expect(await globex.locator('.badge').textContent()).toBe('Lecteur');
    expect(errors).toEqual([]);
  });
});
