import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { type WebServer, openSession, useWebAndBrowser } from '../support/browser.js';
import { signedInClient } from '../support/client.js';
import { createWorkspace } from '../support/factories.js';

let server: WebServer;
let browser: Browser;
/** Every `workspace:subscribe` payload the server received, in order. */
const subscribes: unknown[] = [];

useWebAndBrowser(async (s, b) => {
  server = s;
  browser = b;
  server.io.on('connection', (socket) => socket.on('workspace:subscribe', (payload) => subscribes.push(payload)));
});

async function signedInPage(name: string) {
  const signedIn = await signedInClient(server.url, { name });
  const session = await openSession(browser, server.url);
  await session.context.addCookies([{ name: 'sid', value: signedIn.client.cookie.slice(4), url: server.url }]);
  return { ...signedIn, ...session };
}

const socketsIn = async (room: string) => (await server.io.in(room).fetchSockets()).length;
const publish = (workspaceId: string, name: string) =>
  server.ctx.publisher.toWorkspace(workspaceId, 'members', { type: 'workspace.updated', actorId: null, data: { workspaceId, name } });

describe('the live connection', () => {
  it('comes back live after the server drops it, and subscribes again with the last event id it saw', async () => {
    const { page, user, errors } = await signedInPage('Riley Reconnect');
    const workspaceId = await createWorkspace(server.ctx, user.id, [], 'Initech');
    const room = `workspace:${workspaceId}`;
    const first = await publish(workspaceId, 'Initech');
    subscribes.length = 0;

    await page.goto('/app');
    const indicator = page.getByRole('status');
    await expect.poll(() => indicator.getAttribute('data-status'), { timeout: 10_000 }).toBe('live');
    await expect.poll(() => socketsIn(room)).toBe(1);
    expect(subscribes).toEqual([{ workspaceId }]);

    // An event seen live: it reaches the browser before the disconnection, on the same connection.
    const live = await publish(workspaceId, 'Initech Live');
    expect(live.id > first.id).toBe(true);
    server.io.in(`user:${user.id}`).disconnectSockets(true);
    await expect.poll(() => indicator.getAttribute('data-status'), { timeout: 2_000, interval: 20 }).toBe('reconnecting');
    expect(await indicator.textContent()).toContain('Reconnecting…');
    // Missed while away: replayed on the new subscription.
    const missed = await publish(workspaceId, 'Initech Missed');

    await expect.poll(() => indicator.getAttribute('data-status'), { timeout: 10_000 }).toBe('live');
    await expect.poll(() => subscribes.length).toBe(2);
    // From where it stood, or a little further back (a reconnection replays the last 15 s: shared/event-order.ts, rewind).
    expect(subscribes[1]).toEqual({ workspaceId, since: expect.stringMatching(new RegExp(`^workspace:${workspaceId}:\\d{12}$`)) });
    expect((subscribes[1] as { since: string }).since <= live.id).toBe(true);
    await expect.poll(() => socketsIn(room)).toBe(1);
    // The missed event was replayed to the screen (the switcher shows its name): only then is the cursor past it.
    await page.getByRole('navigation').getByText('Initech Missed').first().waitFor({ timeout: 10_000 });

    // The next subscription replays from at most where the replayed event left it.
    server.io.in(`user:${user.id}`).disconnectSockets(true);
    await expect.poll(() => subscribes.length, { timeout: 10_000 }).toBe(3);
    expect(subscribes[2]).toEqual({ workspaceId, since: expect.any(String) });
    expect((subscribes[2] as { since: string }).since <= missed.id).toBe(true);
    await expect.poll(() => indicator.getAttribute('data-status'), { timeout: 10_000 }).toBe('live');
    expect(errors).toEqual([]);
  });

  it('goes to sign-in when the session dies while the app is open', async () => {
    const { page, client } = await signedInPage('Sam Session');
    await page.goto('/app');
    await expect.poll(() => page.getByRole('status').getAttribute('data-status'), { timeout: 10_000 }).toBe('live');

    // Signing out elsewhere ends the session and its sockets; the reconnection is refused.
    await client.post('/api/auth/logout');
    await page.waitForURL((url) => url.pathname + url.search === '/signin?next=/app', { timeout: 15_000 });
  });
});
