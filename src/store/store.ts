import type {
  BulletinEntry,
  CalendarOverrideRecord,
  CalendarYearRecord,
  Case,
  ExtensionRequest,
  ExtensionStatus,
  StoredClock,
  Department,
  Item,
  Page,
  Role,
  ServiceWindow,
  Staff,
  StageEvent,
} from '../domain/model';
import type { ApplicantKind } from '../domain/masking';
import type {
  Evaluation,
  EvaluationLevel,
  Rectification,
  RectificationStatus,
  ScoreDimension,
} from '../domain/evaluation';
import type { Stage } from '../domain/stages';

export interface NewDepartment {
  code: string;
  name: string;
}
export interface NewWindow {
  departmentId: number;
  code: string;
  name: string;
  location: string;
}
export interface NewStaff {
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  windowId: number | null;
  passwordHash: string;
  isDemo: boolean;
}
export interface NewItem {
  code: string;
  name: string;
  category: string;
  departmentId: number;
  statutoryDays: number;
  promisedDays: number;
  resultsPublic: boolean;
  resultValidity: string;
  status: 'in_force' | 'cancelled';
  jointHandling?: boolean;
}

export interface NewCase {
  queryNo: string;
  itemId: number;
  departmentId: number;
  applicant: { name: string; kind: ApplicantKind; idNumber: string; phone: string };
  projectName: string | null;
  note: string | null;
  registeredBy: number;
  windowId: number | null;
  at: string;
  clock: StoredClock;
}

export interface NewStageEvent {
  to: Stage;
  at: string;
  staffId: number;
  note: string | null;
  notePublic: boolean;
  decisionNo: string | null;
  reason: string | null;
}

export interface NewBulletinEntry {
  decisionNo: string;
  applicantName: string;
  projectName: string | null;
  decidedAt: string;
  validity: string;
}

export interface AdvanceCase {
  caseId: number;
  expectedVersion: number;
  from: Stage;
  event: NewStageEvent;
  /**
   * Present when the move is a decision: stored on the case in the same transaction, with the due
   * date in force at that moment and whether the decision met it (null: undetermined).
   */
  decision?: { decisionNo: string | null; decidedAt: string; dueDate?: string | null; onTime?: boolean | null };
  /** Present when an approval must be published (第四十条): written in the same transaction. */
  bulletin?: NewBulletinEntry;
  /** The case's deadline after this move, saved with it. */
  clock: StoredClock;
}

export interface NewExtensionRequest {
  caseId: number;
  days: number;
  reason: string;
  requestedBy: number;
  requestedAt: string;
}

export interface ApproveExtension {
  requestId: number;
  caseId: number;
  expectedVersion: number;
  stage: Stage;
  approverId: number;
  at: string;
  decisionNote: string | null;
  clock: StoredClock;
}

export interface ClockUpdate {
  caseId: number;
  version: number;
  clock: StoredClock;
}

export interface CaseFilter {
  departmentId?: number;
  stage?: Stage;
  itemId?: number;
  windowId?: number;
  clockState?: StoredClock['state'];
  /** Inclusive bounds on the stored due date (YYYY-MM-DD). */
  dueFrom?: string;
  dueTo?: string;
  /** 'urgency': running clocks by due date first, then undetermined, paused, stopped. Default 'updated'. */
  order?: 'urgency' | 'updated';
  limit: number;
  offset: number;
}

export interface SessionRecord {
  id: string;
  staffId: number;
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export interface ApiTokenRecord {
  id: string;
  staffId: number;
  expiresAt: string;
}

/** Raised when a case already has an extension request waiting for a supervisor. */
export class PendingExtensionExistsError extends Error {
  constructor() {
    super('an extension request is already pending');
  }
}

/** Raised by createEvaluation when the case already has one (一事一评). */
export class DuplicateEvaluationError extends Error {
  constructor() {
    super('the case has already been evaluated');
  }
}

export interface NewEvaluation {
  caseId: number;
  level: EvaluationLevel;
  comment: string | null;
  scores: Record<ScoreDimension, number>;
  at: string;
  /** Present for a 差评: the rectification task, written in the same transaction. */
  rectification?: { dueDate: string | null };
}

export interface RectificationFilter {
  departmentId?: number;
  status?: RectificationStatus;
  limit: number;
  offset: number;
}

/** A half-open UTC range [fromAt, toAt) of ISO-8601 instants, optionally one department. */
export interface StatsScope {
  departmentId?: number;
  fromAt: string;
  toAt: string;
}

/** Evaluations per department, window (null: case not registered at a window) and level. */
export interface EvaluationCountRow {
  departmentId: number;
  windowId: number | null;
  level: EvaluationLevel;
  count: number;
  /** How many of these have a closed rectification task. */
  rectified: number;
}

/** Decisions (approved, denied, not accepted) per department and window. */
export interface DecisionCountRow {
  departmentId: number;
  windowId: number | null;
  decided: number;
  onTime: number;
  /** Decisions whose on-time status is known (due date was determined). */
  onTimeKnown: number;
}

export interface CaseStatistics {
  registered: number;
  /** Cases that reached 已办结 in the range. */
  completed: number;
  /** Current stage of every case in scope (not limited to the range). */
  byStage: { stage: Stage; count: number }[];
  /** Per Beijing month (YYYY-MM), only months with data. */
  registeredByMonth: { month: string; count: number }[];
  completedByMonth: { month: string; count: number }[];
}

/** A decided case that had been accepted, for working days from acceptance to decision. */
export interface DecisionDuration {
  itemId: number;
  itemCode: string;
  itemName: string;
  registeredAt: string;
  acceptedAt: string;
  decidedAt: string;
  deemedAccepted: boolean;
}

/** Raised by registerCase when the query number already exists; the service draws another. */
export class DuplicateQueryNoError extends Error {
  constructor() {
    super('duplicate query number');
  }
}

/**
 * The only door to persistence. Every method is async so a PostgreSQL adapter can implement it;
 * each method that writes several rows is one transaction.
 */
export interface Store {
  close(): Promise<void>;
  ping(): Promise<void>;

  getSetting(key: string): Promise<string | null>;
  /** Stores the value unless the key exists; returns the value now stored (first writer wins). */
  putSettingIfAbsent(key: string, value: string): Promise<string>;
  isEmpty(): Promise<boolean>;

  createDepartment(d: NewDepartment): Promise<Department>;
  listDepartments(): Promise<Department[]>;
  createWindow(w: NewWindow): Promise<ServiceWindow>;
  listWindows(departmentId?: number): Promise<ServiceWindow[]>;

  createStaff(s: NewStaff): Promise<Staff>;
  findStaffByUsername(username: string): Promise<Staff | null>;
  findStaffById(id: number): Promise<Staff | null>;
  listDemoStaff(): Promise<Staff[]>;

  createSession(s: SessionRecord): Promise<void>;
  findSession(id: string): Promise<SessionRecord | null>;
  touchSession(id: string, lastSeenAt: string): Promise<void>;
  deleteSession(id: string): Promise<void>;
  createApiToken(t: ApiTokenRecord): Promise<void>;
  findApiToken(id: string): Promise<ApiTokenRecord | null>;

  createItem(i: NewItem): Promise<Item>;
  findItemByCode(code: string): Promise<Item | null>;
  listItems(opts: { inForceOnly: boolean; departmentId?: number }): Promise<Item[]>;

  /** Inserts the case and its first stage event (`submitted`) together. */
  registerCase(c: NewCase): Promise<Case>;
  findCaseByQueryNo(queryNo: string): Promise<Case | null>;
  listStageEvents(caseId: number): Promise<StageEvent[]>;
  /**
   * Moves the case if its version is still `expectedVersion`, appending the stage event
   * (and the bulletin entry, if given) in one transaction. Throws StaleVersionError otherwise.
   */
  advanceCase(a: AdvanceCase): Promise<Case>;
  listCases(f: CaseFilter): Promise<Page<Case>>;

  /** Cases whose clock may change with time or calendar (open ones), in id order from `afterId`. */
  listOpenCasesForClock(afterId: number, limit: number): Promise<{ case: Case; events: StageEvent[] }[]>;
  /** Saves recomputed clocks in one transaction; a case whose version moved on is skipped. Returns how many were saved. */
  saveCaseClocks(updates: ClockUpdate[]): Promise<number>;

  createExtensionRequest(r: NewExtensionRequest): Promise<ExtensionRequest>;
  findExtensionRequest(id: number): Promise<ExtensionRequest | null>;
  listExtensionRequests(f: { departmentId?: number; status?: ExtensionStatus; caseId?: number }): Promise<ExtensionRequest[]>;
  /** Marks the request approved and appends the extension event to the case (version checked), in one transaction. */
  approveExtension(a: ApproveExtension): Promise<Case>;
  refuseExtension(r: { requestId: number; decidedBy: number; at: string; decisionNote: string }): Promise<ExtensionRequest>;

  listCalendarOverrides(): Promise<CalendarOverrideRecord[]>;
  putCalendarOverride(o: CalendarOverrideRecord): Promise<void>;
  deleteCalendarOverride(date: string): Promise<boolean>;
  listCalendarYears(): Promise<CalendarYearRecord[]>;
  declareCalendarYear(y: CalendarYearRecord): Promise<void>;

  listBulletin(opts: { limit: number; offset: number }): Promise<Page<BulletinEntry>>;
  findBulletinEntry(id: number): Promise<BulletinEntry | null>;

  /**
   * Saves the evaluation and, for a 差评, its rectification task in one transaction.
   * Throws DuplicateEvaluationError if the case already has one (UNIQUE constraint).
   */
  createEvaluation(e: NewEvaluation): Promise<Evaluation>;
  findEvaluationByCase(caseId: number): Promise<Evaluation | null>;
  /** Open tasks first (earliest due date first), then closed ones. */
  listRectifications(f: RectificationFilter): Promise<Page<Rectification>>;
  findRectification(id: number): Promise<Rectification | null>;
  /** Records (or corrects) the 回访 of an open task; ConflictError when it is closed. */
  recordFollowUp(r: { id: number; date: string; result: string; staffId: number; at: string }): Promise<Rectification>;
  /** Closes an open task that has a 回访; ConflictError otherwise. */
  closeRectification(r: { id: number; note: string; staffId: number; at: string }): Promise<Rectification>;

  evaluationCounts(q: StatsScope): Promise<EvaluationCountRow[]>;
  decisionCounts(q: StatsScope): Promise<DecisionCountRow[]>;
  caseStatistics(q: StatsScope): Promise<CaseStatistics>;
  listDecisionDurations(q: StatsScope): Promise<DecisionDuration[]>;
}
