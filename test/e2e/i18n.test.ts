import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { type WebServer, openSession, screenshot, useWebAndBrowser } from '../support/browser.js';
import { signedInClient } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { personInBrowser } from '../support/organisation.js';
import { seedVideo } from '../support/videos.js';
import { bell, bellCount } from '../support/invitations.js';

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

describe('the share dialog in French', () => {
  it('says its sections, reasons and how it saves in French', async () => {
    const owner = await personInBrowser(server, browser, 'Camille Martin', 'fr-FR');
    const reader = await createUser(server.ctx, server.url, 'Léa Lefèvre');
    const workspaceId = await createWorkspace(server.ctx, owner.id, [{ userId: reader.user._id as string, role: 'viewer' }], 'Atelier');
    const items = `/api/workspaces/${workspaceId}/items`;
    const folder = await owner.client.post(items, { kind: 'folder', name: 'Campagnes' });
    await owner.client.post(items, { kind: 'draft', name: 'Lancement', parentId: folder.body.id });
    expect((await owner.client.request('PUT', `${items}/${folder.body.id}/sharing`, { grants: [{ userId: reader.user._id, role: 'edit' }] })).status).toBe(200);

    const { page, errors } = owner;
    await page.goto(`/app/w/${workspaceId}/content/f/${folder.body.id}`);
    const row = page.locator('[data-item-id]', { hasText: 'Lancement' });
    await row.getByRole('button', { name: 'Options de Lancement' }).click();
    await row.getByRole('button', { name: 'Partager…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Partager «\u00a0Lancement\u00a0»' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('share-status').getAttribute('data-mode'), { timeout: 10_000 }).toBe('live');
    expect(await dialog.getByTestId('share-status').textContent()).toContain('En direct\u00a0: chaque modification est enregistrée aussitôt');
    expect(await dialog.getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Personnes ajoutées', 'Accès général', 'Qui a accès, et pourquoi']);
    expect(await dialog.getByRole('combobox', { name: 'Ajouter des personnes' }).getAttribute('placeholder')).toBe('Rechercher par nom ou adresse e-mail');
    expect(await dialog.getByLabel('Qui peut l’ouvrir').inputValue()).toBe('only_me');
    const readerRow = dialog.locator(`.who > li[data-user-id="${reader.user._id}"]`);
    await readerRow.waitFor();
    // The Viewer's edit on the folder was stored as view (the ceiling).
    expect(await readerRow.textContent()).toContain('Par le dossier Campagnes · peut consulter');
    expect(await readerRow.getByRole('link', { name: 'Campagnes' }).getAttribute('href')).toBe(`/app/w/${workspaceId}/content/f/${folder.body.id}`);
    expect(await dialog.locator(`.who > li[data-user-id="${owner.id}"]`).textContent()).toContain('Propriétaire · peut modifier');
    await dialog.getByRole('button', { name: 'Terminé' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(errors).toEqual([]);
  });
});

describe('the Content tab in French', () => {
  const row = (page: Page, name: string) => page.locator('li[data-item-id]', { has: page.getByRole('link', { name, exact: true }) });
  async function menuOf(page: Page, name: string) {
    const trigger = row(page, name).getByRole('button', { name: `Options de ${name}` });
    await trigger.click();
    const panel = page.locator(`#${await trigger.getAttribute('aria-controls')}`);
    await panel.waitFor();
    return { panel, labels: await panel.getByRole('button').allTextContents() };
  }

  it('shows the Content tab, its menu, a folder’s delete confirmation, Shared with me and the request-access page in French', async () => {
    const owner = await personInBrowser(server, browser, 'Camille Contenu', 'fr-FR');
    const workspaceId = await createWorkspace(server.ctx, owner.id, [], 'Studio Lyon');
    const folder = (await owner.client.post(`/api/workspaces/${workspaceId}/items`, { kind: 'folder', name: 'Campagnes' })).body as { id: string };
    await owner.client.post(`/api/workspaces/${workspaceId}/items`, { kind: 'draft', name: 'Script d’accueil', parentId: folder.id });
    const page = owner.page;
    await page.goto(`/app/w/${workspaceId}/content`);
    await row(page, 'Campagnes').waitFor();
    expect(await page.getByRole('link', { name: 'Contenu', exact: true }).first().getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('button', { name: 'Nouveau dossier' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Partagés avec moi' }).isVisible()).toBe(true);
    expect(await row(page, 'Campagnes').textContent()).toContain('Dossier');
    expect(await row(page, 'Campagnes').textContent()).toContain('Modifié le');
    expect((await menuOf(page, 'Campagnes')).labels).toEqual(['Ouvrir', 'Partager…', 'Renommer', 'Déplacer', 'Supprimer']);
    await page.keyboard.press('Escape');
    await (await menuOf(page, 'Campagnes')).panel.getByRole('button', { name: 'Supprimer', exact: true }).click();
    const remove = page.getByRole('dialog', { name: 'Supprimer Campagnes ?' });
    await expect.poll(() => remove.textContent()).toContain('Le dossier «\u00a0Campagnes\u00a0» et l’élément qu’il contient sont supprimés');
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: 'Partagés avec moi' }).click();
    await page.getByTestId('content-empty').waitFor();
    expect(await page.getByTestId('content-empty').textContent()).toContain('Rien n’a encore été partagé avec vous.');
    await page.goto(`/app/w/${workspaceId}/content/d/no-such-item`);
    await page.getByRole('heading', { name: 'Accès nécessaire' }).waitFor();
    expect(await page.getByRole('button', { name: 'Demander l’accès' }).isVisible()).toBe(true);
    await screenshot(page, 'content-request-access-fr');
    expect(owner.errors).toEqual([]);
  });
});

describe('videos in French', () => {
  it('shows the new-video dialog with its estimate, a completed video with its share controls and caption editor, and the video notification in French', async () => {
    const owner = await personInBrowser(server, browser, 'Vivienne Vidéo', 'fr-FR');
    const workspaceId = await createWorkspace(server.ctx, owner.id, [], 'Studio Nantes');
    const page = owner.page;
    await page.goto(`/app/w/${workspaceId}/content`);
    await page.getByTestId('content-empty').waitFor();
    await page.getByTestId('content-empty').getByRole('button', { name: 'Nouvelle vidéo' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nouvelle vidéo' });
    // 2 s of title card + 40 words at 150 a minute = 18 s: one half-credit step.
    await dialog.getByLabel('Script').fill('Bonjour et bienvenue à toutes et à tous. '.repeat(5));
    await expect.poll(() => dialog.getByTestId('new-video-estimate').textContent()).toContain('60\u00a0crédits disponibles');
    expect(await dialog.getByTestId('new-video-estimate').textContent()).toContain('Environ 18\u00a0s · 0,5\u00a0crédit réservé');
    expect(await dialog.getByLabel('Langue').inputValue()).toBe('fr');
    expect(await dialog.getByLabel('Avatar').locator('option').first().textContent()).toBe('Aucun');
    await dialog.getByRole('button', { name: 'Créer la vidéo' }).click();
    await expect.poll(() => dialog.locator('.field-error').first().textContent()).toBe('Saisissez un titre.');
    await screenshot(page, 'video-new-dialog-fr', { fullPage: false });
    await page.keyboard.press('Escape');

    const { id } = await seedVideo(server.ctx, { workspaceId, ownerId: owner.id, title: 'Présentation' });
    await page.goto(`/app/w/${workspaceId}/content/v/${id}`);
    await page.getByLabel('Texte du sous-titre 1', { exact: true }).waitFor();
    expect(await page.getByTestId('video-status').textContent()).toBe('Prête');
    expect(await page.getByTestId('video-charged').textContent()).toBe('0,5\u00a0crédit');
    expect(await page.getByTestId('video-duration').textContent()).toBe('3\u00a0s');
    expect(await page.getByRole('switch', { name: /Publier sur le web/ }).isChecked()).toBe(false);
    expect(await page.getByRole('switch', { name: /Autoriser les moteurs de recherche/ }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Enregistrer les sous-titres' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Ajouter un sous-titre' }).click();
    await page.getByRole('button', { name: 'Enregistrer les sous-titres' }).click();
    await expect.poll(() => page.locator('tr[data-cue="3"] .field-error').textContent()).toBe('Écrivez le texte de ce sous-titre, ou retirez-le.');
    await screenshot(page, 'video-completed-fr');

    // A render that ends: the bell says so in French, with a link to its page.
    const made = await owner.client.post(`/api/workspaces/${workspaceId}/videos`, { title: 'Bienvenue', script: 'Bonjour et bienvenue.', language: 'fr' });
    expect(made.status).toBe(202);
    await expect.poll(() => bellCount(page), { timeout: 15_000 }).toBe('1');
    await bell(page).click();
    const told = page.getByRole('dialog', { name: 'Notifications' }).locator('li[data-notification-id]').first();
    await expect.poll(() => told.textContent()).toContain('«\u00a0Bienvenue\u00a0» est prête');
    expect(await told.getByRole('link').first().getAttribute('href')).toBe(`/app/w/${workspaceId}/content/v/${made.body.id}`);
    expect(owner.errors).toEqual([]);
  });
});
