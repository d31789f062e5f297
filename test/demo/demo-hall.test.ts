import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { prepareApp } from '../../src/start';
import { beijingDate } from '../../src/domain/beijing-time';
import { checkTable3, TABLE3_COLUMNS, type AnnualReportModel } from '../../src/domain/disclosure-report';
import { APPLICANT_KINDS, OUTCOME_GROUPS, OUTCOMES, type DisclosureRequest } from '../../src/domain/disclosure-request';
import { formatQueryNo } from '../../src/domain/query-number';
import type { Store } from '../../src/store/store';
import type { Express } from 'express';

/**
 * The demo's dates are relative to the day it is loaded, so it is loaded at pinned dates, never the
 * real one: an ordinary working day, the last days of a year (a 补正 deadline cannot run into a
 * year whose holidays the calendar does not have yet) and the first days of one (last year's
 * carried-over request is not answered before the new year's first working day, so until then
 * the demo's report is of the year before). Each row: the pinned moment and the demo report's year.
 */
const DATES: [string, string, number][] = [
  ['an ordinary working day', '2026-06-10T10:00:00+08:00', 2025],
  ['30 December', '2026-12-30T10:00:00+08:00', 2025],
  ['3 January, a holiday before the first working day', '2026-01-03T10:00:00+08:00', 2024],
  ['3 January, the second working day', '2025-01-03T10:00:00+08:00', 2024],
];

/** The demo hall is loaded once for each date; each test only reads it. */
describe.each(DATES)('demo service hall loaded on %s (%s)', (_label, at, reportYear) => {
  const clock = { now: () => new Date(at) };
  const today = beijingDate(clock.now());
  let dir: string;
  let store: Store;
  let app: Express;
  let ms: number;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bjt-demo-'));
    const started = Date.now();
    ({ store, app } = await prepareApp(
      loadConfig({ NODE_ENV: 'test', DATABASE_FILE: path.join(dir, 'd.sqlite'), UPLOAD_DIR: path.join(dir, 'uploads') }),
      { clock },
    ));
    ms = Date.now() - started;
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the demo is loaded, then it is quick and has 30+ items in 6+ departments, 40+ laws, some repealed', async () => {
    expect(ms).toBeLessThan(8000);
    const items = await store.listItems({ inForceOnly: false });
    expect(items.length).toBeGreaterThanOrEqual(30);
    expect(new Set(items.map((i) => i.departmentId)).size).toBeGreaterThanOrEqual(6);
    const laws = await store.listLaws({ limit: 1000, offset: 0 });
    expect(laws.total).toBeGreaterThanOrEqual(40);
    expect(laws.rows.some((l) => l.status === 'repealed')).toBe(true);
    expect((await store.listIntermediaries()).length).toBeGreaterThanOrEqual(3);
    const changes = await store.listItemChanges({ limit: 50, offset: 0 });
    expect(changes.rows.map((c) => c.kind)).toEqual(expect.arrayContaining(['cancel', 'delegate']));
  });

  it('when the results bulletin is read, then every decision was made before the demo’s moment and is numbered in its own year', async () => {
    const { rows } = await store.listBulletin({ limit: 1000, offset: 0 });
    expect(rows.length).toBeGreaterThanOrEqual(100);
    for (const b of rows) {
      expect([b.decisionNo, b.decidedAt <= clock.now().toISOString()]).toEqual([b.decisionNo, true]);
      expect(b.decisionNo).toContain(`〔${beijingDate(b.decidedAt).slice(0, 4)}〕`);
    }
  });

  it('when every item guide is read, then each has conditions, 2–6 materials, steps and a legal basis, and most materials have a form', async () => {
    const items = await store.listItems({ inForceOnly: false });
    let materials = 0;
    let withForm = 0;
    for (const i of items) {
      const g = await store.findItemGuide(i.code);
      expect(g?.details.conditions).not.toBe('');
      expect(g?.materials.length).toBeGreaterThanOrEqual(2);
      expect(g?.materials.length).toBeLessThanOrEqual(6);
      expect(g?.steps.length).toBeGreaterThanOrEqual(3);
      expect(g?.laws.length).toBeGreaterThanOrEqual(1);
      materials += g?.materials.length ?? 0;
      withForm += g?.materials.filter((m) => m.blankFile).length ?? 0;
    }
    expect(withForm / materials).toBeGreaterThan(0.5);
  });

  it('when the public pages are opened, then each renders in Chinese', async () => {
    const pages: [string, string][] = [
      ['/', '进驻部门'],
      ['/items', '事项目录'],
      ['/items?dept=JTJ', '市交通运输局'],
      ['/items/SLJ-001', '取水许可和水资源费征收管理条例'],
      ['/laws', '已废止'],
      ['/intermediaries', '涉批中介服务'],
      ['/item-changes', '下放'],
    ];
    for (const [url, text] of pages) {
      const res = await request(app).get(url);
      expect([url, res.status]).toEqual([url, 200]);
      expect(res.text).toContain(text);
    }
  });

  it('when an item cancelled by a dated change is looked for, then it is no longer listed and its page says so', async () => {
    const api = await request(app).get('/api/v1/items').expect(200);
    expect(api.body.map((i: { code: string }) => i.code)).not.toContain('JTJ-005');
    const page = await request(app).get('/items/JTJ-005').expect(200);
    expect(page.text).toContain('本事项已取消');
  });

  it('when a demo form is downloaded, then it is a PDF', async () => {
    const g = await store.findItemGuide('SLJ-001');
    const file = g?.materials.find((m) => m.blankFile)?.blankFile;
    const res = await request(app).get(`/files/${file?.id}`).buffer(true).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('when the disclosure catalog is opened, then it has the seed report’s 54 entries by category, and the office and 网管员 accounts exist', async () => {
    const counts = await store.countPublishedDisclosures({ publishedBefore: '2014-12-31T16:00:00.000Z' });
    const by = (c: string) => counts.filter((r) => r.category === c).reduce((a, r) => a + r.count, 0);
    expect([by('机构职能'), by('政策文件'), by('规划计划'), by('其他')]).toEqual([4, 40, 3, 7]);
    expect((await store.findStaffByUsername('office'))?.role).toBe('office_reviewer');
    expect((await store.findStaffByUsername('webmaster'))?.role).toBe('webmaster');
    const page = await request(app).get('/disclosure').expect(200);
    expect(page.text).toContain('政策文件</a> <span class="muted">（40 条）');
    expect((await store.listDisclosureEntries({ statuses: ['submitted'], limit: 5, offset: 0 })).total).toBe(1);
  });

  const allRequests = async () => (await store.listDisclosureRequests({ limit: 1000, offset: 0 })).rows;

  it('when the 依申请公开 demo is read, then it has every stage, outcome group and applicant kind, a 补正 supplied, an extension, a waived fee, a 维持 review and a pending lawsuit', async () => {
    const rows = await allRequests();
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(new Set(rows.map((r) => r.stage))).toEqual(new Set(['received', 'supplement_requested', 'closed']));
    const groups = new Set(rows.filter((r) => r.outcome).map((r) => OUTCOMES.find((o) => o.code === r.outcome)?.group));
    expect([...groups].sort()).toEqual([...OUTCOME_GROUPS].sort());
    expect(rows.some((r) => r.outcome === 'other_no_supplement')).toBe(true);
    expect(new Set(rows.map((r) => r.applicantKind))).toEqual(new Set(APPLICANT_KINDS));
    expect(rows.filter((r) => r.extended)).toHaveLength(1);
    const actions = new Map<number, string[]>();
    const eventTimes: string[] = [];
    for (const r of rows) {
      const events = await store.listDisclosureRequestEvents(r.id);
      actions.set(r.id, events.map((e) => e.action));
      eventTimes.push(r.receivedAt, ...events.map((e) => e.at));
    }
    // Nothing happened after the moment the demo was loaded at.
    expect(eventTimes.filter((t) => t > clock.now().toISOString())).toEqual([]);
    const supplied = rows.filter((r) => actions.get(r.id)?.includes('supply'));
    expect(supplied).toHaveLength(1);
    expect(supplied[0].stage).toBe('closed');
    expect(rows.find((r) => r.outcome === 'other_no_supplement' && actions.get(r.id)?.includes('abandon'))).toBeDefined();
    // The request waiting for 补正 survived start-up's expiry check: its deadline is still ahead.
    const waiting = rows.find((r) => r.stage === 'supplement_requested') as DisclosureRequest;
    expect(waiting.supplementDueOn! >= today).toBe(true);
    const fees = (await Promise.all(rows.map((r) => store.listDisclosureRequestFees(r.id)))).flat();
    expect(fees.some((f) => f.waivedFen > 0 && f.waivedFen < f.amountFen)).toBe(true);
    const reviews = (await Promise.all(rows.map((r) => store.listDisclosureRequestReviews(r.id)))).flat();
    expect(reviews.map((v) => [v.kind, v.outcome]).sort()).toEqual([['litigation_direct', 'pending'], ['review', 'upheld']]);
    // Every applicant identifier is valid for its kind, as the public form would require.
    const { isValidCreditCode, isValidResidentId } = await import('../../src/domain/identity');
    for (const r of rows) expect([r.applicantKind, r.applicantKind === 'person' ? isValidResidentId(r.idNumber) : isValidCreditCode(r.idNumber)]).toEqual([r.applicantKind, true]);
  });

  it('when the demo’s annual report is opened, then it is published in the 2021 template, its 表三 check holds and its numbers are those of the requests', async () => {
    const year = reportYear;
    const record = await store.findDisclosureReport(year);
    expect(record).toMatchObject({ template: '2021', entryStatus: 'published' });
    const model = JSON.parse(record!.snapshotJson!) as AnnualReportModel;
    expect(checkTable3(model.table3)).toEqual([]);
    // Recount from the requests: received in the year, carried in from before, closed in it, carried out.
    const first = `${year}-01-01`;
    const last = `${year}-12-31`;
    const rows = await allRequests();
    const count = (pred: (r: DisclosureRequest) => boolean) => {
      const out = Object.fromEntries(TABLE3_COLUMNS.map((c) => [c, 0])) as Record<string, number>;
      for (const r of rows.filter(pred)) {
        out[r.applicantKind] += 1;
        out.total += 1;
      }
      return out;
    };
    const mattered = (r: DisclosureRequest) => r.receivedOn <= last && !(r.closedOn && r.closedOn < first);
    const closedIn = (r: DisclosureRequest) => r.closedOn !== null && r.closedOn >= first && r.closedOn <= last;
    expect(model.table3.received).toEqual(count((r) => r.receivedOn >= first && r.receivedOn <= last));
    expect(model.table3.carriedIn).toEqual(count((r) => mattered(r) && r.receivedOn < first));
    expect(model.table3.carriedOut).toEqual(count((r) => mattered(r) && !closedIn(r)));
    for (const o of OUTCOMES) expect([o.code, model.table3.outcomes[o.code]]).toEqual([o.code, count((r) => closedIn(r) && r.outcome === o.code)]);
    // One request of the year was still open at its end and answered the next year.
    expect(model.table3.carriedOut.total).toBeGreaterThanOrEqual(1);
    expect(rows.some((r) => r.receivedOn <= last && r.closedOn !== null && r.closedOn > last)).toBe(true);
    expect(model.table4.review).toMatchObject({ upheld: 1, total: 1 });
    expect(model.table4.litigation_direct).toMatchObject({ pending: 1, total: 1 });
    expect(model.publishedThisYear).toBeGreaterThan(0);

    const list = await request(app).get('/disclosure/reports').expect(200);
    expect(list.text).toContain(`href="/disclosure/reports/${year}"`);
    const page = await request(app).get(`/disclosure/reports/${year}`).expect(200);
    expect(page.text).toContain('三、收到和处理政府信息公开申请情况');
    expect(page.text).toContain(`全年新收申请${model.table3.received.total}件`);
    expect(page.text).toContain('（一）主动公开');
    expect(page.text).not.toContain('（由办公室填写）');
    const csv = await request(app).get(`/disclosure/reports/${year}/table3.csv`).expect(200);
    expect(csv.text).toContain('四、结转下年度继续办理');
  });

  it('when a demo request’s 查询号 is looked up, then its stage shows and nothing private does', async () => {
    const rows = await allRequests();
    const r = rows.find((x) => x.applicantKind === 'person' && x.stage === 'closed' && x.replyText) as DisclosureRequest;
    const res = await request(app).get('/lookup').query({ no: formatQueryNo(r.queryNo) }).expect(200);
    expect(res.text).toContain('政府信息公开申请');
    expect(res.text).toContain('已办结');
    expect(res.text).toContain(`${[...r.applicantName][0]}*`);
    for (const secret of [r.applicantName, r.idNumber, r.phone, r.email, r.address, r.description, r.replyText!.split('\n')[1]]) {
      if (secret) expect(res.text).not.toContain(secret);
    }
    const extended = rows.find((x) => x.extended) as DisclosureRequest;
    const ext = await request(app).get('/lookup').query({ no: extended.queryNo }).expect(200);
    expect(ext.text).toContain('答复期限延长20个工作日');
    expect(ext.text).not.toContain('中心分管副主任');
  });

  it('when the home page and the 政府信息公开 column are opened, then they link to the request form and the reports, and the lookup box says requests are looked up there', async () => {
    const home = await request(app).get('/').expect(200);
    for (const href of ['/disclosure/requests/new', '/disclosure/reports', '/disclosure']) expect(home.text).toContain(`href="${href}"`);
    expect(home.text).toContain('政府信息公开申请的查询号也在这里查询');
    const column = await request(app).get('/disclosure').expect(200);
    for (const href of ['/disclosure/requests/new', '/disclosure/reports']) expect(column.text).toContain(`href="${href}"`);
    await request(app).get('/disclosure/requests/new').expect(200);
  });
});
