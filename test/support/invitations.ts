import type { Page } from 'playwright-core';
import type { WebServer } from './organisation.js';

/** The `/<kind>/<token>` path of the newest such link mailed to `to`, read from the dev outbox as a person would read their mail. */
async function linkPathFromMail(server: WebServer, to: string, kind: 'invite' | 'verify'): Promise<string> {
  const res = await fetch(`${server.url}/api/dev/outbox`);
  if (res.status !== 200) throw new Error(`outbox answered ${res.status}`);
  const { items } = (await res.json()) as { items: Array<{ to: string; text: string }> };
  const pattern = new RegExp(`/${kind}/[A-Za-z0-9_-]+`);
  const mail = items.find((m) => m.to === to && pattern.test(m.text));
  if (!mail) throw new Error(`no mail with a /${kind}/ link to ${to}`);
  return pattern.exec(mail.text)![0];
}

/** The `/invite/<token>` path of the newest invitation mailed to `to`. */
export const invitePathFromMail = (server: WebServer, to: string) => linkPathFromMail(server, to, 'invite');

/** The `/verify/<token>` path of the newest verification mail to `to`. */
export const verifyPathFromMail = (server: WebServer, to: string) => linkPathFromMail(server, to, 'verify');

/** The unread count on the bell as a person reads it: the badge, or nothing. */
export async function bellCount(page: Page): Promise<string | null> {
  const badge = page.getByTestId('unread-count');
  return (await badge.count()) ? await badge.textContent() : null;
}

export const bell = (page: Page) => page.locator('button[aria-controls="notifications-panel"]');
