/**
 * The annual report (政府信息公开工作年度报告, 《政府信息公开条例》第四十九条、第五十条): the office
 * keeps its text and figures per year, the numbers come from the catalog, the case tracker and the
 * visit counter, and the report is published as a catalog entry through the usual review.
 */
import { beijingDate } from '../domain/beijing-time';
import { indexNoPrefix, type DisclosureEntry } from '../domain/disclosure';
import {
  buildTable2,
  buildTable3,
  buildTable4,
  checkTable3,
  summarizeFees,
  table3CheckMessage,
  categoryShares,
  defaultReportTemplate,
  emptyReportFigures,
  emptyReportTexts,
  reportDueDate,
  reportSubmissionSteps,
  type AnnualReportModel,
  type ReportFigures,
  type ReportTemplate,
  type ReportTexts,
} from '../domain/disclosure-report';
import { ConflictError, ForbiddenError, NotFoundError } from '../domain/errors';
import type { Staff } from '../domain/model';
import type { DisclosureReportRecord } from '../store/store';
import type { Deps } from './deps';
import { beijingYearRange } from './disclosure';

/** The office (办公室) writes and submits the report; everyone on staff may read it. */
function assertOffice(staff: Staff): void {
  if (staff.role !== 'office_reviewer') throw new ForbiddenError('只有办公室审核人员可以编辑和提交年度报告');
}

/** The year's stored record, or the defaults of a report nobody has saved yet (version null). */
export async function reportRecord(
  deps: Deps,
  year: number,
): Promise<Omit<DisclosureReportRecord, 'version'> & { version: number | null }> {
  const stored = await deps.store.findDisclosureReport(year);
  if (stored) return stored;
  return {
    year,
    template: defaultReportTemplate(year),
    texts: emptyReportTexts(),
    figures: emptyReportFigures(),
    entryId: null,
    entryStatus: null,
    snapshotJson: null,
    version: null,
    updatedBy: 0,
    updatedAt: '',
  };
}

/** The report from today's data and the given text and figures (the office's preview). */
export async function buildReportModel(
  deps: Deps,
  year: number,
  input: { template: ReportTemplate; texts: ReportTexts; figures: ReportFigures },
): Promise<AnnualReportModel> {
  const range = beijingYearRange(year);
  const [upToYearEnd, visits, approvals, requests, fees, reviews] = await Promise.all([
    deps.store.countPublishedDisclosures({ publishedBefore: range.before }),
    deps.store.getSiteVisits(),
    deps.store.countApprovals(range),
    deps.store.listDisclosureRequestsForReport(year),
    deps.store.listDisclosureFeesForReport(year),
    deps.store.listDisclosureReviewsForReport(year),
  ]);
  const names = [...deps.config.disclosureCategories];
  // Entries of a category since removed from the configuration still count, under their own name.
  for (const r of upToYearEnd) if (!names.includes(r.category)) names.push(r.category);
  const counts = names.map((category) => ({
    category,
    count: upToYearEnd.filter((r) => r.category === category).reduce((a, r) => a + r.count, 0),
  }));
  const { centerName, centerContact } = deps.config;
  return {
    schema: 1,
    year,
    template: input.template,
    centerName,
    contact: { phone: centerContact.phone, email: centerContact.email },
    generatedOn: beijingDate(deps.clock.now()),
    dueDate: reportDueDate(year),
    categories: categoryShares(counts),
    proactiveTotal: counts.reduce((a, c) => a + c.count, 0),
    publishedThisYear: upToYearEnd.filter((r) => r.year === year).reduce((a, r) => a + r.count, 0),
    siteVisits: visits,
    websitePosts: input.figures.websitePosts,
    table2: buildTable2(input.figures, approvals),
    table3: buildTable3(year, requests),
    table4: buildTable4(year, reviews),
    fees: summarizeFees(year, fees),
    texts: input.texts,
  };
}

export async function saveReport(
  deps: Deps,
  staff: Staff,
  year: number,
  expectedVersion: number | null,
  input: { template: ReportTemplate; texts: ReportTexts; figures: ReportFigures },
): Promise<DisclosureReportRecord> {
  assertOffice(staff);
  return deps.store.saveDisclosureReport({ year, expectedVersion, ...input, actor: { staffId: staff.id, at: deps.clock.now().toISOString() } });
}

export function reportTitle(centerName: string, year: number): string {
  return `${centerName}${year}年政府信息公开工作年度报告`;
}

/**
 * Freezes the saved report and puts it into the catalog as 已审核待发布 (see reportSubmissionSteps);
 * the 网管员 publishes it like any entry. `renderBody` turns the frozen report into the entry's HTML.
 */
export async function submitReport(
  deps: Deps,
  staff: Staff,
  year: number,
  expectedVersion: number,
  renderBody: (model: AnnualReportModel) => Promise<string>,
): Promise<DisclosureEntry> {
  assertOffice(staff);
  const record = await deps.store.findDisclosureReport(year);
  if (!record) throw new NotFoundError('not_found', '请先保存年度报告，再提交发布');
  const entry = record.entryId === null ? null : await deps.store.findDisclosureEntry(record.entryId);
  const steps = reportSubmissionSteps(entry ? entry.status : null);
  const model = await buildReportModel(deps, year, record);
  // The template's own check (一 + 二 = （七） + 四), on every column of table 三.
  const failures = checkTable3(model.table3);
  if (failures.length) throw new ConflictError('table3_check_failed', table3CheckMessage(failures));
  const { centerName, centerCreditCode, disclosureReportCategory } = deps.config;
  const today = beijingDate(deps.clock.now());
  const title = reportTitle(centerName, year);
  const result = await deps.store.submitDisclosureReport({
    year,
    expectedVersion,
    snapshotJson: JSON.stringify(model),
    fields: { title, category: disclosureReportCategory, writtenDate: today, publisher: centerName, summary: title, body: await renderBody(model) },
    indexPrefix: indexNoPrefix(centerCreditCode, Number(today.slice(0, 4))),
    entry: entry ? { id: entry.id, version: entry.version } : null,
    steps,
    actor: { staffId: staff.id, at: deps.clock.now().toISOString() },
  });
  return result.entry;
}

/** The frozen report of a year whose entry is published; "not found" otherwise. */
export async function publishedReport(deps: Deps, year: number): Promise<{ model: AnnualReportModel; entryId: number }> {
  const record = await deps.store.findDisclosureReport(year);
  if (!record || record.entryStatus !== 'published' || !record.snapshotJson || record.entryId === null) {
    throw new NotFoundError('not_found', `${year}年度报告尚未发布`);
  }
  return { model: JSON.parse(record.snapshotJson) as AnnualReportModel, entryId: record.entryId };
}

export async function publishedReportYears(deps: Deps): Promise<{ year: number; entryId: number }[]> {
  const all = await deps.store.listDisclosureReports();
  return all.filter((r) => r.entryStatus === 'published' && r.entryId !== null).map((r) => ({ year: r.year, entryId: r.entryId as number }));
}
