import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadWebHandler } from '../../server/server.js';
import { startTestServer, type TestServerOptions } from './server.js';
import { ensureWebBuild } from '../../scripts/setup.mjs';

const ROOT = process.cwd();
export const SCREENSHOTS = path.join(ROOT, 'test-results');

/** A real console node serving the built web app. */
export async function startWebServer(opts: Omit<TestServerOptions, 'webHandler'> = {}) {
  ensureWebBuild({ quiet: true });
  const webHandler = await loadWebHandler(ROOT);
  if (!webHandler) throw new Error('build/handler.js is missing after the build');
  return startTestServer({ ...opts, webHandler });
}

export type WebServer = Awaited<ReturnType<typeof startWebServer>>;

/**
 * A console node serving the web app and a Chromium for a test file: started
 * before its tests (then `ready` gets them, and may prepare more), stopped after.
 */
export function useWebAndBrowser(
  ready: (server: WebServer, browser: Browser) => void | Promise<void>,
  opts: Omit<TestServerOptions, 'webHandler'> = {},
  timeout?: number,
) {
  let server: WebServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startWebServer(opts);
    browser = await launchBrowser();
    await ready(server, browser);
  }, timeout);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors (CSP violations show up here). */
  errors: string[];
  /** Paths of every `/api` request the page made, e.g. `POST /api/auth/login`. */
  apiCalls: string[];
}

/** A fresh browser profile (own cookies and localStorage) on the server, in English by default. */
export async function openSession(browser: Browser, baseURL: string, locale = 'en-US'): Promise<BrowserSession> {
  const context = await browser.newContext({ baseURL, locale, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const apiCalls: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    // The browser logs every 4xx answer of the API (401 on a signed-out visit, a wrong password): those are expected.
    if (msg.type() === 'error' && !/Failed to load resource: .*status of 4\d\d/.test(msg.text())) errors.push(msg.text());
  });
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith('/api/')) apiCalls.push(`${req.method()} ${url.pathname}`);
  });
  return { context, page, errors, apiCalls };
}

/** The whole page by default; `fullPage: false` takes what the viewport shows (a modal dialog over the page). */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
