import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { screenshot, useWebAndBrowser } from '../support/browser.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';
import { personInBrowser, waitLive, type WebServer } from '../support/organisation.js';
import { recountSeats } from '../../server/workspaces/seat.service.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const stored = async (workspaceId: string) => (await server.ctx.models.Workspace.findById(workspaceId).lean())!;

describe('switching a sub-workspace’s billing mode', () => {
  it('an admin above switches it in the settings dialog, a refusal says what is missing, and the sub-workspace’s admin sees it live', async () => {
    const pat = await personInBrowser(server, browser, 'Pat Parent');
    const sue = await personInBrowser(server, browser, 'Sue Branch');
    const rootId = await createWorkspace(server.ctx, pat.id, [], 'Holding');
    const created = await pat.client.post(`/api/workspaces/${rootId}/subworkspaces`, { name: 'Branch', billingMode: 'inherited', apiAccess: false });
    expect(created.status).toBe(201);
    const subId = created.body.id as string;
    await addMember(server.ctx, subId, { _id: sue.id }, 'super_admin');
    await addMember(server.ctx, subId, (await createUser(server.ctx, server.url, 'Third')).user, 'creator');

    // Sue, the sub-workspace's own admin: its overview, on the parent's seats.
    await sue.page.goto(`/app/w/${subId}`);
    await sue.page.getByTestId('billing').waitFor();
    await waitLive(sue.page);
    expect(await sue.page.getByTestId('billing').textContent()).toBe('Inherited');
    expect(await sue.page.getByTestId('seat-counter').textContent()).toContain('3 / 10 seats used');

    // Pat, an admin above: the parent's list, the gear menu, the settings dialog.
    await pat.page.goto(`/app/w/${rootId}/subworkspaces`);
    const row = pat.page.locator(`li[data-subworkspace-id="${subId}"]`);
    await row.waitFor();
    await waitLive(pat.page);
    await row.getByRole('button', { name: 'Options for Branch' }).click();
    await row.getByRole('button', { name: 'Settings' }).click();
    const settings = pat.page.getByRole('dialog', { name: 'Settings of Branch' });
    await settings.waitFor();
    // Its avatar slots come out of the parent's 3, all given to it: it cannot get more, only fewer.
    const slots = settings.getByRole('group', { name: 'Avatar slots' });
    await slots.getByTestId('sub-slots-parent').waitFor();
    expect(await slots.getByTestId('sub-slots-parent').textContent()).toBe('The parent workspace has 0 more avatar slots to give.');
    await slots.getByRole('spinbutton').fill('5');
    await slots.getByRole('button', { name: 'Save slots' }).click();
    await expect
      .poll(() => slots.getByRole('alert').textContent())
      .toBe('Not enough avatar slots left in the parent workspace: it has 0 left to give. Give the parent more slots, or lower another sub-workspace’s first.');
    expect((await stored(subId)).avatarSlots).toBe(3);
    await slots.getByRole('spinbutton').fill('2');
    await slots.getByRole('button', { name: 'Save slots' }).click();
    await slots.getByRole('status').getByText('This workspace now has 2 avatar slots.').waitFor();
    expect(await slots.getByTestId('sub-slots-parent').textContent()).toBe('The parent workspace has 1 more avatar slot to give.');
    expect((await stored(subId)).avatarSlots).toBe(2);

    const billing = settings.getByRole('group', { name: 'Billing' });
    expect(await billing.getByRole('radio', { name: 'Uses the parent’s seats and credits' }).isChecked()).toBe(true);
    await screenshot(pat.page, 'billing-mode-dialog-1280', { fullPage: false });
    await pat.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(pat.page, 'billing-mode-dialog-390', { fullPage: false });
    await pat.page.setViewportSize({ width: 1280, height: 800 });
    await billing.getByRole('radio', { name: 'Independent: own seats and credits' }).check();
    const confirm = pat.page.getByRole('dialog', { name: 'Make Branch independent?' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('It gets a seat pool of its own, with a seat for each of its 3 members and each pending invitation.');
    await screenshot(pat.page, 'billing-mode-confirm-independent-1280', { fullPage: false });
    await pat.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(pat.page, 'billing-mode-confirm-independent-390', { fullPage: false });
    await pat.page.setViewportSize({ width: 1280, height: 800 });
    await confirm.getByRole('button', { name: 'Make independent' }).click();
    await billing.getByRole('status').getByText('Now independent: it has its own seats and credits.').waitFor();
    expect(await confirm.isVisible()).toBe(false);
    expect((await stored(subId)).settings.billingMode).toBe('independent');
    await row.getByText('Independent', { exact: true }).waitFor();

    // Sue's open screen follows without a reload: its billing, and its own pool's seats.
    await expect.poll(() => sue.page.getByTestId('billing').textContent()).toBe('Independent');
    await expect.poll(() => sue.page.getByTestId('seat-counter').textContent()).toContain('3 / 10 seats used');
    expect(await stored(subId).then((w) => w.poolId)).toBe(subId);

    // Back to the parent's billing, with the parent full: refused in words that say what to do, nothing changed.
    await server.ctx.models.Workspace.updateOne({ _id: rootId }, { $set: { 'seats.limit': 2 } });
    await recountSeats(server.ctx, rootId);
    await billing.getByRole('radio', { name: 'Uses the parent’s seats and credits' }).check();
    const back = pat.page.getByRole('dialog', { name: 'Let Branch use the parent’s seats and credits?' });
    await back.waitFor();
    expect(await back.textContent()).toContain('Its own seat pool goes, with every seat bought for it.');
    await back.getByRole('button', { name: 'Use the parent’s billing' }).click();
    const refusal = back.getByRole('alert');
    await expect.poll(() => refusal.textContent()).toBe(
      'Not enough free seats in the parent workspace: this workspace needs 2 and the parent has 1 free. Add seats to the parent workspace (at least 1 more), or remove members or pending invitations here, then try again.',
    );
    await screenshot(pat.page, 'billing-mode-refused-1280', { fullPage: false });
    expect((await stored(subId)).settings.billingMode).toBe('independent');
    // Cancelling puts the choice back where it is.
    await back.getByRole('button', { name: 'Cancel' }).click();
    expect(await billing.getByRole('radio', { name: 'Independent: own seats and credits' }).isChecked()).toBe(true);

    // With room again it goes through, and Sue's screen follows back.
    await server.ctx.models.Workspace.updateOne({ _id: rootId }, { $set: { 'seats.limit': 10 } });
    await recountSeats(server.ctx, rootId);
    await billing.getByRole('radio', { name: 'Uses the parent’s seats and credits' }).check();
    await back.getByRole('button', { name: 'Use the parent’s billing' }).click();
    await billing.getByRole('status').getByText('Now uses the parent’s seats and credits.').waitFor();
    await expect.poll(() => sue.page.getByTestId('billing').textContent()).toBe('Inherited');
    await expect.poll(() => sue.page.getByTestId('seat-counter').textContent()).toContain('3 / 10 seats used');

    // Sue may read it, not change it.
    await sue.page.getByRole('link', { name: 'Settings' }).click();
    await sue.page.getByTestId('billing-mode-readonly').waitFor();
    expect(await sue.page.getByTestId('billing-mode-readonly').textContent()).toBe('This workspace uses the parent’s seats and credits. An admin of the workspace above can change this.');
    expect(await sue.page.getByRole('radio').count()).toBe(0);
    await sue.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(sue.page, 'billing-mode-readonly-390');
    expect(pat.errors).toEqual([]);
    expect(sue.errors).toEqual([]);
  });

  it('the sub-workspaces page of an inherited one offers the switch to an admin above instead of a dead end', async () => {
    const pat = await personInBrowser(server, browser, 'Pat Deep', 'fr-FR');
    const rootId = await createWorkspace(server.ctx, pat.id, [], 'Maison');
    const subId = (await pat.client.post(`/api/workspaces/${rootId}/subworkspaces`, { name: 'Atelier', billingMode: 'inherited', apiAccess: false })).body.id as string;
    await pat.page.goto(`/app/w/${subId}/subworkspaces`);
    const notice = pat.page.getByTestId('cannot-have-subworkspaces');
    await notice.waitFor();
    expect(await notice.locator('p').first().textContent()).toBe('Cet espace utilise la facturation de son parent : il ne peut pas avoir de sous-espaces. Rendez-le indépendant pour en créer.');
    expect(await pat.page.getByRole('button', { name: /Nouveau sous-espace/ }).count()).toBe(0);
    await screenshot(pat.page, 'billing-mode-subworkspaces-notice-fr');
    await notice.getByRole('radio', { name: 'Indépendant : ses propres places et crédits' }).check();
    const confirm = pat.page.getByRole('dialog', { name: 'Rendre Atelier indépendant ?' });
    await confirm.getByRole('button', { name: 'Rendre indépendant' }).click();
    // The page itself becomes the one that creates sub-workspaces.
    await expect.poll(() => notice.count()).toBe(0);
    await pat.page.getByRole('button', { name: /Nouveau sous-espace/ }).waitFor();
    await screenshot(pat.page, 'billing-mode-subworkspaces-fr');
    expect(pat.errors).toEqual([]);
  });
});
