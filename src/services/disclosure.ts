/**
 * 政府信息公开 use cases: drafting, the review workflow (staff → 办公室 → 网管员), the public
 * catalog. The annual report is in ./disclosure-report.ts.
 */
import { beijingDayStart } from '../domain/beijing-time';
import {
  DISCLOSURE_STEPS,
  EDITABLE_STATUSES,
  indexNoPrefix,
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
  // The report's HTML body is generated; editing it here would let raw HTML onto the public site.
  if (entry.bodyFormat === 'html') throw new ConflictError('report_entry', '年度报告请在“年度报告”页面修改后重新提交');
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
