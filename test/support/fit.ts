import type { Locator, Page } from 'playwright-core';

/**
 * What does not fit the viewport's width, in words, or nothing:
 * - the page is wider than the viewport;
 * - a box scrolls sideways (a table in an `overflow-x: auto` wrapper is still
 *   off-screen for whoever does not know to swipe), except `scrollable`
 *   selectors: strips meant to scroll, such as the workspace tabs;
 * - a control (link, button, field) starts or ends outside the viewport,
 *   unless it sits in one of those strips.
 */
export async function widthProblems(page: Page, scrollable: string[] = []): Promise<string[]> {
  return page.evaluate((allowed) => {
    const width = document.documentElement.clientWidth;
    const problems: string[] = [];
    const name = (el: Element) => {
      const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/)[0]}` : '';
      return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : cls}> "${text}"`;
    };
    const inStrip = (el: Element) => allowed.some((selector) => el.closest(selector));

    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > width) problems.push(`the page is ${scrollWidth}px wide in a ${width}px viewport`);

    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const style = getComputedStyle(el);
      if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1 && !allowed.some((s) => el.matches(s))) {
        problems.push(`${name(el)} scrolls sideways: ${el.scrollWidth}px of content in ${el.clientWidth}px`);
      }
    }

    for (const el of Array.from(document.body.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'))) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if ((box.left < -0.5 || box.right > width + 0.5) && !inStrip(el)) {
        problems.push(`${name(el)} spans ${Math.round(box.left)}–${Math.round(box.right)}px, outside 0–${width}px`);
      }
    }
    return problems;
  }, scrollable);
}

/**
 * Where an open dialog or popover leaves the viewport, or nothing when it lies
 * wholly inside. A form opened in the page (`inPage`) may be taller than the
 * screen, as the page scrolls: only its sides are checked.
 */
export async function boxProblems(page: Page, opened: Locator, { inPage = false } = {}): Promise<string[]> {
  const box = await opened.boundingBox();
  if (!box) return ['it is not on screen'];
  const { width, height } = await page.evaluate(() => ({ width: document.documentElement.clientWidth, height: window.innerHeight }));
  const problems: string[] = [];
  if (box.x < -0.5) problems.push(`its left edge is at ${Math.round(box.x)}px`);
  if (box.y < -0.5 && !inPage) problems.push(`its top edge is at ${Math.round(box.y)}px`);
  if (box.x + box.width > width + 0.5) problems.push(`its right edge is at ${Math.round(box.x + box.width)}px, past ${width}px`);
  if (box.y + box.height > height + 0.5 && !inPage) problems.push(`its bottom edge is at ${Math.round(box.y + box.height)}px, past ${height}px`);
  return problems;
}
