// axe-core in a playwright page. Evaluated through the DevTools protocol,
// which the page's CSP does not govern, so no inline script is added.
import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** The page's WCAG 2 A/AA violations, as "rule: target" lines (empty when it passes). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const results = await page.evaluate(() =>
    (globalThis as unknown as { axe: typeof axe }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }),
  );
  return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}
