import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seriousViolations, type AxeFinding } from './support/axe';
import { DEMO_PASSWORD, describeInBrowser, launchChromium, logIn, screenshots, SETUP_MS, startDemoServer, STEP_MS, type DemoServer } from './support/harness';

/** axe-core on every public page and the main staff pages of the demo hall: nothing serious or critical. */
describeInBrowser('accessibility (axe-core) of the public and main staff pages', () => {
  let server: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shot = screenshots('accessibility');

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
    context = await browser.newContext({ locale: 'zh-CN' });
    page = await context.newPage();
  }, SETUP_MS);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, SETUP_MS);

  /** The first link on `from` whose address matches `pattern`: pages are reached as a visitor would. */
  async function firstLink(from: string, pattern: RegExp): Promise<string> {
    await page.goto(server.baseUrl + from);
    const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    const href = hrefs.find((h) => pattern.test(h));
    if (!href) throw new Error(`no link matching ${pattern} on ${from}`);
    return href;
  }

  async function audit(url: string, name: string): Promise<{ url: string; status: number; violations: AxeFinding[] }> {
    const res = await page.goto(server.baseUrl + url);
    await shot(page, name);
    return { url, status: res?.status() ?? 0, violations: await seriousViolations(page) };
  }

  it(
    'when each public page is checked, then it loads and axe finds no serious or critical violation',
    async () => {
      const [completed] = (await server.store.listCases({ stage: 'completed', limit: 1, offset: 0 })).rows;
      const [reviewing] = (await server.store.listCases({ stage: 'under_review', limit: 1, offset: 0 })).rows;
      const pages: [string, string][] = [
        ['/', 'home'],
        [`/lookup?no=${reviewing.queryNo}`, 'lookup-result'],
        ['/lookup?no=ABCD', 'lookup-invalid'],
        ['/items', 'catalog'],
        [await firstLink('/items', /^\/items\/[A-Z]+-\d+$/), 'item-guide'],
        ['/laws', 'laws'],
        [await firstLink('/laws', /^\/laws\/\d+$/), 'law'],
        ['/intermediaries', 'intermediaries'],
        ['/item-changes', 'item-changes'],
        ['/bulletin', 'bulletin'],
        [await firstLink('/bulletin', /^\/bulletin\/\d+$/), 'bulletin-entry'],
        ['/disclosure', 'disclosure-catalog'],
        [await firstLink('/disclosure', /^\/disclosure\/\d+$/), 'disclosure-entry'],
        ['/disclosure/guide', 'disclosure-guide'],
        [`/evaluate?no=${completed.queryNo}`, 'evaluate'],
        ['/evaluate/thanks', 'evaluate-thanks'],
        ['/satisfaction', 'satisfaction'],
        ['/kiosk', 'kiosk'],
        [`/kiosk/lookup?no=${reviewing.queryNo}`, 'kiosk-result'],
      ];
      const results = [];
      for (const [url, name] of pages) results.push(await audit(url, name));
      const bad = results.filter((r) => r.violations.length > 0);
      expect(bad).toEqual([]);
      expect(results.map((r) => [r.url, r.status])).toEqual(
        pages.map(([url]) => [url, url === '/lookup?no=ABCD' ? 400 : 200]),
      );
    },
    STEP_MS * 2,
  );

  it(
    'when the main staff pages are checked, then axe finds no serious or critical violation',
    async () => {
      const login = await audit('/staff/login', 'staff-login');
      await logIn(page, server.baseUrl, 'shuili', DEMO_PASSWORD);
      const caseHref = await firstLink('/staff', /^\/staff\/cases\/[2-9A-HJ-NP-Z]{12}$/);
      const results = [
        login,
        await audit('/staff', 'staff-worklist'),
        await audit('/staff/cases/new', 'staff-register-empty'),
        await audit('/staff/cases/new?item=SLJ-001', 'staff-register'),
        await audit(caseHref, 'staff-case'),
        await audit(`${caseHref}/receipt`, 'staff-receipt'),
        await audit('/staff/disclosure', 'staff-disclosure'),
      ];
      expect(results.filter((r) => r.violations.length > 0)).toEqual([]);
      expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    },
    STEP_MS * 2,
  );
});
