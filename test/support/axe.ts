import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** What one axe rule found, reduced to what a failure message needs. */
export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * The violations of impact `serious` or `critical` on the page as it is now.
 * Besides axe's defaults, WCAG 2.2's target size (24 px) is checked: a control
 * too small to tap is a failure here.
 *
 * The app's CSP allows only its own nonced scripts, so a `<script>` tag with
 * axe would be refused; the source is evaluated through the devtools protocol
 * instead, which the CSP does not govern.
 */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run(document, { resultTypes: ['violations'], rules: { 'target-size': { enabled: true } } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ rule: v.id, impact: v.impact!, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

/** One line per rule, with the elements it failed on: what a failing test prints. */
export const describeFindings = (findings: AxeFinding[]) =>
  findings.map((f) => `${f.rule} (${f.impact}): ${f.help}\n    ${f.targets.join('\n    ')}`).join('\n');
