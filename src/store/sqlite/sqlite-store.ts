import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { ConflictError, StaleVersionError } from '../../domain/errors';
import type { Evaluation, Rectification } from '../../domain/evaluation';
import type { Stage } from '../../domain/stages';
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
  RECTIFICATION_COLUMNS,
  RECTIFICATION_JOINS,
  toEvaluation,
  toRectification,
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
         decision_no = COALESCE(?, decision_no), decided_at = COALESCE(?, decided_at),
         decision_due_date = CASE WHEN ? IS NULL THEN decision_due_date ELSE ? END,
         decided_on_time = CASE WHEN ? IS NULL THEN decided_on_time ELSE ? END, ${CLOCK_ASSIGNMENTS}
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
