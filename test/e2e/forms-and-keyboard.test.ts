import type { Browser, BrowserContext, Page } from 'playwright-core';
import { validResidentId } from '../helpers/test-app';
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

const CHINESE = /[\u4e00-\u9fff]/;

interface FocusStop {
  tag: string;
  /** The type of an input, else ''. */
  type: string;
  id: string;
  text: string;
  focusVisible: boolean;
  outline: string;
}

/** What has the keyboard focus, and whether a focus ring is drawn around it. */
function focusStop(page: Page): Promise<FocusStop> {
  return page.evaluate(() => {
    const g = globalThis as unknown as {
      document: {
        activeElement: { tagName: string; id: string; type?: string; textContent: string | null; matches(s: string): boolean } | null;
      };
      getComputedStyle(el: unknown): { outlineStyle: string; outlineWidth: string };
    };
    const el = g.document.activeElement!;
    const style = g.getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      type: el.tagName === 'INPUT' ? (el.type ?? '') : '',
      id: el.id,
      text: (el.textContent ?? '').trim().slice(0, 20),
      focusVisible: el.matches(':focus-visible'),
      outline: `${style.outlineStyle} ${style.outlineWidth}`,
    };
  });
}

/** A drawn ring: the :focus-visible rule applies and paints an outline at least 2px wide. */
const ringShown = (s: FocusStop) => s.focusVisible && !/^none /.test(s.outline) && parseFloat(s.outline.split(' ')[1]) >= 2;

/**
 * Presses Tab (only the keyboard) until `matches` holds for the focused element; every stop on
 * the way must show a focus ring. Returns the stops, for the failure message.
 */
async function tabUntil(page: Page, matches: (s: FocusStop) => boolean, max = 40): Promise<FocusStop[]> {
  const stops: FocusStop[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const s = await focusStop(page);
    stops.push(s);
    if (!ringShown(s)) throw new Error(`no visible focus on ${JSON.stringify(s)}`);
    if (matches(s)) return stops;
  }
  throw new Error(`not reached in ${max} Tab presses: ${JSON.stringify(stops.map((s) => s.id || s.text))}`);
}

/** The field's own error: referenced by aria-describedby, inside the same .field block, in Chinese. */
async function fieldError(page: Page, inputId: string): Promise<string> {
  const input = page.locator(`#${inputId}`);
  expect(await input.getAttribute('aria-invalid')).toBe('true');
  const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
  expect(describedBy.split(' ')).toContain(`${inputId}-error`);
  const beside = page.locator('.field', { has: input }).locator(`#${inputId}-error`);
  await expect(beside.isVisible()).resolves.toBe(true);
  const text = ((await beside.textContent()) ?? '').trim();
  expect(text).toMatch(CHINESE);
  return text;
}

describeInBrowser('form errors beside the fields, and keyboard-only use', () => {
  let server: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  const errors: string[] = [];
  let shot: ReturnType<typeof screenshots>;
  let page: Page;

  beforeAll(async () => {
    shot = screenshots('forms-and-keyboard');
    [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
  }, SETUP_MS);
  beforeEach(async () => {
    context = await browser.newContext({ locale: 'zh-CN' });
    context.setDefaultTimeout(15_000);
    scriptErrors(context, errors);
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, SETUP_MS);

  it(
    'when the register form is sent with a bad ID number, phone and no name, then each field shows its Chinese error and keeps the input',
    async () => {
      await logIn(page, server.baseUrl, 'shuili', DEMO_PASSWORD);
      await page.goto(`${server.baseUrl}/staff/cases/new?item=SLJ-001`);
      await page.getByLabel(/证件号码/).fill('330802199001011234');
      await page.getByLabel('联系电话').fill('12345');
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/staff/cases') && r.request().method() === 'POST'),
        page.getByRole('button', { name: '登记并生成查询号' }).click(),
      ]);
      expect(res.status()).toBe(400);
      await page.waitForLoadState();
      await shot(page, 'register-errors');
      await expect(page.getByRole('alert').first().textContent()).resolves.toContain('提交的内容有误');
      const messages = [await fieldError(page, 'applicantName'), await fieldError(page, 'idNumber'), await fieldError(page, 'phone')];
      expect(new Set(messages).size).toBe(3);
      await expect(page.locator('#idNumber').inputValue()).resolves.toBe('330802199001011234');
      await expect(page.locator('#phone').inputValue()).resolves.toBe('12345');
      await expect(page.locator('#projectName').getAttribute('aria-invalid')).resolves.toBeNull();
    },
    STEP_MS,
  );

  it(
    'when the lookup form is sent with a letter that is never used, or too few characters, then the error is beside the field',
    async () => {
      await page.goto(server.baseUrl);
      await page.getByLabel('查询号').fill('ABCD-EFGH-IJKL');
      const [res] = await Promise.all([page.waitForResponse(/\/lookup\?no=/), page.getByRole('button', { name: '查询', exact: true }).click()]);
      expect(res.status()).toBe(400);
      await page.waitForLoadState();
      await shot(page, 'lookup-bad-character');
      await expect(fieldErrorOf(page)).resolves.toContain('不含 0、O、1、I');
      await expect(page.locator('#query-no').inputValue()).resolves.toBe('ABCD-EFGH-IJKL');

      await page.getByLabel('查询号').fill('2345-6789');
      await Promise.all([page.waitForURL(/no=2345-6789/), page.getByRole('button', { name: '查询', exact: true }).click()]);
      await shot(page, 'lookup-too-short');
      await expect(fieldErrorOf(page)).resolves.toContain('12位');
    },
    STEP_MS,
  );

  /** The lookup box sits in a .query-box, not a .field. */
  async function fieldErrorOf(p: Page): Promise<string> {
    const input = p.locator('#query-no');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(((await input.getAttribute('aria-describedby')) ?? '').split(' ')).toContain('query-no-error');
    const beside = p.locator('form.query-box', { has: input }).locator('#query-no-error');
    const text = ((await beside.textContent()) ?? '').trim();
    expect(text).toMatch(CHINESE);
    return text;
  }

  it(
    'when the kiosk gets a malformed number, then it says so in Chinese and keeps the input',
    async () => {
      await page.goto(`${server.baseUrl}/kiosk`);
      await page.getByLabel('请输入受理回执上的查询号').fill('ABCD');
      await Promise.all([page.waitForURL(/\/kiosk\/lookup/), page.getByRole('button', { name: '查询', exact: true }).click()]);
      await shot(page, 'kiosk-bad');
      await expect(page.getByRole('alert').textContent()).resolves.toContain('查询号有误');
      await expect(page.locator('#kiosk-no').inputValue()).resolves.toBe('ABCD');
    },
    STEP_MS,
  );

  it(
    'when a kiosk result is left alone for 60 s it returns to the start, and a touch restarts the wait',
    async () => {
      const [c] = (await server.store.listCases({ stage: 'accepted', limit: 1, offset: 0 })).rows;
      await page.clock.install();
      await page.goto(`${server.baseUrl}/kiosk/lookup?no=${c.queryNo}`);
      await page.clock.runFor(50_000);
      await page.mouse.click(10, 300);
      await page.clock.runFor(50_000);
      expect(new URL(page.url()).pathname).toBe('/kiosk/lookup');
      await Promise.all([page.waitForURL(`${server.baseUrl}/kiosk`), page.clock.runFor(11_000)]);
      await shot(page, 'kiosk-idle-home');
      await expect(page.locator('#kiosk-no').inputValue()).resolves.toBe('');
    },
    STEP_MS,
  );

  it(
    'when a visitor uses only the keyboard, then Tab reaches the lookup box with a visible focus ring, and Enter shows the case',
    async () => {
      const [c] = (await server.store.listCases({ stage: 'under_review', limit: 1, offset: 0 })).rows;
      await page.goto(server.baseUrl);
      const stops = await tabUntil(page, (s) => s.id === 'query-no');
      expect(stops[0].text).toBe('跳到正文');
      await shot(page, 'keyboard-lookup-focus');
      await page.keyboard.type(c.queryNo.toLowerCase());
      await Promise.all([page.waitForURL(/\/lookup\?no=/), page.keyboard.press('Enter')]);
      await shot(page, 'keyboard-lookup-result');
      await expect(page.locator('#stage-title').textContent()).resolves.toContain('审查中');
      await expect(page.locator('.eyebrow .query-no').textContent()).resolves.toBe(c.queryNo.replace(/(.{4})(?=.)/g, '$1-'));
    },
    STEP_MS,
  );

  it(
    'when staff use only the keyboard, then they log in, pick the item, tick materials, fill in the applicant and register',
    async () => {
      await page.goto(`${server.baseUrl}/staff/login`);
      await tabUntil(page, (s) => s.id === 'username');
      await page.keyboard.type('shuili');
      await tabUntil(page, (s) => s.id === 'password');
      await page.keyboard.type(DEMO_PASSWORD);
      await Promise.all([page.waitForURL(`${server.baseUrl}/staff`), page.keyboard.press('Enter')]);

      await tabUntil(page, (s) => s.tag === 'a' && s.text === '登记办件');
      await Promise.all([page.waitForURL(/\/staff\/cases\/new$/), page.keyboard.press('Enter')]);
      await tabUntil(page, (s) => s.id === 'pick-item');
      await page.keyboard.press('ArrowDown');
      const picked = await page.locator('#pick-item').inputValue();
      expect(picked).toMatch(/^SLJ-/);
      await tabUntil(page, (s) => s.tag === 'button' && s.text === '显示材料清单');
      await Promise.all([page.waitForURL(new RegExp(`item=${picked}$`)), page.keyboard.press('Enter')]);

      const boxes = page.locator('fieldset.checklist input[type=checkbox]');
      const firstBox = await boxes.first().getAttribute('value');
      await tabUntil(page, (s) => s.type === 'checkbox');
      await page.keyboard.press('Space');
      await expect(boxes.first().isChecked()).resolves.toBe(true);
      await tabUntil(page, (s) => s.id === 'applicantName');
      await page.keyboard.type('键盘测试人');
      await tabUntil(page, (s) => s.id === 'idNumber');
      await page.keyboard.type(validResidentId('330802198505051'));
      await tabUntil(page, (s) => s.id === 'phone');
      await page.keyboard.type('13905709876');
      await shot(page, 'keyboard-register-filled');
      await Promise.all([page.waitForURL(/\/receipt\?new=1$/), page.keyboard.press('Enter')]);
      await shot(page, 'keyboard-register-receipt');
      const queryNo = /cases\/([2-9A-HJ-NP-Z]{12})\/receipt/.exec(page.url())![1];
      const stored = (await server.store.findCaseByQueryNo(queryNo))!;
      expect(stored.applicant).toMatchObject({ name: '键盘测试人', kind: 'person', phone: '13905709876' });
      const materials = await server.store.listCaseMaterials(stored.id);
      expect(materials.map((m) => String(m.materialId))).toEqual([firstBox]);
    },
    STEP_MS,
  );

  it('when the site stylesheets are read, then each has a :focus-visible rule', async () => {
    for (const url of ['/', '/kiosk']) {
      await page.goto(server.baseUrl + url);
      const selectors = await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { styleSheets: Iterable<{ cssRules: Iterable<{ selectorText?: string }> }> } }).document;
        return [...doc.styleSheets].flatMap((s) => [...s.cssRules].map((r) => r.selectorText ?? ''));
      });
      expect([url, selectors.some((s) => s.includes(':focus-visible'))]).toEqual([url, true]);
    }
  });

  it('then no page had a script error or a CSP refusal', () => {
    expect(errors).toEqual([]);
  });
});
