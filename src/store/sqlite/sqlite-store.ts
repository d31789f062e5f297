import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { StaleVersionError } from '../../domain/errors';
import type {
  CalendarOverrideRecord,
  CalendarYearRecord,
  Case,
  Department,
  ExtensionRequest,
  ExtensionStatus,
  Item,
  Page,
  ServiceWindow,
  Staff,
  StageEvent,
} from '../../domain/model';
import { MIGRATIONS_DIR } from '../../paths';
import { migrateSqlite } from '../migrate';
import {
  DuplicateQueryNoError,
  PendingExtensionExistsError,
  type AdvanceCase,
  type ApproveExtension,
  type ClockUpdate,
  type NewExtensionRequest,
  type ApiTokenRecord,
  type CaseFilter,
  type NewCase,
  type NewDepartment,
  type NewItem,
  type NewStaff,
  type NewWindow,
  type SessionRecord,
  type Store,
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
  CASE_COLUMNS,
  CASE_JOINS,
  ITEM_COLUMNS,
  toBulletinEntry,
  toCase,
  toDepartment,
  toItem,
  toStaff,
  toStageEvent,
  toWindow,
  toSessionRecord,
} from './rows';

type Row = Record<string, unknown>;

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
  return db;
}

export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();

  constructor(opts: SqliteStoreOptions) {
    this.db = openSqliteDatabase(opts.file);
    migrateSqlite(this.db, opts.migrationsDir ?? MIGRATIONS_DIR);
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

  private get<T>(sql: string, map: (r: Row) => T, ...params: unknown[]): T | null {
    const row = this.stmt(sql).get(...params) as Row | undefined;
    return row ? map(row) : null;
  }

  private all<T>(sql: string, map: (r: Row) => T, ...params: unknown[]): T[] {
    return (this.stmt(sql).all(...params) as Row[]).map(map);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async ping(): Promise<void> {
    this.stmt('SELECT 1').get();
  }

  async getSetting(key: string): Promise<string | null> {
    return this.get('SELECT value FROM settings WHERE key = ?', (r) => r.value as string, key);
  }

  async putSettingIfAbsent(key: string, value: string): Promise<string> {
    this.stmt('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
    return (await this.getSetting(key)) as string;
  }

  async isEmpty(): Promise<boolean> {
    const r = this.stmt('SELECT (SELECT COUNT(*) FROM staff) + (SELECT COUNT(*) FROM items) AS n').get() as {
      n: number;
    };
    return r.n === 0;
  }

  async createDepartment(d: NewDepartment): Promise<Department> {
    const info = this.stmt('INSERT INTO departments (code, name) VALUES (?, ?)').run(d.code, d.name);
    return { id: Number(info.lastInsertRowid), ...d };
  }

  async listDepartments(): Promise<Department[]> {
    return this.all('SELECT * FROM departments ORDER BY code', toDepartment);
  }

  async createWindow(w: NewWindow): Promise<ServiceWindow> {
    const info = this.stmt('INSERT INTO windows (department_id, code, name, location) VALUES (?, ?, ?, ?)').run(
      w.departmentId,
      w.code,
      w.name,
      w.location,
    );
    return { id: Number(info.lastInsertRowid), ...w };
  }

  async listWindows(departmentId?: number): Promise<ServiceWindow[]> {
    return departmentId === undefined
      ? this.all('SELECT * FROM windows ORDER BY code', toWindow)
      : this.all('SELECT * FROM windows WHERE department_id = ? ORDER BY code', toWindow, departmentId);
  }

  async createStaff(s: NewStaff): Promise<Staff> {
    const info = this.stmt(
      `INSERT INTO staff (username, display_name, role, department_id, window_id, password_hash, is_demo)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.username, s.displayName, s.role, s.departmentId, s.windowId, s.passwordHash, s.isDemo ? 1 : 0);
    return (await this.findStaffById(Number(info.lastInsertRowid))) as Staff;
  }

  async findStaffByUsername(username: string): Promise<Staff | null> {
    return this.get('SELECT * FROM staff WHERE username = ?', toStaff, username);
  }

  async findStaffById(id: number): Promise<Staff | null> {
    return this.get('SELECT * FROM staff WHERE id = ?', toStaff, id);
  }

  async listDemoStaff(): Promise<Staff[]> {
    return this.all('SELECT * FROM staff WHERE is_demo = 1 ORDER BY id', toStaff);
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
    this.stmt('INSERT INTO api_tokens (id, staff_id, expires_at) VALUES (?, ?, ?)').run(t.id, t.staffId, t.expiresAt);
  }

  async findApiToken(id: string): Promise<ApiTokenRecord | null> {
    return this.get(
      'SELECT * FROM api_tokens WHERE id = ?',
      (r) => ({ id: r.id as string, staffId: r.staff_id as number, expiresAt: r.expires_at as string }),
      id,
    );
  }

  async createItem(i: NewItem): Promise<Item> {
    this.stmt(
      `INSERT INTO items (code, name, category, department_id, statutory_days, promised_days, results_public,
         result_validity, status, joint_handling) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    );
    return (await this.findItemByCode(i.code)) as Item;
  }

  async findItemByCode(code: string): Promise<Item | null> {
    return this.get(
      `SELECT ${ITEM_COLUMNS} FROM items i JOIN departments d ON d.id = i.department_id WHERE i.code = ?`,
      toItem,
      code,
    );
  }

  async listItems(opts: { inForceOnly: boolean; departmentId?: number }): Promise<Item[]> {
    return this.all(
      `SELECT ${ITEM_COLUMNS} FROM items i JOIN departments d ON d.id = i.department_id
       WHERE (? = 0 OR i.status = 'in_force') AND (? IS NULL OR i.department_id = ?)
       ORDER BY d.code, i.code`,
      toItem,
      opts.inForceOnly ? 1 : 0,
      opts.departmentId ?? null,
      opts.departmentId ?? null,
    );
  }

  private findCaseById(id: number): Case {
    return this.get(`SELECT ${CASE_COLUMNS} FROM cases c ${CASE_JOINS} WHERE c.id = ?`, toCase, id) as Case;
  }

  async registerCase(c: NewCase): Promise<Case> {
    const insertCase = this.stmt(
      `INSERT INTO cases (query_no, item_id, department_id, applicant_name, applicant_kind, applicant_id_number,
         applicant_phone, project_name, note, stage, version, registered_by, registered_at, updated_at, window_id,
         clock_state, clock_rank, clock_kind, due_date, statutory_due_date, paused_days, extension_days,
         deemed_accepted, undetermined_year)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertEvent = this.stmt(
      `INSERT INTO stage_events (case_id, seq, from_stage, to_stage, at, staff_id, note, note_public)
       VALUES (?, 1, NULL, 'submitted', ?, ?, NULL, 0)`,
    );
    const run = this.db.transaction(() => {
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
      );
      const id = Number(info.lastInsertRowid);
      insertEvent.run(id, c.at, c.registeredBy);
      return id;
    });
    try {
      return this.findCaseById(run.immediate());
    } catch (err) {
      if (isUniqueViolation(err, 'cases.query_no')) throw new DuplicateQueryNoError();
      throw err;
    }
  }

  async findCaseByQueryNo(queryNo: string): Promise<Case | null> {
    return this.get(`SELECT ${CASE_COLUMNS} FROM cases c ${CASE_JOINS} WHERE c.query_no = ?`, toCase, queryNo);
  }

  async listStageEvents(caseId: number) {
    return this.all(
      `SELECT e.*, s.display_name AS staff_name, a.display_name AS approver_name
       FROM stage_events e JOIN staff s ON s.id = e.staff_id LEFT JOIN staff a ON a.id = e.approver_id
       WHERE e.case_id = ? ORDER BY e.seq`,
      toStageEvent,
      caseId,
    );
  }

  async advanceCase(a: AdvanceCase): Promise<Case> {
    const update = this.stmt(
      `UPDATE cases SET stage = ?, version = version + 1, updated_at = ?,
         decision_no = COALESCE(?, decision_no), decided_at = COALESCE(?, decided_at), ${CLOCK_ASSIGNMENTS}
       WHERE id = ? AND version = ? AND stage = ?`,
    );
    const insertEvent = this.stmt(
      `INSERT INTO stage_events (case_id, seq, from_stage, to_stage, at, staff_id, note, note_public, decision_no, reason)
       SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? FROM stage_events WHERE case_id = ?`,
    );
    const insertBulletin = this.stmt(
      `INSERT INTO bulletin_entries (case_id, decision_no, item_id, department_id, applicant_name, project_name,
         decided_at, validity)
       SELECT id, ?, item_id, department_id, ?, ?, ?, ? FROM cases WHERE id = ?`,
    );
    const e = a.event;
    this.db
      .transaction(() => {
        const changed = update.run(
          e.to,
          e.at,
          a.decision?.decisionNo ?? null,
          a.decision?.decidedAt ?? null,
          ...clockParams(a.clock),
          a.caseId,
          a.expectedVersion,
          a.from,
        ).changes;
        if (changed !== 1) throw new StaleVersionError();
        insertEvent.run(
          a.caseId,
          a.from,
          e.to,
          e.at,
          e.staffId,
          e.note,
          e.notePublic ? 1 : 0,
          e.decisionNo,
          e.reason,
          a.caseId,
        );
        if (a.bulletin) {
          const b = a.bulletin;
          insertBulletin.run(b.decisionNo, b.applicantName, b.projectName, b.decidedAt, b.validity, a.caseId);
        }
      })
      .immediate();
    return this.findCaseById(a.caseId);
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

  async listOpenCasesForClock(afterId: number, limit: number) {
    const cases = this.all(
      `SELECT ${CASE_COLUMNS} FROM cases c ${CASE_JOINS} WHERE c.clock_rank <> 3 AND c.id > ? ORDER BY c.id LIMIT ?`,
      toCase,
      afterId,
      limit,
    );
    if (cases.length === 0) return [];
    const events = this.all(
      `SELECT e.*, s.display_name AS staff_name, a.display_name AS approver_name
       FROM stage_events e JOIN staff s ON s.id = e.staff_id LEFT JOIN staff a ON a.id = e.approver_id
       WHERE e.case_id BETWEEN ? AND ? ORDER BY e.case_id, e.seq`,
      toStageEvent,
      cases[0].id,
      cases[cases.length - 1].id,
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
        insertEvent.run(a.stage, a.stage, a.at, a.approverId, a.requestId);
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

  async listBulletin(opts: { limit: number; offset: number }) {
    const total = (this.stmt('SELECT COUNT(*) AS n FROM bulletin_entries').get() as { n: number }).n;
    const rows = this.all(
      `SELECT ${BULLETIN_COLUMNS} FROM bulletin_entries b ${BULLETIN_JOINS}
       ORDER BY b.decided_at DESC, b.id DESC LIMIT ? OFFSET ?`,
      toBulletinEntry,
      opts.limit,
      opts.offset,
    );
    return { rows, total };
  }

  async findBulletinEntry(id: number) {
    return this.get(`SELECT ${BULLETIN_COLUMNS} FROM bulletin_entries b ${BULLETIN_JOINS} WHERE b.id = ?`, toBulletinEntry, id);
  }
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
