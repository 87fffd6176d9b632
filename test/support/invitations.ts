import type { Page } from 'playwright-core';
import type { WebServer } from './organisation.js';

/** The `/invite/<token>` path of the newest mail sent to `to`, read from the dev outbox as a person would read their mail. */
export async function invitePathFromMail(server: WebServer, to: string): Promise<string> {
  const res = await fetch(`${server.url}/api/dev/outbox`);
  if (res.status !== 200) throw new Error(`outbox answered ${res.status}`);
  const { items } = (await res.json()) as { items: Array<{ to: string; text: string }> };
  const mail = items.find((m) => m.to === to);
  if (!mail) throw new Error(`no mail to ${to}`);
  const match = /\/invite\/[A-Za-z0-9_-]+/.exec(mail.text);
  if (!match) throw new Error(`no invitation link in the mail to ${to}`);
  return match[0];
}

/** The unread count on the bell as a person reads it: the badge, or nothing. */
export async function bellCount(page: Page): Promise<string | null> {
  const badge = page.getByTestId('unread-count');
  return (await badge.count()) ? await badge.textContent() : null;
}

export const bell = (page: Page) => page.locator('button[aria-controls="notifications-panel"]');
