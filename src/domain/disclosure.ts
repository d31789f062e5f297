/**
 * 政府信息公开 (《政府信息公开条例》, 2019): the catalog entry, its review workflow and the annual
 * report arithmetic. Pure: no I/O.
 */
import type { Role } from './model';

export const DISCLOSURE_STATUSES = ['draft', 'submitted', 'returned', 'approved', 'published', 'unpublished'] as const;
export type DisclosureStatus = (typeof DISCLOSURE_STATUSES)[number];

export const DISCLOSURE_STATUS_LABELS: Record<DisclosureStatus, string> = {
  draft: '草稿',
  submitted: '待办公室审核',
  returned: '已退回修改',
  approved: '已审核待发布',
  published: '已发布',
  unpublished: '已撤下',
};

export type DisclosureAction = 'create' | 'edit' | 'submit' | 'approve' | 'return' | 'publish' | 'unpublish';

export const DISCLOSURE_ACTION_LABELS: Record<DisclosureAction, string> = {
  create: '起草',
  edit: '修改',
  submit: '提交审核',
  approve: '办公室审核通过',
  return: '办公室退回',
  publish: '网管员发布',
  unpublish: '撤下',
};

/** Only the 主动公开 method exists for catalog entries (依申请公开 is a separate process). */
export const DISCLOSURE_METHOD_LABEL = '主动公开';

/** Statuses in which the drafting staff may still change the text. */
export const EDITABLE_STATUSES: readonly DisclosureStatus[] = ['draft', 'returned', 'unpublished'];

/**
 * The workflow steps after drafting. `roles: 'any'` means every staff member; each other step
 * belongs to exactly one role (the office 办公室 reviews, the 网管员 publishes), as in the seed
 * report's 工作机构: "由办公室最终审核后由网管员负责政府信息公开后台更新工作".
 */
export const DISCLOSURE_STEPS = {
  submit: { from: EDITABLE_STATUSES, to: 'submitted', roles: 'any', needsComment: false },
  approve: { from: ['submitted'], to: 'approved', roles: ['office_reviewer'], needsComment: false },
  return: { from: ['submitted'], to: 'returned', roles: ['office_reviewer'], needsComment: true },
  publish: { from: ['approved'], to: 'published', roles: ['webmaster'], needsComment: false },
  unpublish: { from: ['published'], to: 'unpublished', roles: ['webmaster'], needsComment: true },
} as const satisfies Record<
  string,
  { from: readonly DisclosureStatus[]; to: DisclosureStatus; roles: 'any' | readonly Role[]; needsComment: boolean }
>;
export type DisclosureStep = keyof typeof DISCLOSURE_STEPS;
export const DISCLOSURE_STEP_NAMES = Object.keys(DISCLOSURE_STEPS) as DisclosureStep[];

export function isDisclosureStep(v: unknown): v is DisclosureStep {
  return typeof v === 'string' && (DISCLOSURE_STEP_NAMES as string[]).includes(v);
}

export function roleMayTake(role: Role, step: DisclosureStep): boolean {
  const roles = DISCLOSURE_STEPS[step].roles;
  return roles === 'any' || (roles as readonly Role[]).includes(role);
}

export function stepAllowedFrom(step: DisclosureStep, status: DisclosureStatus): boolean {
  return (DISCLOSURE_STEPS[step].from as readonly DisclosureStatus[]).includes(status);
}

/** The steps a role may take on an entry in this status (for the buttons on the staff page). */
export function availableSteps(role: Role, status: DisclosureStatus): DisclosureStep[] {
  return DISCLOSURE_STEP_NAMES.filter((s) => roleMayTake(role, s) && stepAllowedFrom(s, status));
}

export interface DisclosureEntry {
  id: number;
  /** 索引号, opaque and unique; generated as `<credit code>/<year>-<5-digit serial>` by default. */
  indexNo: string;
  title: string;
  category: string;
  /** 成文日期 (Beijing, YYYY-MM-DD). */
  writtenDate: string;
  publisher: string;
  summary: string;
  body: string;
  /** 'html' only for the annual report, whose body the application generates (values escaped). */
  bodyFormat: 'text' | 'html';
  status: DisclosureStatus;
  /** 发布日期 (ISO-8601 UTC); null until first published. */
  publishedAt: string | null;
  version: number;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
}

export interface DisclosureEvent {
  id: number;
  entryId: number;
  action: DisclosureAction;
  fromStatus: DisclosureStatus | null;
  toStatus: DisclosureStatus;
  staffId: number;
  staffName: string;
  at: string;
  comment: string | null;
}

/** The generated 索引号 prefix for a year: 前段码 (the center's credit code) + `/` + year + `-`. */
export function indexNoPrefix(creditCode: string, year: number): string {
  return `${creditCode}/${year}-`;
}

/** 后段码 serials are 5 digits (政府信息公开目录系统实施指引). */
export function formatIndexNo(creditCode: string, year: number, serial: number): string {
  if (!Number.isSafeInteger(serial) || serial < 1 || serial > 99_999) throw new RangeError('serial out of range');
  return `${indexNoPrefix(creditCode, year)}${String(serial).padStart(5, '0')}`;
}

/** An index number as entered for an imported entry: printable, no spaces, at most 50 characters. */
export function isPlausibleIndexNo(v: string): boolean {
  return /^[0-9A-Za-z][0-9A-Za-z/\-_.]{4,49}$/.test(v);
}

/**
 * Whole percentages that add up to exactly 100 (largest-remainder / Hare method): each share is
 * floored, and the points left over go to the largest remainders (ties: the earlier entry).
 * All zero counts give all zeros. The seed's 2014 report rounded each share alone (7+74+5+12 = 98%).
 */
export function largestRemainderPercents(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 0);
  const exact = counts.map((c) => (c * 100) / total);
  const result = exact.map(Math.floor);
  let left = 100 - result.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => ({ i, rem: e - Math.floor(e) }))
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    result[i] += 1;
    left -= 1;
  }
  return result;
}
