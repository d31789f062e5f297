import type { ClockKind, ClockState } from './deadlines';
import type { ApplicantKind } from './masking';
import type { Stage } from './stages';

/**
 * office_reviewer (办公室审核) and webmaster (网管员) work on the disclosure catalog only; they
 * belong to no department, so they see no cases (departmentScope gives them none).
 */
export type Role = 'window_staff' | 'supervisor' | 'admin' | 'office_reviewer' | 'webmaster';
export const ROLES: readonly Role[] = ['window_staff', 'supervisor', 'admin', 'office_reviewer', 'webmaster'];
/** Roles the staff table's CHECK does not list; stored in staff_roles (migration 007). */
export const CENTER_OFFICE_ROLES: readonly Role[] = ['office_reviewer', 'webmaster'];
export const ROLE_LABELS: Record<Role, string> = {
  window_staff: '窗口工作人员',
  supervisor: '科室负责人',
  admin: '系统管理员',
  office_reviewer: '办公室（信息公开审核）',
  webmaster: '网管员',
};

export interface Department {
  id: number;
  code: string;
  name: string;
}

export interface ServiceWindow {
  id: number;
  departmentId: number;
  code: string;
  name: string;
  location: string;
}

export interface Staff {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  windowId: number | null;
  passwordHash: string;
  isDemo: boolean;
  active: boolean;
}

export type ItemStatus = 'in_force' | 'cancelled';

export interface Item {
  id: number;
  code: string;
  name: string;
  category: string;
  departmentId: number;
  department: { code: string; name: string };
  statutoryDays: number;
  promisedDays: number;
  resultsPublic: boolean;
  resultValidity: string;
  status: ItemStatus;
  /** 统一办理、联合办理、集中办理 (第二十六条): 45-day statutory limit, +15 extension. */
  jointHandling: boolean;
  /** 事项类型, e.g. 行政许可. */
  itemType: string;
  /** 即办件 or 承诺件. */
  caseType: '即办件' | '承诺件';
  /** Effective date (Beijing, YYYY-MM-DD) of a published cancellation, if any; see isItemOpenOn. */
  cancelledOn: string | null;
}

export interface Applicant {
  name: string;
  kind: ApplicantKind;
  idNumber: string;
  phone: string;
  /** Optional address for progress notifications; private like the phone. */
  email?: string | null;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxMessage {
  id: number;
  caseId: number;
  stageEventId: number | null;
  dedupeKey: string | null;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string;
  body: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** The deadline as stored with the case, recomputed on every event and calendar change. */
export interface StoredClock {
  /** 'pending': not computed yet (a row from before the clock existed). */
  state: ClockState | 'pending';
  kind: ClockKind;
  dueDate: string | null;
  statutoryDueDate: string | null;
  pausedDays: number;
  extensionDays: number;
  deemedAccepted: boolean;
  undeterminedYear: number | null;
}

export interface Case {
  id: number;
  windowId: number | null;
  clock: StoredClock;
  queryNo: string;
  item: {
    id: number;
    code: string;
    name: string;
    category: string;
    promisedDays: number;
    statutoryDays: number;
    jointHandling: boolean;
  };
  department: { id: number; code: string; name: string };
  applicant: Applicant;
  projectName: string | null;
  note: string | null;
  stage: Stage;
  version: number;
  registeredBy: number;
  registeredAt: string;
  updatedAt: string;
  decisionNo: string | null;
  decidedAt: string | null;
}

export interface StageEvent {
  id: number;
  /** 'extension': a 延期 event on the timeline; the stage stays the same. */
  kind: 'stage' | 'extension';
  extensionDays: number | null;
  approverId: number | null;
  approverName: string | null;
  caseId: number;
  seq: number;
  fromStage: Stage | null;
  toStage: Stage;
  at: string;
  staffId: number;
  staffName: string;
  note: string | null;
  notePublic: boolean;
  decisionNo: string | null;
  reason: string | null;
  /** The event's seal in the case's hash chain, as stored (null until sealed); set when read from a store. */
  hash?: string | null;
}

/** A stage event as the public may see it: no staff, no approver. */
export type PublicStageEvent = Omit<StageEvent, 'staffId' | 'staffName' | 'approverId' | 'approverName'>;

export interface BulletinEntry {
  id: number;
  caseId: number;
  decisionNo: string;
  item: { code: string; name: string; category: string };
  department: { code: string; name: string };
  applicantName: string;
  projectName: string | null;
  decidedAt: string;
  validity: string;
}

export type ExtensionStatus = 'pending' | 'approved' | 'refused';

export interface ExtensionRequest {
  id: number;
  caseId: number;
  queryNo: string;
  itemName: string;
  departmentId: number;
  days: number;
  reason: string;
  requestedBy: number;
  requestedByName: string;
  requestedAt: string;
  status: ExtensionStatus;
  decidedBy: number | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

export interface CalendarOverrideRecord {
  date: string;
  kind: 'holiday' | 'workday';
  notice: string;
  createdBy: number;
  createdAt: string;
}

export interface CalendarYearRecord {
  year: number;
  notice: string;
  declaredBy: number;
  declaredAt: string;
}

export interface Page<T> {
  rows: T[];
  total: number;
}
