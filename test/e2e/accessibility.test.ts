import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seriousViolations, type AxeFinding } from './support/axe';
import {
  DEMO_PASSWORD,
  describeInBrowser,
  launchChromium,
  logIn,
  screenshots,
  scriptErrors,
  SETUP_MS,
  startDemoServer,
  STEP_MS,
  type DemoServer,
} from './support/harness';

/** axe-core on every public page and the main staff pages of the demo hall: nothing serious or critical. */
describeInBrowser('accessibility (axe-core) of the public and main staff pages', () => {
  let server: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let shot: ReturnType<typeof screenshots>;
  const errors: string[] = [];

  beforeAll(async () => {
    shot = screenshots('accessibility', { fullPage: false });
    [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
    context = await browser.newContext({ locale: 'zh-CN' });
    context.setDefaultTimeout(15_000);
    scriptErrors(context, errors);
    page = await context.newPage();
  }, SETUP_MS);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, SETUP_MS);

  /** The first link of the current page whose address matches: pages are reached as a visitor would. */
  async function linkHere(pattern: RegExp): Promise<string> {
    const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    const href = hrefs.find((h) => pattern.test(h));
    if (!href) throw new Error(`no link matching ${pattern} on ${page.url()}`);
    return href;
  }

  const results: { url: string; status: number; violations: AxeFinding[] }[] = [];
  async function audit(url: string, name: string): Promise<void> {
    const res = await page.goto(server.baseUrl + url);
    await shot(page, name);
    results.push({ url, status: res?.status() ?? 0, violations: await seriousViolations(page) });
  }
  beforeEach(() => {
    results.length = 0;
  });

  it(
    'when a page has an image without text and an unlabeled field, then the checker reports them (it can fail)',
    async () => {
      await page.setContent('<!DOCTYPE html><html lang="zh-CN"><title>t</title><main><img src="/x.png"><input type="text"></main></html>');
      const ids = (await seriousViolations(page)).map((v) => v.id);
      expect(ids).toEqual(expect.arrayContaining(['image-alt', 'label']));
    },
    STEP_MS,
  );

  it(
    'when each public page is checked, then it loads and axe finds no serious or critical violation',
    async () => {
      const [completed] = (await server.store.listCases({ stage: 'completed', limit: 1, offset: 0 })).rows;
      const [reviewing] = (await server.store.listCases({ stage: 'under_review', limit: 1, offset: 0 })).rows;
      await audit('/', 'home');
      await audit(`/lookup?no=${reviewing.queryNo}`, 'lookup-result');
      await audit('/lookup?no=ABCD', 'lookup-invalid');
      await audit('/items', 'catalog');
      await audit(await linkHere(/^\/items\/[A-Z]+-\d+$/), 'item-guide');
      await audit('/laws', 'laws');
      await audit(await linkHere(/^\/laws\/\d+$/), 'law');
      await audit('/intermediaries', 'intermediaries');
      await audit('/item-changes', 'item-changes');
      await audit('/bulletin', 'bulletin');
      await audit(await linkHere(/^\/bulletin\/\d+$/), 'bulletin-entry');
      await audit('/disclosure', 'disclosure-catalog');
      await audit(await linkHere(/^\/disclosure\/\d+$/), 'disclosure-entry');
      await audit('/disclosure/guide', 'disclosure-guide');
      await audit(`/evaluate?no=${completed.queryNo}`, 'evaluate');
      await audit('/evaluate/thanks', 'evaluate-thanks');
      await audit('/satisfaction', 'satisfaction');
      await audit('/kiosk', 'kiosk');
      await audit(`/kiosk/lookup?no=${reviewing.queryNo}`, 'kiosk-result');
      expect(results.filter((r) => r.violations.length > 0)).toEqual([]);
      expect(results).toHaveLength(19);
      expect(results.map((r) => [r.url, r.status])).toEqual(results.map((r) => [r.url, r.url === '/lookup?no=ABCD' ? 400 : 200]));
    },
    STEP_MS * 3,
  );

  it(
    'when the main staff pages are checked, then axe finds no serious or critical violation',
    async () => {
      await audit('/staff/login', 'staff-login');
      await logIn(page, server.baseUrl, 'shuili', DEMO_PASSWORD);
      await audit('/staff', 'staff-worklist');
      const caseHref = await linkHere(/^\/staff\/cases\/[2-9A-HJ-NP-Z]{12}$/);
      await audit('/staff/cases/new', 'staff-register-empty');
      await audit('/staff/cases/new?item=SLJ-001', 'staff-register');
      await audit(caseHref, 'staff-case');
      await audit(`${caseHref}/receipt`, 'staff-receipt');
      await audit('/staff/disclosure', 'staff-disclosure');
      expect(results.filter((r) => r.violations.length > 0)).toEqual([]);
      expect(results).toHaveLength(7);
      expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    },
    STEP_MS * 3,
  );

  it('then none of these pages had a script error or a CSP refusal', () => {
    expect(errors).toEqual([]);
  });
});
