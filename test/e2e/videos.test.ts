import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { screenshot, useWebAndBrowser } from '../support/browser.js';
import { addMember, createWorkspace } from '../support/factories.js';
import { bell, bellCount } from '../support/invitations.js';
import { personInBrowser, waitLive, type WebServer } from '../support/organisation.js';
import { seedVideo } from '../support/videos.js';
import { estimateCredits, estimateSeconds } from '../../shared/schemas/videos.js';
import { createSubworkspace } from '../../server/commands/create-subworkspace.js';
import { appendEntry } from '../../server/credits/ledger.service.js';

let server: WebServer;
let browser: Browser;

useWebAndBrowser((s, b) => {
  server = s;
  browser = b;
});

// The fake engine reads RENDER_FAKE_MS at each render: a test that needs a slow render sets it, and it goes back after.
const defaultFakeMs = process.env.RENDER_FAKE_MS;
afterEach(() => {
  if (defaultFakeMs === undefined) delete process.env.RENDER_FAKE_MS;
  else process.env.RENDER_FAKE_MS = defaultFakeMs;
});

const SCRIPT = 'Welcome to the spring launch. Today we show the new console, how teams share their work, and what comes next for every region.';

/** A file on disk for `setInputFiles`. */
function tempFile(name: string, text: string) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'wsc-vtt-')), name);
  writeFileSync(file, text);
  return file;
}

const progressOf = (page: Page) => page.getByTestId('video-render').getByRole('progressbar').getAttribute('aria-valuenow');
const cueText = (page: Page, n: number) => page.getByLabel(`Text of cue ${n}`, { exact: true });

/** The cue texts the player's track `lang` holds (the browser reads the file once the track is not disabled). */
async function playerCues(page: Page, lang: string): Promise<string[]> {
  return page.evaluate((l) => {
    const video = document.querySelector<HTMLVideoElement>('video[data-testid="video-player"]');
    const track = Array.from(video?.textTracks ?? []).find((t) => t.language === l);
    if (!track) return [];
    if (track.mode === 'disabled') track.mode = 'hidden';
    return Array.from(track.cues ?? []).map((c) => (c as VTTCue).text);
  }, lang);
}

describe('videos in the console', () => {
  it('creates a video from the Content tab with its estimate, shows its render live, then plays it with its credits; the row gets its poster and the bell says it is ready', async () => {
    process.env.RENDER_FAKE_MS = '3000';
    const owner = await personInBrowser(server, browser, 'Vera Video');
    const workspaceId = await createWorkspace(server.ctx, owner.id, [], 'Video Studio');
    const folder = await owner.client.post(`/api/workspaces/${workspaceId}/items`, { kind: 'folder', name: 'Launch' });
    const page = owner.page;
    await page.goto(`/app/w/${workspaceId}/content/f/${folder.body.id}`);
    await waitLive(page);

    await page.getByRole('button', { name: 'New video' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New video' });
    expect(await dialog.textContent()).toContain('It goes in “Launch”.');
    await expect.poll(() => dialog.getByTestId('new-video-estimate').textContent()).toContain('60 credits available');
    // Nothing typed: the schema's messages, beside their fields.
    await dialog.getByRole('button', { name: 'Create video' }).click();
    await expect.poll(() => dialog.locator('.field-error').allTextContents()).toEqual(['Enter a title.', 'Write the script: what the presenter says.']);
    await dialog.getByLabel('Title').fill('Spring launch');
    await dialog.getByLabel('Script').fill(SCRIPT);
    const seconds = estimateSeconds(SCRIPT);
    expect(seconds).toBe(12);
    expect(await dialog.getByTestId('new-video-estimate').textContent()).toContain(`About 12 s · ${estimateCredits(SCRIPT)} credits held`);
    expect(await dialog.getByLabel('Avatar').inputValue()).toBe('');
    expect(await dialog.getByLabel('Avatar').locator('option').first().textContent()).toBe('None');
    await screenshot(page, 'video-new-dialog-en', { fullPage: false });
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/workspaces/${workspaceId}/videos`));
    await dialog.getByRole('button', { name: 'Create video' }).click();
    expect((await created).status()).toBe(202);
    const videoId = ((await (await created).json()) as { id: string }).id;

    // The video page: breadcrumbs, the render live with a real progress bar, then the player.
    await page.waitForURL(`**/app/w/${workspaceId}/content/v/${videoId}`);
    await page.getByTestId('video-render').waitFor();
    expect(await page.getByRole('navigation', { name: 'Folder path' }).getByRole('listitem').allTextContents()).toEqual(['Content', 'Launch', 'Spring launch']);
    expect(await page.getByTestId('video-held').textContent()).toBe('0.5 credits held');
    const seen = new Set<number>();
    await expect
      .poll(
        async () => {
          const now = await progressOf(page).catch(() => null);
          if (now !== null) seen.add(Number(now));
          return [...seen].some((p) => p > 0 && p < 100);
        },
        { timeout: 10_000, interval: 50 },
      )
      .toBe(true);
    await screenshot(page, 'video-rendering-en');
    await page.getByTestId('video-player').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('video-status').textContent()).toBe('Ready');
    expect(await page.getByTestId('video-duration').textContent()).toBe('12 s');
    expect(await page.getByTestId('video-charged').textContent()).toBe('0.5 credits');
    expect(await page.getByTestId('video-render').count()).toBe(0);

    // It plays: the time moves once play() is called (muted, as autoplay rules want).
    const played = await page.evaluate(async () => {
      const v = document.querySelector<HTMLVideoElement>('video[data-testid="video-player"]')!;
      v.muted = true;
      await v.play();
      const start = v.currentTime;
      await new Promise((r) => setTimeout(r, 600));
      return { start, now: v.currentTime, captions: Array.from(v.textTracks).map((t) => t.language) };
    });
    expect(played.now).toBeGreaterThan(played.start);
    expect(played.captions).toEqual(['en']);

    // Its notification, with a link to the page.
    await expect.poll(() => bellCount(page)).toBe('1');
    await bell(page).click();
    const told = page.getByRole('dialog', { name: 'Notifications' }).locator('li[data-notification-id]').first();
    await expect.poll(() => told.textContent()).toContain('“Spring launch” is ready');
    expect(await told.getByRole('link').first().getAttribute('href')).toBe(`/app/w/${workspaceId}/content/v/${videoId}`);
    await page.keyboard.press('Escape');

    // The folder lists it with its poster; its menu's Open leads to its page.
    await page.getByRole('navigation', { name: 'Folder path' }).getByRole('link', { name: 'Launch' }).click();
    const row = page.locator(`li[data-item-id="${videoId}"]`);
    await row.locator('img.poster').waitFor();
    await expect.poll(() => row.locator('img.poster').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await row.getByTestId('video-badge').count()).toBe(0);
    await row.getByRole('button', { name: 'Options for Spring launch' }).click();
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.waitForURL(`**/content/v/${videoId}`);
    await page.getByTestId('video-player').waitFor();
    expect(owner.errors).toEqual([]);
  });

  it('the new-video dialog warns before a submit the credits do not cover, then says what is missing; an avatar unshared meanwhile is refused beside its picker', async () => {
    const owner = await personInBrowser(server, browser, 'Rita Refused');
    const rootId = await createWorkspace(server.ctx, owner.id, [], 'Parent Co');
    await server.ctx.models.Workspace.updateOne({ _id: rootId }, { $set: { avatarSlots: 5 } });
    const root = (await server.ctx.models.Workspace.findById(rootId).lean())!;
    const user = (await server.ctx.models.User.findById(owner.id).lean())!;
    const { workspace: sub } = await createSubworkspace(server.ctx, root, user, { name: 'Thin Studio', billingMode: 'independent', apiAccess: false, members: [] });
    await appendEntry(server.ctx, { workspaceId: sub._id, kind: 'generative', type: 'grant', amount: 1, actorId: null, ref: null });
    const avatar = (await owner.client.post(`/api/workspaces/${rootId}/assets`, { kind: 'avatar', name: 'Ava', data: { style: 'studio' } })).body.id as string;
    expect((await owner.client.post(`/api/workspaces/${rootId}/assets/${avatar}/shares`, { workspaceIds: [sub._id] })).status).toBe(200);

    const page = owner.page;
    await page.goto(`/app/w/${sub._id}/content`);
    await page.getByRole('button', { name: 'New video' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New video' });
    await expect.poll(() => dialog.getByTestId('new-video-estimate').textContent()).toContain('1 credit available');
    await expect.poll(() => dialog.getByLabel('Avatar').locator('option').allTextContents()).toEqual(['None', 'Ava (from Parent Co)']);
    await dialog.getByLabel('Title').fill('Too long');
    // 2 s + 200 words at 150 a minute = 82 s: three half-credit steps.
    const long = 'word '.repeat(200).trim();
    await dialog.getByLabel('Script').fill(long);
    expect(await dialog.getByTestId('new-video-estimate').textContent()).toContain('About 1 min 22 s · 1.5 credits held');
    expect(await dialog.getByTestId('new-video-short').textContent()).toBe('Not enough generative credits for this video: it needs 1.5, the workspace has 1. Shorten the script, or ask an admin for credits.');
    await dialog.getByRole('button', { name: 'Create video' }).click();
    await expect.poll(() => dialog.getByTestId('new-video-script-error').textContent()).toBe('Not enough generative credits: short by 0.5 (this video needs 1.5). Shorten the script, or ask an admin for credits.');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');

    // A short script, the shared avatar picked, then unshared before the submit.
    await dialog.getByLabel('Script').fill('Hello and welcome.');
    expect(await dialog.getByTestId('new-video-short').count()).toBe(0);
    await dialog.getByLabel('Avatar').selectOption({ label: 'Ava (from Parent Co)' });
    expect((await owner.client.request('DELETE', `/api/workspaces/${rootId}/assets/${avatar}/shares/${sub._id}`)).status).toBe(204);
    await dialog.getByRole('button', { name: 'Create video' }).click();
    await expect.poll(() => dialog.locator('[id$="-avatarId-error"]').textContent()).toBe('This is no longer in the library of this workspace (unshared or deleted). Pick another, or None.');
    await expect.poll(() => dialog.getByLabel('Avatar').locator('option').allTextContents()).toEqual(['None']);
    expect(await dialog.getByLabel('Avatar').inputValue()).toBe('');
    expect(await server.ctx.models.Item.countDocuments({ workspaceId: sub._id, kind: 'video' })).toBe(0);
    await screenshot(page, 'video-new-refused-en', { fullPage: false });

    // With None it goes through.
    await dialog.getByLabel('Avatar').selectOption('');
    await dialog.getByRole('button', { name: 'Create video' }).click();
    await page.waitForURL(`**/app/w/${sub._id}/content/v/**`);
    expect(owner.errors).toEqual([]);
  });

  it('shows a render in the list live, and cancels one that is running after asking, charging nothing', async () => {
    process.env.RENDER_FAKE_MS = '120000';
    const owner = await personInBrowser(server, browser, 'Carl Cancel');
    const workspaceId = await createWorkspace(server.ctx, owner.id, [], 'Cancel Studio');
    const page = owner.page;
    await page.goto(`/app/w/${workspaceId}/content`);
    await waitLive(page);
    const made = await owner.client.post(`/api/workspaces/${workspaceId}/videos`, { title: 'Long one', script: SCRIPT });
    expect(made.status).toBe(202);
    const row = page.locator(`li[data-item-id="${made.body.id}"]`);
    await expect.poll(() => row.getByTestId('video-badge').getAttribute('data-status')).toBe('processing');
    expect(await row.getByTestId('video-badge').textContent()).toContain('Rendering');
    // The item's status change (item.updated, personalised per viewer) keeps the owner's access on the row.
    await expect.poll(() => row.getAttribute('data-status')).toBe('processing');
    expect(await row.textContent()).not.toContain('View only');

    await row.getByRole('link', { name: 'Long one' }).click();
    await page.getByTestId('video-render').waitFor();
    await page.getByRole('button', { name: 'Cancel the video' }).click();
    const confirm = page.getByRole('dialog', { name: 'Cancel “Long one”?' });
    await confirm.getByRole('button', { name: 'Keep rendering' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('video-render').getAttribute('data-status')).toBe('processing');
    await page.getByRole('button', { name: 'Cancel the video' }).click();
    await confirm.getByRole('button', { name: 'Cancel the video' }).click();
    await expect.poll(() => page.getByTestId('video-render').getAttribute('data-status')).toBe('cancelled');
    expect(await page.getByTestId('video-render').textContent()).toContain('No credits were charged');
    expect(await page.getByTestId('video-status').textContent()).toBe('Cancelled');
    const credits = await owner.client.get(`/api/workspaces/${workspaceId}/credits`);
    expect(credits.body.generative).toEqual({ available: 60, held: 0 });
    expect(owner.errors).toEqual([]);
  });

  it('edits captions: a saved cue shows live in another open page (player and editor), unsaved edits are not overwritten, a malformed file names its line', async () => {
    const owner = await personInBrowser(server, browser, 'Cleo Captions');
    const editor = await personInBrowser(server, browser, 'Eddie Editor');
    const workspaceId = await createWorkspace(server.ctx, owner.id, [], 'Caption Studio');
    await addMember(server.ctx, workspaceId, { _id: editor.id }, 'creator');
    const { id } = await seedVideo(server.ctx, { workspaceId, ownerId: owner.id, title: 'Captioned', general: { scope: 'workspace', role: 'edit' } });
    const url = `/app/w/${workspaceId}/content/v/${id}`;
    for (const p of [owner, editor]) {
      await p.page.goto(url);
      await waitLive(p.page);
      await cueText(p.page, 1).waitFor();
      expect(await cueText(p.page, 1).inputValue()).toBe('Hello and welcome.');
      await expect.poll(() => playerCues(p.page, 'en')).toEqual(['Hello and welcome.', 'This is a test.']);
    }
    await screenshot(owner.page, 'video-completed-captions-en');

    // One saves a changed cue: the other's editor and player read the track again.
    await cueText(owner.page, 1).fill('Hello and welcome, everyone.');
    expect(await owner.page.getByTestId('captions-status').textContent()).toContain('Unsaved changes');
    const saved = owner.page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/captions/en'));
    await owner.page.getByRole('button', { name: 'Save captions' }).click();
    expect((await saved).status()).toBe(200);
    await expect.poll(() => owner.page.getByTestId('captions-status').textContent()).toContain('Saved');
    await expect.poll(() => cueText(editor.page, 1).inputValue()).toBe('Hello and welcome, everyone.');
    await expect.poll(() => playerCues(editor.page, 'en')).toEqual(['Hello and welcome, everyone.', 'This is a test.']);

    // The other is typing when the next save comes: told, not overwritten; Reload takes the new version.
    await cueText(editor.page, 2).fill('Typed, not saved.');
    await owner.page.getByLabel('Text of cue 2', { exact: true }).fill('This is only a test.');
    await owner.page.getByRole('button', { name: 'Save captions' }).click();
    await editor.page.getByTestId('captions-elsewhere').waitFor();
    expect(await cueText(editor.page, 2).inputValue()).toBe('Typed, not saved.');
    await editor.page.getByTestId('captions-elsewhere').getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => cueText(editor.page, 2).inputValue()).toBe('This is only a test.');

    // A cue added in the browser with its end before its start: refused here, at its row.
    await owner.page.getByRole('button', { name: 'Add a cue' }).click();
    await owner.page.getByLabel('Start of cue 3', { exact: true }).fill('00:00:05.000');
    await owner.page.getByLabel('End of cue 3', { exact: true }).fill('00:00:04.000');
    await cueText(owner.page, 3).fill('Too late.');
    await owner.page.getByRole('button', { name: 'Save captions' }).click();
    await expect.poll(() => owner.page.locator('tr[data-cue="3"] .field-error').textContent()).toBe('The end must come after the start.');
    await owner.page.getByRole('button', { name: 'Remove cue 3' }).click();

    // A malformed file: the server's parser names the line, nothing changes.
    const bad = tempFile('broken.vtt', 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nFine.\n\n00:00:01.000 -> nonsense\nBroken.\n');
    await owner.page.getByTestId('caption-file').setInputFiles(bad);
    const alert = owner.page.getByTestId('caption-editor').getByRole('alert').filter({ hasText: /\S/ });
    await expect.poll(() => alert.textContent()).toMatch(/^Line 7: Cue identifier needs to be followed by timestamp/);
    const stored = await owner.client.get(`/api/workspaces/${workspaceId}/videos/${id}/captions/en`);
    expect(stored.body.cues.map((c: { text: string }) => c.text)).toEqual(['Hello and welcome, everyone.', 'This is only a test.']);

    // An .srt is converted; a new French track is added, saved and listed in both players.
    await owner.page.getByRole('button', { name: 'Add a track' }).click();
    const add = owner.page.getByTestId('caption-add');
    await add.getByLabel('Language', { exact: true }).fill('fr');
    await add.getByLabel('Label', { exact: true }).fill('Français');
    await owner.page.getByRole('button', { name: 'Add the track' }).click();
    await owner.page.getByTestId('cues-empty').waitFor();
    const srt = tempFile('fr.srt', '1\n00:00:00,000 --> 00:00:01,500\nBonjour et bienvenue.\n\n2\n00:00:01,500 --> 00:00:03,000\nCeci est un test.\n');
    await owner.page.getByTestId('caption-file').setInputFiles(srt);
    await expect.poll(() => cueText(owner.page, 2).inputValue()).toBe('Ceci est un test.');
    await expect.poll(() => playerCues(editor.page, 'fr')).toEqual(['Bonjour et bienvenue.', 'Ceci est un test.']);
    expect(await editor.page.getByRole('tab').allTextContents()).toEqual([expect.stringContaining('English'), expect.stringContaining('Français')]);
    await screenshot(owner.page, 'video-captions-fr-track-en');

    // Delete the French track after asking.
    await owner.page.getByRole('button', { name: 'Delete the track' }).click();
    await owner.page.getByRole('dialog', { name: 'Delete the track “Français”?' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => owner.page.getByRole('tab').count()).toBe(1);
    await expect.poll(() => editor.page.getByRole('tab').count()).toBe(1);
    for (const p of [owner, editor]) expect(p.errors).toEqual([]);
  });

  it('the share controls publish, set a password and follow another manager live; a Viewer sees them read-only and no caption editor', async () => {
    const owner = await personInBrowser(server, browser, 'Paula Publish');
    const admin = await personInBrowser(server, browser, 'Adam Admin');
    const viewer = await personInBrowser(server, browser, 'Vic Viewer');
    const workspaceId = await createWorkspace(server.ctx, owner.id, [], 'Share Studio');
    await addMember(server.ctx, workspaceId, { _id: admin.id }, 'super_admin');
    await addMember(server.ctx, workspaceId, { _id: viewer.id }, 'viewer');
    const { id } = await seedVideo(server.ctx, { workspaceId, ownerId: owner.id, title: 'Public talk', general: { scope: 'workspace', role: 'view' } });
    const url = `/app/w/${workspaceId}/content/v/${id}`;
    for (const p of [owner, admin, viewer]) {
      await p.page.goto(url);
      await waitLive(p.page);
      await p.page.getByTestId('video-player').waitFor();
    }

    const publish = owner.page.getByRole('switch', { name: /Publish to the web/ });
    expect(await publish.isChecked()).toBe(false);
    await publish.check();
    const link = owner.page.getByTestId('video-public-link');
    await link.waitFor();
    expect(await link.inputValue()).toMatch(/\/v\/[A-Za-z0-9_-]{22,}$/);
    // Another manager's page follows at once.
    await expect.poll(() => admin.page.getByTestId('video-public-link').inputValue()).toBe(await link.inputValue());

    await owner.page.getByRole('button', { name: 'Set a password' }).click();
    await owner.page.getByLabel('Password', { exact: true }).fill('abc');
    await owner.page.getByRole('button', { name: 'Save password' }).click();
    expect(await owner.page.locator('[id$="-password-error"]').textContent()).toBe('A password has at least 4 characters.');
    await owner.page.getByLabel('Password', { exact: true }).fill('open sesame');
    await owner.page.getByRole('button', { name: 'Save password' }).click();
    await expect.poll(() => owner.page.getByTestId('video-password-state').textContent()).toBe('The page asks for a password.');
    await expect.poll(() => admin.page.getByTestId('video-password-state').textContent()).toBe('The page asks for a password.');
    await owner.page.getByRole('switch', { name: /Let search engines list this page/ }).check();
    await expect.poll(async () => (await owner.client.get(`/api/workspaces/${workspaceId}/videos/${id}/share`)).body).toMatchObject({ published: true, passwordProtected: true, indexable: true });
    await screenshot(owner.page, 'video-share-en');

    // General access opens the item's share dialog.
    await owner.page.getByRole('button', { name: 'General access…' }).click();
    const dialog = owner.page.getByRole('dialog', { name: /Public talk/ });
    await dialog.waitFor();
    await owner.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // The Viewer: no switches, no password, no editor; what is set is said, and follows live.
    const v = viewer.page;
    expect(await v.getByRole('switch').count()).toBe(0);
    expect(await v.getByTestId('caption-editor').count()).toBe(0);
    expect(await v.getByRole('button', { name: 'Set a password' }).count()).toBe(0);
    expect(await v.getByRole('button', { name: 'Cancel the video' }).count()).toBe(0);
    await expect.poll(() => v.getByTestId('video-share').textContent()).toContain('Published to the web');
    await owner.page.getByRole('switch', { name: /Publish to the web/ }).uncheck();
    await expect.poll(() => v.getByTestId('video-share').textContent()).toContain('Not published to the web');
    await expect.poll(() => admin.page.getByTestId('video-public-link').count()).toBe(0);
    for (const p of [owner, admin, viewer]) expect(p.errors).toEqual([]);
  });
});
