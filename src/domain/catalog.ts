/** The item catalog: the seven disclosures of an item (七公开, 《行政许可法》第三十条) and what surrounds it. */
import type { Item, ServiceWindow } from './model';

export const CASE_TYPES = ['即办件', '承诺件'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export const MATERIAL_FORMS = ['原件', '复印件', '原件及复印件', '电子件'] as const;
export type MaterialForm = (typeof MATERIAL_FORMS)[number];

export const LAW_LEVELS = ['法律', '行政法规', '地方性法规', '部门规章', '地方政府规章', '规范性文件'] as const;
export type LawLevel = (typeof LAW_LEVELS)[number];
export type LawStatus = 'in_force' | 'repealed';
export const LAW_STATUS_LABELS: Record<LawStatus, string> = { in_force: '现行有效', repealed: '已废止' };

/** 审批事项调整 kinds (seed report: 新设、取消、下放、实施机关变更). */
export const ITEM_CHANGE_KINDS = ['create', 'cancel', 'delegate', 'transfer'] as const;
export type ItemChangeKind = (typeof ITEM_CHANGE_KINDS)[number];
export const ITEM_CHANGE_LABELS: Record<ItemChangeKind, string> = {
  create: '新设',
  cancel: '取消',
  delegate: '下放',
  transfer: '实施机关变更',
};

export type FileSlot = 'blank' | 'sample';
export const FILE_SLOT_LABELS: Record<FileSlot, string> = { blank: '空白表格', sample: '填写样本' };

export interface FileRecord {
  id: number;
  storageName: string;
  originalName: string;
  contentType: string;
  sizeBytes: number;
  uploadedBy: number | null;
  uploadedAt: string;
  downloadCount: number;
}

export interface Material {
  id: number;
  itemId: number;
  seq: number;
  name: string;
  form: MaterialForm;
  copies: number;
  required: boolean;
  note: string;
  blankFile: FileRecord | null;
  sampleFile: FileRecord | null;
}

export interface Step {
  name: string;
  description: string;
}

export interface SpecialProcedure {
  name: string;
  duration: string;
  /** Whether its time counts toward the statutory limit (第四十五条: normally not). */
  counted: boolean;
  basis: string;
}

export interface Fee {
  name: string;
  standard: string;
  basis: string;
}

export interface Law {
  id: number;
  title: string;
  issuer: string;
  docNo: string;
  level: LawLevel;
  effectiveDate: string;
  status: LawStatus;
  repealedDate: string | null;
  body: string;
}

export interface LawCitation {
  law: Law;
  articles: string;
}

export interface ItemChange {
  id: number;
  itemId: number;
  item: { code: string; name: string; department: { code: string; name: string } };
  kind: ItemChangeKind;
  effectiveDate: string;
  basis: string;
  description: string;
  createdAt: string;
}

export interface Intermediary {
  id: number;
  name: string;
  qualification: string;
  serviceScope: string;
  feeBasis: string;
  contactPerson: string;
  phone: string;
  address: string;
  items: { id: number; code: string; name: string }[];
}

/** The guide fields of an item beyond its summary. */
export interface ItemDetails {
  conditions: string;
  windowId: number | null;
  serviceHours: string;
  consultPhone: string;
  complaintPhone: string;
  visits: number;
  feeNote: string;
}

/** Everything the 办事指南 page shows. */
export interface ItemGuide {
  item: Item;
  details: ItemDetails;
  window: ServiceWindow | null;
  materials: Material[];
  steps: Step[];
  specialProcedures: SpecialProcedure[];
  fees: Fee[];
  laws: LawCitation[];
  changes: ItemChange[];
  intermediaries: { id: number; name: string }[];
}

export interface AuditEntry {
  id: number;
  at: string;
  staffId: number;
  staffName: string;
  entity: string;
  entityId: number;
  action: 'create' | 'update' | 'delete';
  changes: Record<string, [unknown, unknown]>;
}

export const AUDIT_ENTITY_LABELS: Record<string, string> = {
  department: '部门',
  window: '窗口',
  item: '审批事项',
  law: '法律法规',
  file: '表格文件',
  intermediary: '中介机构',
  item_change: '事项调整',
  staff: '工作人员账号',
};

/**
 * Whether an item takes new cases on a Beijing calendar day. A cancellation takes effect on its
 * effective date (第三十条: changes are published with the date they apply from), with no job needed.
 */
export function isItemOpenOn(item: Pick<Item, 'status' | 'cancelledOn'>, beijingDay: string): boolean {
  if (item.status !== 'in_force') return false;
  return item.cancelledOn === null || item.cancelledOn > beijingDay;
}

/** Field-by-field before/after of two snapshots; nested values compare by their JSON. */
export function diffFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): Record<string, [unknown, unknown]> {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const out: Record<string, [unknown, unknown]> = {};
  for (const k of keys) {
    const a = before ? (before[k] ?? null) : null;
    const b = after ? (after[k] ?? null) : null;
    if (JSON.stringify(a) !== JSON.stringify(b)) out[k] = [a, b];
  }
  return out;
}
