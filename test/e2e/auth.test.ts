import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { type WebServer, openSession, screenshot, useWebAndBrowser } from '../support/browser.js';
import { signedInClient, uniqueEmail } from '../support/client.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
}, { env: { LOGIN_MAX_PER_ACCOUNT: '3', LOGIN_MAX_PER_IP: '1000', SIGNUP_MAX_PER_IP: '1000' } });

const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};
/** Waits for an exact path and query (a glob like `**\/app` would also match `/signin?next=/app`). */
const atPath = (path: string) => (url: URL) => url.pathname + url.search === path;

describe('signing up, out and in', () => {
  it('signs up into the app shell, signs out, is kept out of /app, and signs back in', async () => {
    const { page, errors } = await openSession(browser, server.url);
    const email = uniqueEmail('ada');

    await page.goto('/');
    await page.waitForURL(atPath('/signin'));
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL(atPath('/signup'));
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('analytical engine');
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.waitForURL(atPath('/app'));
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome, Ada Lovelace');
    expect(await page.getByRole('heading', { name: 'You’re not in a workspace yet' }).isVisible()).toBe(true);
    expect(await page.getByText(`Ask a workspace admin to invite ${email}.`).isVisible()).toBe(true);
    expect(await page.locator('nav').getByText('No workspaces yet').isVisible()).toBe(true);

    // The live connection comes up.
    const indicator = page.getByRole('status');
    await expect.poll(() => indicator.getAttribute('data-status'), { timeout: 10_000 }).toBe('live');
    expect(await indicator.textContent()).toContain('Live');
    expect(await indicator.getAttribute('aria-live')).toBe('polite');
    await screenshot(page, 'app-empty-en');

    // The account menu shows who is signed in and signs out.
    await page.getByRole('button', { name: 'Account menu for Ada Lovelace' }).click();
    expect(await page.getByTestId('user-email').textContent()).toBe(email);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(atPath('/signin'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');

    await page.goto('/app');
    await page.waitForURL(atPath('/signin?next=/app'));
    expect(pathOf(page.url())).toBe('/signin?next=/app');

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('analytical engine');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(atPath('/app'));
    expect(pathOf(page.url())).toBe('/app');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome, Ada Lovelace');
    await expect.poll(() => page.getByRole('status').getAttribute('data-status'), { timeout: 10_000 }).toBe('live');

    expect(errors).toEqual([]);
  });

  it('sends a signed-in visitor of /signin on to a same-origin `next`, never to another site', async () => {
    const { client } = await signedInClient(server.url);
    const { page, context } = await openSession(browser, server.url);
    await context.addCookies([{ name: 'sid', value: client.cookie.slice(4), url: server.url }]);

    await page.goto('/signin?next=//evil.example/app');
    await page.waitForURL(atPath('/app'));
    expect(pathOf(page.url())).toBe('/app');

    await page.goto('/');
    await page.waitForURL(atPath('/app'));
    expect(new URL(page.url()).host).toBe(new URL(server.url).host);
  });
});

describe('sign-in errors', () => {
  it('shows a wrong password as a translated alert and stays on /signin', async () => {
    const { email } = await signedInClient(server.url);
    const { page } = await openSession(browser, server.url);
    await page.goto('/signin');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();

    const alert = page.getByRole('alert').filter({ hasText: /\S/ });
    await expect.poll(() => alert.textContent()).toBe('Email or password is incorrect.');
    expect(pathOf(page.url())).toBe('/signin');
    expect(await page.getByRole('button', { name: 'Sign in' }).isEnabled()).toBe(true);
  });

  it('shows the rate limit with the wait from Retry-After, in minutes', async () => {
    const { email } = await signedInClient(server.url);
    const { page } = await openSession(browser, server.url);
    await page.goto('/signin');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password');
    const alert = page.getByRole('alert').filter({ hasText: /\S/ });
    let retryAfter = 0;
    for (let i = 0; i < 4; i++) {
      const reply = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      retryAfter = Number((await reply).headers()['retry-after'] ?? 0);
    }
    // The last answer was the 429: its Retry-After (about 15 minutes) is told in whole minutes, rounded up.
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    await expect.poll(() => alert.textContent()).toBe(`Too many attempts. Try again in ${Math.ceil(retryAfter / 60)} minutes.`);
  });

  it('validates sign-up fields in the browser with the shared schema, without a request', async () => {
    const { page, apiCalls } = await openSession(browser, server.url);
    await page.goto('/signup');
    await page.getByLabel('Full name').fill('Grace');
    await page.getByLabel('Email').fill('grace@example.com');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();

    const password = page.getByLabel('Password');
    await expect.poll(() => password.getAttribute('aria-invalid')).toBe('true');
    const errorId = await password.getAttribute('aria-describedby');
    expect(errorId).toBe('signup-password-error');
    expect(await page.locator(`#${errorId}`).textContent()).toContain('Your password must be at least 8 characters.');
    // The first invalid field has the focus; the valid ones are not marked.
    expect(await password.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBeNull();
    expect(apiCalls.filter((c) => c.startsWith('POST'))).toEqual([]);
  });

  it('shows a taken email from the API beside the email field', async () => {
    const { email } = await signedInClient(server.url);
    const { page } = await openSession(browser, server.url);
    await page.goto('/signup');
    await page.getByLabel('Full name').fill('Someone Else');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('long enough');
    await page.getByRole('button', { name: 'Create account' }).click();

    await expect.poll(() => page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#signup-email-error').textContent()).toContain('An account with this email already exists.');
    expect(pathOf(page.url())).toBe('/signup');
  });
});

describe('the page shell', () => {
  it('is served with a strict Content-Security-Policy carrying a nonce or hash for its bootstrap script', async () => {
    const res = await fetch(`${server.url}/signin`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' ('nonce-[^']+'|'sha256-[^']+')/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
  });
});
