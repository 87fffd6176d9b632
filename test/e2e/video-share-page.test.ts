import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser.js';
import { startTestServer } from '../support/server.js';
import { contentTeam } from '../support/content.js';
import type { ApiClient } from '../support/client.js';
import { seedVideo } from '../support/videos.js';
import { seriousViolations } from '../support/axe.js';

/*
 * The public share page in a real Chromium. The server runs WITHOUT the web
 * app's build (no SvelteKit handler): the page needs nothing of the
 * console's bundle.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_SEATS: '100' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const put = (client: ApiClient, path: string, body: unknown) => client.request('PUT', path, body);

async function published(opts: { title?: string; password?: string; language?: 'en' | 'fr' } = {}) {
  const t = await contentTeam(server);
  const { creator } = t.people;
  const { id, title } = await seedVideo(server.ctx, { workspaceId: t.ws, ownerId: creator.user._id, title: opts.title });
  const share = `/api/workspaces/${t.ws}/videos/${id}/share`;
  const res = await put(creator.client, share, { published: true, ...(opts.password ? { password: opts.password } : {}) });
  expect(res.status).toBe(200);
  return { ...t, id, title, share, token: (res.body.publicUrl as string).split('/v/')[1]!, captions: `/api/workspaces/${t.ws}/videos/${id}/captions` };
}

/** A fresh browser profile: no cookie, no session. */
async function fresh(locale = 'en-US', width = 1280) {
  const context = await browser.newContext({ baseURL: server.url, locale, viewport: { width, height: 844 } });
  // Without the web app there is no favicon (the console's build serves it): the browser's ask for it is answered empty.
  await context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource: .*status of 4\d\d/.test(msg.text())) errors.push(msg.text());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { context, page, errors, dialogs };
}

/** Plays muted (allowed without a gesture) and resolves once the playhead has moved. */
async function playsFor(page: Page) {
  await page.evaluate(async () => {
    const v = document.querySelector('video')!;
    v.muted = true;
    await v.play();
  });
  await page.waitForFunction(() => document.querySelector('video')!.currentTime > 0.3, undefined, { timeout: 15_000 });
}

/** Pauses at `at` seconds and gives the text of the showing captions track's active cues there. */
async function cuesAt(page: Page, at: number) {
  return page.evaluate(async (t) => {
    const v = document.querySelector('video')!;
    v.pause();
    await new Promise<void>((resolve) => {
      v.addEventListener('seeked', () => resolve(), { once: true });
      v.currentTime = t;
    });
    const track = v.textTracks[0]!;
    // The track's cues load on their own; the active ones follow the playhead once they have.
    for (let i = 0; i < 60 && !(track.activeCues && track.activeCues.length > 0); i++) await new Promise((r) => setTimeout(r, 50));
    return {
      mode: track.mode,
      language: track.language,
      active: Array.from(track.activeCues ?? []).map((c) => ({ text: (c as VTTCue).text, shown: (c as VTTCue).getCueAsHTML().textContent })),
    };
  }, at);
}

describe('the public share page', () => {
  it('plays in a fresh browser with the English captions showing, unfurls, and says noindex, under a strict CSP', async () => {
    const t = await published();
    const { context, page, errors } = await fresh();
    try {
      const res = await page.goto(`/v/${t.token}`);
      expect(res!.status()).toBe(200);
      const csp = res!.headers()['content-security-policy']!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(res!.headers()['x-robots-tag']).toBe('noindex');
      expect(await page.locator('h1').textContent()).toBe(t.title);
      expect(await page.locator('meta[name="robots"]').getAttribute('content')).toBe('noindex');
      const og = async (p: string) => page.locator(`meta[property="${p}"]`).getAttribute('content');
      expect(await og('og:title')).toBe(t.title);
      expect(await og('og:type')).toBe('video.other');
      expect(await og('og:image')).toBe(`${server.ctx.publicUrl()}/api/public/videos/${t.token}/poster?v=v1`);
      expect(await og('og:video')).toBe(`${server.ctx.publicUrl()}/api/public/videos/${t.token}/file?v=v1`);
      const video = page.locator('video');
      expect(await video.getAttribute('controls')).toBe('');
      expect(await video.getAttribute('preload')).toBe('metadata');
      expect(await video.getAttribute('poster')).toBe(`/api/public/videos/${t.token}/poster?v=v1`);
      expect(await page.locator('track').evaluateAll((els) => els.map((e) => ({ kind: e.getAttribute('kind'), srclang: e.getAttribute('srclang'), label: e.getAttribute('label'), default: e.hasAttribute('default') })))).toEqual([
        { kind: 'captions', srclang: 'en', label: 'English', default: true },
      ]);
      // Nothing of the workspace: neither its name nor the owner.
      const html = await page.content();
      expect(html).not.toContain('Test Workspace');
      expect(html).not.toContain(t.people.creator.user.name);

      await playsFor(page);
      expect(await cuesAt(page, 0.7)).toEqual({ mode: 'showing', language: 'en', active: [{ text: 'Hello and welcome.', shown: 'Hello and welcome.' }] });
      expect(await cuesAt(page, 2.2)).toMatchObject({ active: [{ text: 'This is a test.' }] });
      await screenshot(page, 'video-share-page');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows a <script> in a cue as text, and no script runs', async () => {
    const t = await published();
    const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<script>alert(1)</script><img src=x onerror="alert(2)"> <b>bold</b>\n';
    expect((await put(t.people.creator.client, `${t.captions}/en`, { label: 'English', vtt })).status).toBe(200);
    const { context, page, errors, dialogs } = await fresh();
    try {
      await page.goto(`/v/${t.token}`);
      await page.waitForFunction(() => (document.querySelector('video')!.textTracks[0]?.cues?.length ?? 0) > 0 || document.querySelector('video')!.readyState >= 1);
      const cue = await cuesAt(page, 0.5);
      expect(cue.active).toEqual([{ text: '&lt;script>alert(1)&lt;/script>&lt;img src=x onerror="alert(2)"> <b>bold</b>', shown: '<script>alert(1)</script><img src=x onerror="alert(2)"> bold' }]);
      expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('asks for the password: a wrong one shows an error, the right one plays', async () => {
    const t = await published({ password: 'open sesame' });
    const { context, page, errors } = await fresh();
    try {
      await page.goto(`/v/${t.token}`);
      expect(await page.locator('h1').textContent()).toBe('Protected video');
      expect(await page.locator('video').count()).toBe(0);
      // Locked: nothing to unfurl, not even the title.
      expect(await page.locator('meta[property="og:title"]').count()).toBe(0);
      expect(await page.content()).not.toContain(t.title);
      await page.getByLabel('Password').fill('open sesame?');
      await page.getByRole('button', { name: 'Watch' }).click();
      await page.getByRole('alert').filter({ hasText: 'That password is not right.' }).waitFor();
      expect(await page.locator('video').count()).toBe(0);

      await page.getByLabel('Password').fill('open sesame');
      await page.getByRole('button', { name: 'Watch' }).click();
      await page.locator('video').waitFor();
      expect(await page.locator('h1').textContent()).toBe(t.title);
      await playsFor(page);
      const cookies = await context.cookies();
      expect(cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite }))).toEqual([{ name: `wsc_v_${t.id}`, httpOnly: true, sameSite: 'Lax' }]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
    // Signed in with view access (the workspace's owner): the player at once, no password asked.
    const signedIn = await fresh();
    try {
      await signedIn.context.addCookies([{ name: 'sid', value: t.owner.client.cookie.replace(/^sid=/, ''), url: server.url }]);
      await signedIn.page.goto(`/v/${t.token}`);
      expect(await signedIn.page.locator('h1').textContent()).toBe(t.title);
      await playsFor(signedIn.page);
    } finally {
      await signedIn.context.close();
    }
  });

  it('unpublished while open: its next request and the file URL are 404, and the page says the video is no longer available', async () => {
    const t = await published();
    const { context, page, errors } = await fresh();
    try {
      await page.goto(`/v/${t.token}`);
      await playsFor(page);
      const fileUrl = (await page.locator('video').getAttribute('src'))!;
      expect((await put(t.people.creator.client, t.share, { published: false })).status).toBe(200);

      const checked = page.waitForResponse((r) => r.url().endsWith(`/api/public/videos/${t.token}`));
      await page.evaluate(() => {
        const v = document.querySelector('video')!;
        v.pause();
        void v.play().catch(() => undefined);
      });
      expect((await checked).status()).toBe(404);
      await page.getByRole('status').filter({ hasText: 'The link is wrong, or the video is no longer shared.' }).waitFor();
      expect(await page.locator('h1').textContent()).toBe('This video is no longer available');
      expect(await page.locator('video').count()).toBe(0);
      expect(await page.evaluate(async (u) => (await fetch(u, { headers: { range: 'bytes=0-99' } })).status, fileUrl)).toBe(404);
      const reload = await page.reload();
      expect(reload!.status()).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Video not available');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('speaks French to a French browser (and with ?lang=fr), on every state of the page', async () => {
    const t = await published({ password: 'mot de passe' });
    const { context, page, errors } = await fresh('fr-FR');
    try {
      const res = await page.goto(`/v/${t.token}`);
      expect(res!.request().headers()['accept-language']).toMatch(/^fr/);
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
      expect(await page.locator('h1').textContent()).toBe('Vidéo protégée');
      expect(await page.locator('form p').first().textContent()).toBe('Cette vidéo est protégée par un mot de passe.');
      await page.getByLabel('Mot de passe').fill('pas le bon');
      await page.getByRole('button', { name: 'Regarder' }).click();
      await page.getByRole('alert').filter({ hasText: 'Ce mot de passe n’est pas le bon.' }).waitFor();
      await page.goto('/v/unknown-token-of-the-right-shape-xyz');
      expect(await page.locator('h1').textContent()).toBe('Vidéo indisponible');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
    const en = await fresh('en-US');
    try {
      await en.page.goto(`/v/${t.token}?lang=fr`);
      expect(await en.page.locator('h1').textContent()).toBe('Vidéo protégée');
      await en.page.goto(`/v/${t.token}`);
      expect(await en.page.locator('h1').textContent()).toBe('Protected video');
    } finally {
      await en.context.close();
    }
  });

  it('at 390 px nothing overflows sideways and axe finds nothing serious, with a long title, on the player, the password form and the 404 page', async () => {
    const long = 'Quarterly-update-for-the-whole-organisation-with-every-number-and-chart-we-have-'.repeat(2).slice(0, 150);
    const open = await published({ title: long });
    const locked = await published({ title: long, password: 'narrow screen' });
    const { context, page, errors } = await fresh('en-US', 390);
    try {
      for (const token of [open.token, locked.token, 'x'.repeat(40)]) {
        await page.goto(`/v/${token}`);
        const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
        expect(widths.scroll, token).toBeLessThanOrEqual(widths.client);
        expect(widths.client).toBe(390);
        expect(await seriousViolations(page), token).toEqual([]);
      }
      await page.goto(`/v/${open.token}`);
      const box = (await page.locator('video').boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      await screenshot(page, 'video-share-page-390');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
