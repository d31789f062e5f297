import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decodeQrSvg } from '../helpers/qr-decode';
import { validCreditCode } from '../helpers/test-app';
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

const APPLICANT = '衢州市浏览器测试水务有限公司';
const PROJECT = '浏览器测试取水口工程';
const DECISION_NO = '衢水许〔2026〕E2E号';
const QUERY_NO = /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;

/**
 * One case from the window to the bulletin, each step as its user sees it: window staff, the
 * applicant at home (a browser of their own, following the receipt's link) and the hall kiosk.
 * The steps share one case, so they run in order and stop at the first failure.
 */
describeInBrowser('a case from registration to the bulletin, in the browser', () => {
  let server: DemoServer;
  let browser: Browser;
  let staffContext: BrowserContext;
  let applicantContext: BrowserContext;
  let staff: Page;
  let applicant: Page;
  let visitorContext: BrowserContext;
  const errors: string[] = [];
  let queryNo = '';
  let lookupHref = '';
  let shot: ReturnType<typeof screenshots>;

  /** The steps share one case: once registration failed, the rest fail at once, not after timeouts. */
  const needCase = () => {
    if (!queryNo) throw new Error('no case: the registration step failed');
  };

  beforeAll(async () => {
    shot = screenshots('journey');
    [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
    staffContext = await browser.newContext({ locale: 'zh-CN' });
    applicantContext = await browser.newContext({ locale: 'zh-CN' });
    visitorContext = await browser.newContext({ locale: 'zh-CN' });
    for (const c of [staffContext, applicantContext, visitorContext]) {
      scriptErrors(c, errors);
      c.setDefaultTimeout(15_000);
    }
    staff = await staffContext.newPage();
    applicant = await applicantContext.newPage();
  }, SETUP_MS);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, SETUP_MS);

  it(
    'when window staff log in, then the worklist opens with their name',
    async () => {
      await logIn(staff, server.baseUrl, 'shuili', DEMO_PASSWORD);
      await shot(staff, 'worklist');
      await expect(staff.locator('h1').textContent()).resolves.toContain('办件列表');
      await expect(staff.getByRole('button', { name: /王晓燕 · 退出/ }).count()).resolves.toBe(1);
    },
    STEP_MS,
  );

  it(
    'when they choose an item, tick the materials and register the applicant, then the receipt shows the new query number',
    async () => {
      await staff.getByRole('navigation').getByRole('link', { name: '登记办件' }).click();
      await staff.getByLabel('第一步：选择审批事项').selectOption('SLJ-001');
      await Promise.all([
        staff.waitForURL(/\/staff\/cases\/new\?item=SLJ-001$/),
        staff.getByRole('button', { name: '显示材料清单' }).click(),
      ]);
      const materials = staff.locator('fieldset.checklist input[type=checkbox]');
      expect(await materials.count()).toBeGreaterThanOrEqual(2);
      const ticked = [await materials.nth(0).getAttribute('value'), await materials.nth(1).getAttribute('value')];
      await materials.nth(0).check();
      await materials.nth(1).check();
      await staff.getByRole('radio', { name: '单位' }).check();
      await staff.getByLabel('申请人名称').fill(APPLICANT);
      await staff.getByLabel(/证件号码/).fill(validCreditCode('91330800MA2E2E123'));
      await staff.getByLabel('联系电话').fill('0570-3890188');
      await staff.getByLabel(/项目名称/).fill(PROJECT);
      await shot(staff, 'register-form');
      await Promise.all([
        staff.waitForURL(/\/staff\/cases\/[2-9A-HJ-NP-Z]{12}\/receipt\?new=1$/),
        staff.getByRole('button', { name: '登记并生成查询号' }).click(),
      ]);
      queryNo = /cases\/([2-9A-HJ-NP-Z]{12})\/receipt/.exec(staff.url())![1];
      await shot(staff, 'receipt');
      const shown = (await staff.locator('.receipt-number .query-no').textContent())!.trim();
      expect(shown).toMatch(QUERY_NO);
      expect(shown.replace(/-/g, '')).toBe(queryNo);
      await expect(staff.locator('.document').textContent()).resolves.toContain(APPLICANT);
      const stored = (await server.store.findCaseByQueryNo(queryNo))!;
      expect(stored.applicant.name).toBe(APPLICANT);
      const received = await server.store.listCaseMaterials(stored.id);
      expect(received.map((m) => String(m.materialId)).sort()).toEqual([...ticked].sort());
      const receiptText = await staff.locator('.document').textContent();
      for (const m of received) expect(receiptText).toContain(m.name);
    },
    STEP_MS,
  );

  it(
    'when the receipt is printed, then the site chrome and buttons are left out, and the PDF is one A4 page',
    async () => {
      needCase();
      await expect(staff.getByRole('button', { name: '打印受理回执' }).isVisible()).resolves.toBe(true);
      await staff.emulateMedia({ media: 'print' });
      try {
        await shot(staff, 'receipt-print');
        for (const hidden of ['.site-header', '.site-nav', '.site-footer', '.receipt-actions', 'button[data-print]']) {
          await expect(staff.locator(hidden).first().isVisible()).resolves.toBe(false);
        }
        await expect(staff.locator('.receipt-number .query-no').isVisible()).resolves.toBe(true);
        await expect(staff.locator('.document img.qr').isVisible()).resolves.toBe(true);
        const pdf = await staff.pdf({ preferCSSPageSize: true, printBackground: false });
        expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        // One /Type /Page object per page; /Pages is the page tree.
        expect(pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)).toHaveLength(1);
        // A4 is 595 × 842 points.
        const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
        expect(box && [Math.round(Number(box[1])), Math.round(Number(box[2]))]).toEqual([595, 842]);
      } finally {
        await staff.emulateMedia({ media: 'screen' });
      }
    },
    STEP_MS,
  );

  it(
    "when the applicant follows the receipt's link (the same address as its QR code), then their lookup page shows the case as received",
    async () => {
      needCase();
      const link = staff.locator('.document a.url');
      lookupHref = (await link.getAttribute('href'))!;
      expect(lookupHref).toBe(`${server.baseUrl}/lookup?no=${queryNo}`);
      const qrSrc = (await staff.locator('.document img.qr').getAttribute('src'))!;
      const svg = await (await staffContext.request.get(server.baseUrl + qrSrc)).text();
      expect(decodeQrSvg(svg)).toBe(lookupHref);

      const stream = applicant.waitForResponse((r) => r.url().includes(`/lookup/events?no=${queryNo}`));
      await applicant.goto(lookupHref);
      await expect(stream.then((r) => r.status())).resolves.toBe(200);
      await shot(applicant, 'lookup-received');
      await expect(applicant.locator('#stage-title').textContent()).resolves.toContain('已收件');
      await expect(applicant.locator('#case-title').textContent()).resolves.toBe('取水许可');
      await expect(applicant.locator('.case-facts').textContent()).resolves.toContain(PROJECT);
    },
    STEP_MS,
  );

  /** Moves the case on the staff case page; the applicant's page, left open, must follow by itself. */
  async function moveCase(label: string, fill?: (form: ReturnType<Page['locator']>) => Promise<void>) {
    await staff.goto(`${server.baseUrl}/staff/cases/${queryNo}`);
    const details = staff.locator('details.transition', { has: staff.locator('summary', { hasText: `变更为「${label}」` }) });
    await details.locator('summary').click();
    const form = details.locator('form');
    await form.getByLabel('办理意见', { exact: true }).fill(`浏览器测试：${label}`);
    await form.getByLabel('办理意见向申请人公开').check();
    if (fill) await fill(form);
    await Promise.all([staff.waitForURL(/\?moved=/), form.getByRole('button', { name: '确认变更' }).click()]);
    await expect(staff.locator('.flash').textContent()).resolves.toContain(`已变更为「${label}」`);
  }

  it(
    "when staff accept the case, then the applicant's open page shows 已受理 without anyone reloading it",
    async () => {
      needCase();
      const reloaded = applicant.waitForEvent('framenavigated');
      const reopened = applicant.waitForResponse((r) => r.url().includes(`/lookup/events?no=${queryNo}`));
      await moveCase('已受理');
      await shot(staff, 'staff-accepted');
      await reloaded;
      await applicant.locator('#stage-title', { hasText: '已受理' }).waitFor({ timeout: 15_000 });
      await shot(applicant, 'lookup-accepted');
      await expect(applicant.locator('.timeline').textContent()).resolves.toContain('已受理');
      // Listening again before the next move.
      await expect(reopened.then((r) => r.status())).resolves.toBe(200);
    },
    STEP_MS,
  );

  it(
    "when staff approve it with a decision number, then the applicant's page shows 准予许可 and the number",
    async () => {
      needCase();
      await moveCase('准予许可', (form) => form.getByLabel('决定文号（必填）').fill(DECISION_NO));
      await applicant.locator('#stage-title', { hasText: '准予许可' }).waitFor({ timeout: 15_000 });
      await shot(applicant, 'lookup-approved');
      // The decision number is in the detail tier: the applicant unlocks it with their phone's last four digits.
      await applicant.getByLabel('联系电话后四位').fill('0188');
      const stream = applicant.waitForResponse((r) => r.url().includes(`/lookup/events?no=${queryNo}`));
      await Promise.all([applicant.waitForURL(/\/lookup\/detail$/), applicant.getByRole('button', { name: '查看详情' }).click()]);
      await expect(stream.then((r) => r.status())).resolves.toBe(200);
      await shot(applicant, 'lookup-detail');
      await expect(applicant.locator('.case-facts').textContent()).resolves.toContain(DECISION_NO);
      await expect(applicant.locator('.timeline').textContent()).resolves.toContain('浏览器测试：准予许可');
    },
    STEP_MS,
  );

  it(
    "when staff record the certificate, then the applicant's detail page (a form answer, not reloadable) shows a notice in place",
    async () => {
      needCase();
      const url = applicant.url();
      await moveCase('已制证');
      const banner = applicant.locator('#live-banner');
      await banner.filter({ hasText: '已制证' }).waitFor({ timeout: 15_000 });
      await shot(applicant, 'lookup-detail-banner');
      await expect(banner.textContent()).resolves.toBe('办理状态已更新为「已制证」，请重新查询查看详情。');
      expect(applicant.url()).toBe(url);
      await expect(applicant.locator('#stage-title').textContent()).resolves.toContain('准予许可');
    },
    STEP_MS,
  );

  it(
    'when anyone searches the bulletin for the decision number, then the approval is listed and its entry names the applicant',
    async () => {
      needCase();
      const visitor = await visitorContext.newPage();
      try {
        await visitor.goto(`${server.baseUrl}/bulletin`);
        await visitor.getByLabel(/关键词/).fill(DECISION_NO);
        await Promise.all([visitor.waitForURL(/\/bulletin\?q=/), visitor.getByRole('button', { name: '查询' }).click()]);
        await shot(visitor, 'bulletin-search');
        await expect(visitor.locator('.result-summary').textContent()).resolves.toMatch(/查到\s*1\s*条/);
        await Promise.all([visitor.waitForURL(/\/bulletin\/\d+$/), visitor.locator('main a', { hasText: '取水许可' }).first().click()]);
        await shot(visitor, 'bulletin-entry');
        const facts = await visitor.locator('.facts').textContent();
        expect(facts).toContain(DECISION_NO);
        expect(facts).toContain(APPLICANT);
        expect(facts).toContain(PROJECT);
      } finally {
        await visitor.close();
      }
    },
    STEP_MS,
  );

  it(
    "when the number is keyed in on the hall kiosk's on-screen keypad, then the kiosk shows the latest stage",
    async () => {
      needCase();
      const kiosk = await visitorContext.newPage();
      await kiosk.setViewportSize({ width: 1080, height: 1600 });
      try {
        await kiosk.goto(`${server.baseUrl}/kiosk`);
        await expect(kiosk.locator('#kiosk-keypad').isVisible()).resolves.toBe(true);
        for (const ch of queryNo) await kiosk.locator(`button[data-key="${ch}"]`).click();
        await expect(kiosk.locator('#kiosk-no').inputValue()).resolves.toBe(queryNo.replace(/(.{4})(?=.)/g, '$1-'));
        await shot(kiosk, 'kiosk-keyed');
        await Promise.all([kiosk.waitForURL(/\/kiosk\/lookup\?no=/), kiosk.getByRole('button', { name: '查询', exact: true }).click()]);
        await shot(kiosk, 'kiosk-result');
        await expect(kiosk.locator('.kiosk-stage').textContent()).resolves.toContain('已制证');
        await expect(kiosk.locator('#kiosk-item').textContent()).resolves.toBe('取水许可');
        await expect(kiosk.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).resolves.toEqual(['/kiosk']);
      } finally {
        await kiosk.close();
      }
    },
    STEP_MS,
  );

  it('then no page of the journey had a script error or a CSP refusal', () => {
    expect(errors).toEqual([]);
  });
});
