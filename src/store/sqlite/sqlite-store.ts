import Database from 'better-sqlite3';
import { BackgroundCheckpoints, type CheckpointOptions } from './checkpoints';
import { rowBuilder } from './row-builder';
import { UnchangedCache } from './unchanged-cache';
import fs from 'node:fs';
import path from 'node:path';
import { diffFields, type FileSlot, type ItemGuide } from '../../domain/catalog';
import { ConflictError, NotFoundError, StaleVersionError } from '../../domain/errors';
import type { AuditEntry, FileRecord, Intermediary, ItemChange, Law } from '../../domain/catalog';
import type { Evaluation, Rectification } from '../../domain/evaluation';
import type { Stage } from '../../domain/stages';
import type {
  BulletinEntry,
  CalendarOverrideRecord,
  CalendarYearRecord,
  Case,
  Department,
  ExtensionRequest,
  ExtensionStatus,
  Item,
  OutboxMessage,
  Page,
  ServiceWindow,
  Staff,
  StageEvent,
} from '../../domain/model';
import { MIGRATIONS_DIR } from '../../paths';
import { eventHash, type HashedEventContent } from '../../domain/event-hash';
import { CENTER_OFFICE_ROLES } from '../../domain/model';
import type { DisclosureEntry, DisclosureEvent, DisclosureStatus } from '../../domain/disclosure';
import {
  nextRequestStage,
  type DisclosureRequest,
  type RequestAction,
  type RequestEvent,
  type RequestFee,
  type RequestFeeRow,
  type RequestReportRow,
  type RequestReview,
  type RequestReviewRow,
  type RequestStage,
  type ReviewOutcome,
} from '../../domain/disclosure-request';
import {
  toDisclosureRequest,
  toRequestEvent,
  toRequestFee,
  toRequestFeeRow,
  toRequestReportRow,
  toRequestReview,
  toRequestReviewRow,
} from './disclosure-request-rows';
import { migrateSqlite } from '../migrate';
import {
  DuplicateKeyError,
  DuplicateEvaluationError,
  DuplicateQueryNoError,
  type CaseStatistics,
  type DecisionCountRow,
  type DecisionDuration,
  type EvaluationCountRow,
  type NewEvaluation,
  type RectificationFilter,
  type StatsScope,
  PendingExtensionExistsError,
  type Actor,
  type AdvanceCase,
  type ApproveExtension,
  type ClockUpdate,
  type ItemGuideInput,
  type ItemSearch,
  type ItemSearchResult,
  type LawFilter,
  type NewExtensionRequest,
  type StaffAccountChange,
  type NewOutboxMessage,
  type NewFile,
  type NewIntermediary,
  type NewItemChange,
  type NewLaw,
  type ApiTokenRecord,
  type ApiTokenInfo,
  type AuthEvent,
  type AuthEventKind,
  type NewAuthEvent,
  type BulletinListOptions,
  type CaseFilter,
  type NewCase,
  type NewDepartment,
  type NewItem,
  type NewStaff,
  type NewWindow,
  type SessionRecord,
  type Store,
  type DisclosureFields,
  type DisclosureFilter,
  type DisclosureRequestFilter,
  type MoveDisclosureRequest,
  type NewDisclosureRequest,
  type NewRequestFee,
  type NewRequestReview,
  type RequestFile,
  type MoveDisclosureEntry,
  type DisclosureReportRecord,
  type SaveDisclosureReport,
  type SubmitDisclosureReport,
  type NewDisclosureEntry,
  PublicCaseRecord,
} from '../store';
import {
  BULLETIN_COLUMNS,
  BULLETIN_JOINS,
  CLOCK_ASSIGNMENTS,
  CLOCK_RANK,
  clockParams,
  EXTENSION_COLUMNS,
  EXTENSION_JOINS,
  toExtensionRequest,
  toOutboxMessage,
  CASE_COLUMNS,
  CASE_COLUMNS_NO_JOIN,
  CASE_JOINS,
  ITEM_COLUMNS,
  ITEM_COLUMNS_NO_JOIN,
  toBulletinEntry,
  freezeBulletinEntry,
  toCase,
  toDepartment,
  toItem,
  toStaff,
  toStageEvent,
  toPublicCaseRecord,
  PUBLIC_EVENT_JSON_FIELDS,
  toWindow,
  toSessionRecord,
  ITEM_CHANGE_COLUMNS,
  ITEM_CHANGE_JOINS,
  MATERIAL_COLUMNS,
  MATERIAL_JOINS,
  toAuditEntry,
  toFile,
  toIntermediary,
  toItemChange,
  toItemDetails,
  toLaw,
  toMaterial,
  RECTIFICATION_COLUMNS,
  RECTIFICATION_JOINS,
  toEvaluation,
  toRectification,
  toDisclosureEntry,
  toDisclosureReport,
  toDisclosureEvent,
} from './rows';
import { emptyThrottle, type ThrottleState } from '../../domain/login-throttle';
import { bulletinOrderKey, instantKey, KEY_MAX, KEY_MIN, matchExpression, registerSearchFunctions } from './search-index';

type Row = Record<string, unknown>;

const toThrottleState = (r: Row): ThrottleState => ({
  key: r.key as string,
  failures: r.failures as number,
  windowStart: (r.window_start as string | null) ?? null,
  lockedUntil: (r.locked_until as string | null) ?? null,
  lockLevel: r.lock_level as number,
  lastFailureAt: (r.last_failure_at as string | null) ?? null,
});

/** Staff with the effective role: a center-office role from staff_roles wins over the placeholder. */
const STAFF_SELECT = `SELECT s.id, s.username, s.display_name, COALESCE(sr.role, s.role) AS role, s.department_id,
  s.window_id, s.password_hash, s.is_demo, s.active FROM staff s LEFT JOIN staff_roles sr ON sr.staff_id = s.id`;

export interface SqliteStoreOptions {
  file: string;
  migrationsDir?: string;
}

export function openSqliteDatabase(file: string): Database.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives an application crash; only an OS crash or power loss
  // can drop the last transactions, never corrupt the database.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 16 MB of page cache (SQLite's default is 2 MB): room for the interior pages of the hot b-trees at a
  // million cases, so a random lookup reads only leaves from the OS (docs/performance.md).
  db.pragma('cache_size = -16384');
  registerSearchFunctions(db);
  return db;
}

/** Pages of up to this many bulletin entries are kept (UnchangedCache); an export batch is not. */
const BULLETIN_CACHED_PAGE_ROWS = 100;

/** A reading statement in raw mode (arrays), with the builder of its row objects (row-builder.ts). */
type Reader = { stmt: Database.Statement; row: (values: readonly unknown[]) => Row };

export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();
  private readonly readers = new Map<string, Reader>();
  /**
   * Bulletin match counts and pages, kept while the database is unchanged (dataVersion). When results
   * come out the same searches arrive again and again; a write anywhere starts them afresh.
   */
  private readonly bulletinCounts = new UnchangedCache<number>();
  private readonly bulletinPages = new UnchangedCache<readonly BulletinEntry[]>();

  constructor(opts: SqliteStoreOptions) {
    this.db = openSqliteDatabase(opts.file);
    migrateSqlite(this.db, opts.migrationsDir ?? MIGRATIONS_DIR);
    if (this.db.prepare("SELECT 1 FROM pragma_table_info('stage_events') WHERE name = 'hash'").get()) this.sealUnhashedEvents();
  }

  /** Prepared once per SQL text, reused afterwards. */
  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  private reader(sql: string): Reader {
    let r = this.readers.get(sql);
    if (!r) {
      const stmt = this.db.prepare(sql).raw(true);
      r = { stmt, row: rowBuilder(stmt.columns().map((c) => c.name)) };
      this.readers.set(sql, r);
    }
    return r;
  }

  private get<T>(sql: string, map: (r: Row) => T, ...params: unknown[]): T | null {
    const r = this.reader(sql);
    const values = r.stmt.get(...params) as unknown[] | undefined;
    return values ? map(r.row(values)) : null;
  }

  private all<T>(sql: string, map: (r: Row) => T, ...params: unknown[]): T[] {
    const r = this.reader(sql);
    return (r.stmt.all(...params) as unknown[][]).map((values) => map(r.row(values)));
  }

  async close(): Promise<void> {
    await this.checkpoints?.stop();
    if (this.db.open) this.db.close();
  }

  private checkpoints: BackgroundCheckpoints | undefined;

  /** The server's WAL checkpoints, off the request thread (checkpoints.ts); a no-op in memory. */
  startBackgroundCheckpoints(opts: CheckpointOptions = {}): BackgroundCheckpoints | undefined {
    if (this.db.memory || this.checkpoints) return this.checkpoints;
    this.checkpoints = new BackgroundCheckpoints(this.db, opts);
    return this.checkpoints;
  }

  async ping(): Promise<void> {
    this.stmt('SELECT 1').get();
  }

  async compactSearchIndex(): Promise<boolean> {
    // FTS5 'merge' of about 64 pages (a few ms); negative: every level counts, so repeated steps end in one
    // b-tree, as 'optimize' would, without one long pause. Fewer than 2 changes: nothing was left to merge.
    const before = this.db.prepare('SELECT total_changes() AS n').pluck().get() as number;
    this.stmt("INSERT INTO bulletin_search (bulletin_search, rank) VALUES ('merge', -64)").run();
    const after = this.db.prepare('SELECT total_changes() AS n').pluck().get() as number;
    return after - before >= 2;
  }

  async getSetting(key: string): Promise<string | null> {
    return this.get('SELECT value FROM settings WHERE key = ?', (r) => r.value as string, key);
  }

  async putSettingIfAbsent(key: string, value: string): Promise<string> {
    this.stmt('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
    return (await this.getSetting(key)) as string;
  }

  async putSetting(key: string, value: string): Promise<void> {
    this.stmt('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async isEmpty(): Promise<boolean> {
    const r = this.stmt('SELECT (SELECT COUNT(*) FROM staff) + (SELECT COUNT(*) FROM items) AS n').get() as {
      n: number;
    };
    return r.n === 0;
  }

  /** Writes the audit entry for a change (inside the caller's transaction); a no-op update is not logged. */
  private audit(
    actor: Actor | undefined,
    entity: string,
    entityId: number,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): void {
    if (!actor) return;
    const changes = diffFields(before, after);
    const action = before === null ? 'create' : after === null ? 'delete' : 'update';
    if (action === 'update' && Object.keys(changes).length === 0) return;
    this.stmt(
      'INSERT INTO audit_log (at, staff_id, entity, entity_id, action, changes) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(actor.at, actor.staffId, entity, entityId, action, JSON.stringify(changes));
  }

  /** Runs `fn` in one IMMEDIATE transaction, turning unique violations into DuplicateKeyError. */
  private write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof e.message === 'string') {
        const m = /UNIQUE constraint failed: \w+\.(\w+)/.exec(e.message);
        throw new DuplicateKeyError(m ? m[1] : 'code');
      }
      throw err;
    }
  }

  private departmentById(id: number): Department | null {
    return this.get('SELECT * FROM departments WHERE id = ?', toDepartment, id);
  }

  async createDepartment(d: NewDepartment, actor?: Actor): Promise<Department> {
    return this.write(() => {
      const info = this.stmt('INSERT INTO departments (code, name) VALUES (?, ?)').run(d.code, d.name);
      const created = { id: Number(info.lastInsertRowid), code: d.code, name: d.name };
      this.audit(actor, 'department', created.id, null, { code: d.code, name: d.name });
      return created;
    });
  }

  async updateDepartment(id: number, d: NewDepartment, actor: Actor): Promise<Department> {
    return this.write(() => {
      const before = this.departmentById(id);
      if (!before) throw new NotFoundError('department_not_found', '没有这个部门');
      this.stmt('UPDATE departments SET code = ?, name = ? WHERE id = ?').run(d.code, d.name, id);
      const after = this.departmentById(id) as Department;
      this.audit(actor, 'department', id, { code: before.code, name: before.name }, { code: after.code, name: after.name });
      return after;
    });
  }

  async listDepartments(): Promise<Department[]> {
    return this.all('SELECT * FROM departments ORDER BY code', toDepartment);
  }

  async createWindow(w: NewWindow, actor?: Actor): Promise<ServiceWindow> {
    return this.write(() => {
      const info = this.stmt('INSERT INTO windows (department_id, code, name, location) VALUES (?, ?, ?, ?)').run(
        w.departmentId,
        w.code,
        w.name,
        w.location,
      );
      const created = { id: Number(info.lastInsertRowid), departmentId: w.departmentId, code: w.code, name: w.name, location: w.location };
      const { id: _id, ...after } = created;
      this.audit(actor, 'window', created.id, null, after);
      return created;
    });
  }

  async updateWindow(id: number, w: NewWindow, actor: Actor): Promise<ServiceWindow> {
    return this.write(() => {
      const before = this.get('SELECT * FROM windows WHERE id = ?', toWindow, id);
      if (!before) throw new NotFoundError('window_not_found', '没有这个窗口');
      this.stmt('UPDATE windows SET department_id = ?, code = ?, name = ?, location = ? WHERE id = ?').run(
        w.departmentId,
        w.code,
        w.name,
        w.location,
        id,
      );
      const after = this.get('SELECT * FROM windows WHERE id = ?', toWindow, id) as ServiceWindow;
      const { id: _a, ...b } = before;
      const { id: _b, ...a } = after;
      this.audit(actor, 'window', id, b, a);
      return after;
    });
  }

  async findWindowById(id: number): Promise<ServiceWindow | null> {
    return this.get('SELECT * FROM windows WHERE id = ?', toWindow, id);
  }

  async listWindows(departmentId?: number): Promise<ServiceWindow[]> {
    return departmentId === undefined
      ? this.all('SELECT * FROM windows ORDER BY code', toWindow)
      : this.all('SELECT * FROM windows WHERE department_id = ? ORDER BY code', toWindow, departmentId);
  }

  /**
   * The center-office roles (migration 007) are stored in staff_roles; staff.role, whose CHECK
   * cannot be widened in SQLite, holds 'admin' only as a placeholder that satisfies
   * staff_department_ck (no department). Every staff read goes through STAFF_SELECT, which puts
   * the staff_roles value first, so the placeholder is never seen outside this adapter.
   */
  async createStaff(s: NewStaff, actor?: Actor): Promise<Staff> {
    const officeRole = CENTER_OFFICE_ROLES.includes(s.role);
    const id = this.write(() => {
      const info = this.stmt(
        `INSERT INTO staff (username, display_name, role, department_id, window_id, password_hash, is_demo)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(s.username, s.displayName, officeRole ? 'admin' : s.role, s.departmentId, s.windowId, s.passwordHash, s.isDemo ? 1 : 0);
      const staffId = Number(info.lastInsertRowid);
      if (officeRole) this.stmt('INSERT INTO staff_roles (staff_id, role) VALUES (?, ?)').run(staffId, s.role);
      this.audit(actor, 'staff', staffId, null, {
        username: s.username,
        displayName: s.displayName,
        role: s.role,
        departmentId: s.departmentId,
        windowId: s.windowId,
      });
      return staffId;
    });
    return (await this.findStaffById(id)) as Staff;
  }

  async listStaff(): Promise<Staff[]> {
    return this.all(`${STAFF_SELECT} ORDER BY s.active DESC, s.username`, toStaff);
  }

  private endSessionsOf(staffId: number): void {
    this.stmt('DELETE FROM sessions WHERE staff_id = ?').run(staffId);
    this.stmt('DELETE FROM api_tokens WHERE staff_id = ?').run(staffId);
  }

  async updateStaffAccount(id: number, a: StaffAccountChange, actor: Actor): Promise<Staff> {
    const before = await this.findStaffById(id);
    if (!before) throw new NotFoundError('staff_not_found', '没有这个账号');
    const officeRole = CENTER_OFFICE_ROLES.includes(a.role);
    this.write(() => {
      this.stmt(
        'UPDATE staff SET display_name = ?, role = ?, department_id = ?, window_id = ?, active = ? WHERE id = ?',
      ).run(a.displayName, officeRole ? 'admin' : a.role, a.departmentId, a.windowId, a.active ? 1 : 0, id);
      this.stmt('DELETE FROM staff_roles WHERE staff_id = ?').run(id);
      if (officeRole) this.stmt('INSERT INTO staff_roles (staff_id, role) VALUES (?, ?)').run(id, a.role);
      if (before.role !== a.role || before.departmentId !== a.departmentId || (before.active && !a.active)) this.endSessionsOf(id);
      const view = (s: StaffAccountChange) => ({
        displayName: s.displayName,
        role: s.role,
        departmentId: s.departmentId,
        windowId: s.windowId,
        active: s.active,
      });
      this.audit(actor, 'staff', id, view(before), view(a));
    });
    return (await this.findStaffById(id)) as Staff;
  }

  async setStaffPassword(id: number, passwordHash: string, actor: Actor): Promise<void> {
    this.write(() => {
      if (this.stmt('UPDATE staff SET password_hash = ? WHERE id = ?').run(passwordHash, id).changes !== 1) {
        throw new NotFoundError('staff_not_found', '没有这个账号');
      }
      this.endSessionsOf(id);
      this.audit(actor, 'staff', id, { password: '' }, { password: '已更改' });
    });
  }

  async findStaffByUsername(username: string): Promise<Staff | null> {
    return this.get(`${STAFF_SELECT} WHERE s.username = ?`, toStaff, username);
  }

  async findStaffById(id: number): Promise<Staff | null> {
    return this.get(`${STAFF_SELECT} WHERE s.id = ?`, toStaff, id);
  }

  async listDemoStaff(): Promise<Staff[]> {
    return this.all(`${STAFF_SELECT} WHERE s.is_demo = 1 ORDER BY s.id`, toStaff);
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.stmt(
      `INSERT INTO sessions (id, staff_id, csrf_token, created_at, last_seen_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(s.id, s.staffId, s.csrfToken, s.createdAt, s.lastSeenAt, s.expiresAt);
  }

  async findSession(id: string): Promise<SessionRecord | null> {
    return this.get('SELECT * FROM sessions WHERE id = ?', toSessionRecord, id);
  }

  async touchSession(id: string, lastSeenAt: string): Promise<void> {
    this.stmt('UPDATE sessions SET last_seen_at = ? WHERE id = ?').run(lastSeenAt, id);
  }

  async deleteSession(id: string): Promise<void> {
    this.stmt('DELETE FROM sessions WHERE id = ?').run(id);
  }

  async createApiToken(t: ApiTokenRecord): Promise<void> {
    this.stmt('INSERT INTO api_tokens (id, staff_id, expires_at, created_at) VALUES (?, ?, ?, ?)').run(
      t.id,
      t.staffId,
      t.expiresAt,
      t.createdAt ?? '',
    );
  }

  async listApiTokens(f: { staffId?: number; activeAt: string }): Promise<ApiTokenInfo[]> {
    return this.all(
      `SELECT t.id, t.staff_id, t.created_at, t.expires_at, s.username, s.display_name FROM api_tokens t
       JOIN staff s ON s.id = t.staff_id WHERE t.expires_at > ? AND (? IS NULL OR t.staff_id = ?)
       ORDER BY t.created_at DESC, t.expires_at DESC`,
      (r) => ({
        id: r.id as string,
        staffId: r.staff_id as number,
        username: r.username as string,
        staffName: r.display_name as string,
        createdAt: r.created_at as string,
        expiresAt: r.expires_at as string,
      }),
      f.activeAt,
      f.staffId ?? null,
      f.staffId ?? null,
    );
  }

  async deleteApiToken(id: string, staffId?: number): Promise<boolean> {
    return this.stmt('DELETE FROM api_tokens WHERE id = ? AND (? IS NULL OR staff_id = ?)').run(id, staffId ?? null, staffId ?? null).changes > 0;
  }

  async findLoginThrottles(keys: string[]): Promise<ThrottleState[]> {
    if (keys.length === 0) return [];
    return this.all(
      `SELECT * FROM login_throttle WHERE key IN (${keys.map(() => '?').join(', ')}) ORDER BY key`,
      toThrottleState,
      ...keys,
    );
  }

  async updateLoginThrottle(key: string, next: (prev: ThrottleState) => ThrottleState): Promise<ThrottleState> {
    return this.write(() => {
      const prev = this.get('SELECT * FROM login_throttle WHERE key = ?', toThrottleState, key) ?? emptyThrottle(key);
      const s = { ...next(prev), key };
      this.stmt(
        `INSERT INTO login_throttle (key, failures, window_start, locked_until, lock_level, last_failure_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
         window_start = excluded.window_start, locked_until = excluded.locked_until,
         lock_level = excluded.lock_level, last_failure_at = excluded.last_failure_at`,
      ).run(key, s.failures, s.windowStart, s.lockedUntil, s.lockLevel, s.lastFailureAt);
      return s;
    });
  }

  async deleteLoginThrottle(key: string): Promise<boolean> {
    return this.stmt('DELETE FROM login_throttle WHERE key = ?').run(key).changes > 0;
  }

  async listLoginLocks(now: string): Promise<ThrottleState[]> {
    return this.all('SELECT * FROM login_throttle WHERE locked_until > ? ORDER BY locked_until DESC, key', toThrottleState, now);
  }

  async addAuthEvent(e: NewAuthEvent): Promise<void> {
    this.stmt('INSERT INTO auth_events (at, kind, staff_id, username, ip, actor_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      e.at,
      e.kind,
      e.staffId,
      e.username.slice(0, 50),
      e.ip.slice(0, 100),
      e.actorId ?? null,
      e.detail ?? '',
    );
  }

  async listAuthEvents(opts: { staffId?: number; kind?: AuthEventKind; limit: number; offset: number }): Promise<Page<AuthEvent>> {
    const staffId = opts.staffId ?? null;
    const kind = opts.kind ?? null;
    const where = '(? IS NULL OR e.staff_id = ?) AND (? IS NULL OR e.kind = ?)';
    const { n } = this.stmt(`SELECT COUNT(*) AS n FROM auth_events e WHERE ${where}`).get(staffId, staffId, kind, kind) as { n: number };
    const rows = this.all(
      `SELECT e.*, s.display_name AS staff_name, a.display_name AS actor_name FROM auth_events e
       LEFT JOIN staff s ON s.id = e.staff_id LEFT JOIN staff a ON a.id = e.actor_id
       WHERE ${where} ORDER BY e.id DESC LIMIT ? OFFSET ?`,
      (r) => ({
        id: r.id as number,
        at: r.at as string,
        kind: r.kind as AuthEventKind,
        staffId: (r.staff_id as number | null) ?? null,
        staffName: (r.staff_name as string | null) ?? null,
        username: r.username as string,
        ip: r.ip as string,
        actorId: (r.actor_id as number | null) ?? null,
        actorName: (r.actor_name as string | null) ?? null,
        detail: r.detail as string,
      }),
      staffId,
      staffId,
      kind,
      kind,
      opts.limit,
      opts.offset,
    );
    return { rows, total: n };
  }

  async findApiToken(id: string): Promise<ApiTokenRecord | null> {
    return this.get(
      'SELECT * FROM api_tokens WHERE id = ?',
      (r) => ({ id: r.id as string, staffId: r.staff_id as number, expiresAt: r.expires_at as string, createdAt: r.created_at as string }),
      id,
    );
  }

  async createItem(i: NewItem): Promise<Item> {
    this.stmt(
      `INSERT INTO items (code, name, category, department_id, statutory_days, promised_days, results_public,
         result_validity, status, joint_handling, item_type, case_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      i.code,
      i.name,
      i.category,
      i.departmentId,
      i.statutoryDays,
      i.promisedDays,
      i.resultsPublic ? 1 : 0,
      i.resultValidity,
      i.status,
      i.jointHandling ? 1 : 0,
      i.itemType ?? '行政许可',
      i.caseType ?? '承诺件',
    );
    return (await this.findItemByCode(i.code)) as Item;
  }

  async findItemByCode(code: string): Promise<Item | null> {
    return this.get(
      `SELECT ${ITEM_COLUMNS_NO_JOIN} FROM items i WHERE i.code = ?`,
      toItem,
      code,
    );
  }

  async listItems(opts: { inForceOnly: boolean; departmentId?: number; onDate?: string }): Promise<Item[]> {
    const onDate = opts.inForceOnly ? (opts.onDate ?? null) : null;
    return this.all(
      `SELECT ${ITEM_COLUMNS} FROM items i JOIN departments d ON d.id = i.department_id
       WHERE (? = 0 OR i.status = 'in_force') AND (? IS NULL OR i.department_id = ?)
         AND (? IS NULL OR NOT EXISTS (SELECT 1 FROM item_changes x
              WHERE x.item_id = i.id AND x.kind = 'cancel' AND x.effective_date <= ?))
       ORDER BY d.code, i.code`,
      toItem,
      opts.inForceOnly ? 1 : 0,
      opts.departmentId ?? null,
      opts.departmentId ?? null,
      onDate,
      onDate,
    );
  }

  async searchItems(q: ItemSearch): Promise<ItemSearchResult> {
    const where = [
      "i.status = 'in_force'",
      "NOT EXISTS (SELECT 1 FROM item_changes x WHERE x.item_id = i.id AND x.kind = 'cancel' AND x.effective_date <= ?)",
    ];
    const params: unknown[] = [q.onDate];
    for (const term of q.terms) {
      // The trigram index needs 3+ characters; a shorter term scans the (small) items table.
      if ([...term].length >= 3) {
        where.push('i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)');
        params.push(`"${term.replace(/"/g, '""')}"`);
      } else {
        where.push(anyColumnContains(['i.name', 'i.code'], term, params));
      }
    }
    const base = `FROM items i JOIN departments d ON d.id = i.department_id WHERE ${where.join(' AND ')}`;
    const byDepartment = (
      this.stmt(`SELECT d.id, d.code, d.name, COUNT(*) AS n ${base} GROUP BY d.id, d.code, d.name ORDER BY d.code`).all(
        ...params,
      ) as Row[]
    ).map((r) => ({ id: r.id as number, code: r.code as string, name: r.name as string, count: r.n as number }));
    const byCategory = (
      this.stmt(`SELECT i.category, COUNT(*) AS n ${base} GROUP BY i.category ORDER BY n DESC, i.category`).all(
        ...params,
      ) as Row[]
    ).map((r) => ({ category: r.category as string, count: r.n as number }));
    const filtered = `${base} AND (? IS NULL OR i.department_id = ?) AND (? IS NULL OR i.category = ?)`;
    const fParams = [...params, q.departmentId ?? null, q.departmentId ?? null, q.category ?? null, q.category ?? null];
    const total = (this.stmt(`SELECT COUNT(*) AS n ${filtered}`).get(...fParams) as { n: number }).n;
    const rows = this.all(
      `SELECT ${ITEM_COLUMNS} ${filtered} ORDER BY d.code, i.code LIMIT ? OFFSET ?`,
      toItem,
      ...fParams,
      q.limit,
      q.offset,
    );
    return { rows, total, byDepartment, byCategory };
  }

  private itemById(id: number): Item | null {
    return this.get(`SELECT ${ITEM_COLUMNS_NO_JOIN} FROM items i WHERE i.id = ?`, toItem, id);
  }

  private guideById(id: number): ItemGuide | null {
    const item = this.itemById(id);
    if (!item) return null;
    const details = this.get('SELECT * FROM items WHERE id = ?', toItemDetails, id)!;
    const window =
      details.windowId !== null
        ? this.get('SELECT * FROM windows WHERE id = ?', toWindow, details.windowId)
        : this.get('SELECT * FROM windows WHERE department_id = ? ORDER BY code LIMIT 1', toWindow, item.departmentId);
    return {
      item,
      details,
      window,
      materials: this.all(
        `SELECT ${MATERIAL_COLUMNS} FROM item_materials m ${MATERIAL_JOINS} WHERE m.item_id = ? ORDER BY m.seq, m.id`,
        toMaterial,
        id,
      ),
      steps: this.all('SELECT name, description FROM item_steps WHERE item_id = ? ORDER BY seq', (r) => ({
        name: r.name as string,
        description: r.description as string,
      }), id),
      specialProcedures: this.all(
        'SELECT * FROM item_special_procedures WHERE item_id = ? ORDER BY seq',
        (r) => ({ name: r.name as string, duration: r.duration as string, counted: r.counted === 1, basis: r.basis as string }),
        id,
      ),
      fees: this.all(
        'SELECT * FROM item_fees WHERE item_id = ? ORDER BY seq',
        (r) => ({ name: r.name as string, standard: r.standard as string, basis: r.basis as string }),
        id,
      ),
      laws: this.all(
        'SELECT l.*, il.articles AS cited FROM item_laws il JOIN laws l ON l.id = il.law_id WHERE il.item_id = ? ORDER BY il.seq',
        (r) => ({ law: toLaw(r), articles: r.cited as string }),
        id,
      ),
      changes: this.all(
        `SELECT ${ITEM_CHANGE_COLUMNS} FROM item_changes ch ${ITEM_CHANGE_JOINS} WHERE ch.item_id = ?
         ORDER BY ch.effective_date DESC, ch.id DESC`,
        toItemChange,
        id,
      ),
      intermediaries: this.all(
        `SELECT m.id, m.name FROM intermediary_items x JOIN intermediaries m ON m.id = x.intermediary_id
         WHERE x.item_id = ? ORDER BY m.name`,
        (r) => ({ id: r.id as number, name: r.name as string }),
        id,
      ),
    };
  }

  /** The audited view of an item: every field an editor can change. */
  private itemSnapshot(id: number): Record<string, unknown> | null {
    const g = this.guideById(id);
    if (!g) return null;
    const i = g.item;
    return {
      code: i.code,
      name: i.name,
      category: i.category,
      departmentId: i.departmentId,
      statutoryDays: i.statutoryDays,
      promisedDays: i.promisedDays,
      resultsPublic: i.resultsPublic,
      resultValidity: i.resultValidity,
      status: i.status,
      itemType: i.itemType,
      caseType: i.caseType,
      ...g.details,
      materials: g.materials.map((m) => ({ name: m.name, form: m.form, copies: m.copies, required: m.required, note: m.note })),
      steps: g.steps,
      specialProcedures: g.specialProcedures,
      fees: g.fees,
      laws: g.laws.map((l) => ({ lawId: l.law.id, articles: l.articles })),
    };
  }

  async findItemGuide(code: string): Promise<ItemGuide | null> {
    const row = this.stmt('SELECT id FROM items WHERE code = ?').get(code) as { id: number } | undefined;
    return row ? this.guideById(row.id) : null;
  }

  async saveItemGuide(input: ItemGuideInput, actor: Actor, id?: number): Promise<Item> {
    const i = input.item;
    const d = input.details;
    const itemValues = [
      i.code, i.name, i.category, i.departmentId, i.statutoryDays, i.promisedDays, i.resultsPublic ? 1 : 0,
      i.resultValidity, i.status, i.itemType, i.caseType, d.conditions, d.windowId, d.serviceHours, d.consultPhone,
      d.complaintPhone, d.visits, d.feeNote,
    ];
    return this.write(() => {
      let itemId: number;
      let before: Record<string, unknown> | null = null;
      if (id === undefined) {
        const info = this.stmt(
          `INSERT INTO items (code, name, category, department_id, statutory_days, promised_days, results_public,
             result_validity, status, item_type, case_type, conditions, window_id, service_hours, consult_phone,
             complaint_phone, visits, fee_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(...itemValues);
        itemId = Number(info.lastInsertRowid);
      } else {
        before = this.itemSnapshot(id);
        if (!before) throw new NotFoundError('item_not_found', '没有这个审批事项');
        itemId = id;
        this.stmt(
          `UPDATE items SET code = ?, name = ?, category = ?, department_id = ?, statutory_days = ?, promised_days = ?,
             results_public = ?, result_validity = ?, status = ?, item_type = ?, case_type = ?, conditions = ?,
             window_id = ?, service_hours = ?, consult_phone = ?, complaint_phone = ?, visits = ?, fee_note = ?
           WHERE id = ?`,
        ).run(...itemValues, itemId);
      }
      const existing = new Set(
        (this.stmt('SELECT id FROM item_materials WHERE item_id = ?').all(itemId) as { id: number }[]).map((r) => r.id),
      );
      const kept = new Set<number>();
      input.materials.forEach((m, seq) => {
        if (m.id !== undefined && existing.has(m.id)) {
          kept.add(m.id);
          this.stmt('UPDATE item_materials SET seq = ?, name = ?, form = ?, copies = ?, required = ?, note = ? WHERE id = ?').run(
            seq, m.name, m.form, m.copies, m.required ? 1 : 0, m.note, m.id,
          );
        } else {
          this.stmt(
            'INSERT INTO item_materials (item_id, seq, name, form, copies, required, note) VALUES (?, ?, ?, ?, ?, ?, ?)',
          ).run(itemId, seq, m.name, m.form, m.copies, m.required ? 1 : 0, m.note);
        }
      });
      for (const old of existing) if (!kept.has(old)) this.stmt('DELETE FROM item_materials WHERE id = ?').run(old);
      for (const table of ['item_steps', 'item_special_procedures', 'item_fees', 'item_laws']) {
        this.stmt(`DELETE FROM ${table} WHERE item_id = ?`).run(itemId);
      }
      input.steps.forEach((st, seq) =>
        this.stmt('INSERT INTO item_steps (item_id, seq, name, description) VALUES (?, ?, ?, ?)').run(itemId, seq, st.name, st.description),
      );
      input.specialProcedures.forEach((p, seq) =>
        this.stmt(
          'INSERT INTO item_special_procedures (item_id, seq, name, duration, counted, basis) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(itemId, seq, p.name, p.duration, p.counted ? 1 : 0, p.basis),
      );
      input.fees.forEach((f, seq) =>
        this.stmt('INSERT INTO item_fees (item_id, seq, name, standard, basis) VALUES (?, ?, ?, ?, ?)').run(itemId, seq, f.name, f.standard, f.basis),
      );
      input.laws.forEach((l, seq) =>
        this.stmt('INSERT INTO item_laws (item_id, law_id, seq, articles) VALUES (?, ?, ?, ?)').run(itemId, l.lawId, seq, l.articles),
      );
      this.audit(actor, 'item', itemId, before, this.itemSnapshot(itemId));
      return this.itemById(itemId) as Item;
    });
  }

  private lawById(id: number): Law | null {
    return this.get('SELECT * FROM laws WHERE id = ?', toLaw, id);
  }

  async createLaw(l: NewLaw, actor?: Actor): Promise<Law> {
    return this.write(() => {
      const info = this.stmt(
        `INSERT INTO laws (title, issuer, doc_no, level, effective_date, status, repealed_date, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(l.title, l.issuer, l.docNo, l.level, l.effectiveDate, l.status, l.repealedDate, l.body);
      const law = this.lawById(Number(info.lastInsertRowid)) as Law;
      const { id: _id, ...after } = law;
      this.audit(actor, 'law', law.id, null, after);
      return law;
    });
  }

  async updateLaw(id: number, l: NewLaw, actor: Actor): Promise<Law> {
    return this.write(() => {
      const before = this.lawById(id);
      if (!before) throw new NotFoundError('law_not_found', '没有这部法律法规');
      this.stmt(
        `UPDATE laws SET title = ?, issuer = ?, doc_no = ?, level = ?, effective_date = ?, status = ?, repealed_date = ?,
           body = ? WHERE id = ?`,
      ).run(l.title, l.issuer, l.docNo, l.level, l.effectiveDate, l.status, l.repealedDate, l.body, id);
      const after = this.lawById(id) as Law;
      const { id: _a, ...b } = before;
      const { id: _b, ...a } = after;
      this.audit(actor, 'law', id, b, a);
      return after;
    });
  }

  async findLaw(id: number): Promise<Law | null> {
    return this.lawById(id);
  }

  async listLaws(f: LawFilter): Promise<Page<Law>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.q) {
      where.push(anyColumnContains(['title', 'doc_no', 'issuer'], f.q, params));
    }
    if (f.level) {
      where.push('level = ?');
      params.push(f.level);
    }
    if (f.status) {
      where.push('status = ?');
      params.push(f.status);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.stmt(`SELECT COUNT(*) AS n FROM laws ${w}`).get(...params) as { n: number }).n;
    const rows = this.all(
      `SELECT * FROM laws ${w} ORDER BY effective_date DESC, id DESC LIMIT ? OFFSET ?`,
      toLaw,
      ...params,
      f.limit,
      f.offset,
    );
    return { rows, total };
  }

  async listItemsCitingLaw(lawId: number) {
    return this.all(
      `SELECT i.code, i.name, i.status, il.articles FROM item_laws il JOIN items i ON i.id = il.item_id
       WHERE il.law_id = ? ORDER BY i.code`,
      (r) => ({ code: r.code as string, name: r.name as string, articles: r.articles as string, status: r.status as Item['status'] }),
      lawId,
    );
  }

  private fileById(id: number): FileRecord | null {
    return this.get('SELECT * FROM files WHERE id = ?', (r) => toFile(r) as FileRecord, id);
  }

  async attachMaterialFile(materialId: number, slot: FileSlot, file: NewFile, actor: Actor): Promise<FileRecord> {
    const column = slot === 'blank' ? 'blank_file_id' : 'sample_file_id';
    return this.write(() => {
      const material = this.stmt(`SELECT id, ${column} AS previous FROM item_materials WHERE id = ?`).get(materialId) as
        | { id: number; previous: number | null }
        | undefined;
      if (!material) throw new NotFoundError('material_not_found', '没有这项申请材料');
      const info = this.stmt(
        `INSERT INTO files (storage_name, original_name, content_type, size_bytes, uploaded_by, uploaded_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(file.storageName, file.originalName, file.contentType, file.sizeBytes, actor.staffId, actor.at);
      const fileId = Number(info.lastInsertRowid);
      this.stmt(`UPDATE item_materials SET ${column} = ? WHERE id = ?`).run(fileId, materialId);
      this.audit(
        actor,
        'file',
        fileId,
        null,
        { materialId, slot, originalName: file.originalName, contentType: file.contentType, sizeBytes: file.sizeBytes, replaces: material.previous },
      );
      return this.fileById(fileId) as FileRecord;
    });
  }

  async findFile(id: number): Promise<FileRecord | null> {
    return this.fileById(id);
  }

  async countDownload(id: number): Promise<void> {
    this.stmt('UPDATE files SET download_count = download_count + 1 WHERE id = ?').run(id);
  }

  async findMaterialItem(materialId: number) {
    return this.get(
      'SELECT m.id, i.code, i.department_id FROM item_materials m JOIN items i ON i.id = m.item_id WHERE m.id = ?',
      (r) => ({ materialId: r.id as number, itemCode: r.code as string, departmentId: r.department_id as number }),
      materialId,
    );
  }

  private intermediaryById(id: number): Intermediary | null {
    const items = this.all(
      `SELECT i.id, i.code, i.name FROM intermediary_items x JOIN items i ON i.id = x.item_id
       WHERE x.intermediary_id = ? ORDER BY i.code`,
      (r) => ({ id: r.id as number, code: r.code as string, name: r.name as string }),
      id,
    );
    return this.get('SELECT * FROM intermediaries WHERE id = ?', (r) => toIntermediary(r, items), id);
  }

  private intermediarySnapshot(m: Intermediary | null): Record<string, unknown> | null {
    if (!m) return null;
    const { id: _id, items, ...rest } = m;
    return { ...rest, itemIds: items.map((i) => i.id) };
  }

  private writeIntermediary(id: number | undefined, m: NewIntermediary, actor: Actor | undefined): Intermediary {
    return this.write(() => {
      const values = [m.name, m.qualification, m.serviceScope, m.feeBasis, m.contactPerson, m.phone, m.address];
      let before: Intermediary | null = null;
      let mid: number;
      if (id === undefined) {
        const info = this.stmt(
          `INSERT INTO intermediaries (name, qualification, service_scope, fee_basis, contact_person, phone, address)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(...values);
        mid = Number(info.lastInsertRowid);
      } else {
        before = this.intermediaryById(id);
        if (!before) throw new NotFoundError('intermediary_not_found', '没有这家中介机构');
        mid = id;
        this.stmt(
          `UPDATE intermediaries SET name = ?, qualification = ?, service_scope = ?, fee_basis = ?, contact_person = ?,
             phone = ?, address = ? WHERE id = ?`,
        ).run(...values, mid);
        this.stmt('DELETE FROM intermediary_items WHERE intermediary_id = ?').run(mid);
      }
      for (const itemId of new Set(m.itemIds)) {
        this.stmt('INSERT INTO intermediary_items (intermediary_id, item_id) VALUES (?, ?)').run(mid, itemId);
      }
      const after = this.intermediaryById(mid) as Intermediary;
      this.audit(actor, 'intermediary', mid, this.intermediarySnapshot(before), this.intermediarySnapshot(after));
      return after;
    });
  }

  async createIntermediary(m: NewIntermediary, actor?: Actor): Promise<Intermediary> {
    return this.writeIntermediary(undefined, m, actor);
  }

  async updateIntermediary(id: number, m: NewIntermediary, actor: Actor): Promise<Intermediary> {
    return this.writeIntermediary(id, m, actor);
  }

  async findIntermediary(id: number): Promise<Intermediary | null> {
    return this.intermediaryById(id);
  }

  async listIntermediaries(): Promise<Intermediary[]> {
    const ids = this.stmt('SELECT id FROM intermediaries ORDER BY name, id').all() as { id: number }[];
    return ids.map((r) => this.intermediaryById(r.id) as Intermediary);
  }

  async createItemChange(c: NewItemChange, actor: Actor): Promise<ItemChange> {
    return this.write(() => {
      const info = this.stmt(
        `INSERT INTO item_changes (item_id, kind, effective_date, basis, description, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(c.itemId, c.kind, c.effectiveDate, c.basis, c.description, actor.staffId, actor.at);
      const id = Number(info.lastInsertRowid);
      this.audit(actor, 'item_change', id, null, { ...c });
      return this.get(`SELECT ${ITEM_CHANGE_COLUMNS} FROM item_changes ch ${ITEM_CHANGE_JOINS} WHERE ch.id = ?`, toItemChange, id) as ItemChange;
    });
  }

  async listItemChanges(opts: { itemId?: number; limit: number; offset: number }): Promise<Page<ItemChange>> {
    const itemId = opts.itemId ?? null;
    const total = (
      this.stmt('SELECT COUNT(*) AS n FROM item_changes WHERE (? IS NULL OR item_id = ?)').get(itemId, itemId) as { n: number }
    ).n;
    const rows = this.all(
      `SELECT ${ITEM_CHANGE_COLUMNS} FROM item_changes ch ${ITEM_CHANGE_JOINS} WHERE (? IS NULL OR ch.item_id = ?)
       ORDER BY ch.effective_date DESC, ch.id DESC LIMIT ? OFFSET ?`,
      toItemChange,
      itemId,
      itemId,
      opts.limit,
      opts.offset,
    );
    return { rows, total };
  }

  async listAudit(opts: { entity?: string; limit: number; offset: number }): Promise<Page<AuditEntry>> {
    const entity = opts.entity ?? null;
    const total = (
      this.stmt('SELECT COUNT(*) AS n FROM audit_log WHERE (? IS NULL OR entity = ?)').get(entity, entity) as { n: number }
    ).n;
    const rows = this.all(
      `SELECT a.*, s.display_name AS staff_name FROM audit_log a JOIN staff s ON s.id = a.staff_id
       WHERE (? IS NULL OR a.entity = ?) ORDER BY a.id DESC LIMIT ? OFFSET ?`,
      toAuditEntry,
      entity,
      entity,
      opts.limit,
      opts.offset,
    );
    return { rows, total };
  }

  async listCaseMaterials(caseId: number) {
    return this.all(
      'SELECT material_id, name FROM case_materials WHERE case_id = ? ORDER BY seq',
      (r) => ({ materialId: r.material_id === null ? null : (r.material_id as number), name: r.name as string }),
      caseId,
    );
  }

  private findCaseById(id: number): Case {
    return this.get(`SELECT ${CASE_COLUMNS_NO_JOIN} FROM cases c WHERE c.id = ?`, toCase, id) as Case;
  }

  async registerCase(c: NewCase): Promise<Case> {
    const insertCase = this.stmt(
      `INSERT INTO cases (query_no, item_id, department_id, applicant_name, applicant_kind, applicant_id_number,
         applicant_phone, project_name, note, stage, version, registered_by, registered_at, updated_at, window_id,
         clock_state, clock_rank, clock_kind, due_date, statutory_due_date, paused_days, extension_days,
         deemed_accepted, undetermined_year, applicant_email)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertEvent = this.stmt(
      `INSERT INTO stage_events (case_id, seq, from_stage, to_stage, at, staff_id, note, note_public, hash)
       VALUES (?, 1, NULL, 'submitted', ?, ?, NULL, 0, ?)`,
    );
    const insertMaterial = this.stmt('INSERT INTO case_materials (case_id, material_id, seq, name) VALUES (?, ?, ?, ?)');
    const run = this.db.transaction(() => {
      if (this.stmt('SELECT 1 FROM disclosure_requests WHERE query_no = ?').get(c.queryNo)) throw new DuplicateQueryNoError();
      const info = insertCase.run(
        c.queryNo,
        c.itemId,
        c.departmentId,
        c.applicant.name,
        c.applicant.kind,
        c.applicant.idNumber,
        c.applicant.phone,
        c.projectName,
        c.note,
        c.registeredBy,
        c.at,
        c.at,
        c.windowId,
        ...clockParams(c.clock),
        c.applicant.email ?? null,
      );
      const id = Number(info.lastInsertRowid);
      // Sealed as it is written (the chain's first link), not read back and updated.
      const hash = eventHash(null, {
        caseId: id, seq: 1, kind: 'stage', fromStage: null, toStage: 'submitted', at: c.at, staffId: c.registeredBy,
        note: null, notePublic: false, decisionNo: null, reason: null, extensionDays: null, approverId: null,
      });
      const eventId = Number(insertEvent.run(id, c.at, c.registeredBy, hash).lastInsertRowid);
      this.insertOutbox(id, eventId, c.notifications ?? [], c.at);
      (c.materials ?? []).forEach((m, seq) => insertMaterial.run(id, m.materialId, seq, m.name));
      // Read back inside the transaction: no second read transaction (and its locks) for the answer.
      return this.findCaseById(id);
    });
    try {
      return run.immediate();
    } catch (err) {
      if (isUniqueViolation(err, 'cases.query_no')) throw new DuplicateQueryNoError();
      throw err;
    }
  }

  async findCaseByQueryNo(queryNo: string): Promise<Case | null> {
    return this.get(HOT_QUERIES.caseByQueryNo, toCase, queryNo);
  }

  async listStageEvents(caseId: number) {
    return this.all(HOT_QUERIES.stageEventsOfCase, toStageEvent, caseId);
  }

  async findPublicCase(queryNo: string): Promise<PublicCaseRecord | null> {
    return this.get(HOT_QUERIES.publicCaseByQueryNo, toPublicCaseRecord, queryNo);
  }

  async advanceCase(a: AdvanceCase): Promise<Case> {
    const update = this.stmt(
      `UPDATE cases SET stage = ?, version = version + 1, updated_at = ?,
         decision_no = COALESCE(?, decision_no), decided_at = COALESCE(?, decided_at),
         decision_due_date = CASE WHEN ? IS NULL THEN decision_due_date ELSE ? END,
         decided_on_time = CASE WHEN ? IS NULL THEN decided_on_time ELSE ? END, ${CLOCK_ASSIGNMENTS}
       WHERE id = ? AND version = ? AND stage = ?`,
    );
    const lastEvent = this.stmt('SELECT seq, hash FROM stage_events WHERE case_id = ? ORDER BY seq DESC LIMIT 1');
    const insertEvent = this.stmt(
      `INSERT INTO stage_events (case_id, seq, from_stage, to_stage, at, staff_id, note, note_public, decision_no, reason, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertBulletin = this.stmt(
      `INSERT INTO bulletin_entries (case_id, decision_no, item_id, department_id, applicant_name, project_name,
         decided_at, validity)
       SELECT id, ?, item_id, department_id, ?, ?, ?, ? FROM cases WHERE id = ?`,
    );
    const e = a.event;
    // The saved case is read back inside the transaction: no second read transaction for the answer.
    return this.db
      .transaction(() => {
        const changed = update.run(
          e.to,
          e.at,
          a.decision?.decisionNo ?? null,
          a.decision?.decidedAt ?? null,
          // A decision replaces both (NULL when its due date was undetermined); other moves keep them.
          a.decision ? 1 : null,
          a.decision?.dueDate ?? null,
          a.decision ? 1 : null,
          a.decision ? onTimeParam(a.decision.onTime) : null,
          ...clockParams(a.clock),
          a.caseId,
          a.expectedVersion,
          a.from,
        ).changes;
        if (changed !== 1) throw new StaleVersionError();
        const last = lastEvent.get(a.caseId) as { seq: number; hash: string | null } | undefined;
        const seq = (last?.seq ?? 0) + 1;
        // Sealed as it is written: the content is all here, so no read-back and update.
        const hash = eventHash(last?.hash ?? null, {
          caseId: a.caseId, seq, kind: 'stage', fromStage: a.from, toStage: e.to, at: e.at, staffId: e.staffId,
          note: e.note, notePublic: e.notePublic, decisionNo: e.decisionNo, reason: e.reason, extensionDays: null,
          approverId: null,
        });
        const eventId = Number(insertEvent.run(
          a.caseId,
          seq,
          a.from,
          e.to,
          e.at,
          e.staffId,
          e.note,
          e.notePublic ? 1 : 0,
          e.decisionNo,
          e.reason,
          hash,
        ).lastInsertRowid);
        this.insertOutbox(a.caseId, eventId, a.notifications ?? [], e.at);
        if (a.bulletin) {
          const b = a.bulletin;
          insertBulletin.run(b.decisionNo, b.applicantName, b.projectName, b.decidedAt, b.validity, a.caseId);
        }
        return this.findCaseById(a.caseId);
      })
      .immediate();
  }

  async listCases(f: CaseFilter): Promise<Page<Case>> {
    const q = listCasesQuery(f);
    const total = (this.stmt(q.countSql).get(...q.params) as { n: number }).n;
    const rows = f.limit > 0 ? this.all(q.rowsSql, toCase, ...q.params, f.limit, f.offset) : [];
    return { rows, total };
  }

  /** EXPLAIN QUERY PLAN of a statement, for tests that keep hot queries on their indexes. */
  queryPlan(sql: string, params: unknown[]): string[] {
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
  }

  async listOpenCasesForClock(afterId: number, limit: number, opts: { pendingOnly?: boolean } = {}) {
    const cases = this.all(
      opts.pendingOnly ? HOT_QUERIES.pendingClockCases : HOT_QUERIES.openClockCases,
      toCase,
      afterId,
      limit,
    );
    if (cases.length === 0) return [];
    const events = this.all(
      `SELECT e.*, s.display_name AS staff_name, a.display_name AS approver_name
       FROM stage_events e JOIN staff s ON s.id = e.staff_id LEFT JOIN staff a ON a.id = e.approver_id
       WHERE e.case_id IN (SELECT value FROM json_each(?)) ORDER BY e.case_id, e.seq`,
      toStageEvent,
      // Only the listed cases' events: a range of ids would also read every closed case between
      // them (at start-up, all events of a large database when open cases are spread out).
      JSON.stringify(cases.map((c) => c.id)),
    );
    const byCase = new Map<number, StageEvent[]>();
    for (const e of events) {
      const list = byCase.get(e.caseId) ?? [];
      list.push(e);
      byCase.set(e.caseId, list);
    }
    return cases.map((c) => ({ case: c, events: byCase.get(c.id) ?? [] }));
  }

  async saveCaseClocks(updates: ClockUpdate[]): Promise<number> {
    const update = this.stmt(`UPDATE cases SET ${CLOCK_ASSIGNMENTS} WHERE id = ? AND version = ?`);
    return this.db
      .transaction(() => updates.reduce((n, u) => n + update.run(...clockParams(u.clock), u.caseId, u.version).changes, 0))
      .immediate();
  }

  async createExtensionRequest(r: NewExtensionRequest): Promise<ExtensionRequest> {
    try {
      const info = this.stmt(
        `INSERT INTO extension_requests (case_id, days, reason, requested_by, requested_at) VALUES (?, ?, ?, ?, ?)`,
      ).run(r.caseId, r.days, r.reason, r.requestedBy, r.requestedAt);
      return (await this.findExtensionRequest(Number(info.lastInsertRowid))) as ExtensionRequest;
    } catch (err) {
      if (isUniqueViolation(err, 'extension_requests.case_id')) throw new PendingExtensionExistsError();
      throw err;
    }
  }

  async findExtensionRequest(id: number): Promise<ExtensionRequest | null> {
    return this.get(`SELECT ${EXTENSION_COLUMNS} FROM extension_requests x ${EXTENSION_JOINS} WHERE x.id = ?`, toExtensionRequest, id);
  }

  async listExtensionRequests(f: { departmentId?: number; status?: ExtensionStatus; caseId?: number }) {
    return this.all(
      `SELECT ${EXTENSION_COLUMNS} FROM extension_requests x ${EXTENSION_JOINS}
       WHERE (? IS NULL OR c.department_id = ?) AND (? IS NULL OR x.status = ?) AND (? IS NULL OR x.case_id = ?)
       ORDER BY x.requested_at, x.id`,
      toExtensionRequest,
      f.departmentId ?? null,
      f.departmentId ?? null,
      f.status ?? null,
      f.status ?? null,
      f.caseId ?? null,
      f.caseId ?? null,
    );
  }

  async approveExtension(a: ApproveExtension): Promise<Case> {
    const markRequest = this.stmt(
      `UPDATE extension_requests SET status = 'approved', decided_by = ?, decided_at = ?, decision_note = ?
       WHERE id = ? AND case_id = ? AND status = 'pending'`,
    );
    const bump = this.stmt(
      `UPDATE cases SET version = version + 1, updated_at = ?, ${CLOCK_ASSIGNMENTS} WHERE id = ? AND version = ? AND stage = ?`,
    );
    const insertEvent = this.stmt(
      `INSERT INTO stage_events (case_id, seq, from_stage, to_stage, at, staff_id, note, note_public, kind,
         extension_days, approver_id)
       SELECT x.case_id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM stage_events WHERE case_id = x.case_id), ?, ?, ?,
         x.requested_by, x.reason, 1, 'extension', x.days, ?
       FROM extension_requests x WHERE x.id = ?`,
    );
    this.db
      .transaction(() => {
        if (markRequest.run(a.approverId, a.at, a.decisionNote, a.requestId, a.caseId).changes !== 1) {
          throw new StaleVersionError('该延期申请已被处理');
        }
        if (bump.run(a.at, ...clockParams(a.clock), a.caseId, a.expectedVersion, a.stage).changes !== 1) {
          throw new StaleVersionError();
        }
        const eventId = Number(insertEvent.run(a.stage, a.stage, a.at, a.approverId, a.requestId).lastInsertRowid);
        this.sealEvent(eventId);
        this.insertOutbox(a.caseId, eventId, a.notifications ?? [], a.at);
      })
      .immediate();
    return this.findCaseById(a.caseId);
  }

  async refuseExtension(r: { requestId: number; decidedBy: number; at: string; decisionNote: string }) {
    const changed = this.stmt(
      `UPDATE extension_requests SET status = 'refused', decided_by = ?, decided_at = ?, decision_note = ?
       WHERE id = ? AND status = 'pending'`,
    ).run(r.decidedBy, r.at, r.decisionNote, r.requestId).changes;
    if (changed !== 1) throw new StaleVersionError('该延期申请已被处理');
    return (await this.findExtensionRequest(r.requestId)) as ExtensionRequest;
  }

  /** Inside the inserting transaction: links the event into its case's hash chain. */
  private sealEvent(eventId: number): void {
    const row = this.stmt('SELECT * FROM stage_events WHERE id = ?').get(eventId) as Record<string, unknown>;
    const prev = this.stmt('SELECT hash FROM stage_events WHERE case_id = ? AND seq = ?').get(row.case_id, (row.seq as number) - 1) as
      | { hash: string | null }
      | undefined;
    this.stmt('UPDATE stage_events SET hash = ? WHERE id = ? AND hash IS NULL').run(
      eventHash(prev?.hash ?? null, hashedContent(row)),
      eventId,
    );
  }

  /** Seals events written before the chain existed, in order, once. */
  private sealUnhashedEvents(): void {
    const ids = this.db.prepare(HOT_QUERIES.unsealedEvents).pluck().all() as number[];
    if (ids.length) this.db.transaction(() => ids.forEach((id) => this.sealEvent(id))).immediate();
  }

  /** The head of a case's chain (its last event's hash), shown publicly so a copy can be compared. */
  async chainHead(caseId: number): Promise<string | null> {
    return this.get('SELECT hash FROM stage_events WHERE case_id = ? ORDER BY seq DESC LIMIT 1', (r) => r.hash as string | null, caseId);
  }

  /** Inside a caller's transaction: the messages of one event, due at once. */
  private insertOutbox(caseId: number, eventId: number | null, messages: NewOutboxMessage[], at: string): number {
    const insert = this.stmt(
      `INSERT INTO outbox (case_id, stage_event_id, dedupe_key, channel, recipient, subject, body, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    );
    return messages.reduce(
      (n, m) => n + insert.run(caseId, eventId, m.dedupeKey ?? null, m.channel, m.recipient, m.subject, m.body, at, at).changes,
      0,
    );
  }

  async enqueueOutbox(caseId: number, messages: NewOutboxMessage[], at: string): Promise<number> {
    return this.db.transaction(() => this.insertOutbox(caseId, null, messages, at)).immediate();
  }

  async claimOutbox(now: string, lockUntil: string, limit: number): Promise<OutboxMessage[]> {
    return this.all(
      `UPDATE outbox SET locked_until = ?
       WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
                    AND (locked_until IS NULL OR locked_until <= ?) ORDER BY next_attempt_at, id LIMIT ?)
       RETURNING *`,
      toOutboxMessage,
      lockUntil,
      now,
      now,
      limit,
    ).sort((a, b) => a.id - b.id);
  }

  async markOutboxSent(id: number, at: string): Promise<void> {
    this.stmt(
      `UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, locked_until = NULL, last_error = NULL
       WHERE id = ?`,
    ).run(at, id);
  }

  async markOutboxFailed(id: number, error: string, nextAttemptAt: string | null): Promise<void> {
    this.stmt(
      `UPDATE outbox SET attempts = attempts + 1, locked_until = NULL, last_error = ?,
         status = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END, next_attempt_at = COALESCE(?, next_attempt_at)
       WHERE id = ?`,
    ).run(error.slice(0, 500), nextAttemptAt, nextAttemptAt, id);
  }

  async listOutbox(caseId: number): Promise<OutboxMessage[]> {
    return this.all('SELECT * FROM outbox WHERE case_id = ? ORDER BY id', toOutboxMessage, caseId);
  }

  async listCalendarOverrides(): Promise<CalendarOverrideRecord[]> {
    return this.all('SELECT * FROM calendar_overrides ORDER BY date', (r) => ({
      date: r.date as string,
      kind: r.kind as CalendarOverrideRecord['kind'],
      notice: r.notice as string,
      createdBy: r.created_by as number,
      createdAt: r.created_at as string,
    }));
  }

  async putCalendarOverride(o: CalendarOverrideRecord): Promise<void> {
    this.stmt(
      `INSERT INTO calendar_overrides (date, kind, notice, created_by, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, notice = excluded.notice,
         created_by = excluded.created_by, created_at = excluded.created_at`,
    ).run(o.date, o.kind, o.notice, o.createdBy, o.createdAt);
  }

  async deleteCalendarOverride(date: string): Promise<boolean> {
    return this.stmt('DELETE FROM calendar_overrides WHERE date = ?').run(date).changes === 1;
  }

  async listCalendarYears(): Promise<CalendarYearRecord[]> {
    return this.all('SELECT * FROM calendar_years ORDER BY year', (r) => ({
      year: r.year as number,
      notice: r.notice as string,
      declaredBy: r.declared_by as number,
      declaredAt: r.declared_at as string,
    }));
  }

  async declareCalendarYear(y: CalendarYearRecord): Promise<void> {
    this.stmt(
      `INSERT INTO calendar_years (year, notice, declared_by, declared_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (year) DO UPDATE SET notice = excluded.notice, declared_by = excluded.declared_by,
         declared_at = excluded.declared_at`,
    ).run(y.year, y.notice, y.declaredBy, y.declaredAt);
  }

  async listBulletin(opts: BulletinListOptions): Promise<Page<BulletinEntry>> {
    let departmentId: number | undefined;
    if (opts.departmentCode !== undefined) {
      const d = this.get('SELECT id FROM departments WHERE code = ?', (r) => r.id as number, opts.departmentCode);
      if (d === null) return { rows: [], total: 0 };
      departmentId = d;
    }
    // Keys bound the decision time: [low, high). See search-index.ts.
    const low = opts.decidedFrom !== undefined ? instantKey(opts.decidedFrom) : KEY_MIN;
    let high = opts.decidedBefore !== undefined ? instantKey(opts.decidedBefore) : KEY_MAX;
    if (opts.after) {
      const afterKey = bulletinOrderKey(opts.after.decidedAt, opts.after.id);
      if (afterKey < high) high = afterKey;
    }
    const countLimit = opts.countLimit ?? -1;
    const keywords = opts.keywords ?? [];
    const indexed = keywords.length > 0 || opts.category !== undefined || departmentId !== undefined;
    const match = indexed ? matchExpression(keywords, opts.category, departmentId) : null;
    const readRows = () => this.bulletinRows(match, low, high, opts.limit, opts.offset);
    // A page is kept; an export batch (more than a page) is read once and not kept.
    const keepPage = opts.limit <= BULLETIN_CACHED_PAGE_ROWS;
    const version = keepPage || countLimit !== 0 ? this.dataVersion() : '';
    const scope = `${match ?? 'all'}|${low}|${high}`;
    const rows = keepPage
      ? [...this.bulletinPages.get(`${scope}|${opts.limit}|${opts.offset}`, version, () => readRows().map(freezeBulletinEntry))]
      : readRows();
    const total =
      countLimit === 0
        ? 0
        : this.bulletinCounts.get(`${scope}|${countLimit}`, version, () => this.bulletinCount(match, low, high, countLimit));
    return { rows, total };
  }

  /** One page newest first: the FTS rowid is -search_key (migration 014), so its range is (-high, -low]. */
  private bulletinRows(match: string | null, low: bigint, high: bigint, limit: number, offset: number): BulletinEntry[] {
    return match === null
      ? this.all(HOT_QUERIES.bulletinPage, toBulletinEntry, low, high, limit, offset)
      : this.all(HOT_QUERIES.bulletinSearchPage, toBulletinEntry, match, -high, -low, limit, offset);
  }

  /**
   * Counting the matches of a common keyword reads up to 10,001 of them: 2.5–6 ms for 取水 or
   * 有限公司 at 1,000,000 cases, 31 ms for an 11-character name found 6,557 times (a phrase of ten
   * bigrams); the rows of a page take 0.2–0.6 ms (docs/performance.md).
   */
  private bulletinCount(match: string | null, low: bigint, high: bigint, countLimit: number): number {
    const sql =
      match === null
        ? 'SELECT COUNT(*) FROM (SELECT 1 FROM bulletin_entries WHERE search_key >= ? AND search_key < ? LIMIT ?)'
        : `SELECT COUNT(*) FROM (SELECT 1 FROM bulletin_search
           WHERE bulletin_search MATCH ? AND rowid > ? AND rowid <= ? LIMIT ?)`;
    const args = match === null ? [low, high, countLimit] : [match, -high, -low, countLimit];
    return this.stmt(sql).pluck().get(...args) as number;
  }

  /**
   * The database's version for the bulletin caches: PRAGMA data_version moves on another
   * connection's commit, total_changes() on this connection's writes, so a count or page kept at
   * this version is exactly what the query would return now.
   */
  private dataVersion(): string {
    const v = this.stmt('SELECT (SELECT data_version FROM pragma_data_version) AS d, total_changes() AS n').get() as { d: number; n: number };
    return `${v.d}:${v.n}`;
  }

  async findBulletinEntry(id: number) {
    return this.get(`SELECT ${BULLETIN_COLUMNS} FROM bulletin_entries b ${BULLETIN_JOINS} WHERE b.id = ?`, toBulletinEntry, id);
  }

  async getSiteVisits(): Promise<number> {
    return this.get("SELECT value FROM site_counters WHERE name = 'site_visits'", (r) => r.value as number) ?? 0;
  }

  async addSiteVisits(count: number): Promise<number> {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`bad visit count: ${count}`);
    const row = this.stmt(
      `INSERT INTO site_counters (name, value) VALUES ('site_visits', ?)
       ON CONFLICT (name) DO UPDATE SET value = site_counters.value + excluded.value RETURNING value`,
    ).get(count) as { value: number };
    return row.value;
  }
  async createEvaluation(e: NewEvaluation): Promise<Evaluation> {
    const insertEvaluation = this.stmt(
      `INSERT INTO evaluations (case_id, level, comment, score_efficiency, score_quality, score_attitude, evaluated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertTask = this.stmt(
      `INSERT INTO rectifications (evaluation_id, case_id, department_id, opened_at, due_date)
       SELECT ?, id, department_id, ?, ? FROM cases WHERE id = ?`,
    );
    const run = this.db.transaction(() => {
      const id = Number(
        insertEvaluation.run(e.caseId, e.level, e.comment, e.scores.efficiency, e.scores.quality, e.scores.attitude, e.at)
          .lastInsertRowid,
      );
      if (e.rectification && insertTask.run(id, e.at, e.rectification.dueDate, e.caseId).changes !== 1) {
        throw new Error('rectification task not written: case missing');
      }
      return id;
    });
    try {
      run.immediate();
    } catch (err) {
      if (isUniqueViolation(err, 'evaluations.case_id')) throw new DuplicateEvaluationError();
      throw err;
    }
    return (await this.findEvaluationByCase(e.caseId)) as Evaluation;
  }

  async findEvaluationByCase(caseId: number): Promise<Evaluation | null> {
    return this.get('SELECT * FROM evaluations WHERE case_id = ?', toEvaluation, caseId);
  }

  async listRectifications(f: RectificationFilter) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.departmentId !== undefined) {
      where.push('r.department_id = ?');
      params.push(f.departmentId);
    }
    if (f.status !== undefined) {
      where.push('r.status = ?');
      params.push(f.status);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.stmt(`SELECT COUNT(*) AS n FROM rectifications r ${whereSql}`).get(...params) as { n: number }).n;
    const rows =
      f.limit > 0
        ? this.all(
            `SELECT ${RECTIFICATION_COLUMNS} FROM rectifications r ${RECTIFICATION_JOINS} ${whereSql}
             ORDER BY r.status = 'closed', CASE WHEN r.status = 'open' THEN COALESCE(r.due_date, '9999-12-31') END,
               r.closed_at DESC, r.id LIMIT ? OFFSET ?`,
            toRectification,
            ...params,
            f.limit,
            f.offset,
          )
        : [];
    return { rows, total };
  }

  async findRectification(id: number): Promise<Rectification | null> {
    return this.get(`SELECT ${RECTIFICATION_COLUMNS} FROM rectifications r ${RECTIFICATION_JOINS} WHERE r.id = ?`, toRectification, id);
  }

  async recordFollowUp(r: { id: number; date: string; result: string; staffId: number; at: string }) {
    const changed = this.stmt(
      `UPDATE rectifications SET follow_up_date = ?, follow_up_result = ?, follow_up_by = ?, follow_up_at = ?
       WHERE id = ? AND status = 'open'`,
    ).run(r.date, r.result, r.staffId, r.at, r.id).changes;
    if (changed !== 1) throw new ConflictError('rectification_closed', '该整改任务已办结，不能再修改回访记录');
    return (await this.findRectification(r.id)) as Rectification;
  }

  async closeRectification(r: { id: number; note: string; staffId: number; at: string }) {
    const changed = this.stmt(
      `UPDATE rectifications SET status = 'closed', closing_note = ?, closed_by = ?, closed_at = ?
       WHERE id = ? AND status = 'open' AND follow_up_date IS NOT NULL`,
    ).run(r.note, r.staffId, r.at, r.id).changes;
    if (changed !== 1) throw new ConflictError('rectification_not_closable', '该整改任务已办结或尚未记录回访');
    return (await this.findRectification(r.id)) as Rectification;
  }

  async evaluationCounts(q: StatsScope): Promise<EvaluationCountRow[]> {
    const dept = q.departmentId !== undefined ? 'AND c.department_id = ?' : '';
    return this.all(
      `SELECT c.department_id, c.window_id, e.level, COUNT(*) AS n,
         COALESCE(SUM(CASE WHEN r.status = 'closed' THEN 1 ELSE 0 END), 0) AS rectified
       FROM evaluations e JOIN cases c ON c.id = e.case_id LEFT JOIN rectifications r ON r.evaluation_id = e.id
       WHERE e.evaluated_at >= ? AND e.evaluated_at < ? ${dept}
       GROUP BY c.department_id, c.window_id, e.level ORDER BY c.department_id, c.window_id, e.level`,
      (r) => ({
        departmentId: r.department_id as number,
        windowId: (r.window_id as number | null) ?? null,
        level: r.level as EvaluationCountRow['level'],
        count: r.n as number,
        rectified: r.rectified as number,
      }),
      ...scopeParams(q),
    );
  }

  async decisionCounts(q: StatsScope): Promise<DecisionCountRow[]> {
    const dept = q.departmentId !== undefined ? 'AND c.department_id = ?' : '';
    return this.all(
      `SELECT c.department_id, c.window_id, COUNT(*) AS decided,
         SUM(CASE WHEN c.decided_on_time = 1 THEN 1 ELSE 0 END) AS on_time,
         SUM(CASE WHEN c.decided_on_time IS NOT NULL THEN 1 ELSE 0 END) AS known
       FROM cases c WHERE c.decided_at >= ? AND c.decided_at < ? ${dept}
       GROUP BY c.department_id, c.window_id ORDER BY c.department_id, c.window_id`,
      (r) => ({
        departmentId: r.department_id as number,
        windowId: (r.window_id as number | null) ?? null,
        decided: r.decided as number,
        onTime: r.on_time as number,
        onTimeKnown: r.known as number,
      }),
      ...scopeParams(q),
    );
  }

  async caseStatistics(q: StatsScope): Promise<CaseStatistics> {
    const dept = q.departmentId !== undefined ? 'AND c.department_id = ?' : '';
    const params = scopeParams(q);
    const n = (sql: string, ...p: unknown[]) => (this.stmt(sql).get(...p) as { n: number }).n;
    const byMonth = (r: Row) => ({ month: r.month as string, count: r.n as number });
    // Months are Beijing months: UTC+8 has had no daylight saving since 1991.
    const completedFrom = `FROM stage_events e JOIN cases c ON c.id = e.case_id
       WHERE e.to_stage = 'completed' AND e.at >= ? AND e.at < ? ${dept}`;
    return {
      registered: n(`SELECT COUNT(*) AS n FROM cases c WHERE c.registered_at >= ? AND c.registered_at < ? ${dept}`, ...params),
      completed: n(`SELECT COUNT(*) AS n ${completedFrom}`, ...params),
      byStage: this.all(
        `SELECT c.stage, COUNT(*) AS n FROM cases c ${q.departmentId !== undefined ? 'WHERE c.department_id = ?' : ''}
         GROUP BY c.stage`,
        (r) => ({ stage: r.stage as Stage, count: r.n as number }),
        ...(q.departmentId !== undefined ? [q.departmentId] : []),
      ),
      registeredByMonth: this.all(
        `SELECT strftime('%Y-%m', c.registered_at, '+8 hours') AS month, COUNT(*) AS n FROM cases c
         WHERE c.registered_at >= ? AND c.registered_at < ? ${dept} GROUP BY month ORDER BY month`,
        byMonth,
        ...params,
      ),
      completedByMonth: this.all(
        `SELECT strftime('%Y-%m', e.at, '+8 hours') AS month, COUNT(*) AS n ${completedFrom} GROUP BY month ORDER BY month`,
        byMonth,
        ...params,
      ),
    };
  }

  async listDecisionDurations(q: StatsScope): Promise<DecisionDuration[]> {
    const dept = q.departmentId !== undefined ? 'AND c.department_id = ?' : '';
    return this.all(
      `SELECT c.item_id, i.code AS item_code, i.name AS item_name, c.registered_at, c.decided_at, c.deemed_accepted,
         (SELECT MIN(e.at) FROM stage_events e WHERE e.case_id = c.id AND e.to_stage = 'accepted') AS accepted_at
       FROM cases c JOIN items i ON i.id = c.item_id
       WHERE c.decided_at >= ? AND c.decided_at < ? ${dept}
         AND EXISTS (SELECT 1 FROM stage_events e WHERE e.case_id = c.id AND e.to_stage = 'accepted')
       ORDER BY i.code, c.decided_at`,
      (r) => ({
        itemId: r.item_id as number,
        itemCode: r.item_code as string,
        itemName: r.item_name as string,
        registeredAt: r.registered_at as string,
        acceptedAt: r.accepted_at as string,
        decidedAt: r.decided_at as string,
        deemedAccepted: r.deemed_accepted === 1,
      }),
      ...scopeParams(q),
    );
  }

  async countApprovals(range: { from: string; before: string }): Promise<number> {
    const r = this.stmt(
      `SELECT COUNT(DISTINCT case_id) AS n FROM stage_events WHERE to_stage = 'approved' AND at >= ? AND at < ?`,
    ).get(range.from, range.before) as { n: number };
    return r.n;
  }

  // 政府信息公开: the annual report.

  private reportByYear(year: number): DisclosureReportRecord | null {
    return this.get(
      `SELECT r.*, e.status AS entry_status FROM disclosure_reports r LEFT JOIN disclosure_entries e ON e.id = r.entry_id
       WHERE r.year = ?`,
      toDisclosureReport,
      year,
    );
  }

  async findDisclosureReport(year: number): Promise<DisclosureReportRecord | null> {
    return this.reportByYear(year);
  }

  async listDisclosureReports(): Promise<DisclosureReportRecord[]> {
    return this.all(
      `SELECT r.*, e.status AS entry_status FROM disclosure_reports r LEFT JOIN disclosure_entries e ON e.id = r.entry_id
       ORDER BY r.year DESC`,
      toDisclosureReport,
    );
  }

  async saveDisclosureReport(s: SaveDisclosureReport): Promise<DisclosureReportRecord> {
    return this.write(() => {
      const texts = JSON.stringify(s.texts);
      const figures = JSON.stringify(s.figures);
      if (s.expectedVersion === null) {
        const info = this.stmt(
          `INSERT INTO disclosure_reports (year, template, texts_json, figures_json, updated_by, updated_at)
           VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (year) DO NOTHING`,
        ).run(s.year, s.template, texts, figures, s.actor.staffId, s.actor.at);
        if (info.changes === 0) throw new StaleVersionError('该年度报告已被他人保存，请刷新后重试');
      } else {
        const info = this.stmt(
          `UPDATE disclosure_reports SET template = ?, texts_json = ?, figures_json = ?, version = version + 1,
             updated_by = ?, updated_at = ?
           WHERE year = ? AND version = ?`,
        ).run(s.template, texts, figures, s.actor.staffId, s.actor.at, s.year, s.expectedVersion);
        if (info.changes === 0) throw new StaleVersionError('该年度报告已被他人更新，请刷新后重试');
      }
      return this.reportByYear(s.year) as DisclosureReportRecord;
    });
  }

  async submitDisclosureReport(s: SubmitDisclosureReport): Promise<{ report: DisclosureReportRecord; entry: DisclosureEntry }> {
    return this.write(() => {
      const f = s.fields;
      let entryId: number;
      if (s.entry === null) {
        entryId = this.insertDisclosureEntry({ ...f, indexPrefix: s.indexPrefix }, s.actor, 'html');
      } else {
        entryId = s.entry.id;
        const to = s.steps[s.steps.length - 1].to;
        const info = this.stmt(
          `UPDATE disclosure_entries SET title = ?, category = ?, written_date = ?, publisher = ?, summary = ?, body = ?,
             body_format = 'html', status = ?, version = version + 1, updated_at = ?
           WHERE id = ? AND version = ? AND status = ?`,
        ).run(f.title, f.category, f.writtenDate, f.publisher, f.summary, f.body, to, s.actor.at, entryId, s.entry.version, s.steps[0].from);
        if (info.changes === 0) throw new StaleVersionError('年度报告的公开信息已被他人处理，请刷新后重试');
      }
      for (const st of s.steps) {
        if (st.action === 'create') continue;
        this.logDisclosureEvent(entryId, st.action, st.from, st.to, s.actor.staffId, s.actor.at, null);
      }
      if (s.entry === null) {
        const to = s.steps[s.steps.length - 1].to;
        // One version per step after 'create', as if each had been a separate move.
        this.stmt('UPDATE disclosure_entries SET status = ?, version = version + ? WHERE id = ?').run(to, s.steps.length - 1, entryId);
      }
      const info = this.stmt(
        `UPDATE disclosure_reports SET snapshot_json = ?, entry_id = ?, version = version + 1, updated_by = ?, updated_at = ?
         WHERE year = ? AND version = ?`,
      ).run(s.snapshotJson, entryId, s.actor.staffId, s.actor.at, s.year, s.expectedVersion);
      if (info.changes === 0) throw new StaleVersionError('该年度报告已被他人更新，请刷新后重试');
      return { report: this.reportByYear(s.year) as DisclosureReportRecord, entry: this.disclosureById(entryId) as DisclosureEntry };
    });
  }

  // 政府信息公开: the catalog and its review workflow.

  private disclosureById(id: number): DisclosureEntry | null {
    return this.get('SELECT * FROM disclosure_entries WHERE id = ?', toDisclosureEntry, id);
  }

  private logDisclosureEvent(entryId: number, action: string, from: string | null, to: string, staffId: number, at: string, comment: string | null) {
    this.stmt(
      `INSERT INTO disclosure_events (entry_id, action, from_status, to_status, staff_id, at, comment)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(entryId, action, from, to, staffId, at, comment);
  }

  async createDisclosureEntry(e: NewDisclosureEntry, actor: Actor): Promise<DisclosureEntry> {
    return this.write(() => this.disclosureById(this.insertDisclosureEntry(e, actor, 'text')) as DisclosureEntry);
  }

  /** Inserts a draft with its 'create' event (inside the caller's transaction); returns its id. */
  private insertDisclosureEntry(e: NewDisclosureEntry, actor: Actor, bodyFormat: 'text' | 'html'): number {
    let indexNo = e.indexNo;
    if (!indexNo) {
      // The serial counter row is written in this transaction, so two drafts never share one;
      // a serial already taken by an imported entry is skipped.
      const last = (this.stmt('SELECT last FROM disclosure_serials WHERE prefix = ?').get(e.indexPrefix) as { last: number } | undefined)?.last ?? 0;
      let serial = last;
      do {
        serial += 1;
        if (serial > 99_999) throw new ConflictError('index_no_exhausted', '本年度索引号流水号已用完');
        indexNo = `${e.indexPrefix}${String(serial).padStart(5, '0')}`;
      } while (this.stmt('SELECT 1 FROM disclosure_entries WHERE index_no = ?').get(indexNo));
      this.stmt(
        'INSERT INTO disclosure_serials (prefix, last) VALUES (?, ?) ON CONFLICT (prefix) DO UPDATE SET last = excluded.last',
      ).run(e.indexPrefix, serial);
    }
    const info = this.stmt(
      `INSERT INTO disclosure_entries (index_no, title, category, written_date, publisher, summary, body, body_format, status,
         created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)`,
    ).run(indexNo, e.title, e.category, e.writtenDate, e.publisher, e.summary, e.body, bodyFormat, actor.staffId, actor.at, actor.at);
    const id = Number(info.lastInsertRowid);
    this.logDisclosureEvent(id, 'create', null, 'draft', actor.staffId, actor.at, null);
    return id;
  }

  async updateDisclosureEntry(id: number, expectedVersion: number, f: DisclosureFields, actor: Actor): Promise<DisclosureEntry> {
    return this.write(() => {
      const before = this.disclosureById(id);
      if (!before) throw new NotFoundError('not_found', '未找到该公开信息');
      const info = this.stmt(
        `UPDATE disclosure_entries SET title = ?, category = ?, written_date = ?, publisher = ?, summary = ?, body = ?,
           version = version + 1, updated_at = ?
         WHERE id = ? AND version = ?`,
      ).run(f.title, f.category, f.writtenDate, f.publisher, f.summary, f.body, actor.at, id, expectedVersion);
      if (info.changes === 0) throw new StaleVersionError('该信息已被他人更新，请刷新后重试');
      this.logDisclosureEvent(id, 'edit', before.status, before.status, actor.staffId, actor.at, null);
      return this.disclosureById(id) as DisclosureEntry;
    });
  }

  async moveDisclosureEntry(m: MoveDisclosureEntry): Promise<DisclosureEntry> {
    return this.write(() => {
      const info = this.stmt(
        `UPDATE disclosure_entries SET status = ?, version = version + 1, updated_at = ?,
           published_at = CASE WHEN ? = 'published' THEN ? ELSE published_at END
         WHERE id = ? AND version = ? AND status = ?`,
      ).run(m.to, m.actor.at, m.to, m.actor.at, m.id, m.expectedVersion, m.from);
      if (info.changes === 0) {
        if (!this.disclosureById(m.id)) throw new NotFoundError('not_found', '未找到该公开信息');
        throw new StaleVersionError('该信息已被他人处理，请刷新后重试');
      }
      this.logDisclosureEvent(m.id, m.action, m.from, m.to, m.actor.staffId, m.actor.at, m.comment);
      return this.disclosureById(m.id) as DisclosureEntry;
    });
  }

  async findDisclosureEntry(id: number): Promise<DisclosureEntry | null> {
    return this.disclosureById(id);
  }

  async listDisclosureEntries(f: DisclosureFilter): Promise<Page<DisclosureEntry>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.statuses) {
      where.push(`status IN (${f.statuses.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...f.statuses);
    }
    if (f.category !== undefined) {
      where.push('category = ?');
      params.push(f.category);
    }
    if (f.publishedFrom !== undefined) {
      where.push('published_at >= ?');
      params.push(f.publishedFrom);
    }
    if (f.publishedBefore !== undefined) {
      where.push('published_at < ?');
      params.push(f.publishedBefore);
    }
    if (f.q) {
      // A plain LIKE scan: the catalog is small (hundreds of entries), and LIKE finds 2-character terms.
      where.push(anyColumnContains(['title', 'index_no', 'summary', 'body'], f.q, params));
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.stmt(`SELECT COUNT(*) AS n FROM disclosure_entries ${w}`).get(...params) as { n: number }).n;
    const rows = this.all(
      `SELECT * FROM disclosure_entries ${w}
       ORDER BY published_at IS NULL, published_at DESC, updated_at DESC, id DESC LIMIT ? OFFSET ?`,
      toDisclosureEntry,
      ...params,
      f.limit,
      f.offset,
    );
    return { rows, total };
  }

  async countPublishedDisclosures(f: { publishedBefore?: string }): Promise<{ category: string; year: number; count: number }[]> {
    // The publication year is the Beijing year (UTC+8, no daylight saving).
    return this.all(
      `SELECT category, CAST(strftime('%Y', published_at, '+8 hours') AS INTEGER) AS year, COUNT(*) AS n
       FROM disclosure_entries WHERE status = 'published' AND (? IS NULL OR published_at < ?)
       GROUP BY category, year ORDER BY year DESC, category`,
      (r) => ({ category: String(r.category), year: Number(r.year), count: Number(r.n) }),
      f.publishedBefore ?? null,
      f.publishedBefore ?? null,
    );
  }

  async listDisclosureEvents(entryId: number): Promise<DisclosureEvent[]> {
    return this.all(
      `SELECT e.*, s.display_name AS staff_name FROM disclosure_events e JOIN staff s ON s.id = e.staff_id
       WHERE e.entry_id = ? ORDER BY e.id`,
      toDisclosureEvent,
      entryId,
    );
  }

  async listDisclosureRequestsForReport(year: number): Promise<RequestReportRow[]> {
    const { first, last } = yearBounds(year);
    return this.all(
      `SELECT id, applicant_kind, received_on, closed_on, outcome FROM disclosure_requests
       WHERE received_on <= ? AND (closed_on IS NULL OR closed_on >= ?) ORDER BY id`,
      toRequestReportRow,
      last,
      first,
    );
  }

  async listDisclosureFeesForReport(year: number): Promise<RequestFeeRow[]> {
    const { first, last } = yearBounds(year);
    return this.all(
      `SELECT request_id, charged_on, amount_fen, waived_fen FROM disclosure_request_fees
       WHERE charged_on BETWEEN ? AND ? ORDER BY id`,
      toRequestFeeRow,
      first,
      last,
    );
  }

  async listDisclosureReviewsForReport(year: number): Promise<RequestReviewRow[]> {
    const { first, last } = yearBounds(year);
    return this.all(
      `SELECT request_id, kind, filed_on, outcome, decided_on FROM disclosure_request_reviews
       WHERE filed_on <= ? AND (decided_on IS NULL OR decided_on >= ?) ORDER BY id`,
      toRequestReviewRow,
      last,
      first,
    );
  }

  private requestById(id: number): DisclosureRequest | null {
    return this.get('SELECT * FROM disclosure_requests WHERE id = ?', toDisclosureRequest, id);
  }

  private logRequestEvent(
    requestId: number,
    action: RequestAction,
    from: RequestStage | null,
    to: RequestStage,
    staffId: number | null,
    at: string,
    comment: string | null,
  ): number {
    const info = this.stmt(
      `INSERT INTO disclosure_request_events (request_id, action, from_stage, to_stage, staff_id, at, comment)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(requestId, action, from, to, staffId, at, comment);
    return Number(info.lastInsertRowid);
  }

  private insertFile(file: NewFile, actor: { staffId: number | null; at: string }): number {
    const info = this.stmt(
      `INSERT INTO files (storage_name, original_name, content_type, size_bytes, uploaded_by, uploaded_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(file.storageName, file.originalName, file.contentType, file.sizeBytes, actor.staffId, actor.at);
    return Number(info.lastInsertRowid);
  }

  async createDisclosureRequest(r: NewDisclosureRequest): Promise<DisclosureRequest> {
    const run = this.db.transaction(() => {
      // Cases and requests share the lookup page, so a number must be free in both tables.
      if (this.stmt('SELECT 1 FROM cases WHERE query_no = ?').get(r.queryNo)) throw new DuplicateQueryNoError();
      const info = this.stmt(
        `INSERT INTO disclosure_requests (query_no, applicant_kind, applicant_name, id_number, contact_person, phone, email,
           address, description, delivery_form, stage, received_at, received_on, clock_start_on, due_on, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?)`,
      ).run(
        r.queryNo,
        r.applicantKind,
        r.applicantName,
        r.idNumber,
        r.contactPerson,
        r.phone,
        r.email,
        r.address,
        r.description,
        r.deliveryForm,
        r.receivedAt,
        r.receivedOn,
        r.receivedOn,
        r.dueOn,
        r.receivedAt,
        r.receivedAt,
      );
      const id = Number(info.lastInsertRowid);
      this.logRequestEvent(id, 'receive', null, 'received', null, r.receivedAt, null);
      return id;
    });
    try {
      return this.requestById(run.immediate()) as DisclosureRequest;
    } catch (err) {
      if (isUniqueViolation(err, 'disclosure_requests.query_no')) throw new DuplicateQueryNoError();
      throw err;
    }
  }

  async moveDisclosureRequest(m: MoveDisclosureRequest): Promise<DisclosureRequest> {
    if (nextRequestStage(m.from, m.action) !== m.to) throw new ConflictError('wrong_stage', '该申请当前状态不能进行此操作');
    return this.write(() => {
      const c = m.changes;
      const closing = m.to === 'closed';
      const info = this.stmt(
        `UPDATE disclosure_requests SET stage = ?, version = version + 1, updated_at = ?,
           clock_start_on = CASE WHEN ? THEN ? ELSE clock_start_on END,
           due_on = CASE WHEN ? THEN ? ELSE due_on END,
           supplement_due_on = CASE WHEN ? THEN ? ELSE supplement_due_on END,
           extended = CASE WHEN ? THEN ? ELSE extended END,
           outcome = CASE WHEN ? THEN ? ELSE outcome END,
           reply_text = CASE WHEN ? THEN ? ELSE reply_text END,
           closed_at = CASE WHEN ? THEN ? ELSE closed_at END,
           closed_on = CASE WHEN ? THEN ? ELSE closed_on END
         WHERE id = ? AND version = ? AND stage = ?`,
      ).run(
        m.to,
        m.actor.at,
        c.clockStartOn !== undefined ? 1 : 0,
        c.clockStartOn ?? null,
        c.dueOn !== undefined ? 1 : 0,
        c.dueOn ?? null,
        c.supplementDueOn !== undefined ? 1 : 0,
        c.supplementDueOn ?? null,
        c.extended !== undefined ? 1 : 0,
        c.extended ? 1 : 0,
        c.outcome !== undefined ? 1 : 0,
        c.outcome ?? null,
        c.replyText !== undefined ? 1 : 0,
        c.replyText ?? null,
        closing ? 1 : 0,
        closing ? m.actor.at : null,
        closing ? 1 : 0,
        c.closedOn ?? null,
        m.id,
        m.expectedVersion,
        m.from,
      );
      if (info.changes === 0) {
        if (!this.requestById(m.id)) throw new NotFoundError('request_not_found', '未找到该政府信息公开申请');
        throw new StaleVersionError('该申请已被他人处理，请刷新后重试');
      }
      const eventId = this.logRequestEvent(m.id, m.action, m.from, m.to, m.actor.staffId, m.actor.at, m.comment);
      const start = (this.stmt('SELECT COUNT(*) AS n FROM disclosure_request_files WHERE request_id = ?').get(m.id) as { n: number }).n;
      (m.files ?? []).forEach((f, i) => {
        const fileId = this.insertFile(f, m.actor);
        this.stmt('INSERT INTO disclosure_request_files (request_id, file_id, event_id, position) VALUES (?, ?, ?, ?)').run(
          m.id,
          fileId,
          eventId,
          start + i,
        );
      });
      return this.requestById(m.id) as DisclosureRequest;
    });
  }

  async saveDisclosureRequestDueDates(updates: { id: number; version: number; dueOn: string | null }[]): Promise<number> {
    const update = this.stmt("UPDATE disclosure_requests SET due_on = ? WHERE id = ? AND version = ? AND stage = 'received'");
    return this.db.transaction(() => updates.reduce((n, u) => n + update.run(u.dueOn, u.id, u.version).changes, 0)).immediate();
  }

  async findDisclosureRequest(id: number): Promise<DisclosureRequest | null> {
    return this.requestById(id);
  }

  async findDisclosureRequestByQueryNo(queryNo: string): Promise<DisclosureRequest | null> {
    return this.get('SELECT * FROM disclosure_requests WHERE query_no = ?', toDisclosureRequest, queryNo);
  }

  async listDisclosureRequests(f: DisclosureRequestFilter): Promise<Page<DisclosureRequest>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.stage) {
      where.push('stage = ?');
      params.push(f.stage);
    }
    if (f.dueBefore !== undefined) {
      where.push("stage = 'received' AND due_on < ?");
      params.push(f.dueBefore);
    }
    if (f.dueOnOrBefore !== undefined) {
      where.push("stage = 'received' AND due_on <= ?");
      params.push(f.dueOnOrBefore);
    }
    if (f.q) where.push(anyColumnContains(['applicant_name', 'query_no', 'description'], f.q, params));
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.stmt(`SELECT COUNT(*) AS n FROM disclosure_requests ${w}`).get(...params) as { n: number }).n;
    const rows = this.all(
      `SELECT * FROM disclosure_requests ${w}
       ORDER BY stage = 'closed', CASE WHEN stage = 'closed' THEN NULL ELSE coalesce(due_on, supplement_due_on, '9999') END,
         closed_at DESC, id DESC LIMIT ? OFFSET ?`,
      toDisclosureRequest,
      ...params,
      f.limit,
      f.offset,
    );
    return { rows, total };
  }

  async listOpenDisclosureRequests(): Promise<DisclosureRequest[]> {
    return this.all("SELECT * FROM disclosure_requests WHERE stage = 'received' ORDER BY id", toDisclosureRequest);
  }

  async listExpiredSupplements(today: string): Promise<DisclosureRequest[]> {
    return this.all(
      "SELECT * FROM disclosure_requests WHERE stage = 'supplement_requested' AND supplement_due_on < ? ORDER BY id",
      toDisclosureRequest,
      today,
    );
  }

  async listDisclosureRequestEvents(requestId: number): Promise<RequestEvent[]> {
    return this.all(
      `SELECT e.*, s.display_name AS staff_name FROM disclosure_request_events e LEFT JOIN staff s ON s.id = e.staff_id
       WHERE e.request_id = ? ORDER BY e.id`,
      toRequestEvent,
      requestId,
    );
  }

  async listDisclosureRequestFiles(requestId: number): Promise<RequestFile[]> {
    return this.all(
      `SELECT f.*, l.request_id, l.event_id FROM disclosure_request_files l JOIN files f ON f.id = l.file_id
       WHERE l.request_id = ? ORDER BY l.position`,
      (r) => ({ ...(toFile(r) as FileRecord), requestId: Number(r.request_id), eventId: r.event_id === null ? null : Number(r.event_id) }),
      requestId,
    );
  }

  async addDisclosureRequestFee(f: NewRequestFee, actor: Actor): Promise<RequestFee> {
    return this.write(() => {
      const request = this.requestById(f.requestId);
      if (!request) throw new NotFoundError('request_not_found', '未找到该政府信息公开申请');
      const info = this.stmt(
        `INSERT INTO disclosure_request_fees (request_id, charged_on, amount_fen, waived_fen, note, staff_id, at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(f.requestId, f.chargedOn, f.amountFen, f.waivedFen, f.note, actor.staffId, actor.at);
      this.logRequestEvent(f.requestId, 'fee', request.stage, request.stage, actor.staffId, actor.at, f.note || null);
      return this.get('SELECT * FROM disclosure_request_fees WHERE id = ?', toRequestFee, Number(info.lastInsertRowid)) as RequestFee;
    });
  }

  async listDisclosureRequestFees(requestId: number): Promise<RequestFee[]> {
    return this.all('SELECT * FROM disclosure_request_fees WHERE request_id = ? ORDER BY charged_on, id', toRequestFee, requestId);
  }

  async addDisclosureRequestReview(r: NewRequestReview, actor: Actor): Promise<RequestReview> {
    return this.write(() => {
      const request = this.requestById(r.requestId);
      if (!request) throw new NotFoundError('request_not_found', '未找到该政府信息公开申请');
      const info = this.stmt(
        `INSERT INTO disclosure_request_reviews (request_id, kind, filed_on, outcome, decided_on, note, staff_id, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(r.requestId, r.kind, r.filedOn, r.outcome, r.decidedOn, r.note, actor.staffId, actor.at);
      this.logRequestEvent(r.requestId, 'review', request.stage, request.stage, actor.staffId, actor.at, r.note || null);
      return this.reviewById(Number(info.lastInsertRowid)) as RequestReview;
    });
  }

  private reviewById(id: number): RequestReview | null {
    return this.get('SELECT * FROM disclosure_request_reviews WHERE id = ?', toRequestReview, id);
  }

  async updateDisclosureRequestReview(
    id: number,
    expectedVersion: number,
    u: { outcome: ReviewOutcome; decidedOn: string | null; note: string },
    actor: Actor,
  ): Promise<RequestReview> {
    return this.write(() => {
      const before = this.reviewById(id);
      if (!before) throw new NotFoundError('review_not_found', '未找到该复议或诉讼记录');
      const info = this.stmt(
        `UPDATE disclosure_request_reviews SET outcome = ?, decided_on = ?, note = ?, version = version + 1
         WHERE id = ? AND version = ?`,
      ).run(u.outcome, u.decidedOn, u.note, id, expectedVersion);
      if (info.changes === 0) throw new StaleVersionError('该记录已被他人更新，请刷新后重试');
      const request = this.requestById(before.requestId) as DisclosureRequest;
      this.logRequestEvent(before.requestId, 'review', request.stage, request.stage, actor.staffId, actor.at, u.note || null);
      return this.reviewById(id) as RequestReview;
    });
  }

  async findDisclosureRequestReview(id: number): Promise<RequestReview | null> {
    return this.reviewById(id);
  }

  async listDisclosureRequestReviews(requestId: number): Promise<RequestReview[]> {
    return this.all('SELECT * FROM disclosure_request_reviews WHERE request_id = ? ORDER BY filed_on, id', toRequestReview, requestId);
  }

  private assertEntryEditable(entryId: number, editable: readonly DisclosureStatus[]): void {
    const entry = this.disclosureById(entryId);
    if (!entry) throw new NotFoundError('not_found', '未找到该公开信息');
    if (!editable.includes(entry.status)) throw new ConflictError('not_editable', '该信息正在审核或已发布，不能修改附件');
  }

  async attachDisclosureEntryFile(
    entryId: number,
    file: NewFile,
    editableStatuses: readonly DisclosureStatus[],
    actor: Actor,
  ): Promise<FileRecord> {
    return this.write(() => {
      this.assertEntryEditable(entryId, editableStatuses);
      const fileId = this.insertFile(file, actor);
      const position = (
        this.stmt('SELECT coalesce(max(position) + 1, 0) AS p FROM disclosure_entry_files WHERE entry_id = ?').get(entryId) as { p: number }
      ).p;
      this.stmt('INSERT INTO disclosure_entry_files (entry_id, file_id, position) VALUES (?, ?, ?)').run(entryId, fileId, position);
      this.audit(actor, 'file', fileId, null, { disclosureEntryId: entryId, originalName: file.originalName, contentType: file.contentType, sizeBytes: file.sizeBytes });
      return this.fileById(fileId) as FileRecord;
    });
  }

  async removeDisclosureEntryFile(
    entryId: number,
    fileId: number,
    editableStatuses: readonly DisclosureStatus[],
    actor: Actor,
  ): Promise<boolean> {
    return this.write(() => {
      this.assertEntryEditable(entryId, editableStatuses);
      const removed = this.stmt('DELETE FROM disclosure_entry_files WHERE entry_id = ? AND file_id = ?').run(entryId, fileId).changes === 1;
      if (removed) this.audit(actor, 'file', fileId, { disclosureEntryId: entryId }, null);
      return removed;
    });
  }

  async listDisclosureEntryFiles(entryId: number): Promise<FileRecord[]> {
    return this.all(
      `SELECT f.* FROM disclosure_entry_files l JOIN files f ON f.id = l.file_id WHERE l.entry_id = ? ORDER BY l.position`,
      (r) => toFile(r) as FileRecord,
      entryId,
    );
  }

  async isNonPublicFile(fileId: number): Promise<boolean> {
    const r = this.stmt(
      `SELECT EXISTS (SELECT 1 FROM disclosure_request_files WHERE file_id = ?) AS request,
         EXISTS (SELECT 1 FROM disclosure_entry_files WHERE file_id = ?) AS entry,
         EXISTS (SELECT 1 FROM disclosure_entry_files l JOIN disclosure_entries e ON e.id = l.entry_id
                 WHERE l.file_id = ? AND e.status = 'published') AS published`,
    ).get(fileId, fileId, fileId) as { request: number; entry: number; published: number };
    return r.request === 1 || (r.entry === 1 && r.published === 0);
  }
}

function yearBounds(year: number): { first: string; last: string } {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError('year out of range');
  return { first: `${year}-01-01`, last: `${year}-12-31` };
}

function scopeParams(q: StatsScope): unknown[] {
  return q.departmentId !== undefined ? [q.fromAt, q.toAt, q.departmentId] : [q.fromAt, q.toAt];
}

function onTimeParam(v: boolean | null | undefined): number | null {
  return v === true ? 1 : v === false ? 0 : null;
}

/** Duck-typed: under Jest, better-sqlite3's SqliteError may come from another realm's Error. */
function isUniqueViolation(err: unknown, column: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    typeof e.message === 'string' &&
    e.message.includes(column)
  );
}

/** SQL of the queries every public page runs; exported so a test can check their query plans. */
export const HOT_QUERIES = {
  /**
   * Open cases for the clock recompute, a batch at a time. Through the urgency index (ranks 0 running,
   * 1 undetermined, 2 paused, 9 pending): the closed cases, most of the table, are never read. (`+id`
   * keeps the planner off a rowid range, which reads every closed case after `afterId`.)
   */
  openClockCases: `SELECT ${CASE_COLUMNS} FROM cases c ${CASE_JOINS}
       WHERE c.id IN (SELECT id FROM cases WHERE clock_rank IN (0, 1, 2, 9) AND +id > ? ORDER BY id LIMIT ?) ORDER BY c.id`,
  /** At start, before listening: clocks never computed (rows older than migration 002), normally none. */
  pendingClockCases: `SELECT ${CASE_COLUMNS} FROM cases c ${CASE_JOINS}
       WHERE c.id IN (SELECT id FROM cases WHERE clock_rank = 9 AND +id > ? ORDER BY id LIMIT ?) ORDER BY c.id`,
  /** At every start: events still to seal (normally none). */
  unsealedEvents: 'SELECT id FROM stage_events WHERE hash IS NULL ORDER BY case_id, seq',
  caseByQueryNo: `SELECT ${CASE_COLUMNS_NO_JOIN} FROM cases c WHERE c.query_no = ?`,
  /** Names by scalar subqueries, not joins: cheaper per row, as for caseByQueryNo (staff_id is a foreign key). */
  stageEventsOfCase: `SELECT e.*, (SELECT display_name FROM staff WHERE id = e.staff_id) AS staff_name,
       (SELECT display_name FROM staff WHERE id = e.approver_id) AS approver_name
       FROM stage_events e WHERE e.case_id = ? ORDER BY e.seq`,
  /**
   * The public lookup: the case and its events (no staff names) as one JSON array, by one statement.
   * Half the CPU of two statements: better-sqlite3 builds a JS object per event row, JSON.parse is cheaper.
   */
  publicCaseByQueryNo: `SELECT ${CASE_COLUMNS_NO_JOIN},
       (SELECT json_group_array(json_object(${PUBLIC_EVENT_JSON_FIELDS})) FROM stage_events e WHERE e.case_id = c.id) AS public_events
       FROM cases c WHERE c.query_no = ?`,
  /** The bulletin without filters, newest first, between two order keys. */
  bulletinPage: `SELECT ${BULLETIN_COLUMNS} FROM bulletin_entries b ${BULLETIN_JOINS}
         WHERE b.search_key >= ? AND b.search_key < ? ORDER BY b.search_key DESC LIMIT ? OFFSET ?`,
  /**
   * A keyword, category or department search: one page of FTS matches, then their entries. The FTS
   * rowid is -search_key (migration 014), so newest first is forward order; bind -high, -low.
   */
  bulletinSearchPage: `SELECT ${BULLETIN_COLUMNS}
       FROM (SELECT rowid AS r FROM bulletin_search WHERE bulletin_search MATCH ? AND rowid > ? AND rowid <= ?
             ORDER BY rowid LIMIT ? OFFSET ?) s
       JOIN bulletin_entries b ON b.search_key = -s.r ${BULLETIN_JOINS}
       ORDER BY s.r`,
};

/** The SQL of a case list; exported so a test can check its query plan. */
export function listCasesQuery(f: CaseFilter): { countSql: string; rowsSql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (f.departmentId !== undefined) add('c.department_id = ?', f.departmentId);
  if (f.stage !== undefined) add('c.stage = ?', f.stage);
  if (f.itemId !== undefined) add('c.item_id = ?', f.itemId);
  if (f.windowId !== undefined) add('c.window_id = ?', f.windowId);
  if (f.clockState !== undefined) add('c.clock_rank = ?', CLOCK_RANK[f.clockState]);
  if (f.dueFrom !== undefined) add('c.due_date >= ?', f.dueFrom);
  if (f.dueTo !== undefined) add('c.due_date <= ?', f.dueTo);
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const orderSql = f.order === 'urgency' ? 'c.clock_rank, c.due_date, c.id' : 'c.updated_at DESC, c.id DESC';
  return {
    countSql: `SELECT COUNT(*) AS n FROM cases c ${whereSql}`,
    rowsSql: `SELECT ${CASE_COLUMNS} FROM cases c ${CASE_JOINS} ${whereSql} ORDER BY ${orderSql} LIMIT ? OFFSET ?`,
    params,
  };
}

/** The hashed fields of a stage_events row. */
export function hashedContent(r: Record<string, unknown>): HashedEventContent {
  return {
    caseId: r.case_id as number,
    seq: r.seq as number,
    kind: r.kind as string,
    fromStage: (r.from_stage as string | null) ?? null,
    toStage: r.to_stage as string,
    at: r.at as string,
    staffId: r.staff_id as number,
    note: (r.note as string | null) ?? null,
    notePublic: r.note_public === 1,
    decisionNo: (r.decision_no as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    extensionDays: (r.extension_days as number | null) ?? null,
    approverId: (r.approver_id as number | null) ?? null,
  };
}

/**
 * "Any of these columns contains `text`" as a LIKE condition, its own % _ \ taken literally;
 * pushes one parameter per column. A plain scan, meant for small tables (items, laws, disclosures).
 */
export function anyColumnContains(columns: readonly string[], text: string, params: unknown[]): string {
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  for (const _ of columns) params.push(like);
  return `(${columns.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`;
}
