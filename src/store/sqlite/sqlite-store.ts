import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { StaleVersionError } from '../../domain/errors';
import type { BulletinEntry, Case, Department, Item, Page, ServiceWindow, Staff } from '../../domain/model';
import { MIGRATIONS_DIR } from '../../paths';
import { migrateSqlite } from '../migrate';
import {
  DuplicateQueryNoError,
  type AdvanceCase,
  type ApiTokenRecord,
  type BulletinListOptions,
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
import { bulletinOrderKey, instantKey, KEY_MAX, KEY_MIN, matchExpression, registerSearchFunctions } from './search-index';

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
  registerSearchFunctions(db);
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
         result_validity, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
         applicant_phone, project_name, note, stage, version, registered_by, registered_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', 1, ?, ?, ?)`,
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
      `SELECT e.*, s.display_name AS staff_name FROM stage_events e JOIN staff s ON s.id = e.staff_id
       WHERE e.case_id = ? ORDER BY e.seq`,
      toStageEvent,
      caseId,
    );
  }

  async advanceCase(a: AdvanceCase): Promise<Case> {
    const update = this.stmt(
      `UPDATE cases SET stage = ?, version = version + 1, updated_at = ?,
         decision_no = COALESCE(?, decision_no), decided_at = COALESCE(?, decided_at)
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
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.departmentId !== undefined) {
      where.push('c.department_id = ?');
      params.push(f.departmentId);
    }
    if (f.stage !== undefined) {
      where.push('c.stage = ?');
      params.push(f.stage);
    }
    if (f.itemId !== undefined) {
      where.push('c.item_id = ?');
      params.push(f.itemId);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.stmt(`SELECT COUNT(*) AS n FROM cases c ${whereSql}`).get(...params) as { n: number }).n;
    const rows = this.all(
      `SELECT ${CASE_COLUMNS} FROM cases c ${CASE_JOINS} ${whereSql} ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?`,
      toCase,
      ...params,
      f.limit,
      f.offset,
    );
    return { rows, total };
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
    if (!indexed) {
      const rows = this.all(
        `SELECT ${BULLETIN_COLUMNS} FROM bulletin_entries b ${BULLETIN_JOINS}
         WHERE b.search_key >= ? AND b.search_key < ? ORDER BY b.search_key DESC LIMIT ? OFFSET ?`,
        toBulletinEntry,
        low,
        high,
        opts.limit,
        opts.offset,
      );
      const total =
        countLimit === 0
          ? 0
          : (
              this.stmt(
                `SELECT COUNT(*) AS n FROM (SELECT 1 FROM bulletin_entries WHERE search_key >= ? AND search_key < ? LIMIT ?)`,
              ).get(low, high, countLimit) as { n: number }
            ).n;
      return { rows, total };
    }
    const match = matchExpression(keywords, opts.category, departmentId);
    const rows = this.all(
      `SELECT ${BULLETIN_COLUMNS}
       FROM (SELECT rowid AS k FROM bulletin_search WHERE bulletin_search MATCH ? AND rowid >= ? AND rowid < ?
             ORDER BY rowid DESC LIMIT ? OFFSET ?) s
       JOIN bulletin_entries b ON b.search_key = s.k ${BULLETIN_JOINS}
       ORDER BY s.k DESC`,
      toBulletinEntry,
      match,
      low,
      high,
      opts.limit,
      opts.offset,
    );
    const total =
      countLimit === 0
        ? 0
        : (
            this.stmt(
              `SELECT COUNT(*) AS n FROM (SELECT 1 FROM bulletin_search
               WHERE bulletin_search MATCH ? AND rowid >= ? AND rowid < ? LIMIT ?)`,
            ).get(match, low, high, countLimit) as { n: number }
          ).n;
    return { rows, total };
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
