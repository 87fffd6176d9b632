import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openSession, screenshot, useWebAndBrowser } from '../support/browser.js';
import { uniqueEmail } from '../support/client.js';
import { personInBrowser, waitLive, type WebServer } from '../support/organisation.js';
import { verifyPathFromMail } from '../support/invitations.js';

let server: WebServer;
let browser: Browser;

  // One resend an hour: the second one shows the wait.
useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
}, { env: { VERIFY_MAIL_PER_HOUR: '1' } });

const banner = (page: Page) => page.getByTestId('verify-banner');
const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();

async function signUp(page: Page, name: string, email: string) {
  await page.goto('/signup');
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/app');
}

describe('verifying the address', () => {
  it('a new account sees the banner; the mail’s link opened in another browser verifies it, and the banner goes live', async () => {
    const email = uniqueEmail('vera');
    const first = await openSession(browser, server.url);
    await signUp(first.page, 'Vera Verify', email);

    await banner(first.page).waitFor();
    expect(await banner(first.page).getByRole('heading').textContent()).toBe('Verify your address');
    expect(await banner(first.page).locator('p').first().textContent()).toBe(
      `We sent a link to ${email}. Open it to show that this address is yours: company workspaces and invitations in the app need a verified address.`,
    );
    // Not blocking: the home page is there under it.
    expect(await first.page.getByRole('heading', { level: 1, name: 'Welcome, Vera Verify' }).isVisible()).toBe(true);
    await waitLive(first.page);
    await screenshot(first.page, 'verify-banner-1280');
    await first.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(first.page, 'verify-banner-390');
    await first.page.setViewportSize({ width: 1280, height: 800 });

    // Another browser, signed out, opens the mail's link.
    const other = await openSession(browser, server.url);
    await other.page.goto(await verifyPathFromMail(server, email));
    await other.page.getByRole('heading', { name: 'Your address is verified' }).waitFor();
    expect(await text(other.page, '.subtitle')).toBe('Your address is verified. Sign in to see the workspaces and invitations waiting for it.');
    expect(await other.page.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/signin?next=/app');
    await screenshot(other.page, 'verify-page-done-signed-out');

    // The first browser drops its banner without a reload.
    await expect.poll(() => banner(first.page).count(), { timeout: 5000 }).toBe(0);
    expect((await server.ctx.models.User.findOne({ email }).lean())!.emailVerifiedAt).toBeInstanceOf(Date);

    // The same link again: it was used.
    await other.page.goto(await verifyPathFromMail(server, email));
    await other.page.getByRole('heading', { name: 'This link was already used' }).waitFor();
    for (const s of [first, other]) expect(s.errors).toEqual([]);
  });

  it('resend shows its progress, replaces the older link, and tells the wait in minutes once rate limited', async () => {
    const email = uniqueEmail('rhea');
    const session = await openSession(browser, server.url);
    const { page } = session;
    await signUp(page, 'Rhea Resend', email);
    const firstLink = await verifyPathFromMail(server, email);
    const button = banner(page).getByRole('button');
    expect(await button.textContent()).toBe('Resend the link');

    // Held on its way: the button says it is sending and cannot be pressed twice.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/auth/verify-email/resend', async (route) => {
      await held;
      await route.continue();
    });
    await button.click();
    await expect.poll(() => button.textContent()).toBe('Sending…');
    expect(await button.isDisabled()).toBe(true);
    expect(await button.getAttribute('aria-busy')).toBe('true');
    release();
    await expect.poll(() => banner(page).getByRole('status').textContent()).toBe(`A new link was sent to ${email}. Links of earlier mails no longer work.`);
    await page.unroute('**/api/auth/verify-email/resend');
    expect(await button.textContent()).toBe('Resend the link');
    const secondLink = await verifyPathFromMail(server, email);
    expect(secondLink).not.toBe(firstLink);

    // Past the hourly limit: the wait, in minutes, from the server's answer.
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/verify-email/resend'));
    await button.click();
    const limited = await answer;
    expect(limited.status()).toBe(429);
    const minutes = Math.ceil(Number(limited.headers()['retry-after']) / 60);
    expect(minutes).toBeGreaterThan(1);
    await expect.poll(() => banner(page).getByRole('alert').textContent()).toBe(`Too many attempts. Try again in ${minutes} minutes.`);
    await screenshot(page, 'verify-banner-rate-limited');

    // The first link was replaced; signed in, the page offers a new one (still limited, so it says so).
    await page.goto(firstLink);
    await page.getByRole('heading', { name: 'This link was replaced by a newer one' }).waitFor();
    expect(await text(page, '.subtitle')).toBe('A newer verification mail was sent since. Open the link of the latest mail, or send a new one from the app.');
    await page.getByRole('button', { name: 'Send a new link' }).click();
    await expect.poll(() => page.getByTestId('verify-outcome').getByRole('alert').textContent()).toMatch(/^Too many attempts\. Try again in \d+ minutes\.$/);

    // A link that never existed, and one past its lifetime.
    await page.goto(`/verify/${'A'.repeat(43)}`);
    await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
    await server.ctx.models.EmailVerification.updateMany({ email }, { $set: { expiresAt: new Date(Date.now() - 60_000) } });
    await page.goto(secondLink);
    await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
    expect(await text(page, '.subtitle')).toBe('Verification links work for a limited time. Send a new one: it goes to your address at once.');
    await screenshot(page, 'verify-page-expired');
    expect((await server.ctx.models.User.findOne({ email }).lean())!.emailVerifiedAt).toBeNull();
    expect(session.errors).toEqual([]);
  });

  it('a verified account has no banner; an unverified one sees it in French', async () => {
    const camille = await personInBrowser(server, browser, 'Camille Verified', 'fr-FR');
    await camille.page.goto('/app');
    await camille.page.getByRole('heading', { level: 1 }).waitFor();
    expect(await banner(camille.page).count()).toBe(0);

    const pending = await personInBrowser(server, browser, 'Paul Pending', 'fr-FR', { verified: false });
    await pending.page.goto('/app');
    await banner(pending.page).waitFor();
    expect(await banner(pending.page).getByRole('heading').textContent()).toBe('Vérifiez votre adresse');
    expect(await banner(pending.page).getByRole('button').textContent()).toBe('Renvoyer le lien');
    await screenshot(pending.page, 'verify-banner-fr');
    for (const s of [camille, pending]) expect(s.errors).toEqual([]);
  });
});
