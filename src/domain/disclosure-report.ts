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
  texts: ReportTexts;
}
