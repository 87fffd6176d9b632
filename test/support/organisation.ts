import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openSession, type WebServer } from './browser.js';
import { createUser } from './factories.js';

export type { WebServer };

/** A person with an account and a browser profile signed in as them (a verified address at example.com unless told). */
export async function personInBrowser(server: WebServer, browser: Browser, name: string, locale = 'en-US', opts: { email?: string; verified?: boolean } = {}) {
  const person = await createUser(server.ctx, server.url, name, opts);
  const session = await openSession(browser, server.url, locale);
  await session.context.addCookies([{ name: 'sid', value: person.client.cookie.slice(4), url: server.url }]);
  return { ...person, ...session, id: person.user._id as string, name: person.user.name as string };
}

/** Waits until the page's live connection is up (the top bar's indicator), so what follows is seen live. */
export async function waitLive(page: Page) {
  await expect.poll(() => page.locator('header [role="status"][data-status]').getAttribute('data-status'), { timeout: 10_000 }).toBe('live');
}

/**
 * How long after `since` the condition became true on `page`, polling every
 * 10 ms for at most 1000 ms (it fails the test past that).
 */
export async function msUntil(page: Page, since: number, condition: () => Promise<boolean>): Promise<number> {
  await expect.poll(condition, { timeout: 1000, interval: 10 }).toBe(true);
  return Date.now() - since;
}

/** A valid one-pixel PNG, written to a temp file for `setInputFiles`. */
export function tinyPng(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'wsc-')), 'logo.png');
  writeFileSync(
    file,
    Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'),
  );
  return file;
}

/** A row of the Members table, by the member's user id. */
export const memberRow = (page: Page, userId: string) => page.locator(`tr[data-user-id="${userId}"]`);
