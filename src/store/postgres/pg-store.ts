import pg from 'pg';
import type { Pool, PoolClient, QueryResult } from 'pg';
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
import { PG_MIGRATIONS_DIR } from '../../paths';
import { eventHash } from '../../domain/event-hash';
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
import { emptyThrottle, type ThrottleState } from '../../domain/login-throttle';
import {
  toDisclosureRequest,
  toRequestEvent,
  toRequestFee,
  toRequestFeeRow,
  toRequestReportRow,
  toRequestReview,
  toRequestReviewRow,
} from '../sqlite/disclosure-request-rows';
import {
  DuplicateKeyError,
  DuplicateEvaluationError,
  DuplicateQueryNoError,
  PendingExtensionExistsError,
  type CaseStatistics,
  type DecisionCountRow,
  type DecisionDuration,
  type EvaluationCountRow,
  type NewEvaluation,
  type RectificationFilter,
  type StatsScope,
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
  type DisclosureRequestFilter,
  type MoveDisclosureRequest,
  type NewDisclosureRequest,
  type NewRequestFee,
  type NewRequestReview,
  type RequestFile,
  type DisclosureReportRecord,
  type SaveDisclosureReport,
  type SubmitDisclosureReport,
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
  type MoveDisclosureEntry,
  type NewDisclosureEntry,
  type PublicCaseRecord,
} from '../store';
import {
  BULLETIN_COLUMNS,
  BULLETIN_JOINS,
  CLOCK_ASSIGNMENTS,
  clockParams,
  EXTENSION_COLUMNS,
  EXTENSION_JOINS,
  toExtensionRequest,
  toOutboxMessage,
  CASE_COLUMNS,
  CASE_JOINS,
  ITEM_COLUMNS,
  toBulletinEntry,
  toCase,
  toDepartment,
  toItem,
  toStaff,
  toStageEvent,
  toPublicCaseRecord,
  CASE_COLUMNS_NO_JOIN,
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
  toDisclosureEvent,
  toDisclosureReport,
} from '../sqlite/rows';
import { HOT_QUERIES, hashedContent, listCasesQuery } from '../sqlite/sqlite-store';
import { migratePostgres } from './pg-migrate';
import { bulletinSearchDoc, containsPattern, keywordTerms } from './pg-search';

type Row = Record<string, unknown>;
type Db = Pool | PoolClient;

/** SQLite's publicCaseByQueryNo in PostgreSQL's JSON functions (json_agg of no rows is NULL: no events). */
const PUBLIC_CASE_BY_QUERY_NO = `SELECT ${CASE_COLUMNS_NO_JOIN},
     (SELECT json_agg(json_build_object(${PUBLIC_EVENT_JSON_FIELDS})) FROM stage_events e WHERE e.case_id = c.id) AS public_events
     FROM cases c WHERE c.query_no = ?`;

/** First key of the two-key advisory lock taken per 查询号 (see lockQueryNo). */
const QUERY_NO_LOCK_CLASS = 0x71_6e_6f; // 'qno'

const STAFF_SELECT = `SELECT s.id, s.username, s.display_name, s.role, s.department_id, s.window_id, s.password_hash,
  s.is_demo, s.active FROM staff s`;

/** COUNT(*) and SUM() are bigint; every count here fits a JS number, as in the SQLite adapter. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const placeholderCache = new Map<string, string>();

/**
 * The SQL is written with `?` placeholders, as for SQLite (so shared query builders serve both);
 * they become $1, $2, … here. A `?` inside a quoted literal is left alone.
 */
export function toPgPlaceholders(sql: string): string {
  const hit = placeholderCache.get(sql);
  if (hit !== undefined) return hit;
  let out = '';
  let n = 0;
  let quoted = false;
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  if (placeholderCache.size < 2000) placeholderCache.set(sql, out);
  return out;
}

export interface PgStoreOptions {
  connectionString: string;
  /** Tables live in this schema (created if missing); default: the connection's search_path. */
  schema?: string;
  /** Connections in the pool. */
  poolSize?: number;
  migrationsDir?: string;
}

/** PostgreSQL unique violation, duck-typed (the error may come from another realm under Jest). */
function uniqueViolation(err: unknown): { table: string; constraint: string } | null {
  const e = err as { code?: unknown; table?: unknown; constraint?: unknown } | null;
  if (typeof e !== 'object' || e === null || e.code !== '23505') return null;
  return { table: String(e.table ?? ''), constraint: String(e.constraint ?? '') };
}

/** `departments_code_uq` on departments → `code`, the column name the SQLite adapter reports. */
function uniqueColumn(v: { table: string; constraint: string }): string {
  const prefix = `${v.table}_`;
  if (v.constraint.startsWith(prefix) && v.constraint.endsWith('_uq')) return v.constraint.slice(prefix.length, -3);
  return 'code';
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A pool whose connections use `schema` first (for tests and side-by-side installations). */
export function createPgPool(connectionString: string, opts: { schema?: string; max?: number } = {}): Pool {
  return new pg.Pool({
    connectionString,
    max: opts.max ?? 10,
    types: TYPES,
    options: opts.schema ? `-c search_path=${quoteIdent(opts.schema)},public` : undefined,
  });
}

function isoInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`not an ISO-8601 instant: ${iso}`);
  return new Date(ms).toISOString();
}

export class PgStore implements Store {
  private closed = false;
  private readonly beforeClose: (() => Promise<void>)[] = [];

  private constructor(readonly pool: Pool) {}

  /** Connects, creates the schema if asked, and migrates (under an advisory lock). */
  static async open(opts: PgStoreOptions): Promise<PgStore> {
    const pool = createPgPool(opts.connectionString, { schema: opts.schema, max: opts.poolSize });
    // An idle connection that breaks (server restart) must not crash the process.
    pool.on('error', (err) => console.error('PostgreSQL pool error:', err.message));
    try {
      await migratePostgres(pool, opts.migrationsDir ?? PG_MIGRATIONS_DIR, opts.schema);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PgStore(pool);
  }

  private async query(db: Db, sql: string, params: unknown[] = []): Promise<QueryResult<Row>> {
    return (db as Pool).query<Row>(toPgPlaceholders(sql), params);
  }

  private async one<T>(db: Db, sql: string, map: (r: Row) => T, ...params: unknown[]): Promise<T | null> {
    const r = await this.query(db, sql, params);
    return r.rows.length ? map(r.rows[0]) : null;
  }

  private async all<T>(db: Db, sql: string, map: (r: Row) => T, ...params: unknown[]): Promise<T[]> {
    return (await this.query(db, sql, params)).rows.map(map);
  }

  private async run(db: Db, sql: string, ...params: unknown[]): Promise<number> {
    return (await this.query(db, sql, params)).rowCount ?? 0;
  }

  private async insertId(db: Db, sql: string, ...params: unknown[]): Promise<number> {
    return (await this.query(db, `${sql} RETURNING id`, params)).rows[0].id as number;
  }

  private async count(db: Db, sql: string, ...params: unknown[]): Promise<number> {
    return Number((await this.query(db, sql, params)).rows[0].n);
  }

  /** One transaction on one pooled connection: COMMIT when `fn` resolves, ROLLBACK when it throws. */
  private async tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** A transaction whose unique violations become DuplicateKeyError (as SqliteStore's write()). */
  private async write<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    try {
      return await this.tx(fn);
    } catch (err) {
      const v = uniqueViolation(err);
      if (v) throw new DuplicateKeyError(uniqueColumn(v));
      throw err;
    }
  }

  /**
   * Runs `fn` while holding a session advisory lock, so instances starting together take turns
   * (e.g. only the first loads demo data into the empty database).
   */
  async withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [key]);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]);
      }
    } finally {
      client.release();
    }
  }

  /** Runs `fn` when the store closes, before the pool ends (e.g. to release a LISTEN connection). */
  onClose(fn: () => Promise<void>): void {
    this.beforeClose.push(fn);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.beforeClose.splice(0)) await fn().catch(() => undefined);
    await this.pool.end();
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async getSetting(key: string): Promise<string | null> {
    return this.one(this.pool, 'SELECT value FROM settings WHERE key = ?', (r) => r.value as string, key);
  }

  async putSettingIfAbsent(key: string, value: string): Promise<string> {
    await this.run(this.pool, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', key, value);
    return (await this.getSetting(key)) as string;
  }

  async putSetting(key: string, value: string): Promise<void> {
    await this.run(this.pool, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
  }

  /** GIN and pg_trgm indexes need no merging (autovacuum cleans their pending lists): nothing to do. */
  async compactSearchIndex(): Promise<boolean> {
    return false;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.count(this.pool, 'SELECT (SELECT COUNT(*) FROM staff) + (SELECT COUNT(*) FROM items) AS n')) === 0;
  }

  private async audit(
    db: Db,
    actor: Actor | undefined,
    entity: string,
    entityId: number,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): Promise<void> {
    if (!actor) return;
    const changes = diffFields(before, after);
    const action = before === null ? 'create' : after === null ? 'delete' : 'update';
    if (action === 'update' && Object.keys(changes).length === 0) return;
    await this.run(
      db,
      'INSERT INTO audit_log (at, staff_id, entity, entity_id, action, changes) VALUES (?, ?, ?, ?, ?, ?)',
      actor.at,
      actor.staffId,
      entity,
      entityId,
      action,
      JSON.stringify(changes),
    );
  }

  private departmentById(db: Db, id: number): Promise<Department | null> {
    return this.one(db, 'SELECT * FROM departments WHERE id = ?', toDepartment, id);
  }

  async createDepartment(d: NewDepartment, actor?: Actor): Promise<Department> {
    return this.write(async (c) => {
      const id = await this.insertId(c, 'INSERT INTO departments (code, name) VALUES (?, ?)', d.code, d.name);
      const created = { id, code: d.code, name: d.name };
      await this.audit(c, actor, 'department', id, null, { code: d.code, name: d.name });
      return created;
    });
  }

  async updateDepartment(id: number, d: NewDepartment, actor: Actor): Promise<Department> {
    return this.write(async (c) => {
      const before = await this.one(c, 'SELECT * FROM departments WHERE id = ? FOR UPDATE', toDepartment, id);
      if (!before) throw new NotFoundError('department_not_found', '没有这个部门');
      await this.run(c, 'UPDATE departments SET code = ?, name = ? WHERE id = ?', d.code, d.name, id);
      const after = (await this.departmentById(c, id)) as Department;
      await this.audit(c, actor, 'department', id, { code: before.code, name: before.name }, { code: after.code, name: after.name });
      return after;
    });
  }

  async listDepartments(): Promise<Department[]> {
    return this.all(this.pool, 'SELECT * FROM departments ORDER BY code', toDepartment);
  }

  async createWindow(w: NewWindow, actor?: Actor): Promise<ServiceWindow> {
    return this.write(async (c) => {
      const id = await this.insertId(
        c,
        'INSERT INTO windows (department_id, code, name, location) VALUES (?, ?, ?, ?)',
        w.departmentId,
        w.code,
        w.name,
        w.location,
      );
      const created = { id, departmentId: w.departmentId, code: w.code, name: w.name, location: w.location };
      const { id: _id, ...after } = created;
      await this.audit(c, actor, 'window', id, null, after);
      return created;
    });
  }

  async updateWindow(id: number, w: NewWindow, actor: Actor): Promise<ServiceWindow> {
    return this.write(async (c) => {
      const before = await this.one(c, 'SELECT * FROM windows WHERE id = ? FOR UPDATE', toWindow, id);
      if (!before) throw new NotFoundError('window_not_found', '没有这个窗口');
      await this.run(
        c,
        'UPDATE windows SET department_id = ?, code = ?, name = ?, location = ? WHERE id = ?',
        w.departmentId,
        w.code,
        w.name,
        w.location,
        id,
      );
      const after = (await this.one(c, 'SELECT * FROM windows WHERE id = ?', toWindow, id)) as ServiceWindow;
      const { id: _a, ...b } = before;
      const { id: _b, ...a } = after;
      await this.audit(c, actor, 'window', id, b, a);
      return after;
    });
  }

  async findWindowById(id: number): Promise<ServiceWindow | null> {
    return this.one(this.pool, 'SELECT * FROM windows WHERE id = ?', toWindow, id);
  }

  async listWindows(departmentId?: number): Promise<ServiceWindow[]> {
    return departmentId === undefined
      ? this.all(this.pool, 'SELECT * FROM windows ORDER BY code', toWindow)
      : this.all(this.pool, 'SELECT * FROM windows WHERE department_id = ? ORDER BY code', toWindow, departmentId);
  }

  async createStaff(s: NewStaff, actor?: Actor): Promise<Staff> {
    const id = await this.write(async (c) => {
      const staffId = await this.insertId(
        c,
        `INSERT INTO staff (username, display_name, role, department_id, window_id, password_hash, is_demo)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        s.username,
        s.displayName,
        s.role,
        s.departmentId,
        s.windowId,
        s.passwordHash,
        s.isDemo ? 1 : 0,
      );
      await this.audit(c, actor, 'staff', staffId, null, {
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
    return this.all(this.pool, `${STAFF_SELECT} ORDER BY s.active DESC, s.username`, toStaff);
  }

  private async endSessionsOf(c: Db, staffId: number): Promise<void> {
    await this.run(c, 'DELETE FROM sessions WHERE staff_id = ?', staffId);
    await this.run(c, 'DELETE FROM api_tokens WHERE staff_id = ?', staffId);
  }

  async updateStaffAccount(id: number, a: StaffAccountChange, actor: Actor): Promise<Staff> {
    await this.write(async (c) => {
      const before = await this.one(c, `${STAFF_SELECT} WHERE s.id = ? FOR UPDATE`, toStaff, id);
      if (!before) throw new NotFoundError('staff_not_found', '没有这个账号');
      await this.run(
        c,
        'UPDATE staff SET display_name = ?, role = ?, department_id = ?, window_id = ?, active = ? WHERE id = ?',
        a.displayName,
        a.role,
        a.departmentId,
        a.windowId,
        a.active ? 1 : 0,
        id,
      );
      if (before.role !== a.role || before.departmentId !== a.departmentId || (before.active && !a.active)) {
        await this.endSessionsOf(c, id);
      }
      const view = (s: StaffAccountChange) => ({
        displayName: s.displayName,
        role: s.role,
        departmentId: s.departmentId,
        windowId: s.windowId,
        active: s.active,
      });
      await this.audit(c, actor, 'staff', id, view(before), view(a));
    });
    return (await this.findStaffById(id)) as Staff;
  }

  async setStaffPassword(id: number, passwordHash: string, actor: Actor): Promise<void> {
    await this.write(async (c) => {
      if ((await this.run(c, 'UPDATE staff SET password_hash = ? WHERE id = ?', passwordHash, id)) !== 1) {
        throw new NotFoundError('staff_not_found', '没有这个账号');
      }
      await this.endSessionsOf(c, id);
      await this.audit(c, actor, 'staff', id, { password: '' }, { password: '已更改' });
    });
  }

  async findStaffByUsername(username: string): Promise<Staff | null> {
    return this.one(this.pool, `${STAFF_SELECT} WHERE s.username = ?`, toStaff, username);
  }

  async findStaffById(id: number): Promise<Staff | null> {
    return this.one(this.pool, `${STAFF_SELECT} WHERE s.id = ?`, toStaff, id);
  }

  async listDemoStaff(): Promise<Staff[]> {
    return this.all(this.pool, `${STAFF_SELECT} WHERE s.is_demo = 1 ORDER BY s.id`, toStaff);
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.run(
      this.pool,
      `INSERT INTO sessions (id, staff_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
      s.id,
      s.staffId,
      s.csrfToken,
      s.createdAt,
      s.lastSeenAt,
      s.expiresAt,
    );
  }

  async findSession(id: string): Promise<SessionRecord | null> {
    return this.one(this.pool, 'SELECT * FROM sessions WHERE id = ?', toSessionRecord, id);
  }

  async touchSession(id: string, lastSeenAt: string): Promise<void> {
    await this.run(this.pool, 'UPDATE sessions SET last_seen_at = ? WHERE id = ?', lastSeenAt, id);
  }

  async deleteSession(id: string): Promise<void> {
    await this.run(this.pool, 'DELETE FROM sessions WHERE id = ?', id);
  }

  async createApiToken(t: ApiTokenRecord): Promise<void> {
    await this.run(
      this.pool,
      'INSERT INTO api_tokens (id, staff_id, expires_at, created_at) VALUES (?, ?, ?, ?)',
      t.id, t.staffId, t.expiresAt, t.createdAt ?? '',
    );
  }

  async findApiToken(id: string): Promise<ApiTokenRecord | null> {
    return this.one(
      this.pool,
      'SELECT * FROM api_tokens WHERE id = ?',
      (r) => ({ id: r.id as string, staffId: r.staff_id as number, expiresAt: r.expires_at as string, createdAt: r.created_at as string }),
      id,
    );
  }

  async createItem(i: NewItem): Promise<Item> {
    await this.run(
      this.pool,
      `INSERT INTO items (code, name, category, department_id, statutory_days, promised_days, results_public,
         result_validity, status, joint_handling, item_type, case_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    return this.one(
      this.pool,
      `SELECT ${ITEM_COLUMNS} FROM items i JOIN departments d ON d.id = i.department_id WHERE i.code = ?`,
      toItem,
      code,
    );
  }

  async listItems(opts: { inForceOnly: boolean; departmentId?: number; onDate?: string }): Promise<Item[]> {
    const onDate = opts.inForceOnly ? (opts.onDate ?? null) : null;
    return this.all(
      this.pool,
      `SELECT ${ITEM_COLUMNS} FROM items i JOIN departments d ON d.id = i.department_id
       WHERE (?::int = 0 OR i.status = 'in_force') AND (?::int IS NULL OR i.department_id = ?)
         AND (?::text IS NULL OR NOT EXISTS (SELECT 1 FROM item_changes x
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
    // ILIKE on every term; the pg_trgm indexes on name and code answer terms of 3+ characters.
    for (const term of q.terms) where.push(anyColumnContainsCi(['i.name', 'i.code'], term, params));
    const base = `FROM items i JOIN departments d ON d.id = i.department_id WHERE ${where.join(' AND ')}`;
    const byDepartment = await this.all(
      this.pool,
      `SELECT d.id, d.code, d.name, COUNT(*) AS n ${base} GROUP BY d.id, d.code, d.name ORDER BY d.code`,
      (r) => ({ id: r.id as number, code: r.code as string, name: r.name as string, count: r.n as number }),
      ...params,
    );
    const byCategory = await this.all(
      this.pool,
      `SELECT i.category, COUNT(*) AS n ${base} GROUP BY i.category ORDER BY n DESC, i.category`,
      (r) => ({ category: r.category as string, count: r.n as number }),
      ...params,
    );
    const filtered = `${base} AND (?::int IS NULL OR i.department_id = ?) AND (?::text IS NULL OR i.category = ?)`;
    const fParams = [...params, q.departmentId ?? null, q.departmentId ?? null, q.category ?? null, q.category ?? null];
    const total = await this.count(this.pool, `SELECT COUNT(*) AS n ${filtered}`, ...fParams);
    const rows = await this.all(
      this.pool,
      `SELECT ${ITEM_COLUMNS} ${filtered} ORDER BY d.code, i.code LIMIT ? OFFSET ?`,
      toItem,
      ...fParams,
      q.limit,
      q.offset,
    );
    return { rows, total, byDepartment, byCategory };
  }

  private itemById(db: Db, id: number): Promise<Item | null> {
    return this.one(db, `SELECT ${ITEM_COLUMNS} FROM items i JOIN departments d ON d.id = i.department_id WHERE i.id = ?`, toItem, id);
  }

  private async guideById(db: Db, id: number): Promise<ItemGuide | null> {
    const item = await this.itemById(db, id);
    if (!item) return null;
    const details = (await this.one(db, 'SELECT * FROM items WHERE id = ?', toItemDetails, id))!;
    const window =
      details.windowId !== null
        ? await this.one(db, 'SELECT * FROM windows WHERE id = ?', toWindow, details.windowId)
        : await this.one(db, 'SELECT * FROM windows WHERE department_id = ? ORDER BY code LIMIT 1', toWindow, item.departmentId);
    return {
      item,
      details,
      window,
      materials: await this.all(
        db,
        `SELECT ${MATERIAL_COLUMNS} FROM item_materials m ${MATERIAL_JOINS} WHERE m.item_id = ? ORDER BY m.seq, m.id`,
        toMaterial,
        id,
      ),
      steps: await this.all(
        db,
        'SELECT name, description FROM item_steps WHERE item_id = ? ORDER BY seq',
        (r) => ({ name: r.name as string, description: r.description as string }),
        id,
      ),
      specialProcedures: await this.all(
        db,
        'SELECT * FROM item_special_procedures WHERE item_id = ? ORDER BY seq',
        (r) => ({ name: r.name as string, duration: r.duration as string, counted: r.counted === 1, basis: r.basis as string }),
        id,
      ),
      fees: await this.all(
        db,
        'SELECT * FROM item_fees WHERE item_id = ? ORDER BY seq',
        (r) => ({ name: r.name as string, standard: r.standard as string, basis: r.basis as string }),
        id,
      ),
      laws: await this.all(
        db,
        'SELECT l.*, il.articles AS cited FROM item_laws il JOIN laws l ON l.id = il.law_id WHERE il.item_id = ? ORDER BY il.seq',
        (r) => ({ law: toLaw(r), articles: r.cited as string }),
        id,
      ),
      changes: await this.all(
        db,
        `SELECT ${ITEM_CHANGE_COLUMNS} FROM item_changes ch ${ITEM_CHANGE_JOINS} WHERE ch.item_id = ?
         ORDER BY ch.effective_date DESC, ch.id DESC`,
        toItemChange,
        id,
      ),
      intermediaries: await this.all(
        db,
        `SELECT m.id, m.name FROM intermediary_items x JOIN intermediaries m ON m.id = x.intermediary_id
         WHERE x.item_id = ? ORDER BY m.name`,
        (r) => ({ id: r.id as number, name: r.name as string }),
        id,
      ),
    };
  }

  private async itemSnapshot(db: Db, id: number): Promise<Record<string, unknown> | null> {
    const g = await this.guideById(db, id);
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
    const id = await this.one(this.pool, 'SELECT id FROM items WHERE code = ?', (r) => r.id as number, code);
    return id === null ? null : this.guideById(this.pool, id);
  }

  async saveItemGuide(input: ItemGuideInput, actor: Actor, id?: number): Promise<Item> {
    const i = input.item;
    const d = input.details;
    const itemValues = [
      i.code, i.name, i.category, i.departmentId, i.statutoryDays, i.promisedDays, i.resultsPublic ? 1 : 0,
      i.resultValidity, i.status, i.itemType, i.caseType, d.conditions, d.windowId, d.serviceHours, d.consultPhone,
      d.complaintPhone, d.visits, d.feeNote,
    ];
    return this.write(async (c) => {
      let itemId: number;
      let before: Record<string, unknown> | null = null;
      if (id === undefined) {
        itemId = await this.insertId(
          c,
          `INSERT INTO items (code, name, category, department_id, statutory_days, promised_days, results_public,
             result_validity, status, item_type, case_type, conditions, window_id, service_hours, consult_phone,
             complaint_phone, visits, fee_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ...itemValues,
        );
      } else {
        await this.run(c, 'SELECT id FROM items WHERE id = ? FOR UPDATE', id);
        before = await this.itemSnapshot(c, id);
        if (!before) throw new NotFoundError('item_not_found', '没有这个审批事项');
        itemId = id;
        await this.run(
          c,
          `UPDATE items SET code = ?, name = ?, category = ?, department_id = ?, statutory_days = ?, promised_days = ?,
             results_public = ?, result_validity = ?, status = ?, item_type = ?, case_type = ?, conditions = ?,
             window_id = ?, service_hours = ?, consult_phone = ?, complaint_phone = ?, visits = ?, fee_note = ?
           WHERE id = ?`,
          ...itemValues,
          itemId,
        );
        // The bulletin index holds the item name (SQLite: trigger items_search_update).
        if (before.name !== i.name) await this.reindexBulletinOfItem(c, itemId, i.name);
      }
      const existing = new Set(
        await this.all(c, 'SELECT id FROM item_materials WHERE item_id = ?', (r) => r.id as number, itemId),
      );
      const kept = new Set<number>();
      for (const [seq, m] of input.materials.entries()) {
        if (m.id !== undefined && existing.has(m.id)) {
          kept.add(m.id);
          await this.run(
            c,
            'UPDATE item_materials SET seq = ?, name = ?, form = ?, copies = ?, required = ?, note = ? WHERE id = ?',
            seq, m.name, m.form, m.copies, m.required ? 1 : 0, m.note, m.id,
          );
        } else {
          await this.run(
            c,
            'INSERT INTO item_materials (item_id, seq, name, form, copies, required, note) VALUES (?, ?, ?, ?, ?, ?, ?)',
            itemId, seq, m.name, m.form, m.copies, m.required ? 1 : 0, m.note,
          );
        }
      }
      for (const old of existing) if (!kept.has(old)) await this.run(c, 'DELETE FROM item_materials WHERE id = ?', old);
      for (const table of ['item_steps', 'item_special_procedures', 'item_fees', 'item_laws']) {
        await this.run(c, `DELETE FROM ${table} WHERE item_id = ?`, itemId);
      }
      for (const [seq, st] of input.steps.entries()) {
        await this.run(c, 'INSERT INTO item_steps (item_id, seq, name, description) VALUES (?, ?, ?, ?)', itemId, seq, st.name, st.description);
      }
      for (const [seq, p] of input.specialProcedures.entries()) {
        await this.run(
          c,
          'INSERT INTO item_special_procedures (item_id, seq, name, duration, counted, basis) VALUES (?, ?, ?, ?, ?, ?)',
          itemId, seq, p.name, p.duration, p.counted ? 1 : 0, p.basis,
        );
      }
      for (const [seq, f] of input.fees.entries()) {
        await this.run(c, 'INSERT INTO item_fees (item_id, seq, name, standard, basis) VALUES (?, ?, ?, ?, ?)', itemId, seq, f.name, f.standard, f.basis);
      }
      for (const [seq, l] of input.laws.entries()) {
        await this.run(c, 'INSERT INTO item_laws (item_id, law_id, seq, articles) VALUES (?, ?, ?, ?)', itemId, l.lawId, seq, l.articles);
      }
      await this.audit(c, actor, 'item', itemId, before, await this.itemSnapshot(c, itemId));
      return (await this.itemById(c, itemId)) as Item;
    });
  }

  private async reindexBulletinOfItem(c: Db, itemId: number, itemName: string): Promise<void> {
    const entries = await this.all(
      c,
      'SELECT id, applicant_name, project_name, decision_no FROM bulletin_entries WHERE item_id = ?',
      (r) => r,
      itemId,
    );
    for (const e of entries) {
      const doc = bulletinSearchDoc({
        itemName,
        applicantName: e.applicant_name as string,
        projectName: (e.project_name as string | null) ?? null,
        decisionNo: e.decision_no as string,
      });
      await this.run(c, 'UPDATE bulletin_entries SET search_text = ?, search_grams = ? WHERE id = ?', doc.text, doc.grams, e.id);
    }
  }

  private lawById(db: Db, id: number): Promise<Law | null> {
    return this.one(db, 'SELECT * FROM laws WHERE id = ?', toLaw, id);
  }

  async createLaw(l: NewLaw, actor?: Actor): Promise<Law> {
    return this.write(async (c) => {
      const id = await this.insertId(
        c,
        `INSERT INTO laws (title, issuer, doc_no, level, effective_date, status, repealed_date, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        l.title, l.issuer, l.docNo, l.level, l.effectiveDate, l.status, l.repealedDate, l.body,
      );
      const law = (await this.lawById(c, id)) as Law;
      const { id: _id, ...after } = law;
      await this.audit(c, actor, 'law', law.id, null, after);
      return law;
    });
  }

  async updateLaw(id: number, l: NewLaw, actor: Actor): Promise<Law> {
    return this.write(async (c) => {
      const before = await this.one(c, 'SELECT * FROM laws WHERE id = ? FOR UPDATE', toLaw, id);
      if (!before) throw new NotFoundError('law_not_found', '没有这部法律法规');
      await this.run(
        c,
        `UPDATE laws SET title = ?, issuer = ?, doc_no = ?, level = ?, effective_date = ?, status = ?, repealed_date = ?,
           body = ? WHERE id = ?`,
        l.title, l.issuer, l.docNo, l.level, l.effectiveDate, l.status, l.repealedDate, l.body, id,
      );
      const after = (await this.lawById(c, id)) as Law;
      const { id: _a, ...b } = before;
      const { id: _b, ...a } = after;
      await this.audit(c, actor, 'law', id, b, a);
      return after;
    });
  }

  async findLaw(id: number): Promise<Law | null> {
    return this.lawById(this.pool, id);
  }

  async listLaws(f: LawFilter): Promise<Page<Law>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.q) where.push(anyColumnContainsCi(['title', 'doc_no', 'issuer'], f.q, params));
    if (f.level) {
      where.push('level = ?');
      params.push(f.level);
    }
    if (f.status) {
      where.push('status = ?');
      params.push(f.status);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = await this.count(this.pool, `SELECT COUNT(*) AS n FROM laws ${w}`, ...params);
    const rows = await this.all(
      this.pool,
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
      this.pool,
      `SELECT i.code, i.name, i.status, il.articles FROM item_laws il JOIN items i ON i.id = il.item_id
       WHERE il.law_id = ? ORDER BY i.code`,
      (r) => ({ code: r.code as string, name: r.name as string, articles: r.articles as string, status: r.status as Item['status'] }),
      lawId,
    );
  }

  private fileById(db: Db, id: number): Promise<FileRecord | null> {
    return this.one(db, 'SELECT * FROM files WHERE id = ?', (r) => toFile(r) as FileRecord, id);
  }

  async attachMaterialFile(materialId: number, slot: FileSlot, file: NewFile, actor: Actor): Promise<FileRecord> {
    const column = slot === 'blank' ? 'blank_file_id' : 'sample_file_id';
    return this.write(async (c) => {
      const material = await this.one(
        c,
        `SELECT id, ${column} AS previous FROM item_materials WHERE id = ? FOR UPDATE`,
        (r) => ({ id: r.id as number, previous: (r.previous as number | null) ?? null }),
        materialId,
      );
      if (!material) throw new NotFoundError('material_not_found', '没有这项申请材料');
      const fileId = await this.insertId(
        c,
        `INSERT INTO files (storage_name, original_name, content_type, size_bytes, uploaded_by, uploaded_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        file.storageName, file.originalName, file.contentType, file.sizeBytes, actor.staffId, actor.at,
      );
      await this.run(c, `UPDATE item_materials SET ${column} = ? WHERE id = ?`, fileId, materialId);
      await this.audit(c, actor, 'file', fileId, null, {
        materialId,
        slot,
        originalName: file.originalName,
        contentType: file.contentType,
        sizeBytes: file.sizeBytes,
        replaces: material.previous,
      });
      return (await this.fileById(c, fileId)) as FileRecord;
    });
  }

  async findFile(id: number): Promise<FileRecord | null> {
    return this.fileById(this.pool, id);
  }

  async countDownload(id: number): Promise<void> {
    await this.run(this.pool, 'UPDATE files SET download_count = download_count + 1 WHERE id = ?', id);
  }

  async findMaterialItem(materialId: number) {
    return this.one(
      this.pool,
      'SELECT m.id, i.code, i.department_id FROM item_materials m JOIN items i ON i.id = m.item_id WHERE m.id = ?',
      (r) => ({ materialId: r.id as number, itemCode: r.code as string, departmentId: r.department_id as number }),
      materialId,
    );
  }

  private async intermediaryById(db: Db, id: number): Promise<Intermediary | null> {
    const items = await this.all(
      db,
      `SELECT i.id, i.code, i.name FROM intermediary_items x JOIN items i ON i.id = x.item_id
       WHERE x.intermediary_id = ? ORDER BY i.code`,
      (r) => ({ id: r.id as number, code: r.code as string, name: r.name as string }),
      id,
    );
    return this.one(db, 'SELECT * FROM intermediaries WHERE id = ?', (r) => toIntermediary(r, items), id);
  }

  private intermediarySnapshot(m: Intermediary | null): Record<string, unknown> | null {
    if (!m) return null;
    const { id: _id, items, ...rest } = m;
    return { ...rest, itemIds: items.map((i) => i.id) };
  }

  private writeIntermediary(id: number | undefined, m: NewIntermediary, actor: Actor | undefined): Promise<Intermediary> {
    return this.write(async (c) => {
      const values = [m.name, m.qualification, m.serviceScope, m.feeBasis, m.contactPerson, m.phone, m.address];
      let before: Intermediary | null = null;
      let mid: number;
      if (id === undefined) {
        mid = await this.insertId(
          c,
          `INSERT INTO intermediaries (name, qualification, service_scope, fee_basis, contact_person, phone, address)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          ...values,
        );
      } else {
        await this.run(c, 'SELECT id FROM intermediaries WHERE id = ? FOR UPDATE', id);
        before = await this.intermediaryById(c, id);
        if (!before) throw new NotFoundError('intermediary_not_found', '没有这家中介机构');
        mid = id;
        await this.run(
          c,
          `UPDATE intermediaries SET name = ?, qualification = ?, service_scope = ?, fee_basis = ?, contact_person = ?,
             phone = ?, address = ? WHERE id = ?`,
          ...values,
          mid,
        );
        await this.run(c, 'DELETE FROM intermediary_items WHERE intermediary_id = ?', mid);
      }
      for (const itemId of new Set(m.itemIds)) {
        await this.run(c, 'INSERT INTO intermediary_items (intermediary_id, item_id) VALUES (?, ?)', mid, itemId);
      }
      const after = (await this.intermediaryById(c, mid)) as Intermediary;
      await this.audit(c, actor, 'intermediary', mid, this.intermediarySnapshot(before), this.intermediarySnapshot(after));
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
    return this.intermediaryById(this.pool, id);
  }

  async listIntermediaries(): Promise<Intermediary[]> {
    const ids = await this.all(this.pool, 'SELECT id FROM intermediaries ORDER BY name, id', (r) => r.id as number);
    const out: Intermediary[] = [];
    for (const id of ids) out.push((await this.intermediaryById(this.pool, id)) as Intermediary);
    return out;
  }

  async createItemChange(ch: NewItemChange, actor: Actor): Promise<ItemChange> {
    return this.write(async (c) => {
      const id = await this.insertId(
        c,
        `INSERT INTO item_changes (item_id, kind, effective_date, basis, description, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ch.itemId, ch.kind, ch.effectiveDate, ch.basis, ch.description, actor.staffId, actor.at,
      );
      await this.audit(c, actor, 'item_change', id, null, { ...ch });
      return (await this.one(c, `SELECT ${ITEM_CHANGE_COLUMNS} FROM item_changes ch ${ITEM_CHANGE_JOINS} WHERE ch.id = ?`, toItemChange, id)) as ItemChange;
    });
  }

  async listItemChanges(opts: { itemId?: number; limit: number; offset: number }): Promise<Page<ItemChange>> {
    const itemId = opts.itemId ?? null;
    const total = await this.count(this.pool, 'SELECT COUNT(*) AS n FROM item_changes WHERE (?::int IS NULL OR item_id = ?)', itemId, itemId);
    const rows = await this.all(
      this.pool,
      `SELECT ${ITEM_CHANGE_COLUMNS} FROM item_changes ch ${ITEM_CHANGE_JOINS} WHERE (?::int IS NULL OR ch.item_id = ?)
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
    const total = await this.count(this.pool, 'SELECT COUNT(*) AS n FROM audit_log WHERE (?::text IS NULL OR entity = ?)', entity, entity);
    const rows = await this.all(
      this.pool,
      `SELECT a.*, s.display_name AS staff_name FROM audit_log a JOIN staff s ON s.id = a.staff_id
       WHERE (?::text IS NULL OR a.entity = ?) ORDER BY a.id DESC LIMIT ? OFFSET ?`,
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
      this.pool,
      'SELECT material_id, name FROM case_materials WHERE case_id = ? ORDER BY seq',
      (r) => ({ materialId: r.material_id === null ? null : (r.material_id as number), name: r.name as string }),
      caseId,
    );
  }

  private async findCaseById(db: Db, id: number): Promise<Case> {
    return (await this.one(db, `SELECT ${CASE_COLUMNS} FROM cases c ${CASE_JOINS} WHERE c.id = ?`, toCase, id)) as Case;
  }

  async registerCase(c: NewCase): Promise<Case> {
    try {
      const id = await this.tx(async (db) => {
        await lockQueryNo(db, c.queryNo);
        if (await this.one(db, 'SELECT 1 AS x FROM disclosure_requests WHERE query_no = ?', (r) => r.x, c.queryNo)) throw new DuplicateQueryNoError();
        const id = await this.insertId(
          db,
          `INSERT INTO cases (query_no, item_id, department_id, applicant_name, applicant_kind, applicant_id_number,
             applicant_phone, project_name, note, stage, version, registered_by, registered_at, updated_at, window_id,
             clock_state, clock_rank, clock_kind, due_date, statutory_due_date, paused_days, extension_days,
             deemed_accepted, undetermined_year, applicant_email)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        const eventId = await this.insertId(
          db,
          `INSERT INTO stage_events (case_id, seq, from_stage, to_stage, at, staff_id, note, note_public)
           VALUES (?, 1, NULL, 'submitted', ?, ?, NULL, 0)`,
          id,
          c.at,
          c.registeredBy,
        );
        await this.sealEvent(db, eventId);
        await this.insertOutbox(db, id, eventId, c.notifications ?? [], c.at);
        for (const [seq, m] of (c.materials ?? []).entries()) {
          await this.run(db, 'INSERT INTO case_materials (case_id, material_id, seq, name) VALUES (?, ?, ?, ?)', id, m.materialId, seq, m.name);
        }
        return id;
      });
      return await this.findCaseById(this.pool, id);
    } catch (err) {
      if (uniqueViolation(err)?.constraint === 'cases_query_no_uq') throw new DuplicateQueryNoError();
      throw err;
    }
  }

  async findCaseByQueryNo(queryNo: string): Promise<Case | null> {
    return this.one(this.pool, HOT_QUERIES.caseByQueryNo, toCase, queryNo);
  }

  async listStageEvents(caseId: number) {
    return this.all(this.pool, HOT_QUERIES.stageEventsOfCase, toStageEvent, caseId);
  }

  async findPublicCase(queryNo: string): Promise<PublicCaseRecord | null> {
    return this.one(this.pool, PUBLIC_CASE_BY_QUERY_NO, toPublicCaseRecord, queryNo);
  }

  async advanceCase(a: AdvanceCase): Promise<Case> {
    const e = a.event;
    await this.tx(async (c) => {
      // The version check locks the case row: a concurrent move of the same case waits, then finds
      // the version moved on (StaleVersionError), as under SQLite's single writer.
      const changed = await this.run(
        c,
        `UPDATE cases SET stage = ?, version = version + 1, updated_at = ?,
           decision_no = COALESCE(?::text, decision_no), decided_at = COALESCE(?::text, decided_at),
           decision_due_date = CASE WHEN ?::int IS NULL THEN decision_due_date ELSE ?::text END,
           decided_on_time = CASE WHEN ?::int IS NULL THEN decided_on_time ELSE ?::int END, ${CLOCK_ASSIGNMENTS}
         WHERE id = ? AND version = ? AND stage = ?`,
        e.to,
        e.at,
        a.decision?.decisionNo ?? null,
        a.decision?.decidedAt ?? null,
        a.decision ? 1 : null,
        a.decision?.dueDate ?? null,
        a.decision ? 1 : null,
        a.decision ? onTimeParam(a.decision.onTime) : null,
        ...clockParams(a.clock),
        a.caseId,
        a.expectedVersion,
        a.from,
      );
      if (changed !== 1) throw new StaleVersionError();
      const eventId = await this.insertId(
        c,
        `INSERT INTO stage_events (case_id, seq, from_stage, to_stage, at, staff_id, note, note_public, decision_no, reason)
         SELECT ?::int, COALESCE(MAX(seq), 0) + 1, ?::text, ?::text, ?::text, ?::int, ?::text, ?::int, ?::text, ?::text
         FROM stage_events WHERE case_id = ?`,
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
      await this.sealEvent(c, eventId);
      await this.insertOutbox(c, a.caseId, eventId, a.notifications ?? [], e.at);
      if (a.bulletin) {
        const b = a.bulletin;
        const kase = (await this.one(
          c,
          'SELECT c.item_id, c.department_id, i.name AS item_name FROM cases c JOIN items i ON i.id = c.item_id WHERE c.id = ?',
          (r) => r,
          a.caseId,
        ))!;
        const doc = bulletinSearchDoc({
          itemName: kase.item_name as string,
          applicantName: b.applicantName,
          projectName: b.projectName,
          decisionNo: b.decisionNo,
        });
        await this.run(
          c,
          `INSERT INTO bulletin_entries (case_id, decision_no, item_id, department_id, applicant_name, project_name,
             decided_at, validity, search_text, search_grams) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          a.caseId, b.decisionNo, kase.item_id, kase.department_id, b.applicantName, b.projectName, b.decidedAt, b.validity,
          doc.text, doc.grams,
        );
      }
    });
    return this.findCaseById(this.pool, a.caseId);
  }

  async listCases(f: CaseFilter): Promise<Page<Case>> {
    const q = listCasesQuery(f);
    const total = await this.count(this.pool, q.countSql, ...q.params);
    const rows = f.limit > 0 ? await this.all(this.pool, pgNullOrder(q.rowsSql), toCase, ...q.params, f.limit, f.offset) : [];
    return { rows, total };
  }

  async listOpenCasesForClock(afterId: number, limit: number, opts: { pendingOnly?: boolean } = {}) {
    // clock_rank 9: never computed (rows older than the clock); 3: closed.
    const which = opts.pendingOnly ? 'c.clock_rank = 9' : 'c.clock_rank <> 3';
    const cases = await this.all(
      this.pool,
      `SELECT ${CASE_COLUMNS} FROM cases c ${CASE_JOINS} WHERE ${which} AND c.id > ? ORDER BY c.id LIMIT ?`,
      toCase,
      afterId,
      limit,
    );
    if (cases.length === 0) return [];
    const events = await this.all(
      this.pool,
      `SELECT e.*, s.display_name AS staff_name, a.display_name AS approver_name
       FROM stage_events e JOIN staff s ON s.id = e.staff_id LEFT JOIN staff a ON a.id = e.approver_id
       WHERE e.case_id = ANY(?::int[]) ORDER BY e.case_id, e.seq`,
      toStageEvent,
      cases.map((c) => c.id),
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
    return this.tx(async (c) => {
      let n = 0;
      for (const u of updates) {
        n += await this.run(c, `UPDATE cases SET ${CLOCK_ASSIGNMENTS} WHERE id = ? AND version = ?`, ...clockParams(u.clock), u.caseId, u.version);
      }
      return n;
    });
  }

  async createExtensionRequest(r: NewExtensionRequest): Promise<ExtensionRequest> {
    try {
      const id = await this.insertId(
        this.pool,
        'INSERT INTO extension_requests (case_id, days, reason, requested_by, requested_at) VALUES (?, ?, ?, ?, ?)',
        r.caseId,
        r.days,
        r.reason,
        r.requestedBy,
        r.requestedAt,
      );
      return (await this.findExtensionRequest(id)) as ExtensionRequest;
    } catch (err) {
      if (uniqueViolation(err)?.constraint === 'extension_requests_one_pending_uq') throw new PendingExtensionExistsError();
      throw err;
    }
  }

  async findExtensionRequest(id: number): Promise<ExtensionRequest | null> {
    return this.one(this.pool, `SELECT ${EXTENSION_COLUMNS} FROM extension_requests x ${EXTENSION_JOINS} WHERE x.id = ?`, toExtensionRequest, id);
  }

  async listExtensionRequests(f: { departmentId?: number; status?: ExtensionStatus; caseId?: number }) {
    return this.all(
      this.pool,
      `SELECT ${EXTENSION_COLUMNS} FROM extension_requests x ${EXTENSION_JOINS}
       WHERE (?::int IS NULL OR c.department_id = ?) AND (?::text IS NULL OR x.status = ?) AND (?::int IS NULL OR x.case_id = ?)
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
    await this.tx(async (c) => {
      const marked = await this.run(
        c,
        `UPDATE extension_requests SET status = 'approved', decided_by = ?, decided_at = ?, decision_note = ?
         WHERE id = ? AND case_id = ? AND status = 'pending'`,
        a.approverId, a.at, a.decisionNote, a.requestId, a.caseId,
      );
      if (marked !== 1) throw new StaleVersionError('该延期申请已被处理');
      const bumped = await this.run(
        c,
        `UPDATE cases SET version = version + 1, updated_at = ?, ${CLOCK_ASSIGNMENTS} WHERE id = ? AND version = ? AND stage = ?`,
        a.at, ...clockParams(a.clock), a.caseId, a.expectedVersion, a.stage,
      );
      if (bumped !== 1) throw new StaleVersionError();
      const eventId = await this.insertId(
        c,
        `INSERT INTO stage_events (case_id, seq, from_stage, to_stage, at, staff_id, note, note_public, kind,
           extension_days, approver_id)
         SELECT x.case_id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM stage_events WHERE case_id = x.case_id), ?::text, ?::text,
           ?::text, x.requested_by, x.reason, 1, 'extension', x.days, ?::int
         FROM extension_requests x WHERE x.id = ?`,
        a.stage, a.stage, a.at, a.approverId, a.requestId,
      );
      await this.sealEvent(c, eventId);
      await this.insertOutbox(c, a.caseId, eventId, a.notifications ?? [], a.at);
    });
    return this.findCaseById(this.pool, a.caseId);
  }

  async refuseExtension(r: { requestId: number; decidedBy: number; at: string; decisionNote: string }) {
    const changed = await this.run(
      this.pool,
      `UPDATE extension_requests SET status = 'refused', decided_by = ?, decided_at = ?, decision_note = ?
       WHERE id = ? AND status = 'pending'`,
      r.decidedBy, r.at, r.decisionNote, r.requestId,
    );
    if (changed !== 1) throw new StaleVersionError('该延期申请已被处理');
    return (await this.findExtensionRequest(r.requestId)) as ExtensionRequest;
  }

  /** Inside the inserting transaction (which holds the case row lock): links the event into the chain. */
  private async sealEvent(c: Db, eventId: number): Promise<void> {
    const row = (await this.one(c, 'SELECT * FROM stage_events WHERE id = ?', (r) => r, eventId))!;
    const prev = await this.one(
      c,
      'SELECT hash FROM stage_events WHERE case_id = ? AND seq = ?',
      (r) => (r.hash as string | null) ?? null,
      row.case_id,
      (row.seq as number) - 1,
    );
    await this.run(c, 'UPDATE stage_events SET hash = ? WHERE id = ? AND hash IS NULL', eventHash(prev, hashedContent(row)), eventId);
  }

  async chainHead(caseId: number): Promise<string | null> {
    return this.one(this.pool, 'SELECT hash FROM stage_events WHERE case_id = ? ORDER BY seq DESC LIMIT 1', (r) => r.hash as string | null, caseId);
  }

  private async insertOutbox(c: Db, caseId: number, eventId: number | null, messages: NewOutboxMessage[], at: string): Promise<number> {
    let n = 0;
    for (const m of messages) {
      n += await this.run(
        c,
        `INSERT INTO outbox (case_id, stage_event_id, dedupe_key, channel, recipient, subject, body, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
        caseId, eventId, m.dedupeKey ?? null, m.channel, m.recipient, m.subject, m.body, at, at,
      );
    }
    return n;
  }

  async enqueueOutbox(caseId: number, messages: NewOutboxMessage[], at: string): Promise<number> {
    return this.tx((c) => this.insertOutbox(c, caseId, null, messages, at));
  }

  /** SKIP LOCKED: workers on several instances claim disjoint messages without waiting on each other. */
  async claimOutbox(now: string, lockUntil: string, limit: number): Promise<OutboxMessage[]> {
    const rows = await this.all(
      this.pool,
      `UPDATE outbox SET locked_until = ?
       WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
                    AND (locked_until IS NULL OR locked_until <= ?) ORDER BY next_attempt_at, id LIMIT ?
                    FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      toOutboxMessage,
      lockUntil,
      now,
      now,
      limit,
    );
    return rows.sort((a, b) => a.id - b.id);
  }

  async markOutboxSent(id: number, at: string): Promise<void> {
    await this.run(
      this.pool,
      `UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, locked_until = NULL, last_error = NULL
       WHERE id = ?`,
      at,
      id,
    );
  }

  async markOutboxFailed(id: number, error: string, nextAttemptAt: string | null): Promise<void> {
    await this.run(
      this.pool,
      `UPDATE outbox SET attempts = attempts + 1, locked_until = NULL, last_error = ?,
         status = CASE WHEN ?::text IS NULL THEN 'failed' ELSE 'pending' END, next_attempt_at = COALESCE(?::text, next_attempt_at)
       WHERE id = ?`,
      error.slice(0, 500),
      nextAttemptAt,
      nextAttemptAt,
      id,
    );
  }

  async listOutbox(caseId: number): Promise<OutboxMessage[]> {
    return this.all(this.pool, 'SELECT * FROM outbox WHERE case_id = ? ORDER BY id', toOutboxMessage, caseId);
  }

  async listCalendarOverrides(): Promise<CalendarOverrideRecord[]> {
    return this.all(this.pool, 'SELECT * FROM calendar_overrides ORDER BY date', (r) => ({
      date: r.date as string,
      kind: r.kind as CalendarOverrideRecord['kind'],
      notice: r.notice as string,
      createdBy: r.created_by as number,
      createdAt: r.created_at as string,
    }));
  }

  async putCalendarOverride(o: CalendarOverrideRecord): Promise<void> {
    await this.run(
      this.pool,
      `INSERT INTO calendar_overrides (date, kind, notice, created_by, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, notice = excluded.notice,
         created_by = excluded.created_by, created_at = excluded.created_at`,
      o.date, o.kind, o.notice, o.createdBy, o.createdAt,
    );
  }

  async deleteCalendarOverride(date: string): Promise<boolean> {
    return (await this.run(this.pool, 'DELETE FROM calendar_overrides WHERE date = ?', date)) === 1;
  }

  async listCalendarYears(): Promise<CalendarYearRecord[]> {
    return this.all(this.pool, 'SELECT * FROM calendar_years ORDER BY year', (r) => ({
      year: r.year as number,
      notice: r.notice as string,
      declaredBy: r.declared_by as number,
      declaredAt: r.declared_at as string,
    }));
  }

  async declareCalendarYear(y: CalendarYearRecord): Promise<void> {
    await this.run(
      this.pool,
      `INSERT INTO calendar_years (year, notice, declared_by, declared_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (year) DO UPDATE SET notice = excluded.notice, declared_by = excluded.declared_by,
         declared_at = excluded.declared_at`,
      y.year, y.notice, y.declaredBy, y.declaredAt,
    );
  }

  async listBulletin(opts: BulletinListOptions): Promise<Page<BulletinEntry>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.departmentCode !== undefined) {
      const d = await this.one(this.pool, 'SELECT id FROM departments WHERE code = ?', (r) => r.id as number, opts.departmentCode);
      if (d === null) return { rows: [], total: 0 };
      where.push('b.department_id = ?');
      params.push(d);
    }
    if (opts.decidedFrom !== undefined) {
      where.push('b.decided_at >= ?');
      params.push(isoInstant(opts.decidedFrom));
    }
    if (opts.decidedBefore !== undefined) {
      where.push('b.decided_at < ?');
      params.push(isoInstant(opts.decidedBefore));
    }
    if (opts.after) {
      where.push('(b.decided_at, b.id) < (?::text, ?::int)');
      params.push(isoInstant(opts.after.decidedAt), opts.after.id);
    }
    const keywords = opts.keywords ?? [];
    if (keywords.length) {
      const { patterns, grams } = keywordTerms(keywords);
      where.push('b.search_grams @> ?::text[]');
      params.push(grams);
      for (const p of patterns) {
        where.push('b.search_text LIKE ?');
        params.push(p);
      }
    }
    if (opts.category !== undefined) {
      where.push('i.category = ?');
      params.push(opts.category);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows = await this.all(
      this.pool,
      `SELECT ${BULLETIN_COLUMNS} FROM bulletin_entries b ${BULLETIN_JOINS} ${w}
       ORDER BY b.decided_at DESC, b.id DESC LIMIT ? OFFSET ?`,
      toBulletinEntry,
      ...params,
      opts.limit,
      opts.offset,
    );
    const countLimit = opts.countLimit ?? -1;
    const total =
      countLimit === 0
        ? 0
        : await this.count(
            this.pool,
            `SELECT COUNT(*) AS n FROM (SELECT 1 FROM bulletin_entries b ${BULLETIN_JOINS} ${w} LIMIT ?) s`,
            ...params,
            countLimit < 0 ? null : countLimit,
          );
    return { rows, total };
  }

  async findBulletinEntry(id: number) {
    return this.one(this.pool, `SELECT ${BULLETIN_COLUMNS} FROM bulletin_entries b ${BULLETIN_JOINS} WHERE b.id = ?`, toBulletinEntry, id);
  }

  async getSiteVisits(): Promise<number> {
    return (await this.one(this.pool, "SELECT value FROM site_counters WHERE name = 'site_visits'", (r) => r.value as number)) ?? 0;
  }

  async addSiteVisits(count: number): Promise<number> {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`bad visit count: ${count}`);
    const row = await this.one(
      this.pool,
      `INSERT INTO site_counters (name, value) VALUES ('site_visits', ?)
       ON CONFLICT (name) DO UPDATE SET value = site_counters.value + excluded.value RETURNING value`,
      (r) => r.value as number,
      count,
    );
    return row as number;
  }

  async createEvaluation(e: NewEvaluation): Promise<Evaluation> {
    try {
      await this.tx(async (c) => {
        const id = await this.insertId(
          c,
          `INSERT INTO evaluations (case_id, level, comment, score_efficiency, score_quality, score_attitude, evaluated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          e.caseId, e.level, e.comment, e.scores.efficiency, e.scores.quality, e.scores.attitude, e.at,
        );
        if (e.rectification) {
          const written = await this.run(
            c,
            `INSERT INTO rectifications (evaluation_id, case_id, department_id, opened_at, due_date)
             SELECT ?::int, id, department_id, ?::text, ?::text FROM cases WHERE id = ?`,
            id, e.at, e.rectification.dueDate, e.caseId,
          );
          if (written !== 1) throw new Error('rectification task not written: case missing');
        }
      });
    } catch (err) {
      if (uniqueViolation(err)?.constraint === 'evaluations_case_uq') throw new DuplicateEvaluationError();
      throw err;
    }
    return (await this.findEvaluationByCase(e.caseId)) as Evaluation;
  }

  async findEvaluationByCase(caseId: number): Promise<Evaluation | null> {
    return this.one(this.pool, 'SELECT * FROM evaluations WHERE case_id = ?', toEvaluation, caseId);
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
    const total = await this.count(this.pool, `SELECT COUNT(*) AS n FROM rectifications r ${whereSql}`, ...params);
    const rows =
      f.limit > 0
        ? await this.all(
            this.pool,
            `SELECT ${RECTIFICATION_COLUMNS} FROM rectifications r ${RECTIFICATION_JOINS} ${whereSql}
             ORDER BY r.status = 'closed', CASE WHEN r.status = 'open' THEN COALESCE(r.due_date, '9999-12-31') END NULLS FIRST,
               r.closed_at DESC NULLS LAST, r.id LIMIT ? OFFSET ?`,
            toRectification,
            ...params,
            f.limit,
            f.offset,
          )
        : [];
    return { rows, total };
  }

  async findRectification(id: number): Promise<Rectification | null> {
    return this.one(this.pool, `SELECT ${RECTIFICATION_COLUMNS} FROM rectifications r ${RECTIFICATION_JOINS} WHERE r.id = ?`, toRectification, id);
  }

  async recordFollowUp(r: { id: number; date: string; result: string; staffId: number; at: string }) {
    const changed = await this.run(
      this.pool,
      `UPDATE rectifications SET follow_up_date = ?, follow_up_result = ?, follow_up_by = ?, follow_up_at = ?
       WHERE id = ? AND status = 'open'`,
      r.date, r.result, r.staffId, r.at, r.id,
    );
    if (changed !== 1) throw new ConflictError('rectification_closed', '该整改任务已办结，不能再修改回访记录');
    return (await this.findRectification(r.id)) as Rectification;
  }

  async closeRectification(r: { id: number; note: string; staffId: number; at: string }) {
    const changed = await this.run(
      this.pool,
      `UPDATE rectifications SET status = 'closed', closing_note = ?, closed_by = ?, closed_at = ?
       WHERE id = ? AND status = 'open' AND follow_up_date IS NOT NULL`,
      r.note, r.staffId, r.at, r.id,
    );
    if (changed !== 1) throw new ConflictError('rectification_not_closable', '该整改任务已办结或尚未记录回访');
    return (await this.findRectification(r.id)) as Rectification;
  }

  async evaluationCounts(q: StatsScope): Promise<EvaluationCountRow[]> {
    const dept = q.departmentId !== undefined ? 'AND c.department_id = ?' : '';
    return this.all(
      this.pool,
      `SELECT c.department_id, c.window_id, e.level, COUNT(*) AS n,
         COALESCE(SUM(CASE WHEN r.status = 'closed' THEN 1 ELSE 0 END), 0) AS rectified
       FROM evaluations e JOIN cases c ON c.id = e.case_id LEFT JOIN rectifications r ON r.evaluation_id = e.id
       WHERE e.evaluated_at >= ? AND e.evaluated_at < ? ${dept}
       GROUP BY c.department_id, c.window_id, e.level ORDER BY c.department_id, c.window_id NULLS FIRST, e.level`,
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
      this.pool,
      `SELECT c.department_id, c.window_id, COUNT(*) AS decided,
         SUM(CASE WHEN c.decided_on_time = 1 THEN 1 ELSE 0 END) AS on_time,
         SUM(CASE WHEN c.decided_on_time IS NOT NULL THEN 1 ELSE 0 END) AS known
       FROM cases c WHERE c.decided_at >= ? AND c.decided_at < ? ${dept}
       GROUP BY c.department_id, c.window_id ORDER BY c.department_id, c.window_id NULLS FIRST`,
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
    const byMonth = (r: Row) => ({ month: r.month as string, count: r.n as number });
    // Beijing months: UTC+8, no daylight saving since 1991. A timestamp literal's "Z" is ignored.
    const month = (col: string) => `to_char(${col}::timestamp + interval '8 hours', 'YYYY-MM')`;
    const completedFrom = `FROM stage_events e JOIN cases c ON c.id = e.case_id
       WHERE e.to_stage = 'completed' AND e.at >= ? AND e.at < ? ${dept}`;
    return {
      registered: await this.count(
        this.pool,
        `SELECT COUNT(*) AS n FROM cases c WHERE c.registered_at >= ? AND c.registered_at < ? ${dept}`,
        ...params,
      ),
      completed: await this.count(this.pool, `SELECT COUNT(*) AS n ${completedFrom}`, ...params),
      byStage: await this.all(
        this.pool,
        `SELECT c.stage, COUNT(*) AS n FROM cases c ${q.departmentId !== undefined ? 'WHERE c.department_id = ?' : ''}
         GROUP BY c.stage`,
        (r) => ({ stage: r.stage as Stage, count: r.n as number }),
        ...(q.departmentId !== undefined ? [q.departmentId] : []),
      ),
      registeredByMonth: await this.all(
        this.pool,
        `SELECT ${month('c.registered_at')} AS month, COUNT(*) AS n FROM cases c
         WHERE c.registered_at >= ? AND c.registered_at < ? ${dept} GROUP BY 1 ORDER BY 1`,
        byMonth,
        ...params,
      ),
      completedByMonth: await this.all(
        this.pool,
        `SELECT ${month('e.at')} AS month, COUNT(*) AS n ${completedFrom} GROUP BY 1 ORDER BY 1`,
        byMonth,
        ...params,
      ),
    };
  }

  async listDecisionDurations(q: StatsScope): Promise<DecisionDuration[]> {
    const dept = q.departmentId !== undefined ? 'AND c.department_id = ?' : '';
    return this.all(
      this.pool,
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

  private disclosureById(db: Db, id: number): Promise<DisclosureEntry | null> {
    return this.one(db, 'SELECT * FROM disclosure_entries WHERE id = ?', toDisclosureEntry, id);
  }

  private async logDisclosureEvent(
    c: Db,
    entryId: number,
    action: string,
    from: string | null,
    to: string,
    staffId: number,
    at: string,
    comment: string | null,
  ): Promise<void> {
    await this.run(
      c,
      `INSERT INTO disclosure_events (entry_id, action, from_status, to_status, staff_id, at, comment) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      entryId, action, from, to, staffId, at, comment,
    );
  }

  async createDisclosureEntry(e: NewDisclosureEntry, actor: Actor): Promise<DisclosureEntry> {
    return this.write(async (c) => (await this.disclosureById(c, await this.insertDisclosureEntry(c, e, actor, 'text'))) as DisclosureEntry);
  }

  /** Inserts a draft with its 'create' event (inside the caller's transaction); returns its id. */
  private async insertDisclosureEntry(c: PoolClient, e: NewDisclosureEntry, actor: Actor, bodyFormat: 'text' | 'html'): Promise<number> {
    let indexNo = e.indexNo;
    if (!indexNo) {
      // The counter row is locked until commit, so two drafts never draw the same serial.
      await this.run(c, 'INSERT INTO disclosure_serials (prefix, last) VALUES (?, 0) ON CONFLICT (prefix) DO NOTHING', e.indexPrefix);
      let serial = (await this.one(c, 'SELECT last FROM disclosure_serials WHERE prefix = ? FOR UPDATE', (r) => r.last as number, e.indexPrefix))!;
      do {
        serial += 1;
        if (serial > 99_999) throw new ConflictError('index_no_exhausted', '本年度索引号流水号已用完');
        indexNo = `${e.indexPrefix}${String(serial).padStart(5, '0')}`;
      } while (await this.one(c, 'SELECT 1 AS x FROM disclosure_entries WHERE index_no = ?', (r) => r.x, indexNo));
      await this.run(c, 'UPDATE disclosure_serials SET last = ? WHERE prefix = ?', serial, e.indexPrefix);
    }
    const id = await this.insertId(
      c,
      `INSERT INTO disclosure_entries (index_no, title, category, written_date, publisher, summary, body, body_format, status,
         created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)`,
      indexNo, e.title, e.category, e.writtenDate, e.publisher, e.summary, e.body, bodyFormat, actor.staffId, actor.at, actor.at,
    );
    await this.logDisclosureEvent(c, id, 'create', null, 'draft', actor.staffId, actor.at, null);
    return id;
  }

  async updateDisclosureEntry(id: number, expectedVersion: number, f: DisclosureFields, actor: Actor): Promise<DisclosureEntry> {
    return this.write(async (c) => {
      const before = await this.disclosureById(c, id);
      if (!before) throw new NotFoundError('not_found', '未找到该公开信息');
      const changed = await this.run(
        c,
        `UPDATE disclosure_entries SET title = ?, category = ?, written_date = ?, publisher = ?, summary = ?, body = ?,
           version = version + 1, updated_at = ?
         WHERE id = ? AND version = ?`,
        f.title, f.category, f.writtenDate, f.publisher, f.summary, f.body, actor.at, id, expectedVersion,
      );
      if (changed === 0) throw new StaleVersionError('该信息已被他人更新，请刷新后重试');
      await this.logDisclosureEvent(c, id, 'edit', before.status, before.status, actor.staffId, actor.at, null);
      return (await this.disclosureById(c, id)) as DisclosureEntry;
    });
  }

  async moveDisclosureEntry(m: MoveDisclosureEntry): Promise<DisclosureEntry> {
    return this.write(async (c) => {
      const changed = await this.run(
        c,
        `UPDATE disclosure_entries SET status = ?, version = version + 1, updated_at = ?,
           published_at = CASE WHEN ?::text = 'published' THEN ?::text ELSE published_at END
         WHERE id = ? AND version = ? AND status = ?`,
        m.to, m.actor.at, m.to, m.actor.at, m.id, m.expectedVersion, m.from,
      );
      if (changed === 0) {
        if (!(await this.disclosureById(c, m.id))) throw new NotFoundError('not_found', '未找到该公开信息');
        throw new StaleVersionError('该信息已被他人处理，请刷新后重试');
      }
      await this.logDisclosureEvent(c, m.id, m.action, m.from, m.to, m.actor.staffId, m.actor.at, m.comment);
      return (await this.disclosureById(c, m.id)) as DisclosureEntry;
    });
  }

  async findDisclosureEntry(id: number): Promise<DisclosureEntry | null> {
    return this.disclosureById(this.pool, id);
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
    if (f.q) where.push(anyColumnContainsCi(['title', 'index_no', 'summary', 'body'], f.q, params));
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = await this.count(this.pool, `SELECT COUNT(*) AS n FROM disclosure_entries ${w}`, ...params);
    const rows = await this.all(
      this.pool,
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
    return this.all(
      this.pool,
      `SELECT category, CAST(to_char(published_at::timestamp + interval '8 hours', 'YYYY') AS INTEGER) AS year, COUNT(*) AS n
       FROM disclosure_entries WHERE status = 'published' AND (?::text IS NULL OR published_at < ?)
       GROUP BY 1, 2 ORDER BY 2 DESC, 1`,
      (r) => ({ category: String(r.category), year: Number(r.year), count: Number(r.n) }),
      f.publishedBefore ?? null,
      f.publishedBefore ?? null,
    );
  }

  async listDisclosureEvents(entryId: number): Promise<DisclosureEvent[]> {
    return this.all(
      this.pool,
      `SELECT e.*, s.display_name AS staff_name FROM disclosure_events e JOIN staff s ON s.id = e.staff_id
       WHERE e.entry_id = ? ORDER BY e.id`,
      toDisclosureEvent,
      entryId,
    );
  }

  // Login security: API token listing, failed-login counters, the authentication log.

  async listApiTokens(f: { staffId?: number; activeAt: string }): Promise<ApiTokenInfo[]> {
    return this.all(
      this.pool,
      `SELECT t.id, t.staff_id, t.created_at, t.expires_at, s.username, s.display_name FROM api_tokens t
       JOIN staff s ON s.id = t.staff_id WHERE t.expires_at > ? AND (?::integer IS NULL OR t.staff_id = ?)
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
    return (
      (await this.run(this.pool, 'DELETE FROM api_tokens WHERE id = ? AND (?::integer IS NULL OR staff_id = ?)', id, staffId ?? null, staffId ?? null)) > 0
    );
  }

  async findLoginThrottles(keys: string[]): Promise<ThrottleState[]> {
    if (keys.length === 0) return [];
    return this.all(this.pool, 'SELECT * FROM login_throttle WHERE key = ANY(?::text[]) ORDER BY key', toThrottleState, keys);
  }

  async updateLoginThrottle(key: string, next: (prev: ThrottleState) => ThrottleState): Promise<ThrottleState> {
    return this.tx(async (c) => {
      // The row is created first so that FOR UPDATE has something to lock: concurrent failures
      // for one key then read-modify-write one after the other, as under SQLite's write lock.
      await this.run(c, 'INSERT INTO login_throttle (key) VALUES (?) ON CONFLICT (key) DO NOTHING', key);
      const prev = (await this.one(c, 'SELECT * FROM login_throttle WHERE key = ? FOR UPDATE', toThrottleState, key)) ?? emptyThrottle(key);
      const s = { ...next(prev), key };
      await this.run(
        c,
        `UPDATE login_throttle SET failures = ?, window_start = ?, locked_until = ?, lock_level = ?, last_failure_at = ?
         WHERE key = ?`,
        s.failures, s.windowStart, s.lockedUntil, s.lockLevel, s.lastFailureAt, key,
      );
      return s;
    });
  }

  async deleteLoginThrottle(key: string): Promise<boolean> {
    return (await this.run(this.pool, 'DELETE FROM login_throttle WHERE key = ?', key)) > 0;
  }

  async listLoginLocks(now: string): Promise<ThrottleState[]> {
    return this.all(this.pool, 'SELECT * FROM login_throttle WHERE locked_until > ? ORDER BY locked_until DESC, key', toThrottleState, now);
  }

  async addAuthEvent(e: NewAuthEvent): Promise<void> {
    await this.run(
      this.pool,
      'INSERT INTO auth_events (at, kind, staff_id, username, ip, actor_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      e.at, e.kind, e.staffId, e.username.slice(0, 50), e.ip.slice(0, 100), e.actorId ?? null, e.detail ?? '',
    );
  }

  async listAuthEvents(opts: { staffId?: number; kind?: AuthEventKind; limit: number; offset: number }): Promise<Page<AuthEvent>> {
    const staffId = opts.staffId ?? null;
    const kind = opts.kind ?? null;
    const where = '(?::integer IS NULL OR e.staff_id = ?) AND (?::text IS NULL OR e.kind = ?)';
    const total = await this.count(this.pool, `SELECT COUNT(*) AS n FROM auth_events e WHERE ${where}`, staffId, staffId, kind, kind);
    const rows = await this.all(
      this.pool,
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
      staffId, staffId, kind, kind, opts.limit, opts.offset,
    );
    return { rows, total };
  }

  async countApprovals(range: { from: string; before: string }): Promise<number> {
    return this.count(
      this.pool,
      `SELECT COUNT(DISTINCT case_id) AS n FROM stage_events WHERE to_stage = 'approved' AND at >= ? AND at < ?`,
      range.from,
      range.before,
    );
  }

  // 政府信息公开: the annual report.

  private reportByYear(db: Db, year: number): Promise<DisclosureReportRecord | null> {
    return this.one(
      db,
      `SELECT r.*, e.status AS entry_status FROM disclosure_reports r LEFT JOIN disclosure_entries e ON e.id = r.entry_id
       WHERE r.year = ?`,
      toDisclosureReport,
      year,
    );
  }

  async findDisclosureReport(year: number): Promise<DisclosureReportRecord | null> {
    return this.reportByYear(this.pool, year);
  }

  async listDisclosureReports(): Promise<DisclosureReportRecord[]> {
    return this.all(
      this.pool,
      `SELECT r.*, e.status AS entry_status FROM disclosure_reports r LEFT JOIN disclosure_entries e ON e.id = r.entry_id
       ORDER BY r.year DESC`,
      toDisclosureReport,
    );
  }

  async saveDisclosureReport(s: SaveDisclosureReport): Promise<DisclosureReportRecord> {
    return this.write(async (c) => {
      const texts = JSON.stringify(s.texts);
      const figures = JSON.stringify(s.figures);
      if (s.expectedVersion === null) {
        const n = await this.run(
          c,
          `INSERT INTO disclosure_reports (year, template, texts_json, figures_json, updated_by, updated_at)
           VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (year) DO NOTHING`,
          s.year, s.template, texts, figures, s.actor.staffId, s.actor.at,
        );
        if (n === 0) throw new StaleVersionError('该年度报告已被他人保存，请刷新后重试');
      } else {
        const n = await this.run(
          c,
          `UPDATE disclosure_reports SET template = ?, texts_json = ?, figures_json = ?, version = version + 1,
             updated_by = ?, updated_at = ?
           WHERE year = ? AND version = ?`,
          s.template, texts, figures, s.actor.staffId, s.actor.at, s.year, s.expectedVersion,
        );
        if (n === 0) throw new StaleVersionError('该年度报告已被他人更新，请刷新后重试');
      }
      return (await this.reportByYear(c, s.year)) as DisclosureReportRecord;
    });
  }

  async submitDisclosureReport(s: SubmitDisclosureReport): Promise<{ report: DisclosureReportRecord; entry: DisclosureEntry }> {
    return this.write(async (c) => {
      // Concurrent submissions of one year take turns; the version is checked at the end, as in SQLite.
      await this.run(c, 'SELECT 1 FROM disclosure_reports WHERE year = ? FOR UPDATE', s.year);
      const f = s.fields;
      const to = s.steps[s.steps.length - 1].to;
      let entryId: number;
      if (s.entry === null) {
        entryId = await this.insertDisclosureEntry(c, { ...f, indexPrefix: s.indexPrefix }, s.actor, 'html');
      } else {
        entryId = s.entry.id;
        const n = await this.run(
          c,
          `UPDATE disclosure_entries SET title = ?, category = ?, written_date = ?, publisher = ?, summary = ?, body = ?,
             body_format = 'html', status = ?, version = version + 1, updated_at = ?
           WHERE id = ? AND version = ? AND status = ?`,
          f.title, f.category, f.writtenDate, f.publisher, f.summary, f.body, to, s.actor.at, entryId, s.entry.version, s.steps[0].from,
        );
        if (n === 0) throw new StaleVersionError('年度报告的公开信息已被他人处理，请刷新后重试');
      }
      for (const st of s.steps) {
        if (st.action === 'create') continue;
        await this.logDisclosureEvent(c, entryId, st.action, st.from, st.to, s.actor.staffId, s.actor.at, null);
      }
      if (s.entry === null) {
        // One version per step after 'create', as if each had been a separate move.
        await this.run(c, 'UPDATE disclosure_entries SET status = ?, version = version + ? WHERE id = ?', to, s.steps.length - 1, entryId);
      }
      const n = await this.run(
        c,
        `UPDATE disclosure_reports SET snapshot_json = ?, entry_id = ?, version = version + 1, updated_by = ?, updated_at = ?
         WHERE year = ? AND version = ?`,
        s.snapshotJson, entryId, s.actor.staffId, s.actor.at, s.year, s.expectedVersion,
      );
      if (n === 0) throw new StaleVersionError('该年度报告已被他人更新，请刷新后重试');
      return {
        report: (await this.reportByYear(c, s.year)) as DisclosureReportRecord,
        entry: (await this.disclosureById(c, entryId)) as DisclosureEntry,
      };
    });
  }

  // 依申请公开: requests, their timeline, fees, reviews and attachments.

  async listDisclosureRequestsForReport(year: number): Promise<RequestReportRow[]> {
    const { first, last } = yearBounds(year);
    return this.all(
      this.pool,
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
      this.pool,
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
      this.pool,
      `SELECT request_id, kind, filed_on, outcome, decided_on FROM disclosure_request_reviews
       WHERE filed_on <= ? AND (decided_on IS NULL OR decided_on >= ?) ORDER BY id`,
      toRequestReviewRow,
      last,
      first,
    );
  }

  private requestById(db: Db, id: number): Promise<DisclosureRequest | null> {
    return this.one(db, 'SELECT * FROM disclosure_requests WHERE id = ?', toDisclosureRequest, id);
  }

  private logRequestEvent(
    c: Db,
    requestId: number,
    action: RequestAction,
    from: RequestStage | null,
    to: RequestStage,
    staffId: number | null,
    at: string,
    comment: string | null,
  ): Promise<number> {
    return this.insertId(
      c,
      `INSERT INTO disclosure_request_events (request_id, action, from_stage, to_stage, staff_id, at, comment)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      requestId, action, from, to, staffId, at, comment,
    );
  }

  private insertFile(c: Db, file: NewFile, actor: { staffId: number | null; at: string }): Promise<number> {
    return this.insertId(
      c,
      `INSERT INTO files (storage_name, original_name, content_type, size_bytes, uploaded_by, uploaded_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      file.storageName, file.originalName, file.contentType, file.sizeBytes, actor.staffId, actor.at,
    );
  }

  async createDisclosureRequest(r: NewDisclosureRequest): Promise<DisclosureRequest> {
    try {
      const id = await this.tx(async (c) => {
        // Cases and requests share the lookup page, so a number must be free in both tables.
        await lockQueryNo(c, r.queryNo);
        if (await this.one(c, 'SELECT 1 AS x FROM cases WHERE query_no = ?', (x) => x.x, r.queryNo)) throw new DuplicateQueryNoError();
        const id = await this.insertId(
          c,
          `INSERT INTO disclosure_requests (query_no, applicant_kind, applicant_name, id_number, contact_person, phone, email,
             address, description, delivery_form, stage, received_at, received_on, clock_start_on, due_on, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?)`,
          r.queryNo, r.applicantKind, r.applicantName, r.idNumber, r.contactPerson, r.phone, r.email, r.address,
          r.description, r.deliveryForm, r.receivedAt, r.receivedOn, r.receivedOn, r.dueOn, r.receivedAt, r.receivedAt,
        );
        await this.logRequestEvent(c, id, 'receive', null, 'received', null, r.receivedAt, null);
        return id;
      });
      return (await this.requestById(this.pool, id)) as DisclosureRequest;
    } catch (err) {
      if (uniqueViolation(err)?.constraint === 'disclosure_requests_query_no_uq') throw new DuplicateQueryNoError();
      throw err;
    }
  }

  async moveDisclosureRequest(m: MoveDisclosureRequest): Promise<DisclosureRequest> {
    if (nextRequestStage(m.from, m.action) !== m.to) throw new ConflictError('wrong_stage', '该申请当前状态不能进行此操作');
    return this.write(async (c) => {
      const ch = m.changes;
      const closing = m.to === 'closed';
      const n = await this.run(
        c,
        `UPDATE disclosure_requests SET stage = ?, version = version + 1, updated_at = ?,
           clock_start_on = CASE WHEN ?::boolean THEN ?::text ELSE clock_start_on END,
           due_on = CASE WHEN ?::boolean THEN ?::text ELSE due_on END,
           supplement_due_on = CASE WHEN ?::boolean THEN ?::text ELSE supplement_due_on END,
           extended = CASE WHEN ?::boolean THEN ?::integer ELSE extended END,
           outcome = CASE WHEN ?::boolean THEN ?::text ELSE outcome END,
           reply_text = CASE WHEN ?::boolean THEN ?::text ELSE reply_text END,
           closed_at = CASE WHEN ?::boolean THEN ?::text ELSE closed_at END,
           closed_on = CASE WHEN ?::boolean THEN ?::text ELSE closed_on END
         WHERE id = ? AND version = ? AND stage = ?`,
        m.to,
        m.actor.at,
        ch.clockStartOn !== undefined,
        ch.clockStartOn ?? null,
        ch.dueOn !== undefined,
        ch.dueOn ?? null,
        ch.supplementDueOn !== undefined,
        ch.supplementDueOn ?? null,
        ch.extended !== undefined,
        ch.extended ? 1 : 0,
        ch.outcome !== undefined,
        ch.outcome ?? null,
        ch.replyText !== undefined,
        ch.replyText ?? null,
        closing,
        closing ? m.actor.at : null,
        closing,
        ch.closedOn ?? null,
        m.id,
        m.expectedVersion,
        m.from,
      );
      if (n === 0) {
        if (!(await this.requestById(c, m.id))) throw new NotFoundError('request_not_found', '未找到该政府信息公开申请');
        throw new StaleVersionError('该申请已被他人处理，请刷新后重试');
      }
      const eventId = await this.logRequestEvent(c, m.id, m.action, m.from, m.to, m.actor.staffId, m.actor.at, m.comment);
      const start = await this.count(c, 'SELECT COUNT(*) AS n FROM disclosure_request_files WHERE request_id = ?', m.id);
      for (const [i, f] of (m.files ?? []).entries()) {
        const fileId = await this.insertFile(c, f, m.actor);
        await this.run(
          c,
          'INSERT INTO disclosure_request_files (request_id, file_id, event_id, position) VALUES (?, ?, ?, ?)',
          m.id, fileId, eventId, start + i,
        );
      }
      return (await this.requestById(c, m.id)) as DisclosureRequest;
    });
  }

  async saveDisclosureRequestDueDates(updates: { id: number; version: number; dueOn: string | null }[]): Promise<number> {
    return this.tx(async (c) => {
      let n = 0;
      for (const u of updates) {
        n += await this.run(c, "UPDATE disclosure_requests SET due_on = ? WHERE id = ? AND version = ? AND stage = 'received'", u.dueOn, u.id, u.version);
      }
      return n;
    });
  }

  async findDisclosureRequest(id: number): Promise<DisclosureRequest | null> {
    return this.requestById(this.pool, id);
  }

  async findDisclosureRequestByQueryNo(queryNo: string): Promise<DisclosureRequest | null> {
    return this.one(this.pool, 'SELECT * FROM disclosure_requests WHERE query_no = ?', toDisclosureRequest, queryNo);
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
    if (f.q) where.push(anyColumnContainsCi(['applicant_name', 'query_no', 'description'], f.q, params));
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = await this.count(this.pool, `SELECT COUNT(*) AS n FROM disclosure_requests ${w}`, ...params);
    const rows = await this.all(
      this.pool,
      `SELECT * FROM disclosure_requests ${w}
       ORDER BY stage = 'closed', CASE WHEN stage = 'closed' THEN NULL ELSE coalesce(due_on, supplement_due_on, '9999') END,
         closed_at DESC NULLS LAST, id DESC LIMIT ? OFFSET ?`,
      toDisclosureRequest,
      ...params,
      f.limit,
      f.offset,
    );
    return { rows, total };
  }

  async listOpenDisclosureRequests(): Promise<DisclosureRequest[]> {
    return this.all(this.pool, "SELECT * FROM disclosure_requests WHERE stage = 'received' ORDER BY id", toDisclosureRequest);
  }

  async listExpiredSupplements(today: string): Promise<DisclosureRequest[]> {
    return this.all(
      this.pool,
      "SELECT * FROM disclosure_requests WHERE stage = 'supplement_requested' AND supplement_due_on < ? ORDER BY id",
      toDisclosureRequest,
      today,
    );
  }

  async listDisclosureRequestEvents(requestId: number): Promise<RequestEvent[]> {
    return this.all(
      this.pool,
      `SELECT e.*, s.display_name AS staff_name FROM disclosure_request_events e LEFT JOIN staff s ON s.id = e.staff_id
       WHERE e.request_id = ? ORDER BY e.id`,
      toRequestEvent,
      requestId,
    );
  }

  async listDisclosureRequestFiles(requestId: number): Promise<RequestFile[]> {
    return this.all(
      this.pool,
      `SELECT f.*, l.request_id, l.event_id FROM disclosure_request_files l JOIN files f ON f.id = l.file_id
       WHERE l.request_id = ? ORDER BY l.position`,
      (r) => ({ ...(toFile(r) as FileRecord), requestId: Number(r.request_id), eventId: r.event_id === null ? null : Number(r.event_id) }),
      requestId,
    );
  }

  async addDisclosureRequestFee(f: NewRequestFee, actor: Actor): Promise<RequestFee> {
    return this.write(async (c) => {
      const request = await this.one(c, 'SELECT * FROM disclosure_requests WHERE id = ? FOR UPDATE', toDisclosureRequest, f.requestId);
      if (!request) throw new NotFoundError('request_not_found', '未找到该政府信息公开申请');
      const id = await this.insertId(
        c,
        `INSERT INTO disclosure_request_fees (request_id, charged_on, amount_fen, waived_fen, note, staff_id, at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        f.requestId, f.chargedOn, f.amountFen, f.waivedFen, f.note, actor.staffId, actor.at,
      );
      await this.logRequestEvent(c, f.requestId, 'fee', request.stage, request.stage, actor.staffId, actor.at, f.note || null);
      return (await this.one(c, 'SELECT * FROM disclosure_request_fees WHERE id = ?', toRequestFee, id)) as RequestFee;
    });
  }

  async listDisclosureRequestFees(requestId: number): Promise<RequestFee[]> {
    return this.all(this.pool, 'SELECT * FROM disclosure_request_fees WHERE request_id = ? ORDER BY charged_on, id', toRequestFee, requestId);
  }

  async addDisclosureRequestReview(r: NewRequestReview, actor: Actor): Promise<RequestReview> {
    return this.write(async (c) => {
      const request = await this.one(c, 'SELECT * FROM disclosure_requests WHERE id = ? FOR UPDATE', toDisclosureRequest, r.requestId);
      if (!request) throw new NotFoundError('request_not_found', '未找到该政府信息公开申请');
      const id = await this.insertId(
        c,
        `INSERT INTO disclosure_request_reviews (request_id, kind, filed_on, outcome, decided_on, note, staff_id, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        r.requestId, r.kind, r.filedOn, r.outcome, r.decidedOn, r.note, actor.staffId, actor.at,
      );
      await this.logRequestEvent(c, r.requestId, 'review', request.stage, request.stage, actor.staffId, actor.at, r.note || null);
      return (await this.reviewById(c, id)) as RequestReview;
    });
  }

  private reviewById(db: Db, id: number): Promise<RequestReview | null> {
    return this.one(db, 'SELECT * FROM disclosure_request_reviews WHERE id = ?', toRequestReview, id);
  }

  async updateDisclosureRequestReview(
    id: number,
    expectedVersion: number,
    u: { outcome: ReviewOutcome; decidedOn: string | null; note: string },
    actor: Actor,
  ): Promise<RequestReview> {
    return this.write(async (c) => {
      const before = await this.reviewById(c, id);
      if (!before) throw new NotFoundError('review_not_found', '未找到该复议或诉讼记录');
      const n = await this.run(
        c,
        `UPDATE disclosure_request_reviews SET outcome = ?, decided_on = ?, note = ?, version = version + 1
         WHERE id = ? AND version = ?`,
        u.outcome, u.decidedOn, u.note, id, expectedVersion,
      );
      if (n === 0) throw new StaleVersionError('该记录已被他人更新，请刷新后重试');
      const request = (await this.requestById(c, before.requestId)) as DisclosureRequest;
      await this.logRequestEvent(c, before.requestId, 'review', request.stage, request.stage, actor.staffId, actor.at, u.note || null);
      return (await this.reviewById(c, id)) as RequestReview;
    });
  }

  async findDisclosureRequestReview(id: number): Promise<RequestReview | null> {
    return this.reviewById(this.pool, id);
  }

  async listDisclosureRequestReviews(requestId: number): Promise<RequestReview[]> {
    return this.all(this.pool, 'SELECT * FROM disclosure_request_reviews WHERE request_id = ? ORDER BY filed_on, id', toRequestReview, requestId);
  }

  /** Locks the entry row, so its status cannot change before the attachment change commits. */
  private async assertEntryEditable(c: Db, entryId: number, editable: readonly DisclosureStatus[]): Promise<void> {
    const entry = await this.one(c, 'SELECT * FROM disclosure_entries WHERE id = ? FOR UPDATE', toDisclosureEntry, entryId);
    if (!entry) throw new NotFoundError('not_found', '未找到该公开信息');
    if (!editable.includes(entry.status)) throw new ConflictError('not_editable', '该信息正在审核或已发布，不能修改附件');
  }

  async attachDisclosureEntryFile(
    entryId: number,
    file: NewFile,
    editableStatuses: readonly DisclosureStatus[],
    actor: Actor,
  ): Promise<FileRecord> {
    return this.write(async (c) => {
      await this.assertEntryEditable(c, entryId, editableStatuses);
      const fileId = await this.insertFile(c, file, actor);
      const position = await this.count(c, 'SELECT coalesce(max(position) + 1, 0) AS n FROM disclosure_entry_files WHERE entry_id = ?', entryId);
      await this.run(c, 'INSERT INTO disclosure_entry_files (entry_id, file_id, position) VALUES (?, ?, ?)', entryId, fileId, position);
      await this.audit(c, actor, 'file', fileId, null, {
        disclosureEntryId: entryId,
        originalName: file.originalName,
        contentType: file.contentType,
        sizeBytes: file.sizeBytes,
      });
      return (await this.fileById(c, fileId)) as FileRecord;
    });
  }

  async removeDisclosureEntryFile(
    entryId: number,
    fileId: number,
    editableStatuses: readonly DisclosureStatus[],
    actor: Actor,
  ): Promise<boolean> {
    return this.write(async (c) => {
      await this.assertEntryEditable(c, entryId, editableStatuses);
      const removed = (await this.run(c, 'DELETE FROM disclosure_entry_files WHERE entry_id = ? AND file_id = ?', entryId, fileId)) === 1;
      if (removed) await this.audit(c, actor, 'file', fileId, { disclosureEntryId: entryId }, null);
      return removed;
    });
  }

  async listDisclosureEntryFiles(entryId: number): Promise<FileRecord[]> {
    return this.all(
      this.pool,
      'SELECT f.* FROM disclosure_entry_files l JOIN files f ON f.id = l.file_id WHERE l.entry_id = ? ORDER BY l.position',
      (r) => toFile(r) as FileRecord,
      entryId,
    );
  }

  async isNonPublicFile(fileId: number): Promise<boolean> {
    const r = (await this.one(
      this.pool,
      `SELECT EXISTS (SELECT 1 FROM disclosure_request_files WHERE file_id = ?) AS request,
         EXISTS (SELECT 1 FROM disclosure_entry_files WHERE file_id = ?) AS entry,
         EXISTS (SELECT 1 FROM disclosure_entry_files l JOIN disclosure_entries e ON e.id = l.entry_id
                 WHERE l.file_id = ? AND e.status = 'published') AS published`,
      (x) => ({ request: x.request as boolean, entry: x.entry as boolean, published: x.published as boolean }),
      fileId,
      fileId,
      fileId,
    ))!;
    return r.request || (r.entry && !r.published);
  }
}

function scopeParams(q: StatsScope): unknown[] {
  return q.departmentId !== undefined ? [q.fromAt, q.toAt, q.departmentId] : [q.fromAt, q.toAt];
}

function onTimeParam(v: boolean | null | undefined): number | null {
  return v === true ? 1 : v === false ? 0 : null;
}

/** SQLite sorts NULL first in ascending order; PostgreSQL last. The urgency order relies on the former. */
function pgNullOrder(sql: string): string {
  return sql.replace('c.clock_rank, c.due_date, c.id', 'c.clock_rank, c.due_date NULLS FIRST, c.id');
}

/** As SQLite's LIKE: case-insensitive for ASCII letters (ILIKE under the C ctype), % _ \ taken literally. */
function anyColumnContainsCi(columns: readonly string[], text: string, params: unknown[]): string {
  const like = containsPattern(text);
  for (const _ of columns) params.push(like);
  return `(${columns.map((c) => `${c} ILIKE ?`).join(' OR ')})`;
}

const toThrottleState = (r: Row): ThrottleState => ({
  key: r.key as string,
  failures: r.failures as number,
  windowStart: (r.window_start as string | null) ?? null,
  lockedUntil: (r.locked_until as string | null) ?? null,
  lockLevel: r.lock_level as number,
  lastFailureAt: (r.last_failure_at as string | null) ?? null,
});

function yearBounds(year: number): { first: string; last: string } {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError('year out of range');
  return { first: `${year}-01-01`, last: `${year}-12-31` };
}

/** Cases and requests draw 查询号 from one space; registering either takes this lock until commit. */
async function lockQueryNo(c: PoolClient, queryNo: string): Promise<void> {
  await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [QUERY_NO_LOCK_CLASS, queryNo]);
}
