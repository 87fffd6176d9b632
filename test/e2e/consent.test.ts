import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openSession, screenshot, useWebAndBrowser } from '../support/browser.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';
import { memberRow, personInBrowser, waitLive, type WebServer } from '../support/organisation.js';
import { bell, bellCount, invitePathFromMail } from '../support/invitations.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const invitationRow = (page: Page, email: string) => page.locator('tr[data-invitation-id]', { hasText: email });
const panel = (page: Page) => page.getByRole('dialog', { name: 'Notifications' });
const received = (page: Page, workspace: string) => panel(page).locator('li[data-type="invitation.received"]', { hasText: workspace });
const homeInvitation = (page: Page, workspace: string) => page.getByTestId('my-invitations').locator('li[data-invitation-id]', { hasText: workspace });
const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
const dateOf = (page: Page, iso: string) => page.evaluate((at) => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at)), iso);

/** Invites `email` to `workspaceId` as `role` through the API, as an admin would from the members page. */
async function invite(admin: { client: { post: (path: string, body: unknown) => Promise<{ status: number; body: any }> } }, workspaceId: string, email: string, role = 'creator') {
  const reply = await admin.client.post(`/api/workspaces/${workspaceId}/members`, { email, role });
  expect(reply.status).toBe(201);
  expect(Object.keys(reply.body)).toEqual(['invitation']);
  return reply.body.invitation as { id: string };
}

describe('adding someone by email', () => {
  it('adds people of the account at once, and invites anyone else in the same words whether or not they have an account', async () => {
    const ana = await personInBrowser(server, browser, 'Ana Adder');
    const workspaceId = await createWorkspace(server.ctx, ana.id, [], 'Consent Studio');
    // Someone of the same account (a sub-workspace's member), someone with an account elsewhere, someone with none.
    const sub = await ana.client.post(`/api/workspaces/${workspaceId}/subworkspaces`, { name: 'Consent Team', billingMode: 'inherited', apiAccess: false });
    expect(sub.status).toBe(201);
    const colleague = await createUser(server.ctx, server.url, 'Cole Colleague');
    await addMember(server.ctx, sub.body.id, colleague.user, 'viewer');
    const stranger = await createUser(server.ctx, server.url, 'Stan Stranger');
    const nobody = `nobody.${Date.now().toString(36)}@example.com`;

    await ana.page.goto(`/app/w/${workspaceId}/members`);
    await waitLive(ana.page);
    await ana.page.getByRole('button', { name: '+ Add a member' }).click();
    const form = ana.page.locator('#add-member');
    expect(await form.locator('.hint').textContent()).toBe(
      'People already in this account join at once. Anyone else gets an invitation to accept, by email and in the app. Their role decides what they can do here.',
    );
    const result = form.getByTestId('add-member-result');
    const add = async (email: string) => {
      await form.getByLabel('Email address').fill(email);
      await form.getByRole('button', { name: 'Add member', exact: true }).click();
      await expect.poll(() => result.textContent()).toContain(email);
      return result.textContent();
    };

    expect(await add(colleague.email)).toBe(`${colleague.email} was added.`);
    await memberRow(ana.page, colleague.user._id).waitFor();

    // The two strangers read exactly alike: nothing tells whether an account exists.
    expect(await add(stranger.email)).toBe(`Invitation sent to ${stranger.email}.`);
    await screenshot(ana.page, 'add-member-invited-1280');
    expect(await add(nobody)).toBe(`Invitation sent to ${nobody}.`);
    for (const email of [stranger.email, nobody]) {
      const row = invitationRow(ana.page, email);
      await row.waitFor();
      expect(await row.getByTestId('invitation-status').textContent()).toBe('Invitation sent');
      expect(await row.getByTestId('role').textContent()).toBe('Creator');
    }
    expect(await memberRow(ana.page, stranger.user._id).count()).toBe(0);
    expect(await server.ctx.models.Membership.countDocuments({ workspaceId, userId: stranger.user._id })).toBe(0);
    await ana.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(ana.page, 'add-member-invited-390');
    expect(ana.errors).toEqual([]);
  });
});

describe('answering an invitation in the app', () => {
  it('from the panel: Accept joins (the inviter’s list turns the row into a member live), Decline ends it; both stay settled after a reload', async () => {
    const ana = await personInBrowser(server, browser, 'Ana Inviter');
    const ben = await personInBrowser(server, browser, 'Ben Invitee');
    const first = await createWorkspace(server.ctx, ana.id, [], 'Panel Yes');
    const second = await createWorkspace(server.ctx, ana.id, [], 'Panel No');
    await ana.page.goto(`/app/w/${first}/members`);
    await memberRow(ana.page, ana.id).waitFor();
    await ben.page.goto('/app');
    await waitLive(ana.page);
    await waitLive(ben.page);

    await invite(ana, first, ben.email, 'developer');
    await invite(ana, second, ben.email, 'viewer');
    await invitationRow(ana.page, ben.email).waitFor();
    await expect.poll(() => bellCount(ben.page)).toBe('2');

    await bell(ben.page).click();
    const yes = received(ben.page, 'Panel Yes');
    const no = received(ben.page, 'Panel No');
    await yes.waitFor();
    expect(squash(await yes.locator('.text').textContent())).toBe(`${ana.name} invited you to join Panel Yes as Developer`);
    expect(squash(await no.locator('.text').textContent())).toBe(`${ana.name} invited you to join Panel No as Viewer`);
    await screenshot(ben.page, 'panel-invitations-1280');

    // Accept from the keyboard: the answer shows in place of the buttons, and the focus moves on to the invitation still waiting.
    await yes.getByRole('button', { name: 'Accept' }).focus();
    await ben.page.keyboard.press('Enter');
    await expect.poll(() => yes.getByTestId('outcome').textContent()).toMatch(/^You accepted · .+$/);
    expect(await yes.getByRole('button').count()).toBe(0);
    expect(await yes.getByRole('link', { name: 'Open Panel Yes' }).getAttribute('href')).toBe(`/app/w/${first}`);
    await expect.poll(() => no.getByRole('button', { name: 'Accept' }).evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await server.ctx.models.Membership.findOne({ workspaceId: first, userId: ben.id }).lean()).toMatchObject({ role: 'developer' });

    // Ana's members list follows without a reload: the invitation row becomes an Active member.
    await memberRow(ana.page, ben.id).waitFor();
    await expect.poll(() => invitationRow(ana.page, ben.email).count()).toBe(0);
    // Ben's switcher has the workspace now.
    await expect.poll(() => ben.page.getByRole('navigation', { name: 'Workspaces' }).getByText('Panel Yes').count()).toBe(1);

    await no.getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => no.getByTestId('outcome').textContent()).toMatch(/^You declined · .+$/);
    expect(await no.getByRole('button').count()).toBe(0);
    expect(await server.ctx.models.Invitation.findOne({ workspaceId: second, email: ben.email }).lean()).toMatchObject({ status: 'declined' });
    expect(await server.ctx.models.Membership.countDocuments({ workspaceId: second, userId: ben.id })).toBe(0);
    await screenshot(ben.page, 'panel-invitations-answered-1280');

    // After a reload, the panel still says how each ended (from the server), with no buttons.
    await ben.page.reload();
    await waitLive(ben.page);
    await bell(ben.page).click();
    await received(ben.page, 'Panel Yes').getByTestId('outcome').waitFor();
    const outcomes = await panel(ben.page).locator('li[data-type="invitation.received"]').evaluateAll((items) =>
      items.map((li) => [li.querySelector('.text')?.textContent?.trim(), li.querySelector('[data-testid=outcome]')?.getAttribute('data-status'), li.querySelectorAll('button').length]),
    );
    expect(outcomes).toEqual([
      [`${ana.name} invited you to join Panel No as Viewer`, 'declined', 0],
      [`${ana.name} invited you to join Panel Yes as Developer`, 'accepted', 0],
    ]);
    await ben.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(ben.page, 'panel-invitations-answered-390');

    // Ana was told both ways.
    await bell(ana.page).click();
    const told = panel(ana.page);
    await expect.poll(() => told.locator('li[data-type="invitation.declined"] .text').textContent()).toBe(`${ben.name} (${ben.email}) declined your invitation to Panel No`);
    expect(await told.locator('li[data-type="invitation.accepted"] .text').textContent()).toBe(`${ben.name} (${ben.email}) accepted your invitation to Panel Yes`);
    for (const s of [ana, ben]) expect(s.errors).toEqual([]);
  });

  it('from the home page: the list follows new invitations live; Accept offers the workspace, Decline ends it, and the inviter’s list follows', async () => {
    const ana = await personInBrowser(server, browser, 'Ana Home');
    const cleo = await personInBrowser(server, browser, 'Cleo Home');
    const first = await createWorkspace(server.ctx, ana.id, [], 'Home Yes');
    const second = await createWorkspace(server.ctx, ana.id, [], 'Home No');
    await invite(ana, first, cleo.email, 'creator');

    await cleo.page.goto('/app');
    const yes = homeInvitation(cleo.page, 'Home Yes');
    await yes.waitFor();
    expect(await cleo.page.getByTestId('my-invitations').getByRole('heading').textContent()).toBe('Invitations for you');
    expect(await yes.locator('.what p').textContent()).toBe(`${ana.name} invited you to join Home Yes as Creator.`);
    await waitLive(cleo.page);

    // A new invitation appears without a reload.
    await ana.page.goto(`/app/w/${second}/members`);
    await memberRow(ana.page, ana.id).waitFor();
    await waitLive(ana.page);
    await invite(ana, second, cleo.email, 'viewer');
    const no = homeInvitation(cleo.page, 'Home No');
    await no.waitFor();
    expect(await no.locator('.what p').textContent()).toBe(`${ana.name} invited you to join Home No as Viewer.`);
    await invitationRow(ana.page, cleo.email).waitFor();
    await screenshot(cleo.page, 'home-invitations-1280');
    await cleo.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(cleo.page, 'home-invitations-390');
    await cleo.page.setViewportSize({ width: 1280, height: 800 });

    // Decline: the line says so, and Ana's list drops the invitation live.
    await no.getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => no.getAttribute('data-status')).toBe('declined');
    expect(await no.getByRole('status').textContent()).toBe('You declined the invitation to Home No.');
    await expect.poll(() => invitationRow(ana.page, cleo.email).count()).toBe(0);
    expect(await memberRow(ana.page, cleo.id).count()).toBe(0);

    // Accept: the line offers the workspace, which is in the list of workspaces too, and opens.
    await yes.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => yes.getAttribute('data-status')).toBe('accepted');
    expect(await yes.getByRole('status').textContent()).toBe('You joined Home Yes as Creator.');
    const open = yes.getByRole('link', { name: 'Open Home Yes' });
    expect(await open.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect.poll(() => cleo.page.getByRole('region', { name: 'Your workspaces' }).getByRole('link', { name: 'Home Yes' }).count()).toBe(1);
    await screenshot(cleo.page, 'home-invitations-answered');
    await open.click();
    await cleo.page.getByRole('heading', { level: 1, name: 'Home Yes' }).waitFor();
    expect(await cleo.page.getByText('Your role: Creator').isVisible()).toBe(true);
    for (const s of [ana, cleo]) expect(s.errors).toEqual([]);
  });
});

describe('the invitation page', () => {
  it('declines signed out, from the mail’s link: the inviter’s list follows live and the link stops working', async () => {
    const ana = await personInBrowser(server, browser, 'Ana Declined');
    const workspaceId = await createWorkspace(server.ctx, ana.id, [], 'Decline Den');
    const dora = `dora.${Date.now().toString(36)}@example.com`;
    await invite(ana, workspaceId, dora, 'viewer');
    await ana.page.goto(`/app/w/${workspaceId}/members`);
    await invitationRow(ana.page, dora).waitFor();
    await waitLive(ana.page);
    await expect.poll(() => ana.page.getByTestId('seat-counter').textContent()).toContain('(1 reserved)');

    const visitor = await openSession(browser, server.url);
    const path = await invitePathFromMail(server, dora);
    await visitor.page.goto(path);
    await visitor.page.getByRole('heading', { name: 'You’re invited' }).waitFor();
    expect(await visitor.page.locator('.decline .hint').textContent()).toBe(`Not for you? Decline it: ${ana.name} is told, and the link stops working.`);
    await screenshot(visitor.page, 'invite-page-decline-1280');
    await visitor.page.getByRole('button', { name: 'Decline' }).click();
    const confirm = visitor.page.getByRole('dialog', { name: 'Decline the invitation to Decline Den?' });
    expect(await confirm.locator('p').first().textContent()).toBe(`${ana.name} is told that you will not join. To join later, you need a new invitation.`);
    await confirm.getByRole('button', { name: 'Decline' }).click();
    const done = visitor.page.getByRole('heading', { name: 'You declined the invitation' });
    await done.waitFor();
    await expect.poll(() => done.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await visitor.page.locator('.subtitle').textContent()).toBe(`${ana.name} was told that you will not join Decline Den. Nothing else to do: you can close this page.`);
    await visitor.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(visitor.page, 'invite-page-declined-390');

    // Ana: the row goes, the reserved seat is freed, and the bell says who declined.
    await expect.poll(() => invitationRow(ana.page, dora).count()).toBe(0);
    await expect.poll(() => ana.page.getByTestId('seat-counter').textContent()).not.toContain('reserved');
    await expect.poll(() => bellCount(ana.page)).toBe('1');
    await bell(ana.page).click();
    expect(await panel(ana.page).locator('li[data-type="invitation.declined"] .text').textContent()).toBe(`${dora} declined your invitation to Decline Den`);

    await visitor.page.goto(path);
    await visitor.page.getByRole('heading', { name: 'This invitation can no longer be used' }).waitFor();
    for (const s of [ana, visitor]) expect(s.errors).toEqual([]);
  });
});

describe('the user menu', () => {
  it('offers “Sent mail (dev)” to an admin while the outbox is active, and not to someone who administers nothing', async () => {
    const admin = await personInBrowser(server, browser, 'Mia Admin');
    await createWorkspace(server.ctx, admin.id, [], 'Mail Room');
    const viewer = await personInBrowser(server, browser, 'Vic Viewer');
    await createWorkspace(server.ctx, admin.id, [{ userId: viewer.id, role: 'viewer' }], 'Read Room');

    await admin.page.goto('/app');
    await admin.page.getByRole('button', { name: `Account menu for ${admin.name}` }).click();
    const link = admin.page.locator('#user-menu-panel').getByRole('link', { name: 'Sent mail (dev)' });
    expect(await link.getAttribute('href')).toBe('/app/dev/mail');
    await link.click();
    await admin.page.getByRole('heading', { level: 1, name: 'Sent mail' }).waitFor();
    // The menu asks /me, not the outbox, to decide.
    expect(admin.apiCalls.filter((c) => c === 'GET /api/dev/outbox')).toHaveLength(1);

    await viewer.page.goto('/app');
    await viewer.page.getByRole('button', { name: `Account menu for ${viewer.name}` }).click();
    await viewer.page.locator('#user-menu-panel').getByTestId('user-email').waitFor();
    expect(await viewer.page.locator('#user-menu-panel').getByRole('link', { name: 'Sent mail (dev)' }).count()).toBe(0);
    expect(viewer.apiCalls.filter((c) => c === 'GET /api/dev/outbox')).toHaveLength(0);
    for (const s of [admin, viewer]) expect(s.errors).toEqual([]);
  });
});
