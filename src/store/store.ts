import type {
  BulletinEntry,
  Case,
  Department,
  Item,
  Page,
  Role,
  ServiceWindow,
  Staff,
  StageEvent,
} from '../domain/model';
import type { ApplicantKind } from '../domain/masking';
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
}

export interface NewCase {
  queryNo: string;
  itemId: number;
  departmentId: number;
  applicant: { name: string; kind: ApplicantKind; idNumber: string; phone: string };
  projectName: string | null;
  note: string | null;
  registeredBy: number;
  at: string;
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
  /** Present when the move is a decision: stored on the case in the same transaction. */
  decision?: { decisionNo: string | null; decidedAt: string };
  /** Present when an approval must be published (第四十条): written in the same transaction. */
  bulletin?: NewBulletinEntry;
}

export interface CaseFilter {
  departmentId?: number;
  stage?: Stage;
  itemId?: number;
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

  /** Newest decision first (decidedAt, then id, descending). */
  listBulletin(opts: BulletinListOptions): Promise<Page<BulletinEntry>>;
  findBulletinEntry(id: number): Promise<BulletinEntry | null>;

  /** The persisted site visit count (网上办事大厅累计访问量); 0 before the first write. */
  getSiteVisits(): Promise<number>;
  /** Adds `count` visits in one write and returns the new persisted total. */
  addSiteVisits(count: number): Promise<number>;
}
