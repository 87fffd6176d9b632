import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openSession, screenshot, startWebServer } from '../support/browser.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { memberRow, personInBrowser, waitLive, type WebServer } from '../support/organisation.js';
import { bell, bellCount } from '../support/invitations.js';

let server: WebServer;
let browser: Browser;

beforeAll(async () => {
  server = await startWebServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const pendingRow = (page: Page, email: string) => page.getByTestId('pending-requests').locator('li[data-request-id]', { hasText: email });
const decidedRow = (page: Page, email: string) => page.getByTestId('decided-requests').locator('li[data-request-id]', { hasText: email });

async function requireApproval(workspaceId: string) {
  await server.ctx.models.Workspace.updateOne({ _id: workspaceId }, { $set: { 'settings.requireApproval': true } });
}

describe('joining with the invite link while approval is required', () => {
  it('the link from the panel makes a request; both bells count up; one admin approves from the panel; the other’s list and the joiner follow live', async () => {
    const ana = await personInBrowser(server, browser, 'Ana Linker');
    const bruno = await personInBrowser(server, browser, 'Bruno Approver');
    const workspaceId = await createWorkspace(server.ctx, ana.id, [{ userId: bruno.id, role: 'super_admin' }], 'Link Lab');
    await requireApproval(workspaceId);

    // Ana creates the link in the panel; its URL is shown once, with a Copy button.
    await ana.page.goto(`/app/w/${workspaceId}/members`);
    const panel = ana.page.getByTestId('invite-link');
    await panel.getByText('No invite link yet.', { exact: false }).waitFor();
    expect(await panel.getByText('Approval is required: people who use the link', { exact: false }).isVisible()).toBe(true);
    await panel.getByLabel('Role for joiners').selectOption('creator');
    await panel.getByLabel('Use limit').fill('5');
    await panel.getByRole('button', { name: 'Create link' }).click();
    const url = await panel.getByLabel('Invite link URL').inputValue();
    expect(url).toMatch(/^https?:\/\/[^/]+\/join\/[A-Za-z0-9_-]{20,}$/);
    expect(await panel.getByText('Copy it now: for safety, the link is shown only once.', { exact: false }).isVisible()).toBe(true);
    expect((await panel.getByTestId('link-status').textContent())!.replace(/\s+/g, ' ')).toMatch(/Link active Creator · 0 of 5 uses · expires /);
    expect(await panel.getByRole('button', { name: 'Copy' }).isVisible()).toBe(true);
    await screenshot(ana.page, 'invite-link-created');

    await ana.page.getByRole('link', { name: 'Requests' }).click();
    await ana.page.getByText('No one is waiting.', { exact: false }).waitFor();
    await bruno.page.goto(`/app/w/${workspaceId}/members`);
    await waitLive(ana.page);
    await waitLive(bruno.page);

    // Cara opens the link signed in: a request, not a membership.
    const cara = await personInBrowser(server, browser, 'Cara Joiner');
    await cara.page.goto(new URL(url).pathname);
    await cara.page.getByRole('heading', { name: 'Your request was sent' }).waitFor();
    expect(await cara.page.getByText('An admin will review it.', { exact: false }).isVisible()).toBe(true);

    // Both admins' bells count up, and Ana's Requests list shows it, without reloading.
    await expect.poll(() => bellCount(ana.page)).toBe('1');
    await expect.poll(() => bellCount(bruno.page)).toBe('1');
    const row = pendingRow(ana.page, cara.email);
    await row.waitFor();
    expect(await row.textContent()).toContain('Used the invite link');
    expect(await row.getByRole('combobox', { name: `Role for ${cara.name}` }).locator('option:checked').textContent()).toBe('Creator');
    await screenshot(ana.page, 'requests-pending');

    // Bruno approves from the notifications panel.
    await bell(bruno.page).click();
    const notifications = bruno.page.getByRole('dialog', { name: 'Notifications' });
    const entry = notifications.locator('li[data-type="joinRequest.created"]');
    expect(await entry.textContent()).toContain(`${cara.name} (${cara.email}) asks to join Link Lab`);
    await screenshot(bruno.page, 'notifications-panel-request');
    await entry.getByRole('button', { name: 'Approve' }).click();
    await entry.getByText('Approved.').waitFor();
    await expect.poll(() => bellCount(bruno.page)).toBe(null);

    // Ana's list moves the request to the decided ones; her bell still counts her own unread entry.
    await expect.poll(() => pendingRow(ana.page, cara.email).count()).toBe(0);
    const decided = decidedRow(ana.page, cara.email);
    await decided.waitFor();
    expect((await decided.textContent())!.replace(/\s+/g, ' ')).toContain(`Approved by ${bruno.name}`);
    expect(await decided.textContent()).toContain('Approved · Creator');
    expect(await bellCount(ana.page)).toBe('1');
    await screenshot(ana.page, 'requests-decided');

    // Cara's page follows the decision, and the workspace opens.
    await cara.page.getByRole('heading', { name: 'Your request was approved' }).waitFor();
    await cara.page.getByRole('link', { name: 'Open the workspace' }).click();
    await cara.page.getByRole('heading', { level: 1, name: 'Link Lab' }).waitFor();
    expect(await cara.page.getByText('Your role: Creator').isVisible()).toBe(true);
    expect(await cara.page.getByRole('navigation', { name: 'Workspaces' }).getByText('Link Lab').isVisible()).toBe(true);

    // The member appears on Bruno's members page too.
    await memberRow(bruno.page, cara.id).waitFor();
    for (const s of [ana, bruno, cara]) expect(s.errors).toEqual([]);
  });

  it('approving from the panel by keyboard keeps the focus: on the next waiting request, then on the decided item', async () => {
    const ana = await personInBrowser(server, browser, 'Ana Keyboard');
    const workspaceId = await createWorkspace(server.ctx, ana.id, [], 'Key Lab');
    await requireApproval(workspaceId);
    const link = await ana.client.request('PUT', `/api/workspaces/${workspaceId}/invite-link`, { role: 'viewer' });
    await ana.page.goto('/app');
    await waitLive(ana.page);
    const joiners = [await createUser(server.ctx, server.url, 'Kim First'), await createUser(server.ctx, server.url, 'Lee Second')];
    for (const joiner of joiners) expect((await joiner.client.post(`/api/join/${link.body.token}`)).status).toBe(202);
    await expect.poll(() => bellCount(ana.page)).toBe('2');

    // Open the panel from the keyboard: the focus goes to its heading.
    await bell(ana.page).focus();
    await ana.page.keyboard.press('Enter');
    const panel = ana.page.getByRole('dialog', { name: 'Notifications' });
    const items = panel.locator('li[data-type="joinRequest.created"]');
    await expect.poll(() => items.count()).toBe(2);
    const [top, below] = [items.nth(0), items.nth(1)];
    const focused = () =>
      ana.page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return { item: el?.closest('li')?.dataset.notificationId ?? null, tag: el?.tagName ?? null, action: el?.dataset.action ?? null };
      });

    // Approve the top request with Enter: its buttons go, the focus moves to the next request's Approve.
    await top.getByRole('button', { name: 'Approve' }).focus();
    await ana.page.keyboard.press('Enter');
    await top.getByText('Approved.').waitFor();
    const belowId = await below.getAttribute('data-notification-id');
    await expect.poll(focused).toEqual({ item: belowId, tag: 'BUTTON', action: 'approve' });

    // The last one: nothing waits below, so the focus stays on the decided item itself.
    await ana.page.keyboard.press('Enter');
    await below.getByText('Approved.').waitFor();
    await expect.poll(focused).toEqual({ item: belowId, tag: 'A', action: null });
    await screenshot(ana.page, 'notifications-focus-after-approve');
    expect(await panel.isVisible()).toBe(true);
    for (const joiner of joiners) expect(await server.ctx.models.Membership.countDocuments({ workspaceId, userId: joiner.user._id })).toBe(1);
    expect(ana.errors).toEqual([]);
  });

  it('two admins approving the same request at once: one succeeds, the other is told who approved it first', async () => {
    const ana = await personInBrowser(server, browser, 'Ana Racer');
    const bruno = await personInBrowser(server, browser, 'Bruno Racer');
    const workspaceId = await createWorkspace(server.ctx, ana.id, [{ userId: bruno.id, role: 'super_admin' }], 'Race Room');
    await requireApproval(workspaceId);
    const link = await ana.client.request('PUT', `/api/workspaces/${workspaceId}/invite-link`, { role: 'viewer' });
    expect(link.status).toBe(200);
    const dora = await createUser(server.ctx, server.url, 'Dora Waiting');
    expect((await dora.client.post(`/api/join/${link.body.token}`)).status).toBe(202);

    for (const admin of [ana, bruno]) {
      await admin.page.goto(`/app/w/${workspaceId}/members/requests`);
      await pendingRow(admin.page, dora.email).waitFor();
    }
    await Promise.all([ana, bruno].map((admin) => pendingRow(admin.page, dora.email).getByRole('button', { name: 'Approve' }).click()));

    // Exactly one of them is told that the other was first; both lists end up with the request decided.
    const already = (admin: typeof ana, other: typeof ana) => admin.page.getByText(`Already approved by ${other.name}. The list was refreshed.`);
    await expect.poll(async () => (await already(ana, bruno).count()) + (await already(bruno, ana).count()), { timeout: 5000 }).toBe(1);
    for (const admin of [ana, bruno]) {
      await expect.poll(() => pendingRow(admin.page, dora.email).count()).toBe(0);
      await decidedRow(admin.page, dora.email).waitFor();
    }
    const stored = await server.ctx.models.Membership.countDocuments({ workspaceId, userId: dora.user._id });
    expect(stored).toBe(1);
    for (const s of [ana, bruno]) expect(s.errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
  });
});

describe('the join page', () => {
  it('asks a signed-out visitor to sign in and come back, joins at once without approval, and explains a dead link', async () => {
    const owner = await createUser(server.ctx, server.url, 'Open Owner');
    const workspaceId = await createWorkspace(server.ctx, owner.user._id, [], 'Open House');
    const link = await owner.client.request('PUT', `/api/workspaces/${workspaceId}/invite-link`, { role: 'viewer' });
    const path = `/join/${link.body.token}`;

    const visitor = await openSession(browser, server.url);
    await visitor.page.goto(path);
    await visitor.page.getByRole('heading', { name: 'Join a workspace' }).waitFor();
    expect(await visitor.page.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe(`/signin?next=${encodeURIComponent(path)}`);

    const eve = await personInBrowser(server, browser, 'Eve Joiner');
    await eve.page.goto(path);
    await eve.page.getByRole('heading', { name: 'You joined Open House' }).waitFor();
    await eve.page.getByRole('button', { name: 'Open Open House' }).click();
    await eve.page.getByRole('heading', { level: 1, name: 'Open House', exact: true }).waitFor();
    expect(await eve.page.getByText('Your role: Viewer').isVisible()).toBe(true);

    // Rotating kills the old link: the page says so and what to do.
    expect((await owner.client.request('PUT', `/api/workspaces/${workspaceId}/invite-link`, { role: 'viewer' })).status).toBe(200);
    const late = await personInBrowser(server, browser, 'Late Joiner');
    await late.page.goto(path);
    await late.page.getByRole('heading', { name: 'This invite link does not work' }).waitFor();
    expect(await late.page.getByText('Ask an admin of the workspace for the current link.', { exact: false }).isVisible()).toBe(true);
    expect(eve.errors).toEqual([]);
  });

  it('offers the workspaces of the person’s company on the home page', async () => {
    const owner = await createUser(server.ctx, server.url, 'Domain Owner');
    const workspaceId = await createWorkspace(server.ctx, owner.user._id, [], 'Example Corp');
    await server.ctx.models.Workspace.updateOne({ _id: workspaceId }, { $set: { 'settings.companyDomains': ['example.com'], 'settings.requireApproval': true } });
    const fay = await personInBrowser(server, browser, 'Fay Colleague');
    await fay.page.goto('/app');
    const section = fay.page.getByTestId('domain-workspaces');
    const item = section.locator(`li[data-workspace-id="${workspaceId}"]`);
    await item.waitFor();
    expect(await section.getByRole('heading', { name: 'Workspaces of your company' }).isVisible()).toBe(true);
    await item.getByRole('button', { name: 'Ask to join' }).click();
    await section.getByText('Request sent. An admin of Example Corp will review it.').waitFor();
    const request = await server.ctx.models.JoinRequest.findOne({ workspaceId, userId: fay.id }).lean();
    expect(request).toMatchObject({ status: 'pending', via: 'domain' });
    expect(fay.errors).toEqual([]);
  });
});
