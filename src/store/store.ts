import type {
  BulletinEntry,
  CalendarOverrideRecord,
  CalendarYearRecord,
  Case,
  ExtensionRequest,
  ExtensionStatus,
  OutboxMessage,
  StoredClock,
  Department,
  Item,
  Page,
  Role,
  ServiceWindow,
  Staff,
  PublicStageEvent,
  StageEvent,
} from '../domain/model';
import type {
  AuditEntry,
  CaseType,
  Fee,
  FileRecord,
  FileSlot,
  Intermediary,
  ItemChange,
  ItemChangeKind,
  ItemDetails,
  ItemGuide,
  Law,
  LawLevel,
  LawStatus,
  MaterialForm,
  SpecialProcedure,
  Step,
} from '../domain/catalog';
import type { ApplicantKind } from '../domain/masking';
import type {
  Evaluation,
  EvaluationLevel,
  Rectification,
  RectificationStatus,
  ScoreDimension,
} from '../domain/evaluation';
import type { Stage } from '../domain/stages';
import type { ThrottleState } from '../domain/login-throttle';
import type { DisclosureAction, DisclosureEntry, DisclosureEvent, DisclosureStatus } from '../domain/disclosure';
import type { ReportFigures, ReportTemplate, ReportTexts } from '../domain/disclosure-report';
import type {
  ApplicantKind as RequestApplicantKind,
  DeliveryForm,
  DisclosureRequest,
  OutcomeCode,
  RequestAction,
  RequestEvent,
  RequestFee,
  RequestFeeRow,
  RequestReportRow,
  RequestReview,
  RequestReviewRow,
  RequestStage,
  ReviewKind,
  ReviewOutcome,
} from '../domain/disclosure-request';

export interface NewDisclosureRequest {
  queryNo: string;
  applicantKind: RequestApplicantKind;
  applicantName: string;
  idNumber: string;
  contactPerson: string | null;
  phone: string;
  email: string | null;
  address: string | null;
  description: string;
  deliveryForm: DeliveryForm;
  receivedAt: string;
  receivedOn: string;
  dueOn: string | null;
}

/** The clock and reply fields a stage move sets (fields left out keep their value). */
export interface RequestChanges {
  clockStartOn?: string;
  dueOn?: string | null;
  supplementDueOn?: string | null;
  extended?: boolean;
  outcome?: OutcomeCode;
  replyText?: string | null;
  closedOn?: string;
}

export interface MoveDisclosureRequest {
  id: number;
  expectedVersion: number;
  from: RequestStage;
  to: RequestStage;
  action: RequestAction;
  comment: string | null;
  /** staffId null: the system (the hourly 补正-deadline check). */
  actor: { staffId: number | null; at: string };
  changes: RequestChanges;
  /** Reply attachments, linked to the move's event. */
  files?: NewFile[];
}

export interface DisclosureRequestFilter {
  stage?: RequestStage;
  /** Open requests whose reply due date is before this date. */
  dueBefore?: string;
  /** Open requests whose reply due date is on or before this date. */
  dueOnOrBefore?: string;
  /** Substring of the name, the 查询号 or the description. */
  q?: string;
  limit: number;
  offset: number;
}

export interface NewRequestFee {
  requestId: number;
  chargedOn: string;
  amountFen: number;
  waivedFen: number;
  note: string;
}

export interface NewRequestReview {
  requestId: number;
  kind: ReviewKind;
  filedOn: string;
  outcome: ReviewOutcome;
  decidedOn: string | null;
  note: string;
}

export interface RequestFile extends FileRecord {
  requestId: number;
  /** The reply event the file was sent with. */
  eventId: number | null;
}

export interface NewDepartment {
  code: string;
  name: string;
}
export interface StaffAccountChange {
  displayName: string;
  role: Role;
  departmentId: number | null;
  windowId: number | null;
  active: boolean;
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
  itemType?: string;
  caseType?: CaseType;
}

export interface NewCase {
  queryNo: string;
  itemId: number;
  departmentId: number;
  applicant: { name: string; kind: ApplicantKind; idNumber: string; phone: string; email?: string | null };
  projectName: string | null;
  note: string | null;
  registeredBy: number;
  windowId: number | null;
  at: string;
  clock: StoredClock;
  notifications?: NewOutboxMessage[];
  /** The checklist of materials received at the window, stored with the case. */
  materials?: { materialId: number | null; name: string }[];
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
  /** Notifications of this event, written with it (nothing lost, nothing sent for a rolled-back move). */
  notifications?: NewOutboxMessage[];
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
  notifications?: NewOutboxMessage[];
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

/** Which bulletin entries to list; every condition given must hold. */
export interface BulletinFilter {
  /**
   * Each keyword (normalized by splitKeywords, at least MIN_KEYWORD_CHARS characters) must occur
   * as a substring of the item name, the applicant organization's name, the project name or the
   * decision number. Person names are stored masked and never match.
   */
  keywords?: string[];
  /** Exact item category; an unknown category matches nothing. */
  category?: string;
  /** Department code; an unknown code matches nothing. */
  departmentCode?: string;
  /** Decided at or after this instant (ISO-8601 UTC). */
  decidedFrom?: string;
  /** Decided strictly before this instant (ISO-8601 UTC). */
  decidedBefore?: string;
}

export interface BulletinListOptions extends BulletinFilter {
  limit: number;
  offset: number;
  /** Keyset paging: only entries that come after this one in bulletin order (older). */
  after?: { decidedAt: string; id: number };
  /**
   * Count at most this many matches: total = min(matches, countLimit); 0 skips counting.
   * Omitted: the exact count. Lets callers bound the work for very common keywords.
   */
  countLimit?: number;
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
  /** Empty for tokens issued before it was recorded. */
  createdAt?: string;
}

/** A live API token as listed for its owner or an administrator (the id is the stored digest, never the secret). */
export interface ApiTokenInfo {
  id: string;
  staffId: number;
  username: string;
  staffName: string;
  createdAt: string;
  expiresAt: string;
}

export type AuthEventKind =
  | 'login_succeeded'
  | 'login_failed'
  | 'login_locked'
  | 'logout'
  | 'lock_cleared'
  | 'token_issued'
  | 'token_revoked';

export interface NewAuthEvent {
  at: string;
  kind: AuthEventKind;
  /** The account concerned; null for a failed or locked attempt (the name typed may not exist). */
  staffId: number | null;
  /** As typed, at most 50 characters; never a password. */
  username: string;
  ip: string;
  /** Who acted when not the account itself (an administrator). */
  actorId?: number | null;
  detail?: string;
}

export interface AuthEvent extends Required<NewAuthEvent> {
  id: number;
  staffName: string | null;
  actorName: string | null;
}

/** A notification to write into the outbox in the same transaction as the event it announces. */
export interface NewOutboxMessage {
  channel: 'email' | 'sms';
  recipient: string;
  subject: string;
  body: string;
  dedupeKey?: string;
}

/** Raised when a case already has an extension request waiting for a supervisor. */
export class PendingExtensionExistsError extends Error {
  constructor() {
    super('an extension request is already pending');
  }
}

/** Who makes an audited change, and when; the audit entry is written in the change's transaction. */
export interface Actor {
  staffId: number;
  at: string;
}

export interface MaterialInput {
  /** Present for an existing material (kept, with its files); absent for a new one. */
  id?: number;
  name: string;
  form: MaterialForm;
  copies: number;
  required: boolean;
  note: string;
}

/** An item with all its guide fields, written as one unit. */
export interface ItemGuideInput {
  item: Omit<NewItem, 'itemType' | 'caseType'> & { itemType: string; caseType: CaseType };
  details: ItemDetails;
  materials: MaterialInput[];
  steps: Step[];
  specialProcedures: SpecialProcedure[];
  fees: Fee[];
  laws: { lawId: number; articles: string }[];
}

export interface ItemSearch {
  /** Terms, all of which must occur in the name or the code (substring, case-insensitive). */
  terms: string[];
  departmentId?: number;
  category?: string;
  /** Beijing day: items cancelled on or before it are left out. */
  onDate: string;
  limit: number;
  offset: number;
}

export interface ItemSearchResult extends Page<Item> {
  /** Counts over the terms only (not the department or category filter). */
  byDepartment: { id: number; code: string; name: string; count: number }[];
  byCategory: { category: string; count: number }[];
}

export type NewLaw = Omit<Law, 'id'>;

export interface LawFilter {
  q?: string;
  level?: LawLevel;
  status?: LawStatus;
  limit: number;
  offset: number;
}

export interface NewFile {
  storageName: string;
  originalName: string;
  contentType: string;
  sizeBytes: number;
}

export type NewIntermediary = Omit<Intermediary, 'id' | 'items'> & { itemIds: number[] };

export interface NewItemChange {
  itemId: number;
  kind: ItemChangeKind;
  effectiveDate: string;
  basis: string;
  description: string;
}

/** A unique column (a code) already has the value; `column` names it (e.g. `code`). */
export class DuplicateKeyError extends Error {
  constructor(readonly column: string) {
    super(`duplicate ${column}`);
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

/** The stored annual report of one year (政府信息公开工作年度报告). */
/** A case as the public lookup reads it: no staff on its events. */
export interface PublicCaseRecord {
  case: Case;
  events: PublicStageEvent[];
}

export interface DisclosureReportRecord {
  year: number;
  template: ReportTemplate;
  texts: ReportTexts;
  figures: ReportFigures;
  /** The catalog entry it is published as; null until first submitted. */
  entryId: number | null;
  /** Status of that entry (null without one). */
  entryStatus: DisclosureStatus | null;
  /** The report as last submitted (JSON written by the service); null until then. */
  snapshotJson: string | null;
  version: number;
  updatedBy: number;
  updatedAt: string;
}

/** Saves the office's text and figures; `expectedVersion` null creates the year's record. */
export interface SaveDisclosureReport {
  year: number;
  expectedVersion: number | null;
  template: ReportTemplate;
  texts: ReportTexts;
  figures: ReportFigures;
  actor: Actor;
}

/**
 * Submits the report for publication in one transaction: the frozen snapshot is stored, the
 * catalog entry is created or its text replaced, and it walks `steps` (each logged).
 */
export interface SubmitDisclosureReport {
  year: number;
  expectedVersion: number;
  snapshotJson: string;
  fields: DisclosureFields;
  /** For a new entry's 索引号. */
  indexPrefix: string;
  /** The entry as the service read it (its version is checked); null when there is none yet. */
  entry: { id: number; version: number } | null;
  steps: { action: DisclosureAction; from: DisclosureStatus | null; to: DisclosureStatus }[];
  actor: Actor;
}

/** The text of a disclosure entry, as drafted and edited. */
export interface DisclosureFields {
  title: string;
  category: string;
  /** 成文日期, YYYY-MM-DD. */
  writtenDate: string;
  publisher: string;
  summary: string;
  body: string;
}

export interface NewDisclosureEntry extends DisclosureFields {
  /** An imported entry's own 索引号; when absent one is generated from `indexPrefix`. */
  indexNo?: string;
  /** E.g. `11330800MB0R57773W/2026-`: the next free 5-digit serial of this prefix is appended. */
  indexPrefix: string;
}

/** One workflow step: the status moves if the version is still `expectedVersion`, and the event is logged. */
export interface MoveDisclosureEntry {
  id: number;
  expectedVersion: number;
  from: DisclosureStatus;
  to: DisclosureStatus;
  action: DisclosureAction;
  comment: string | null;
  actor: Actor;
}

export interface DisclosureFilter {
  statuses?: DisclosureStatus[];
  category?: string;
  /** Published at or after / strictly before these instants (ISO-8601 UTC). */
  publishedFrom?: string;
  publishedBefore?: string;
  /** Substring (any length, e.g. 2 Chinese characters) of the title, 索引号, summary or body. */
  q?: string;
  limit: number;
  offset: number;
}

/**
 * The only door to persistence. Every method is async so a PostgreSQL adapter can implement it;
 * each method that writes several rows is one transaction.
 */
export interface Store {
  close(): Promise<void>;
  ping(): Promise<void>;
  /**
   * One bounded step of search-index upkeep (merging the small pieces each approval adds, which
   * every search would otherwise read one by one). Returns false when there is nothing left to do.
   */
  compactSearchIndex(): Promise<boolean>;

  getSetting(key: string): Promise<string | null>;
  /** Stores the value unless the key exists; returns the value now stored (first writer wins). */
  putSettingIfAbsent(key: string, value: string): Promise<string>;
  /** Stores the value, replacing any earlier one. */
  putSetting(key: string, value: string): Promise<void>;
  isEmpty(): Promise<boolean>;

  /** With an actor, the creation is audited in the same transaction (as for every other `actor`). */
  createDepartment(d: NewDepartment, actor?: Actor): Promise<Department>;
  updateDepartment(id: number, d: NewDepartment, actor: Actor): Promise<Department>;
  listDepartments(): Promise<Department[]>;
  createWindow(w: NewWindow, actor?: Actor): Promise<ServiceWindow>;
  updateWindow(id: number, w: NewWindow, actor: Actor): Promise<ServiceWindow>;
  findWindowById(id: number): Promise<ServiceWindow | null>;
  listWindows(departmentId?: number): Promise<ServiceWindow[]>;

  createStaff(s: NewStaff, actor?: Actor): Promise<Staff>;
  findStaffByUsername(username: string): Promise<Staff | null>;
  findStaffById(id: number): Promise<Staff | null>;
  listStaff(): Promise<Staff[]>;
  /** Changes an account; a change of role or deactivation ends its sessions and API tokens. Audited. */
  updateStaffAccount(id: number, a: StaffAccountChange, actor: Actor): Promise<Staff>;
  /** Sets a new password hash and ends every session and API token of the account. Audited. */
  setStaffPassword(id: number, passwordHash: string, actor: Actor): Promise<void>;
  listDemoStaff(): Promise<Staff[]>;

  createSession(s: SessionRecord): Promise<void>;
  findSession(id: string): Promise<SessionRecord | null>;
  touchSession(id: string, lastSeenAt: string): Promise<void>;
  deleteSession(id: string): Promise<void>;
  createApiToken(t: ApiTokenRecord): Promise<void>;
  findApiToken(id: string): Promise<ApiTokenRecord | null>;
  /** Tokens not expired at `activeAt`, newest first; of one account or (no staffId) of all. */
  listApiTokens(f: { staffId?: number; activeAt: string }): Promise<ApiTokenInfo[]>;
  /** Deletes the token (only if it belongs to `staffId`, when given); false if there was none. */
  deleteApiToken(id: string, staffId?: number): Promise<boolean>;

  /** Failed-login counters of these keys (absent keys are left out). */
  findLoginThrottles(keys: string[]): Promise<ThrottleState[]>;
  /**
   * Reads one key's counters (empty if absent), applies the pure `next` and stores the result, in
   * one transaction, so concurrent failures from several instances are all counted.
   */
  updateLoginThrottle(key: string, next: (prev: ThrottleState) => ThrottleState): Promise<ThrottleState>;
  /** Forgets a key's counters (successful login, or an administrator clearing a lock). */
  deleteLoginThrottle(key: string): Promise<boolean>;
  /** Keys locked at `now`, the longest lock first. */
  listLoginLocks(now: string): Promise<ThrottleState[]>;

  addAuthEvent(e: NewAuthEvent): Promise<void>;
  /** Newest first. */
  listAuthEvents(opts: { staffId?: number; kind?: AuthEventKind; limit: number; offset: number }): Promise<Page<AuthEvent>>;

  createItem(i: NewItem): Promise<Item>;
  findItemByCode(code: string): Promise<Item | null>;
  /** With `onDate`, `inForceOnly` also leaves out items whose cancellation took effect by that day. */
  listItems(opts: { inForceOnly: boolean; departmentId?: number; onDate?: string }): Promise<Item[]>;
  searchItems(s: ItemSearch): Promise<ItemSearchResult>;
  findItemGuide(code: string): Promise<ItemGuide | null>;
  /** Creates (no id) or replaces an item with its materials, steps, procedures, fees and laws. */
  saveItemGuide(input: ItemGuideInput, actor: Actor, id?: number): Promise<Item>;

  createLaw(l: NewLaw, actor?: Actor): Promise<Law>;
  updateLaw(id: number, l: NewLaw, actor: Actor): Promise<Law>;
  findLaw(id: number): Promise<Law | null>;
  listLaws(f: LawFilter): Promise<Page<Law>>;
  listItemsCitingLaw(lawId: number): Promise<{ code: string; name: string; articles: string; status: Item['status'] }[]>;

  /** Stores the file's record and sets it as the material's blank form or sample, together. */
  attachMaterialFile(materialId: number, slot: FileSlot, file: NewFile, actor: Actor): Promise<FileRecord>;
  findFile(id: number): Promise<FileRecord | null>;
  /** One cheap UPDATE per download. */
  countDownload(id: number): Promise<void>;
  /** The item a material belongs to, for permission checks. */
  findMaterialItem(materialId: number): Promise<{ materialId: number; itemCode: string; departmentId: number } | null>;

  createIntermediary(i: NewIntermediary, actor?: Actor): Promise<Intermediary>;
  updateIntermediary(id: number, i: NewIntermediary, actor: Actor): Promise<Intermediary>;
  findIntermediary(id: number): Promise<Intermediary | null>;
  listIntermediaries(): Promise<Intermediary[]>;

  createItemChange(c: NewItemChange, actor: Actor): Promise<ItemChange>;
  listItemChanges(opts: { itemId?: number; limit: number; offset: number }): Promise<Page<ItemChange>>;

  listAudit(opts: { entity?: string; limit: number; offset: number }): Promise<Page<AuditEntry>>;

  listCaseMaterials(caseId: number): Promise<{ materialId: number | null; name: string }[]>;

  /** Inserts the case and its first stage event (`submitted`) together. */
  registerCase(c: NewCase): Promise<Case>;
  findCaseByQueryNo(queryNo: string): Promise<Case | null>;
  listStageEvents(caseId: number): Promise<StageEvent[]>;
  /**
   * The public lookup's read: the case and its events without who handled them, in seq order, by one
   * statement (one snapshot, one round trip). Null for an unknown number.
   */
  findPublicCase(queryNo: string): Promise<PublicCaseRecord | null>;
  /** The hash of the case's last stage event: the head of its tamper-evident chain. */
  chainHead(caseId: number): Promise<string | null>;
  /**
   * Moves the case if its version is still `expectedVersion`, appending the stage event
   * (and the bulletin entry, if given) in one transaction. Throws StaleVersionError otherwise.
   */
  advanceCase(a: AdvanceCase): Promise<Case>;
  listCases(f: CaseFilter): Promise<Page<Case>>;

  /**
   * Cases whose clock may change with time or calendar (open ones), in id order from `afterId`;
   * `pendingOnly`: only those whose clock was never computed.
   */
  listOpenCasesForClock(
    afterId: number,
    limit: number,
    opts?: { pendingOnly?: boolean },
  ): Promise<{ case: Case; events: StageEvent[] }[]>;
  /** Saves recomputed clocks in one transaction; a case whose version moved on is skipped. Returns how many were saved. */
  saveCaseClocks(updates: ClockUpdate[]): Promise<number>;

  createExtensionRequest(r: NewExtensionRequest): Promise<ExtensionRequest>;
  findExtensionRequest(id: number): Promise<ExtensionRequest | null>;
  listExtensionRequests(f: { departmentId?: number; status?: ExtensionStatus; caseId?: number }): Promise<ExtensionRequest[]>;
  /** Marks the request approved and appends the extension event to the case (version checked), in one transaction. */
  approveExtension(a: ApproveExtension): Promise<Case>;
  refuseExtension(r: { requestId: number; decidedBy: number; at: string; decisionNote: string }): Promise<ExtensionRequest>;

  /** Adds messages not tied to an event (reminders); a repeated dedupeKey is ignored. Returns how many were added. */
  enqueueOutbox(caseId: number, messages: NewOutboxMessage[], at: string): Promise<number>;
  /** Leases up to `limit` due messages until `lockUntil`, so no other worker takes them meanwhile. */
  claimOutbox(now: string, lockUntil: string, limit: number): Promise<OutboxMessage[]>;
  markOutboxSent(id: number, at: string): Promise<void>;
  /** Records a failed attempt: retry at `nextAttemptAt`, or give up when it is null. */
  markOutboxFailed(id: number, error: string, nextAttemptAt: string | null): Promise<void>;
  listOutbox(caseId: number): Promise<OutboxMessage[]>;

  listCalendarOverrides(): Promise<CalendarOverrideRecord[]>;
  putCalendarOverride(o: CalendarOverrideRecord): Promise<void>;
  deleteCalendarOverride(date: string): Promise<boolean>;
  listCalendarYears(): Promise<CalendarYearRecord[]>;
  declareCalendarYear(y: CalendarYearRecord): Promise<void>;

  /** Newest decision first (decidedAt, then id, descending). */
  listBulletin(opts: BulletinListOptions): Promise<Page<BulletinEntry>>;
  findBulletinEntry(id: number): Promise<BulletinEntry | null>;

  /** The persisted site visit count (网上办事大厅累计访问量); 0 before the first write. */
  getSiteVisits(): Promise<number>;
  /** Adds `count` visits in one write and returns the new persisted total. */
  addSiteVisits(count: number): Promise<number>;
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

  /** Distinct cases that reached 准予许可 (stage 'approved') in [from, before). */
  countApprovals(range: { from: string; before: string }): Promise<number>;
  findDisclosureReport(year: number): Promise<DisclosureReportRecord | null>;
  /** Newest year first. */
  listDisclosureReports(): Promise<DisclosureReportRecord[]>;
  /** StaleVersionError if the version moved on (or the year was created meanwhile). */
  saveDisclosureReport(s: SaveDisclosureReport): Promise<DisclosureReportRecord>;
  submitDisclosureReport(s: SubmitDisclosureReport): Promise<{ report: DisclosureReportRecord; entry: DisclosureEntry }>;

  /** Inserts a draft and its 'create' event together; DuplicateKeyError('index_no') for a taken 索引号. */
  createDisclosureEntry(e: NewDisclosureEntry, actor: Actor): Promise<DisclosureEntry>;
  /** Saves new text (never the 索引号) with an 'edit' event; StaleVersionError if the version moved on. */
  updateDisclosureEntry(id: number, expectedVersion: number, fields: DisclosureFields, actor: Actor): Promise<DisclosureEntry>;
  /** Moves the status with its event in one transaction; sets 发布日期 when `to` is published. */
  moveDisclosureEntry(m: MoveDisclosureEntry): Promise<DisclosureEntry>;
  findDisclosureEntry(id: number): Promise<DisclosureEntry | null>;
  /** Newest first: by 发布日期, then last change. */
  listDisclosureEntries(f: DisclosureFilter): Promise<Page<DisclosureEntry>>;
  /** Published entries per category and Beijing year of publication, optionally only those published before an instant. */
  countPublishedDisclosures(f: { publishedBefore?: string }): Promise<{ category: string; year: number; count: number }[]>;
  /** Oldest first. */
  listDisclosureEvents(entryId: number): Promise<DisclosureEvent[]>;

  /**
   * 依申请公开 requests that matter to the annual report of a Beijing calendar year: received on or
   * before its last day and not closed before its first day (so those carried over are included).
   */
  listDisclosureRequestsForReport(year: number): Promise<RequestReportRow[]>;
  /** Fees charged in the year. */
  listDisclosureFeesForReport(year: number): Promise<RequestFeeRow[]>;
  /** 复议/诉讼 records filed on or before the year's last day and not decided before its first day. */
  listDisclosureReviewsForReport(year: number): Promise<RequestReviewRow[]>;

  /**
   * Inserts the request and its 'receive' event together. DuplicateQueryNoError when the number
   * is taken, by a request or by a case (one lookup page finds both).
   */
  createDisclosureRequest(r: NewDisclosureRequest): Promise<DisclosureRequest>;
  /**
   * One transaction: the stage and clock fields, the event, and (for a reply) the attachments.
   * StaleVersionError when the version or stage moved on; NotFoundError for an unknown id.
   */
  moveDisclosureRequest(m: MoveDisclosureRequest): Promise<DisclosureRequest>;
  /** Saves recomputed due dates of open requests (after a calendar change); no version bump, no event. */
  saveDisclosureRequestDueDates(updates: { id: number; version: number; dueOn: string | null }[]): Promise<number>;
  findDisclosureRequest(id: number): Promise<DisclosureRequest | null>;
  findDisclosureRequestByQueryNo(queryNo: string): Promise<DisclosureRequest | null>;
  /** Open ones first, by due date (earliest first, 待定 last), then closed ones newest first. */
  listDisclosureRequests(f: DisclosureRequestFilter): Promise<Page<DisclosureRequest>>;
  /** Open requests (received), for recomputing due dates. */
  listOpenDisclosureRequests(): Promise<DisclosureRequest[]>;
  /** Requests waiting for 补正 whose deadline is before `today`. */
  listExpiredSupplements(today: string): Promise<DisclosureRequest[]>;
  /** Oldest first. */
  listDisclosureRequestEvents(requestId: number): Promise<RequestEvent[]>;
  listDisclosureRequestFiles(requestId: number): Promise<RequestFile[]>;
  /** The fee and a 'fee' event in one transaction. */
  addDisclosureRequestFee(f: NewRequestFee, actor: Actor): Promise<RequestFee>;
  listDisclosureRequestFees(requestId: number): Promise<RequestFee[]>;
  /** The record and a 'review' event in one transaction. */
  addDisclosureRequestReview(r: NewRequestReview, actor: Actor): Promise<RequestReview>;
  /** Outcome and decided date (and note); StaleVersionError if the version moved on. */
  updateDisclosureRequestReview(
    id: number,
    expectedVersion: number,
    u: { outcome: ReviewOutcome; decidedOn: string | null; note: string },
    actor: Actor,
  ): Promise<RequestReview>;
  findDisclosureRequestReview(id: number): Promise<RequestReview | null>;
  listDisclosureRequestReviews(requestId: number): Promise<RequestReview[]>;

  /**
   * Attaches a file to a catalog entry whose status is one of `editableStatuses` (checked in the
   * transaction); ConflictError otherwise.
   */
  attachDisclosureEntryFile(entryId: number, file: NewFile, editableStatuses: readonly DisclosureStatus[], actor: Actor): Promise<FileRecord>;
  /** Unlinks it (the bytes stay for the audit trail); false when it was not attached. */
  removeDisclosureEntryFile(entryId: number, fileId: number, editableStatuses: readonly DisclosureStatus[], actor: Actor): Promise<boolean>;
  listDisclosureEntryFiles(entryId: number): Promise<FileRecord[]>;
  /**
   * Files the public download route must not serve: reply attachments of requests, and files of
   * catalog entries none of which is published.
   */
  isNonPublicFile(fileId: number): Promise<boolean>;
}
