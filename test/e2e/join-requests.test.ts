import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openSession, screenshot, useWebAndBrowser } from '../support/browser.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { memberRow, personInBrowser, waitLive, type WebServer } from '../support/organisation.js';
import { bell, bellCount } from '../support/invitations.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const pendingRow = (page: Page, email: string) => page.getByTestId('pending-requests').locator('li[data-request-id]', { hasText: email });
const decidedRow = (page: Page, email: string) => page.getByTestId('decided-requests').locator('li[data-request-id]', { hasText: email });
const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
const dateOf = (page: Page, iso: string) => page.evaluate((at) => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at)), iso);

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
    await expect.poll(() => entry.getByTestId('outcome').textContent()).toMatch(new RegExp(`^Approved by ${bruno.name} as Creator · .+$`));
    expect(await entry.getByRole('button').count()).toBe(0);
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
    await top.getByTestId('outcome').waitFor();
    const belowId = await below.getAttribute('data-notification-id');
    await expect.poll(focused).toEqual({ item: belowId, tag: 'BUTTON', action: 'approve' });

    // The last one: nothing waits below, so the focus stays on the decided item itself.
    await ana.page.keyboard.press('Enter');
    await below.getByTestId('outcome').waitFor();
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
  it('names the workspace before sign-in, joins at once without approval, and explains a dead link', async () => {
    const owner = await createUser(server.ctx, server.url, 'Open Owner');
    const workspaceId = await createWorkspace(server.ctx, owner.user._id, [], 'Open House');
    const link = await owner.client.request('PUT', `/api/workspaces/${workspaceId}/invite-link`, { role: 'viewer' });
    const path = `/join/${link.body.token}`;

    // Signed out: the page says which workspace, with which role, and that no approval is needed.
    const visitor = await openSession(browser, server.url);
    await visitor.page.goto(path);
    await visitor.page.getByRole('heading', { name: 'Join Open House' }).waitFor();
    expect(await visitor.page.locator('.subtitle').textContent()).toBe(
      'You are invited to join Open House as Viewer. Sign in or create an account to use this link: you come back here right after.',
    );
    const facts = visitor.page.getByTestId('join-preview');
    expect(await facts.locator('dd').allTextContents()).toEqual(['Open House', 'Viewer', 'You join at once']);
    expect(await visitor.page.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe(`/signin?next=${encodeURIComponent(path)}`);
    await screenshot(visitor.page, 'join-page-signed-out-1280');
    await visitor.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(visitor.page, 'join-page-signed-out-390');

    // With approval required, the page says so before anyone signs in.
    await requireApproval(workspaceId);
    await visitor.page.reload();
    await visitor.page.getByRole('heading', { name: 'Join Open House' }).waitFor();
    expect(await facts.locator('dd').allTextContents()).toEqual(['Open House', 'Viewer', 'An admin approves each request']);
    await server.ctx.models.Workspace.updateOne({ _id: workspaceId }, { $set: { 'settings.requireApproval': false } });

    const eve = await personInBrowser(server, browser, 'Eve Joiner');
    await eve.page.goto(path);
    await eve.page.getByRole('heading', { name: 'You joined Open House' }).waitFor();
    await eve.page.getByRole('button', { name: 'Open Open House' }).click();
    await eve.page.getByRole('heading', { level: 1, name: 'Open House', exact: true }).waitFor();
    expect(await eve.page.getByText('Your role: Viewer').isVisible()).toBe(true);

    // Rotating kills the old link: the page says so and what to do, signed in or not.
    expect((await owner.client.request('PUT', `/api/workspaces/${workspaceId}/invite-link`, { role: 'viewer' })).status).toBe(200);
    const late = await personInBrowser(server, browser, 'Late Joiner');
    await late.page.goto(path);
    await late.page.getByRole('heading', { name: 'This invite link does not work' }).waitFor();
    expect(await late.page.getByText('Ask an admin of the workspace for the current link.', { exact: false }).isVisible()).toBe(true);
    expect(await server.ctx.models.Membership.countDocuments({ workspaceId, userId: late.id })).toBe(0);
    await visitor.page.reload();
    await visitor.page.getByRole('heading', { name: 'This invite link does not work' }).waitFor();
    expect(await visitor.page.getByTestId('join-preview').count()).toBe(0);
    for (const s of [visitor, eve, late]) expect(s.errors).toEqual([]);
  });

  it('offers the workspaces of the person’s company on the home page; the request shows there, and its decision arrives live', async () => {
    const domain = `corp${Date.now().toString(36)}.test`;
    const owner = await createUser(server.ctx, server.url, 'Domain Owner', { email: `owner@${domain}` });
    const workspaceId = await createWorkspace(server.ctx, owner.user._id, [], 'Example Corp');
    // The owner's verified address at the domain is what lets the domain be added.
    expect((await owner.client.request('PATCH', `/api/workspaces/${workspaceId}`, { settings: { companyDomains: [domain], requireApproval: true } })).status).toBe(200);
    const fay = await personInBrowser(server, browser, 'Fay Colleague', 'en-US', { email: `fay@${domain}` });
    await fay.page.goto('/app');
    const section = fay.page.getByTestId('domain-workspaces');
    const item = section.locator(`li[data-workspace-id="${workspaceId}"]`);
    await item.waitFor();
    expect(await section.getByRole('heading', { name: 'Workspaces of your company' }).isVisible()).toBe(true);
    await waitLive(fay.page);
    await item.getByRole('button', { name: 'Ask to join' }).click();
    await section.getByText('Request sent. An admin of Example Corp will review it.').waitFor();
    const request = await server.ctx.models.JoinRequest.findOne({ workspaceId, userId: fay.id }).lean();
    expect(request).toMatchObject({ status: 'pending', via: 'domain' });

    // The request is listed on the home page at once, and after a reload.
    const mine = fay.page.getByTestId('my-requests').locator(`li[data-request-id="${request!._id}"]`);
    await mine.waitFor();
    await fay.page.reload();
    await mine.waitFor();
    // The company's workspace no longer offers to ask again: it says the request was sent.
    expect(await item.getByRole('button').count()).toBe(0);
    expect(await item.locator('.pill').textContent()).toBe('Request sent');
    expect(await fay.page.getByTestId('my-requests').getByRole('heading').textContent()).toBe('Your requests to join');
    expect(await mine.getByTestId('request-status').textContent()).toBe('Waiting for approval');
    expect(squash(await mine.locator('.text').textContent())).toBe('An admin of Example Corp will review your request. This page updates by itself once they decide.');
    await waitLive(fay.page);
    await screenshot(fay.page, 'home-request-pending-1280');
    await fay.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(fay.page, 'home-request-pending-390');
    await fay.page.setViewportSize({ width: 1280, height: 800 });

    // The owner approves: the decision arrives without a reload, with the way in.
    expect((await owner.client.post(`/api/workspaces/${workspaceId}/join-requests/${request!._id}/approve`, { role: 'creator' })).status).toBe(200);
    await expect.poll(() => mine.getByTestId('request-status').textContent()).toBe('Approved');
    expect(squash(await mine.locator('.text').textContent())).toBe('Approved: you are now a member of Example Corp as Creator.');
    await mine.getByRole('link', { name: 'Open Example Corp' }).waitFor();
    await expect.poll(() => fay.page.getByRole('region', { name: 'Your workspaces' }).getByRole('link', { name: 'Example Corp' }).count()).toBe(1);
    await screenshot(fay.page, 'home-request-approved');
    expect(fay.errors).toEqual([]);
  });
});

describe('decided requests and where they show', () => {
  it('a request approved by one admin shows “Approved by” in another admin’s open panel, live and after a reload', async () => {
    const ana = await personInBrowser(server, browser, 'Ana Decider');
    const bruno = await personInBrowser(server, browser, 'Bruno Watcher');
    const workspaceId = await createWorkspace(server.ctx, ana.id, [{ userId: bruno.id, role: 'super_admin' }], 'Outcome Lab');
    await requireApproval(workspaceId);
    const link = await ana.client.request('PUT', `/api/workspaces/${workspaceId}/invite-link`, { role: 'viewer' });
    await bruno.page.goto('/app');
    await waitLive(bruno.page);
    const gil = await createUser(server.ctx, server.url, 'Gil Asking');
    expect((await gil.client.post(`/api/join/${link.body.token}`)).status).toBe(202);

    await expect.poll(() => bellCount(bruno.page)).toBe('1');
    await bell(bruno.page).click();
    const entry = bruno.page.getByRole('dialog', { name: 'Notifications' }).locator('li[data-type="joinRequest.created"]');
    await entry.getByRole('button', { name: 'Approve' }).waitFor();

    // Ana approves elsewhere (her Requests tab); Bruno's open panel swaps the buttons for the decision.
    await ana.page.goto(`/app/w/${workspaceId}/members/requests`);
    await pendingRow(ana.page, gil.email).getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => entry.getByTestId('outcome').textContent(), { timeout: 5000 }).toMatch(new RegExp(`^Approved by ${ana.name} as Viewer · .+$`));
    expect(await entry.getByRole('button').count()).toBe(0);
    const decidedAt = (await server.ctx.models.JoinRequest.findOne({ workspaceId, userId: gil.user._id }).lean())!.decidedAt!.toISOString();
    const shown = `Approved by ${ana.name} as Viewer · ${await dateOf(bruno.page, decidedAt)}`;
    expect(await entry.getByTestId('outcome').textContent()).toBe(shown);
    await screenshot(bruno.page, 'panel-request-decided-elsewhere');

    // After a reload: still the decision, never the buttons.
    await bruno.page.reload();
    await bell(bruno.page).click();
    const again = bruno.page.getByRole('dialog', { name: 'Notifications' }).locator('li[data-type="joinRequest.created"]');
    await again.getByTestId('outcome').waitFor();
    expect(await again.getByTestId('outcome').textContent()).toBe(shown);
    expect(await again.getByRole('button').count()).toBe(0);

    // Denied by Bruno from his panel: Ana's panel shows who denied it.
    const hal = await createUser(server.ctx, server.url, 'Hal Asking');
    expect((await hal.client.post(`/api/join/${link.body.token}`)).status).toBe(202);
    const halEntry = bruno.page.getByRole('dialog', { name: 'Notifications' }).locator('li[data-type="joinRequest.created"]', { hasText: hal.email });
    await halEntry.getByRole('button', { name: 'Deny' }).click();
    await expect.poll(() => halEntry.getByTestId('outcome').textContent()).toMatch(new RegExp(`^Denied by ${bruno.name} · .+$`));
    await bell(ana.page).click();
    const anaEntry = ana.page.getByRole('dialog', { name: 'Notifications' }).locator('li[data-type="joinRequest.created"]', { hasText: hal.email });
    await expect.poll(() => anaEntry.getByTestId('outcome').textContent()).toMatch(new RegExp(`^Denied by ${bruno.name} · .+$`));
    expect(await anaEntry.getByRole('button').count()).toBe(0);
    for (const s of [ana, bruno]) expect(s.errors).toEqual([]);
  });

  it('the Members sub-tab counts the waiting requests and lists them above the members, with Approve and Deny, live', async () => {
    const ana = await personInBrowser(server, browser, 'Ana Members');
    const workspaceId = await createWorkspace(server.ctx, ana.id, [], 'Waiting Room');
    await requireApproval(workspaceId);
    const link = await ana.client.request('PUT', `/api/workspaces/${workspaceId}/invite-link`, { role: 'creator' });
    await ana.page.goto(`/app/w/${workspaceId}/members`);
    await memberRow(ana.page, ana.id).waitFor();
    await waitLive(ana.page);
    const count = ana.page.getByTestId('pending-count');
    const waiting = ana.page.getByTestId('waiting-approval');
    expect(await count.count()).toBe(0);
    expect(await waiting.count()).toBe(0);

    const [ivy, jon] = [await createUser(server.ctx, server.url, 'Ivy Waiting'), await createUser(server.ctx, server.url, 'Jon Waiting')];
    expect((await ivy.client.post(`/api/join/${link.body.token}`)).status).toBe(202);
    await expect.poll(() => count.textContent()).toBe('1');
    expect(await ana.page.getByRole('link', { name: 'Requests (1 waiting)' }).isVisible()).toBe(true);
    expect((await jon.client.post(`/api/join/${link.body.token}`)).status).toBe(202);
    await expect.poll(() => count.textContent()).toBe('2');
    const rows = waiting.locator('li[data-request-id]');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await waiting.getByRole('heading').textContent()).toBe('Waiting for approval 2');
    expect(squash(await rows.nth(0).locator('.who').textContent())).toMatch(new RegExp(`^${jon.user.name} ${jon.email} Used the invite link · Asked .+$`));
    await screenshot(ana.page, 'members-waiting-1280');
    await ana.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(ana.page, 'members-waiting-390');
    await ana.page.setViewportSize({ width: 1280, height: 800 });

    // Approving here (by keyboard) makes Ivy a member in the list below; the count follows, and the focus moves to Jon's Approve.
    const ivyRow = waiting.locator('li[data-request-id]', { hasText: ivy.email });
    await ivyRow.getByRole('combobox', { name: `Role for ${ivy.user.name}` }).selectOption('viewer');
    await ivyRow.getByRole('button', { name: 'Approve' }).focus();
    await ana.page.keyboard.press('Enter');
    await memberRow(ana.page, ivy.user._id).waitFor();
    const jonRow = waiting.locator('li[data-request-id]', { hasText: jon.email });
    await expect.poll(() => jonRow.getByRole('button', { name: 'Approve' }).evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await memberRow(ana.page, ivy.user._id).getByRole('combobox').locator('option:checked').textContent()).toBe('Viewer');
    await expect.poll(() => count.textContent()).toBe('1');
    await expect.poll(() => rows.count()).toBe(1);

    // Jon's request is denied by someone else (the API, as another admin would): it leaves, and so do the count and the section.
    const jonRequest = (await server.ctx.models.JoinRequest.findOne({ workspaceId, userId: jon.user._id }).lean())!;
    expect((await ana.client.post(`/api/workspaces/${workspaceId}/join-requests/${jonRequest._id}/deny`)).status).toBe(200);
    await expect.poll(() => waiting.count()).toBe(0);
    expect(await count.count()).toBe(0);
    expect(await memberRow(ana.page, jon.user._id).count()).toBe(0);

    // The Requests tab keeps its count from the same reply and events.
    const kim = await createUser(server.ctx, server.url, 'Kim Waiting');
    expect((await kim.client.post(`/api/join/${link.body.token}`)).status).toBe(202);
    await expect.poll(() => count.textContent()).toBe('1');
    await ana.page.getByRole('link', { name: 'Requests (1 waiting)' }).click();
    await pendingRow(ana.page, kim.email).waitFor();
    expect(await ana.page.getByTestId('pending-count').textContent()).toBe('1');
    expect(ana.errors).toEqual([]);
  });
});
