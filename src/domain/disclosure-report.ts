/**
 * The annual report on government information disclosure (政府信息公开工作年度报告): its two
 * structures, the numbers the office enters, the tables built from the tracker's data and the
 * arithmetic check of table 三. Pure: no I/O.
 *
 * - 2008 structure (令492 第三十二条; the seed's 2014 report): 一 概况 · 二 主动公开 · 三 依申请公开和
 *   不予公开 · 四 收费及减免 · 五 复议诉讼 · 六 问题及改进 · 七 其他.
 * - 2021 national template (国办公开办函〔2021〕30号, for 令711 第五十条): 一 总体情况 · 二 主动公开
 *   (第二十条 tables) · 三 收到和处理申请 (by applicant kind) · 四 复议诉讼 · 五 问题及改进 · 六 其他.
 */
import { largestRemainderPercents, type DisclosureAction, type DisclosureStatus } from './disclosure';
import {
  APPLICANT_KIND_LABELS,
  APPLICANT_KINDS,
  OUTCOME_GROUP_LABELS,
  OUTCOME_GROUPS,
  OUTCOMES,
  REVIEW_KINDS,
  REVIEW_OUTCOME_LABELS,
  REVIEW_OUTCOMES,
  type ApplicantKind,
  type OutcomeCode,
  type OutcomeGroup,
  type RequestFeeRow,
  type RequestReportRow,
  type RequestReviewRow,
  type ReviewKind,
  type ReviewOutcome,
} from './disclosure-request';
import { ConflictError } from './errors';

export const REPORT_TEMPLATES = ['2008', '2021'] as const;
export type ReportTemplate = (typeof REPORT_TEMPLATES)[number];

export const REPORT_TEMPLATE_LABELS: Record<ReportTemplate, string> = {
  '2008': '2008年条例格式（一至七部分）',
  '2021': '2021年全国统一格式（国办公开办函〔2021〕30号）',
};

/** Reports for 2019 on follow the revised 条例 (令711); earlier years the 2008 structure. */
export function defaultReportTemplate(year: number): ReportTemplate {
  return year >= 2019 ? '2021' : '2008';
}

/** 第四十九条: 县级以上地方人民政府 publish by 3月31日 of the next year. */
export function reportDueDate(year: number): string {
  return `${year + 1}-03-31`;
}

/** The office's own text of the report; the rest is generated from the data. */
export interface ReportTexts {
  /** 一、基本概况 / 总体情况. */
  overview: string;
  /** Added after the generated text of 三 (2008: 依申请公开). */
  requestsNote: string;
  /** Added after the generated text of 四 (2008: 收费及减免). */
  feesNote: string;
  /** Added after the generated text of 五 (2008) / 四 (2021): 复议诉讼. */
  appealsNote: string;
  /** 六 (2008) / 五 (2021): 存在的主要问题及改进情况. */
  problems: string;
  /** 七 (2008) / 六 (2021): 其他需要报告的事项. */
  other: string;
}
export const REPORT_TEXT_KEYS = ['overview', 'requestsNote', 'feesNote', 'appealsNote', 'problems', 'other'] as const;

export function emptyReportTexts(): ReportTexts {
  return { overview: '', requestsNote: '', feesNote: '', appealsNote: '', problems: '', other: '' };
}

/** Numbers the tracker does not hold; the office enters them on the report's edit page (default 0). */
export interface ReportFigures {
  /** 网站本年发布信息条数 (the seed: "中心网站上传信息达406条"). */
  websitePosts: number;
  rulesIssued: number;
  rulesRepealed: number;
  rulesInForce: number;
  normsIssued: number;
  normsRepealed: number;
  normsInForce: number;
  /** 行政处罚、行政强制 本年处理决定数量. */
  penalties: number;
  enforcement: number;
  /** 行政事业性收费 本年收费金额, 万元 (up to 4 decimals: 1 元). */
  feeAmount: number;
}
export type ReportFigureKey = keyof ReportFigures;

/** The entry fields, in form order, with their labels and the largest value accepted. */
export const REPORT_FIGURE_FIELDS: readonly { key: ReportFigureKey; label: string; decimals: number }[] = [
  { key: 'websitePosts', label: '网站本年发布信息（条）', decimals: 0 },
  { key: 'rulesIssued', label: '规章 本年制发件数', decimals: 0 },
  { key: 'rulesRepealed', label: '规章 本年废止件数', decimals: 0 },
  { key: 'rulesInForce', label: '规章 现行有效件数', decimals: 0 },
  { key: 'normsIssued', label: '行政规范性文件 本年制发件数', decimals: 0 },
  { key: 'normsRepealed', label: '行政规范性文件 本年废止件数', decimals: 0 },
  { key: 'normsInForce', label: '行政规范性文件 现行有效件数', decimals: 0 },
  { key: 'penalties', label: '行政处罚 本年处理决定数量', decimals: 0 },
  { key: 'enforcement', label: '行政强制 本年处理决定数量', decimals: 0 },
  { key: 'feeAmount', label: '行政事业性收费 本年收费金额（万元）', decimals: 4 },
];
export const REPORT_FIGURE_MAX = 99_999_999;

export function emptyReportFigures(): ReportFigures {
  return Object.fromEntries(REPORT_FIGURE_FIELDS.map((f) => [f.key, 0])) as unknown as ReportFigures;
}

/** Stored figures read back leniently: a missing or malformed value is 0 (the default). */
export function toReportFigures(raw: unknown): ReportFigures {
  const out = emptyReportFigures();
  if (raw && typeof raw === 'object') {
    for (const f of REPORT_FIGURE_FIELDS) {
      const v = (raw as Record<string, unknown>)[f.key];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= REPORT_FIGURE_MAX) out[f.key] = v;
    }
  }
  return out;
}

export function toReportTexts(raw: unknown): ReportTexts {
  const out = emptyReportTexts();
  if (raw && typeof raw === 'object') {
    for (const k of REPORT_TEXT_KEYS) {
      const v = (raw as Record<string, unknown>)[k];
      if (typeof v === 'string') out[k] = v;
    }
  }
  return out;
}

// 二、主动公开: shares per 组配分类.

export interface CategoryShare {
  category: string;
  count: number;
  /** Whole percent; the shares add up to exactly 100 (largest remainder). */
  percent: number;
}

export function categoryShares(counts: readonly { category: string; count: number }[]): CategoryShare[] {
  const percents = largestRemainderPercents(counts.map((c) => c.count));
  return counts.map((c, i) => ({ category: c.category, count: c.count, percent: percents[i] }));
}

// Table 二 of the 2021 template (第二十条 items).

export interface Table2 {
  /** 第二十条第（一）项: 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数. */
  item1: { label: '规章' | '行政规范性文件'; issued: number; repealed: number; inForce: number }[];
  /** 第二十条第（五）项: 信息内容 | 本年处理决定数量. */
  item5: { label: '行政许可'; decisions: number }[];
  /** 第二十条第（六）项: same columns. */
  item6: { label: '行政处罚' | '行政强制'; decisions: number }[];
  /** 第二十条第（八）项: 信息内容 | 本年收费金额（单位：万元）. */
  item8: { label: '行政事业性收费'; amount: number }[];
}

/** 行政许可 decisions are the tracker's approvals of the year; the rest is entered by the office. */
export function buildTable2(figures: ReportFigures, approvals: number): Table2 {
  return {
    item1: [
      { label: '规章', issued: figures.rulesIssued, repealed: figures.rulesRepealed, inForce: figures.rulesInForce },
      { label: '行政规范性文件', issued: figures.normsIssued, repealed: figures.normsRepealed, inForce: figures.normsInForce },
    ],
    item5: [{ label: '行政许可', decisions: approvals }],
    item6: [
      { label: '行政处罚', decisions: figures.penalties },
      { label: '行政强制', decisions: figures.enforcement },
    ],
    item8: [{ label: '行政事业性收费', amount: figures.feeAmount }],
  };
}

/** 万元 with at most 4 decimals, without trailing zeros (12.5, 0, 3.0125). */
export function formatWanYuan(amount: number): string {
  return String(Math.round(amount * 10_000) / 10_000);
}

/**
 * The workflow steps that take the report's catalog entry from its current status to 已审核待发布.
 * The office writes the report and is also the reviewer of the catalog (办公室最终审核), so its
 * submission is logged as submitted and approved by the office; only the 网管员's publication
 * remains, as for every entry. A published report is taken down by the 网管员 before it changes.
 */
export function reportSubmissionSteps(
  current: DisclosureStatus | null,
): { action: DisclosureAction; from: DisclosureStatus | null; to: DisclosureStatus }[] {
  switch (current) {
    case null:
      return [
        { action: 'create', from: null, to: 'draft' },
        { action: 'submit', from: 'draft', to: 'submitted' },
        { action: 'approve', from: 'submitted', to: 'approved' },
      ];
    case 'draft':
    case 'returned':
    case 'unpublished':
      return [
        { action: 'edit', from: current, to: current },
        { action: 'submit', from: current, to: 'submitted' },
        { action: 'approve', from: 'submitted', to: 'approved' },
      ];
    case 'submitted':
      return [
        { action: 'edit', from: 'submitted', to: 'submitted' },
        { action: 'approve', from: 'submitted', to: 'approved' },
      ];
    case 'approved':
      return [{ action: 'edit', from: 'approved', to: 'approved' }];
    case 'published':
      throw new ConflictError('report_published', '本年度报告已发布；如需更正，请网管员先撤下，再重新提交');
  }
}

/**
 * Everything a report shows, computed at one moment; stored as JSON when the report is submitted
 * so the published page and its CSV tables stay as they were published.
 */
export interface AnnualReportModel {
  schema: 1;
  year: number;
  template: ReportTemplate;
  centerName: string;
  contact: { phone: string; email: string };
  /** Beijing date the numbers were taken (统计日期). */
  generatedOn: string;
  dueDate: string;
  /** Entries published by the end of the year and still published, per category (累计主动公开). */
  categories: CategoryShare[];
  proactiveTotal: number;
  /** Entries first published during the year. */
  publishedThisYear: number;
  /** 网上办事大厅累计访问量 when the numbers were taken (the counter keeps no per-year history). */
  siteVisits: number;
  websitePosts: number;
  table2: Table2;
  table3: Table3;
  table4: Table4;
  fees: FeeSummary;
  texts: ReportTexts;
}

// Table 三 of the 2021 template: requests by applicant kind.

/** Columns: 自然人, the five kinds of 法人或其他组织, 总计. */
export const TABLE3_COLUMNS = [...APPLICANT_KINDS, 'total'] as const;
export type Table3Column = (typeof TABLE3_COLUMNS)[number];
export const TABLE3_COLUMN_LABELS: Record<Table3Column, string> = { ...APPLICANT_KIND_LABELS, total: '总计' };

/** One number per column. */
export type Table3Counts = Record<Table3Column, number>;

export interface Table3 {
  /** 一、本年新收政府信息公开申请数量 */
  received: Table3Counts;
  /** 二、上年结转政府信息公开申请数量 */
  carriedIn: Table3Counts;
  /** 三、本年度办理结果, one row per outcome (template order). */
  outcomes: Record<OutcomeCode, Table3Counts>;
  /** （七）总计 */
  resultsTotal: Table3Counts;
  /** 四、结转下年度继续办理 */
  carriedOut: Table3Counts;
}

/** The template's rows, in order, with the labels printed in its first column. */
export const TABLE3_ROWS: readonly { key: string; label: string; level: 0 | 1 | 2 }[] = [
  { key: 'received', label: '一、本年新收政府信息公开申请数量', level: 0 },
  { key: 'carriedIn', label: '二、上年结转政府信息公开申请数量', level: 0 },
  { key: 'results', label: '三、本年度办理结果', level: 0 },
  ...OUTCOME_GROUPS.flatMap((g) => {
    const members = OUTCOMES.filter((o) => o.group === g);
    // 予以公开 and 部分公开 are rows of their own; the other groups head their numbered reasons.
    if (members.length === 1) return [{ key: members[0].code, label: OUTCOME_GROUP_LABELS[g], level: 1 as const }];
    return [{ key: `group:${g}`, label: OUTCOME_GROUP_LABELS[g], level: 1 as const }, ...members.map((o) => ({ key: o.code, label: o.label, level: 2 as const }))];
  }),
  { key: 'resultsTotal', label: '（七）总计', level: 1 },
  { key: 'carriedOut', label: '四、结转下年度继续办理', level: 0 },
];

/** The note the template prints over table 三's columns. */
export const TABLE3_CHECK_NOTE = '本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和';

function zeroCounts(): Table3Counts {
  return Object.fromEntries(TABLE3_COLUMNS.map((c) => [c, 0])) as Table3Counts;
}

function bump(counts: Table3Counts, kind: ApplicantKind): void {
  counts[kind] += 1;
  counts.total += 1;
}

/**
 * Counts the requests of a year (dates are Beijing calendar dates). A request received before
 * the year and still open at its start is 上年结转; one closed during the year counts under its
 * outcome; one still open at the year's end is 结转下年度. Requests outside the year are ignored.
 */
export function buildTable3(year: number, rows: readonly RequestReportRow[]): Table3 {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const t: Table3 = {
    received: zeroCounts(),
    carriedIn: zeroCounts(),
    outcomes: Object.fromEntries(OUTCOMES.map((o) => [o.code, zeroCounts()])) as Record<OutcomeCode, Table3Counts>,
    resultsTotal: zeroCounts(),
    carriedOut: zeroCounts(),
  };
  for (const r of rows) {
    if (r.receivedOn > last || (r.closedOn !== null && r.closedOn < first)) continue;
    bump(r.receivedOn < first ? t.carriedIn : t.received, r.applicantKind);
    if (r.closedOn === null || r.closedOn > last) bump(t.carriedOut, r.applicantKind);
    // A request closed without an outcome (which the schema forbids) is left out of the results,
    // so the check below catches it rather than the report hiding it.
    else if (r.outcome !== null) bump(t.outcomes[r.outcome], r.applicantKind);
  }
  for (const o of OUTCOMES) for (const c of TABLE3_COLUMNS) t.resultsTotal[c] += t.outcomes[o.code][c];
  return t;
}

/** The sum of one outcome group (e.g. 不予公开 across its 8 reasons), per column. */
export function outcomeGroupCounts(t: Table3, group: OutcomeGroup): Table3Counts {
  const out = zeroCounts();
  for (const o of OUTCOMES) if (o.group === group) for (const c of TABLE3_COLUMNS) out[c] += t.outcomes[o.code][c];
  return out;
}

/** A table-三 row's counts by its key in TABLE3_ROWS (group heading rows show their sum). */
export function table3Row(t: Table3, key: string): Table3Counts | null {
  if (key === 'received' || key === 'carriedIn' || key === 'resultsTotal' || key === 'carriedOut') return t[key];
  if (key === 'results') return null;
  if (key.startsWith('group:')) return outcomeGroupCounts(t, key.slice(6) as OutcomeGroup);
  return t.outcomes[key as OutcomeCode] ?? null;
}

export interface Table3CheckFailure {
  column: Table3Column;
  label: string;
  left: number;
  right: number;
}

/** The template's check, per column: 一 + 二 = （七）总计 + 四. */
export function checkTable3(t: Table3): Table3CheckFailure[] {
  const failures: Table3CheckFailure[] = [];
  for (const c of TABLE3_COLUMNS) {
    const left = t.received[c] + t.carriedIn[c];
    const right = t.resultsTotal[c] + t.carriedOut[c];
    if (left !== right) failures.push({ column: c, label: TABLE3_COLUMN_LABELS[c], left, right });
  }
  return failures;
}

/** The message that stops publication, naming each failing column. */
export function table3CheckMessage(failures: readonly Table3CheckFailure[]): string {
  return (
    '表三勾稽关系不成立，不能发布：' +
    failures
      .map((f) => `“${f.label}”列 本年新收与上年结转之和为${f.left}，办理结果总计与结转下年度之和为${f.right}`)
      .join('；') +
    '。请核对依申请公开办件的办结日期和办理结果。'
  );
}

// Table 四: 行政复议 and 行政诉讼.

export const TABLE4_COLUMNS = [...REVIEW_OUTCOMES, 'total'] as const;
export type Table4Column = (typeof TABLE4_COLUMNS)[number];
export type Table4 = Record<ReviewKind, Record<Table4Column, number>>;

/**
 * Each record once per year it matters to: decided during the year under its result; still
 * undecided at the year's end (even if decided since) as 尚未审结.
 */
export function buildTable4(year: number, rows: readonly RequestReviewRow[]): Table4 {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const t = Object.fromEntries(
    REVIEW_KINDS.map((k) => [k, Object.fromEntries(TABLE4_COLUMNS.map((c) => [c, 0]))]),
  ) as Table4;
  for (const r of rows) {
    if (r.filedOn > last || (r.decidedOn !== null && r.decidedOn < first)) continue;
    const column: ReviewOutcome = r.decidedOn === null || r.decidedOn > last || r.outcome === 'pending' ? 'pending' : r.outcome;
    t[r.kind][column] += 1;
    t[r.kind].total += 1;
  }
  return t;
}

// Fees (2008 structure: 四、收费及减免).

export interface FeeSummary {
  count: number;
  chargedFen: number;
  waivedFen: number;
}

export function summarizeFees(year: number, rows: readonly RequestFeeRow[]): FeeSummary {
  const inYear = rows.filter((r) => r.chargedOn.startsWith(`${year}-`));
  return {
    count: inYear.length,
    chargedFen: inYear.reduce((a, r) => a + r.amountFen, 0),
    waivedFen: inYear.reduce((a, r) => a + r.waivedFen, 0),
  };
}

/** 分 as 元 with two decimals. */
export function formatYuan(fen: number): string {
  return (fen / 100).toFixed(2);
}

// The generated text of the 2008 structure's 三、四、五.

export function requestsSentence(year: number, t: Table3): string {
  if (t.received.total === 0 && t.carriedIn.total === 0) return `${year}年本单位未收到政府信息公开申请。`;
  const parts = [
    t.received.total
      ? `${year}年本单位共收到政府信息公开申请${t.received.total}件（自然人${t.received.person}件，法人或其他组织${t.received.total - t.received.person}件）`
      : `${year}年本单位未收到新的政府信息公开申请`,
  ];
  if (t.carriedIn.total) parts.push(`上年结转${t.carriedIn.total}件`);
  const groups = OUTCOME_GROUPS.map((g) => ({ g, n: outcomeGroupCounts(t, g).total })).filter((x) => x.n > 0);
  let text = `${parts.join('，')}。本年办结${t.resultsTotal.total}件`;
  if (groups.length) text += `，其中${groups.map((x) => `${OUTCOME_GROUP_LABELS[x.g].replace(/^（.）|（.*）$/g, '')}${x.n}件`).join('、')}`;
  text += `；结转下年度继续办理${t.carriedOut.total}件。`;
  const withheld = OUTCOMES.filter((o) => o.group === 'withhold' && t.outcomes[o.code].total > 0);
  if (withheld.length) {
    text += `不予公开的理由：${withheld.map((o) => `${o.label.replace(/^\d+\./, '')}${t.outcomes[o.code].total}件`).join('、')}。`;
  }
  return text;
}

export function feesSentence(f: FeeSummary): string {
  if (f.count === 0) return '无。';
  return `本年收取信息处理费${f.count}笔，共${formatYuan(f.chargedFen)}元，减免${formatYuan(f.waivedFen)}元。`;
}

export function appealsSentence(t: Table4): string {
  const review = t.review.total;
  const litigation = t.litigation_direct.total + t.litigation_after_review.total;
  if (review === 0 && litigation === 0) return '没有发生因政府信息公开申请行政复议、提起行政诉讼的情况。';
  const detail = (cols: Record<Table4Column, number>) =>
    REVIEW_OUTCOMES.filter((o) => cols[o] > 0)
      .map((o) => `${o === 'upheld' ? '维持' : o === 'corrected' ? '纠正' : o === 'other' ? '其他结果' : '尚未审结'}${cols[o]}件`)
      .join('、');
  const out: string[] = [];
  out.push(review ? `因政府信息公开申请行政复议${review}件（${detail(t.review)}）` : '未发生因政府信息公开申请行政复议的情况');
  for (const k of ['litigation_direct', 'litigation_after_review'] as const) {
    if (t[k].total) out.push(`${k === 'litigation_direct' ? '未经复议直接提起行政诉讼' : '复议后提起行政诉讼'}${t[k].total}件（${detail(t[k])}）`);
  }
  if (!litigation) out.push('未发生因政府信息公开提起行政诉讼的情况');
  return `${out.join('；')}。`;
}

// The report's tables as grids (for CSV): the same rows and columns as the printed tables.

export const REPORT_TABLES = ['categories', 'site', 'table2', 'table3', 'table4'] as const;
export type ReportTableKey = (typeof REPORT_TABLES)[number];
export const REPORT_TABLE_TITLES: Record<ReportTableKey, string> = {
  categories: '主动公开政府信息分类统计',
  site: '网站公开情况',
  table2: '表二 主动公开政府信息情况',
  table3: '表三 收到和处理政府信息公开申请情况',
  table4: '表四 政府信息公开行政复议、行政诉讼情况',
};

export function isReportTableKey(v: unknown): v is ReportTableKey {
  return typeof v === 'string' && (REPORT_TABLES as readonly string[]).includes(v);
}

type Cell = string | number;

export function reportTableGrid(m: AnnualReportModel, key: ReportTableKey): Cell[][] {
  switch (key) {
    case 'categories':
      return [
        ['组配分类', '条数', '占比（%）'],
        ...m.categories.map((c) => [c.category, c.count, c.percent]),
        ['合计', m.proactiveTotal, m.proactiveTotal ? 100 : 0],
      ];
    case 'site':
      return [
        ['项目', '数量'],
        [`截至${m.year}年底累计主动公开（条）`, m.proactiveTotal],
        [`${m.year}年新公开（条）`, m.publishedThisYear],
        [`${m.year}年网站发布信息（条）`, m.websitePosts],
        [`网上办事大厅累计访问量（人次，截至${m.generatedOn}）`, m.siteVisits],
      ];
    case 'table2': {
      const t = m.table2;
      return [
        ['第二十条第（一）项'],
        ['信息内容', '本年制发件数', '本年废止件数', '现行有效件数'],
        ...t.item1.map((r) => [r.label, r.issued, r.repealed, r.inForce]),
        ['第二十条第（五）项'],
        ['信息内容', '本年处理决定数量'],
        ...t.item5.map((r) => [r.label, r.decisions]),
        ['第二十条第（六）项'],
        ['信息内容', '本年处理决定数量'],
        ...t.item6.map((r) => [r.label, r.decisions]),
        ['第二十条第（八）项'],
        ['信息内容', '本年收费金额（单位：万元）'],
        ...t.item8.map((r) => [r.label, formatWanYuan(r.amount)]),
      ];
    }
    case 'table3':
      return [
        [`（${TABLE3_CHECK_NOTE}）`, '申请人情况'],
        ['', '自然人', '法人或其他组织', '', '', '', '', '总计'],
        ['', '', ...APPLICANT_KINDS.slice(1).map((k) => APPLICANT_KIND_LABELS[k]), ''],
        ...TABLE3_ROWS.map((r) => {
          const counts = table3Row(m.table3, r.key);
          // Group headings (（三）不予公开 …) carry no numbers of their own, as in the template.
          return [r.label, ...(counts && !r.key.startsWith('group:') ? TABLE3_COLUMNS.map((c) => counts[c]) : [])];
        }),
      ];
    case 'table4': {
      const names = [...REVIEW_OUTCOMES.map((o) => REVIEW_OUTCOME_LABELS[o]), '总计'];
      return [
        ['行政复议', '', '', '', '', '行政诉讼'],
        ['', '', '', '', '', '未经复议直接起诉', '', '', '', '', '复议后起诉'],
        [...names, ...names, ...names],
        REVIEW_KINDS.flatMap((k) => TABLE4_COLUMNS.map((c) => m.table4[k][c])),
      ];
    }
  }
}
