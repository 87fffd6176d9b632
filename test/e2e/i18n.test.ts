import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { type WebServer, openSession, screenshot, useWebAndBrowser } from '../support/browser.js';
import { signedInClient } from '../support/client.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

describe('languages', () => {
  it('switches the sign-in page to French, keeps the choice across a reload and translates errors', async () => {
    const { page, errors } = await openSession(browser, server.url);
    await page.goto('/signin');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await page.getByRole('button', { name: 'French' }).click();
    await page.getByRole('button', { name: 'Se connecter' }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Connexion');
    expect(await page.getByLabel('Adresse e-mail').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Créer un compte' }).isVisible()).toBe(true);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.getByRole('button', { name: 'Français' }).getAttribute('aria-pressed')).toBe('true');

    await page.reload();
    await page.getByRole('button', { name: 'Se connecter' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.title()).toBe('Connexion · Workspace Console');
    await screenshot(page, 'signin-fr');

    // Errors are translated too: a wrong password, then an invalid email in the browser.
    const { email } = await signedInClient(server.url);
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByLabel('Mot de passe').fill('pas le bon');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const alert = page.getByRole('alert').filter({ hasText: /\S/ });
    await expect.poll(() => alert.textContent()).toBe('Adresse e-mail ou mot de passe incorrect.');
    await page.getByLabel('Adresse e-mail').fill('pas-une-adresse');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect.poll(() => page.locator('#signin-email-error').textContent()).toContain('Saisissez une adresse e-mail valide.');

    expect(errors).toEqual([]);
  });

  it('starts in French for a browser that prefers French, and the app shell follows the switch', async () => {
    const { client, user } = await signedInClient(server.url, { name: 'Camille Dupont' });
    const { page, context } = await openSession(browser, server.url, 'fr-FR');
    await context.addCookies([{ name: 'sid', value: client.cookie.slice(4), url: server.url }]);

    await page.goto('/app');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Bienvenue, Camille Dupont');
    expect(await page.getByRole('heading', { name: 'Vous n’êtes membre d’aucun espace de travail' }).isVisible()).toBe(true);
    expect(await page.getByText(`Demandez à un administrateur d’un espace de travail d’inviter ${user.email}.`).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toContain('En direct');

    await page.getByRole('button', { name: 'Anglais' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome, Camille Dupont');
    expect(await page.getByRole('status').textContent()).toContain('Live');
  });
});

describe('the page for an address that leads nowhere', () => {
  it('says the page was not found, not that something went wrong, and offers a way back, in English and French', async () => {
    const { page, errors } = await openSession(browser, server.url);
    await page.goto('/signin');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.goto('/no/such/page');
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    expect(await page.title()).toBe('Page not found · Workspace Console');
    expect(await page.locator('main p').textContent()).toBe('There is no page at this address. The link may be mistyped or out of date.');
    expect(await page.getByText('Something went wrong').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Try again' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Go to the home page' }).getAttribute('href')).toBe('/');
    await screenshot(page, 'not-found-en');
    await page.getByRole('button', { name: 'Go back' }).click();
    await page.waitForURL('**/signin');

    const fr = await openSession(browser, server.url, 'fr-FR');
    await fr.page.goto('/nulle-part');
    await fr.page.getByRole('heading', { level: 1, name: 'Page introuvable' }).waitFor();
    expect(await fr.page.locator('main p').textContent()).toBe('Il n’y a pas de page à cette adresse. Le lien est peut-être mal saisi ou périmé.');
    expect(await fr.page.getByRole('link', { name: 'Retour à l’accueil' }).isVisible()).toBe(true);
    expect(await fr.page.getByRole('button', { name: 'Revenir en arrière' }).isVisible()).toBe(true);
    await fr.page.setViewportSize({ width: 390, height: 800 });
    await screenshot(fr.page, 'not-found-fr-390');
    // SvelteKit itself logs the route it could not match; nothing else may go wrong.
    for (const s of [errors, fr.errors]) expect(s.filter((e) => !/^\S*: Not found: \/(no\/such\/page|nulle-part)\b/.test(e))).toEqual([]);
  });
});
