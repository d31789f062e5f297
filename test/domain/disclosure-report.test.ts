import type { RequestReportRow, RequestReviewRow } from '../../src/domain/disclosure-request';
import {
  appealsSentence,
  buildTable2,
  buildTable3,
  buildTable4,
  categoryShares,
  checkTable3,
  emptyReportFigures,
  feesSentence,
  reportSubmissionSteps,
  requestsSentence,
  summarizeFees,
  table3CheckMessage,
  table3Row,
  TABLE3_ROWS,
  toReportFigures,
} from '../../src/domain/disclosure-report';
import { OUTCOMES } from '../../src/domain/disclosure-request';

let id = 0;
const req = (over: Partial<RequestReportRow>): RequestReportRow => ({
  id: ++id,
  applicantKind: 'person',
  receivedOn: '2025-03-01',
  closedOn: null,
  outcome: null,
  ...over,
});

describe('annual report arithmetic', () => {
  it('when the seed report’s 54 entries are shared out, then the percentages are whole and add up to 100', () => {
    const shares = categoryShares([
      { category: '机构职能', count: 4 },
      { category: '政策文件', count: 40 },
      { category: '规划计划', count: 3 },
      { category: '其他', count: 7 },
    ]);
    expect(shares.map((s) => s.percent)).toEqual([7, 74, 6, 13]);
    expect(shares.reduce((a, s) => a + s.percent, 0)).toBe(100);
  });

  it('when table 二 is built, then 行政许可 is the approvals count and the rest comes from the entered figures', () => {
    const t = buildTable2({ ...emptyReportFigures(), normsIssued: 3, normsInForce: 12, penalties: 2, feeAmount: 1.25 }, 317);
    expect(t.item5).toEqual([{ label: '行政许可', decisions: 317 }]);
    expect(t.item1[1]).toEqual({ label: '行政规范性文件', issued: 3, repealed: 0, inForce: 12 });
    expect(t.item6.map((r) => [r.label, r.decisions])).toEqual([['行政处罚', 2], ['行政强制', 0]]);
    expect(t.item8[0].amount).toBe(1.25);
  });

  it('when stored figures are malformed, then they read back as 0', () => {
    expect(toReportFigures({ websitePosts: 406, penalties: -1, rulesIssued: 'x', feeAmount: 2.5 })).toMatchObject({
      websitePosts: 406,
      penalties: 0,
      rulesIssued: 0,
      feeAmount: 2.5,
    });
    expect(toReportFigures(null).websitePosts).toBe(0);
  });

  describe('table 三', () => {
    // A mixed year: one request carried over from 2024 and closed in 2025, requests of several
    // kinds and outcomes, one open at the end of 2025, and rows that belong to other years.
    const rows = [
      req({ applicantKind: 'business', receivedOn: '2024-12-20', closedOn: '2025-01-10', outcome: 'disclose' }),
      req({ applicantKind: 'person', receivedOn: '2025-02-01', closedOn: '2025-02-20', outcome: 'disclose' }),
      req({ applicantKind: 'person', receivedOn: '2025-03-01', closedOn: '2025-03-15', outcome: 'withhold_state_secret' }),
      req({ applicantKind: 'legal_service', receivedOn: '2025-05-01', closedOn: '2025-05-30', outcome: 'partial' }),
      req({ applicantKind: 'research', receivedOn: '2025-06-01', closedOn: '2025-06-09', outcome: 'other_no_supplement' }),
      req({ applicantKind: 'person', receivedOn: '2025-12-25', closedOn: '2026-01-08', outcome: 'unable_not_held' }),
      req({ applicantKind: 'other_org', receivedOn: '2025-12-30', closedOn: null, outcome: null }),
      req({ applicantKind: 'person', receivedOn: '2024-01-01', closedOn: '2024-01-05', outcome: 'disclose' }),
      req({ applicantKind: 'person', receivedOn: '2026-01-02', closedOn: null, outcome: null }),
    ];
    const t = buildTable3(2025, rows);

    it('when counted, then new, carried-over, results and carried-forward land in the right columns', () => {
      expect(t.received).toMatchObject({ person: 3, business: 0, research: 1, legal_service: 1, other_org: 1, total: 6 });
      expect(t.carriedIn).toMatchObject({ business: 1, total: 1 });
      expect(t.outcomes.disclose).toMatchObject({ person: 1, business: 1, total: 2 });
      expect(t.outcomes.withhold_state_secret).toMatchObject({ person: 1, total: 1 });
      expect(t.outcomes.partial.legal_service).toBe(1);
      expect(t.outcomes.other_no_supplement.research).toBe(1);
      expect(t.resultsTotal.total).toBe(5);
      expect(t.carriedOut).toMatchObject({ person: 1, other_org: 1, total: 2 });
    });

    it('when checked, then 一 + 二 = （七） + 四 holds in every column', () => {
      expect(checkTable3(t)).toEqual([]);
      expect(t.received.total + t.carriedIn.total).toBe(t.resultsTotal.total + t.carriedOut.total);
    });

    it('when the next year is counted, then this year’s 结转下年度 is its 上年结转', () => {
      const next = buildTable3(2026, rows);
      expect(next.carriedIn).toEqual(t.carriedOut);
      expect(checkTable3(next)).toEqual([]);
    });

    it('when a closed request has no outcome, then the check fails naming the column', () => {
      const bad = buildTable3(2025, [...rows, req({ applicantKind: 'business', receivedOn: '2025-04-01', closedOn: '2025-04-09', outcome: null })]);
      const failures = checkTable3(bad);
      expect(failures.map((f) => f.column)).toEqual(['business', 'total']);
      expect(failures[0]).toMatchObject({ label: '商业企业', left: 2, right: 1 });
      expect(table3CheckMessage(failures)).toContain('“商业企业”列');
    });

    it('rows of the template: every outcome once, the groups with their headings, and the totals', () => {
      const keys = TABLE3_ROWS.map((r) => r.key);
      for (const o of OUTCOMES) expect(keys.filter((k) => k === o.code)).toHaveLength(1);
      expect(TABLE3_ROWS.map((r) => r.label)).toEqual(expect.arrayContaining(['（三）不予公开', '8.属于行政查询事项', '（七）总计', '四、结转下年度继续办理']));
      expect(TABLE3_ROWS).toHaveLength(3 + 2 + (1 + 8) + (1 + 3) + (1 + 5) + (1 + 3) + 1 + 1);
      expect(table3Row(t, 'group:withhold')?.total).toBe(1);
      expect(table3Row(t, 'results')).toBeNull();
    });

    it('when written out for the 2008 structure, then the sentence gives the counts', () => {
      expect(requestsSentence(2025, t)).toBe(
        '2025年本单位共收到政府信息公开申请6件（自然人3件，法人或其他组织3件），上年结转1件。本年办结5件，其中予以公开2件、部分公开1件、不予公开1件、其他处理1件；结转下年度继续办理2件。不予公开的理由：属于国家秘密1件。',
      );
      expect(requestsSentence(2014, buildTable3(2014, []))).toBe('2014年本单位未收到政府信息公开申请。');
      expect(requestsSentence(2026, buildTable3(2026, rows.filter((r) => r.receivedOn < '2026-01-01')))).toBe(
        '2026年本单位未收到新的政府信息公开申请，上年结转2件。本年办结1件，其中无法提供1件；结转下年度继续办理1件。',
      );
    });
  });

  it('table 四: a record decided in the year counts under its result, one undecided at the year’s end as 尚未审结', () => {
    const rows: RequestReviewRow[] = [
      { requestId: 1, kind: 'review', filedOn: '2025-02-01', outcome: 'upheld', decidedOn: '2025-04-01' },
      { requestId: 2, kind: 'review', filedOn: '2025-11-01', outcome: 'corrected', decidedOn: '2026-02-01' },
      { requestId: 3, kind: 'litigation_direct', filedOn: '2024-10-01', outcome: 'other', decidedOn: '2025-01-20' },
      { requestId: 4, kind: 'litigation_after_review', filedOn: '2024-03-01', outcome: 'upheld', decidedOn: '2024-08-01' },
    ];
    const t = buildTable4(2025, rows);
    expect(t.review).toEqual({ upheld: 1, corrected: 0, other: 0, pending: 1, total: 2 });
    expect(t.litigation_direct).toEqual({ upheld: 0, corrected: 0, other: 1, pending: 0, total: 1 });
    expect(t.litigation_after_review.total).toBe(0);
    expect(appealsSentence(t)).toBe('因政府信息公开申请行政复议2件（维持1件、尚未审结1件）；未经复议直接提起行政诉讼1件（其他结果1件）。');
    expect(appealsSentence(buildTable4(2014, []))).toBe('没有发生因政府信息公开申请行政复议、提起行政诉讼的情况。');
  });

  it('fees: only those charged in the year, in 元', () => {
    const f = summarizeFees(2025, [
      { requestId: 1, chargedOn: '2025-03-01', amountFen: 10_000, waivedFen: 2_500 },
      { requestId: 2, chargedOn: '2024-12-31', amountFen: 99_900, waivedFen: 0 },
    ]);
    expect(f).toEqual({ count: 1, chargedFen: 10_000, waivedFen: 2_500 });
    expect(feesSentence(f)).toBe('本年收取信息处理费1笔，共100.00元，减免25.00元。');
    expect(feesSentence(summarizeFees(2025, []))).toBe('无。');
  });

  it.each([
    [null, ['create', 'submit', 'approve']],
    ['draft', ['edit', 'submit', 'approve']],
    ['unpublished', ['edit', 'submit', 'approve']],
    ['submitted', ['edit', 'approve']],
    ['approved', ['edit']],
  ] as const)('when the report entry is %s, then submitting walks %j and ends 已审核待发布', (status, actions) => {
    const steps = reportSubmissionSteps(status);
    expect(steps.map((s) => s.action)).toEqual(actions);
    expect(steps[steps.length - 1].to).toBe('approved');
  });

  it('when the report entry is published, then it cannot be resubmitted until taken down', () => {
    expect(() => reportSubmissionSteps('published')).toThrow(/撤下/);
  });
});
