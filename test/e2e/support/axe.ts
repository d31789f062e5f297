import axe from 'axe-core';
import type { Page } from 'playwright-core';

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page and returns the serious and critical violations. The axe source is
 * evaluated through the DevTools protocol, which the page's CSP does not govern, so the pages are
 * checked exactly as served (no bypassCSP, no inline script tag).
 */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  const installed = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!installed) await page.evaluate(axe.source);
  const found = await page.evaluate(async () => {
    const w = globalThis as unknown as { axe: typeof axe; document: unknown };
    const result = await w.axe.run(w.document as never, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`.slice(0, 300)),
    }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
