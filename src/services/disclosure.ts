/**
 * 政府信息公开 use cases: drafting, the review workflow (staff → 办公室 → 网管员), the public
 * catalog and the annual report (《政府信息公开条例》第四十九条、第五十条).
 */
import { beijingDate, beijingDayStart } from '../domain/beijing-time';
import {
  DISCLOSURE_STEPS,
  EDITABLE_STATUSES,
  indexNoPrefix,
  largestRemainderPercents,
  roleMayTake,
  stepAllowedFrom,
  type DisclosureEntry,
  type DisclosureStep,
} from '../domain/disclosure';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import type { Staff } from '../domain/model';
import { DuplicateKeyError, type DisclosureFields } from '../store/store';
import type { Deps } from './deps';
import { checkUpload, withStoredUploads, type Upload } from './files';

export interface DraftInput extends DisclosureFields {
  /** An imported entry's own 索引号 (kept as it is); otherwise one is generated. */
  indexNo?: string;
}

const actorOf = (deps: Deps, staff: Staff) => ({ staffId: staff.id, at: deps.clock.now().toISOString() });

/** [start, end) of a Beijing calendar year as UTC instants. */
export function beijingYearRange(year: number): { from: string; before: string } {
  return { from: beijingDayStart(`${year}-01-01`), before: beijingDayStart(`${year + 1}-01-01`) };
}

function assertCategory(deps: Deps, category: string): void {
  if (!deps.config.disclosureCategories.includes(category)) throw new ValidationError({ category: '请选择组配分类' });
}

/** Any staff member drafts; the 索引号 is fixed here and never changes afterwards. */
export async function draftDisclosure(deps: Deps, staff: Staff, input: DraftInput): Promise<DisclosureEntry> {
  assertCategory(deps, input.category);
  const year = Number(input.writtenDate.slice(0, 4));
  try {
    return await deps.store.createDisclosureEntry(
      { ...input, indexPrefix: indexNoPrefix(deps.config.centerCreditCode, year) },
      actorOf(deps, staff),
    );
  } catch (err) {
    if (err instanceof DuplicateKeyError) throw new ValidationError({ indexNo: '该索引号已被使用，索引号须唯一' });
    throw err;
  }
}

export async function findDisclosureForStaff(deps: Deps, id: number): Promise<DisclosureEntry> {
  const entry = await deps.store.findDisclosureEntry(id);
  if (!entry) throw new NotFoundError('not_found', '未找到该公开信息');
  return entry;
}

/** The text may change while a draft, returned or taken down; a published entry is taken down first. */
export async function editDisclosure(deps: Deps, staff: Staff, id: number, version: number, fields: DisclosureFields): Promise<DisclosureEntry> {
  const entry = await findDisclosureForStaff(deps, id);
  if (!EDITABLE_STATUSES.includes(entry.status)) throw new ConflictError('not_editable', '该信息正在审核或已发布，不能修改');
  assertCategory(deps, fields.category);
  return deps.store.updateDisclosureEntry(id, version, fields, actorOf(deps, staff));
}

/**
 * One workflow step. Each step belongs to one role (403 for any other); returning and taking down
 * need a comment that is logged with the step.
 */
export async function takeDisclosureStep(
  deps: Deps,
  staff: Staff,
  id: number,
  step: DisclosureStep,
  version: number,
  comment: string | undefined,
): Promise<DisclosureEntry> {
  const rule = DISCLOSURE_STEPS[step];
  if (!roleMayTake(staff.role, step)) {
    throw new ForbiddenError(
      rule.roles === 'any' ? '您无权进行此操作' : step === 'approve' || step === 'return' ? '只有办公室审核人员可以审核' : '只有网管员可以发布或撤下',
    );
  }
  const entry = await findDisclosureForStaff(deps, id);
  if (!stepAllowedFrom(step, entry.status)) throw new ConflictError('wrong_status', '该信息当前状态不能进行此操作，请刷新后重试');
  if (rule.needsComment && !comment) {
    throw new ValidationError({ comment: step === 'unpublish' ? '撤下须填写原因' : '退回须填写修改意见' });
  }
  return deps.store.moveDisclosureEntry({
    id,
    expectedVersion: version,
    from: entry.status,
    to: rule.to,
    action: step,
    comment: comment ?? null,
    actor: actorOf(deps, staff),
  });
}

/** Only published entries are public; anything else is "not found" (no hint that a draft exists). */
export async function findPublishedDisclosure(deps: Deps, id: number): Promise<DisclosureEntry> {
  const entry = await deps.store.findDisclosureEntry(id);
  if (!entry || entry.status !== 'published') throw new NotFoundError('not_found', '未找到该公开信息');
  return entry;
}

export interface CatalogQuery {
  q?: string;
  category?: string;
  year?: number;
  page: number;
}

/** The public catalog: counts per category and per year, and the filtered, paged list. */
export async function disclosureCatalog(deps: Deps, query: CatalogQuery, pageSize: number) {
  const range = query.year ? beijingYearRange(query.year) : undefined;
  const [counts, list] = await Promise.all([
    deps.store.countPublishedDisclosures({}),
    deps.store.listDisclosureEntries({
      statuses: ['published'],
      category: query.category,
      publishedFrom: range?.from,
      publishedBefore: range?.before,
      q: query.q,
      limit: pageSize,
      offset: (query.page - 1) * pageSize,
    }),
  ]);
  const categories = deps.config.disclosureCategories;
  const byCategory = categories.map((c) => ({ category: c, count: counts.filter((r) => r.category === c).reduce((a, r) => a + r.count, 0) }));
  // Entries of a category since removed from the configuration still count, under their own name.
  for (const r of counts) if (!categories.includes(r.category) && !byCategory.some((b) => b.category === r.category)) byCategory.push({ category: r.category, count: counts.filter((x) => x.category === r.category).reduce((a, x) => a + x.count, 0) });
  const years = [...new Set(counts.map((r) => r.year))].sort((a, b) => b - a).map((y) => ({ year: y, count: counts.filter((r) => r.year === y).reduce((a, r) => a + r.count, 0) }));
  return { rows: list.rows, total: list.total, byCategory, years, all: counts.reduce((a, r) => a + r.count, 0) };
}

export interface ReportTexts {
  /** 一、基本概况 (office text). */
  overview: string;
  /** 三、依申请公开 (until requests are tracked here, the office states them). */
  requests: string;
  /** 四、收费及减免. */
  fees: string;
  /** 五、行政复议、行政诉讼. */
  appeals: string;
  /** 六、存在的主要问题及改进情况 (office text). */
  problems: string;
  /** 七、其他需要报告的事项. */
  other: string;
}

export function defaultReportTexts(year: number): ReportTexts {
  return {
    overview: '',
    requests: `${year}年本单位未收到申请公开政府信息的申请。`,
    fees: '无。',
    appeals: '没有发生因政府信息公开申请行政复议或提起行政诉讼的情况。',
    problems: '',
    other: '无。',
  };
}

export interface AnnualReport {
  year: number;
  /** Entries published by the end of the year and still published, per category (累计主动公开). */
  categories: { category: string; count: number; percent: number }[];
  total: number;
  /** Entries published during the year (本年新公开). */
  publishedThisYear: number;
  /** 网上办事大厅累计访问量, as persisted now. */
  siteVisits: number;
  /** Due date of the report (第四十九条: 县级以上地方政府 by 3月31日). */
  dueDate: string;
  generatedOn: string;
}

/**
 * 二、主动公开 of the annual report. Percentages use the largest-remainder method so they add
 * to exactly 100% (the seed's 2014 report rounded each alone and printed 98%).
 */
export async function buildAnnualReport(deps: Deps, year: number): Promise<AnnualReport> {
  const { before } = beijingYearRange(year);
  const [upToYearEnd, visits] = await Promise.all([
    deps.store.countPublishedDisclosures({ publishedBefore: before }),
    deps.store.getSiteVisits(),
  ]);
  const names = [...deps.config.disclosureCategories];
  for (const r of upToYearEnd) if (!names.includes(r.category)) names.push(r.category);
  const counts = names.map((c) => upToYearEnd.filter((r) => r.category === c).reduce((a, r) => a + r.count, 0));
  const percents = largestRemainderPercents(counts);
  const thisYear = upToYearEnd.filter((r) => r.year === year).reduce((a, r) => a + r.count, 0);
  return {
    year,
    categories: names.map((category, i) => ({ category, count: counts[i], percent: percents[i] })),
    total: counts.reduce((a, b) => a + b, 0),
    publishedThisYear: thisYear,
    siteVisits: visits,
    dueDate: `${year + 1}-03-31`,
    generatedOn: beijingDate(deps.clock.now()),
  };
}

/** The report as plain text, for publishing it as a catalog entry (section order of the seed report). */
export function annualReportText(centerName: string, report: AnnualReport, texts: ReportTexts, contact: { phone: string; email: string }): string {
  const y = report.year;
  const cats = report.categories.map((c) => `${c.category}类${c.count}条，占${c.percent}%`).join('；');
  return [
    `根据《中华人民共和国政府信息公开条例》规定，现编制并公布本单位${y}年政府信息公开工作年度报告，并接受社会公开监督。社会公众如对报告内容有疑问的，请与${centerName}办公室联系（电话：${contact.phone}，电子邮箱：${contact.email}）。`,
    '一、政府信息公开工作的基本概况',
    texts.overview || '（由办公室填写）',
    '二、主动公开政府信息的情况',
    `截至${y}年底，累计主动向政府信息公开专栏公开政府信息${report.total}条。在主动公开的信息中，${cats}。${y}年新公开${report.publishedThisYear}条；网上办事大厅累计访问量${report.siteVisits}人次。`,
    '三、依申请公开政府信息和不予公开政府信息的情况',
    texts.requests,
    '四、政府信息公开的收费及减免情况',
    texts.fees,
    '五、因政府信息公开申请行政复议、提起行政诉讼的情况',
    texts.appeals,
    '六、政府信息公开工作存在的主要问题及改进情况',
    texts.problems || '（由办公室填写）',
    '七、其他需要报告的事项',
    texts.other,
  ].join('\n\n');
}

/** Drafts the report as a catalog entry; it then passes the same review as any other entry. */
export async function draftAnnualReportEntry(deps: Deps, staff: Staff, year: number, texts: ReportTexts): Promise<DisclosureEntry> {
  const report = await buildAnnualReport(deps, year);
  const { centerName, centerContact, disclosureCategories } = deps.config;
  const category = disclosureCategories.includes('其他') ? '其他' : disclosureCategories[disclosureCategories.length - 1];
  return draftDisclosure(deps, staff, {
    title: `${centerName}${year}年政府信息公开工作年度报告`,
    category,
    writtenDate: beijingDate(deps.clock.now()),
    publisher: centerName,
    summary: `${centerName}${year}年政府信息公开工作年度报告`,
    body: annualReportText(centerName, report, texts, centerContact),
  });
}


/** Any staff member attaches files to an entry while its text may change (draft, returned, taken down). */
export async function attachDisclosureFile(deps: Deps, staff: Staff, id: number, upload: Upload | null) {
  const entry = await findDisclosureForStaff(deps, id);
  if (!EDITABLE_STATUSES.includes(entry.status)) throw new ConflictError('not_editable', '该信息正在审核或已发布，不能修改附件');
  if (!upload) throw new ValidationError({ file: '请选择要上传的文件' });
  const checked = checkUpload(deps, upload);
  return withStoredUploads(deps, [checked], ([file]) => deps.store.attachDisclosureEntryFile(id, file, EDITABLE_STATUSES, actorOf(deps, staff)));
}

export async function removeDisclosureFile(deps: Deps, staff: Staff, id: number, fileId: number): Promise<void> {
  await findDisclosureForStaff(deps, id);
  if (!(await deps.store.removeDisclosureEntryFile(id, fileId, EDITABLE_STATUSES, actorOf(deps, staff)))) {
    throw new NotFoundError('file_not_found', '该信息没有这个附件');
  }
}
