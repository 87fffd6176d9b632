import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { describeFindings, seriousViolations } from './axe.js';
import { screenshot } from './browser.js';
import { boxProblems, widthProblems } from './fit.js';

/** The workspace tabs are a strip that scrolls sideways on a phone, as tab bars do; nothing else may. */
const STRIPS = ['nav.tabs'];

/**
 * The screen as it is now fits the width (an `opened` dialog or popover lies
 * wholly in the viewport, a form opened `inPage` within its sides) and axe
 * finds nothing serious or critical on it; saved as
 * `test-results/responsive-<width>-<name>.png`. Soft, so one run lists every
 * screen that fails.
 */
export async function checkScreen(page: Page, name: string, opened?: Locator, { inPage = false } = {}) {
  const { width } = page.viewportSize()!;
  // Measured where it comes to rest, not halfway through sliding in.
  await opened?.evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));
  // What is open floats over the viewport: that is what the person sees, so that is what is saved.
  await screenshot(page, `responsive-${width}-${name}`, { fullPage: !opened || inPage });
  const problems = await widthProblems(page, STRIPS);
  if (opened) problems.push(...(await boxProblems(page, opened, { inPage })).map((p) => `the open ${name}: ${p}`));
  expect.soft(problems, `${name} at ${width}px`).toEqual([]);
  const findings = await seriousViolations(page);
  expect.soft(describeFindings(findings), `axe on ${name} at ${width}px`).toBe('');
}
