import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { screenshot, useWebAndBrowser } from '../support/browser.js';
import { addMember, createWorkspace } from '../support/factories.js';
import { personInBrowser, waitLive, type WebServer } from '../support/organisation.js';
import { createSubworkspace } from '../../server/commands/create-subworkspace.js';
import { recountLedger } from '../../server/credits/ledger.service.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser(
  (s, b) => {
    server = s;
    browser = b;
  },
  { env: { DEFAULT_GENERATIVE_CREDITS: '60', DEFAULT_API_CREDITS: '1000' } },
);

const available = (page: Page, kind: 'generative' | 'api') => page.getByTestId(`available-${kind}`).textContent();
const ledgerRows = (page: Page) => page.locator('tr[data-ledger-type]');
const ledgerTexts = (page: Page) => ledgerRows(page).evaluateAll((rows) => rows.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
const stored = async (id: string) => {
  const [g, a] = await Promise.all([recountLedger(server.ctx, id, 'generative'), recountLedger(server.ctx, id, 'api')]);
  return { generative: g.available, api: a.available };
};

describe('credits in the browser', () => {
  it('an admin buys credits, then allocates to a sub-workspace while its admin’s open screen updates live; too much says what the parent has left', async () => {
    const ana = await personInBrowser(server, browser, 'Ana Owner');
    const bruno = await personInBrowser(server, browser, 'Bruno Client');
    const rootId = await createWorkspace(server.ctx, ana.id, [], 'Northwind');
    const root = (await server.ctx.models.Workspace.findById(rootId).lean())!;
    const { workspace: sub } = await createSubworkspace(server.ctx, root, ana.user as never, { name: 'Client A', billingMode: 'inherited', apiAccess: false, members: [] });
    await addMember(server.ctx, sub._id, bruno.user, 'super_admin');

    // Bruno, an admin of the sub-workspace only, watches its billing: nothing allocated yet, and where credits come from.
    await bruno.page.goto(`/app/w/${sub._id}/billing`);
    await bruno.page.getByTestId('allocated-notice').waitFor();
    await waitLive(bruno.page);
    expect(await available(bruno.page, 'generative')).toBe('0');
    expect(await available(bruno.page, 'api')).toBe('0');
    expect(await bruno.page.getByTestId('allocated-notice').textContent()).toContain('Credits here come from the workspace above');
    expect(await bruno.page.getByRole('heading', { name: 'Buy credits and seats' }).count()).toBe(0);
    await bruno.page.getByText('No entries yet. When an admin of the workspace above allocates credits to this one, it appears here.').waitFor();
    await screenshot(bruno.page, 'credits-sub-empty-1280');

    // Ana buys 1,000 generative credits for the account, through the confirmation.
    await ana.page.goto(`/app/w/${rootId}/billing`);
    await ana.page.getByRole('heading', { name: 'Buy credits and seats' }).waitFor();
    expect(await available(ana.page, 'generative')).toBe('60');
    await ana.page.getByLabel('Generative credits to buy').fill('1000');
    await ana.page.locator('form[data-item="generative_credits"]').getByRole('button', { name: 'Buy credits' }).click();
    const confirm = ana.page.getByRole('dialog', { name: 'Buy 1,000 generative credits?' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('This is a simulated purchase: no payment is taken.');
    await screenshot(ana.page, 'credits-purchase-confirm-1280', { fullPage: false });
    await confirm.getByRole('button', { name: 'Buy', exact: true }).click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => ana.page.getByTestId('purchase-done').textContent()).toBe('Bought 1,000 generative credits. Available now: 1,060.');
    expect(await available(ana.page, 'generative')).toBe('1,060');
    await expect.poll(() => ledgerTexts(ana.page)).toEqual([
      expect.stringMatching(/Purchase Generative credits \+1,000 1,060 Ana Owner/),
      expect.stringMatching(/Starting credits (Generative|API) credits/),
      expect.stringMatching(/Starting credits (Generative|API) credits/),
    ]);
    const purchase = ana.apiCalls.filter((c) => c === `POST /api/workspaces/${rootId}/purchases`);
    expect(purchase).toHaveLength(1);

    // The gear menu's settings of Client A: what it has, what Northwind has left, and a refusal in words.
    await ana.page.goto(`/app/w/${rootId}/subworkspaces`);
    await ana.page.getByRole('button', { name: 'Options for Client A' }).click();
    await ana.page.locator(`li[data-subworkspace-id="${sub._id}"]`).getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = ana.page.getByRole('dialog', { name: /Client A/ });
    const allocation = dialog.getByTestId('credit-allocation');
    await allocation.getByTestId('parent-left-generative').waitFor();
    expect(await allocation.getByTestId('parent-left-generative').textContent()).toContain('Northwind has 1,060 left to give.');
    expect(await allocation.getByTestId('parent-left-api').textContent()).toContain('Northwind has 1,000 left to give.');
    await allocation.getByLabel('Generative credits').fill('2000');
    await allocation.getByRole('button', { name: 'Save credits' }).click();
    await expect.poll(() => allocation.getByRole('alert').first().textContent()).toBe(
      'The parent workspace has only 1,060 generative credits left. Allocate less, or add credits to the parent first.',
    );
    expect(await stored(sub._id)).toEqual({ generative: 0, api: 0 });
    await screenshot(ana.page, 'credits-allocation-refused-1280', { fullPage: false });

    await allocation.getByLabel('Generative credits').fill('400');
    await allocation.getByLabel('API credits').fill('50');
    await allocation.getByRole('button', { name: 'Save credits' }).click();
    await expect.poll(() => allocation.getByTestId('alloc-saved').textContent()).toBe('Saved: Client A has 400 generative and 50 API credits.');
    await expect.poll(() => allocation.getByTestId('parent-left-generative').textContent()).toContain('Northwind has 660 left to give.');
    expect(await stored(sub._id)).toEqual({ generative: 400, api: 50 });
    expect(await stored(rootId)).toEqual({ generative: 660, api: 950 });

    // Bruno's open screen followed without a reload: the balances and the entries behind them.
    await expect.poll(() => available(bruno.page, 'generative')).toBe('400');
    await expect.poll(() => available(bruno.page, 'api')).toBe('50');
    await expect.poll(() => ledgerTexts(bruno.page)).toEqual([
      expect.stringMatching(/Allocated by Northwind (Generative|API) credits \+(400|50)/),
      expect.stringMatching(/Allocated by Northwind (Generative|API) credits \+(400|50)/),
    ]);
    expect(bruno.apiCalls.filter((c) => c === `GET /api/workspaces/${sub._id}/credits`)).toHaveLength(1);
    await screenshot(bruno.page, 'credits-sub-live-1280');
    await bruno.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(bruno.page, 'credits-sub-live-390');

    // Northwind's ledger says where its credits went.
    await ana.page.keyboard.press('Escape');
    await ana.page.goto(`/app/w/${rootId}/billing`);
    await expect.poll(() => ledgerTexts(ana.page).then((rows) => rows.slice(0, 2))).toEqual([
      expect.stringMatching(/Allocated to Client A (Generative|API) credits -(400|50)/),
      expect.stringMatching(/Allocated to Client A (Generative|API) credits -(400|50)/),
    ]);
    await ana.page.getByLabel('Show').selectOption('api');
    await expect.poll(() => ledgerTexts(ana.page)).toEqual([expect.stringMatching(/Allocated to Client A API credits -50 950/), expect.stringMatching(/Starting credits API credits \+1,000 1,000/)]);
    await screenshot(ana.page, 'credits-root-1280');
    await ana.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(ana.page, 'credits-root-390');
    for (const s of [ana, bruno]) expect(s.errors).toEqual([]);
  });
});
