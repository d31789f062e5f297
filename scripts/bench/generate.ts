/**
 * Builds the benchmark database: the demo catalog (departments, windows, items, guides) through the
 * real loader, bench staff accounts with a strong password, then N cases written in bulk with the
 * same SQL shape the store uses. Bulletin entries go through the normal INSERT, so migration 004's
 * triggers build the bigram search index exactly as advanceCase does. Clocks are computed by the
 * real clock functions, so the server's start-up recompute finds nothing to change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { customAlphabet } from 'nanoid';
import { loadConfig } from '../../src/config';
import { loadDemoData } from '../../src/demo/load-demo';
import { prng } from '../../src/demo/prng';
import { DEMO_ITEMS, DEMO_ORGANIZATIONS, DEMO_PERSONS, DEMO_PROJECTS } from '../../src/demo/demo-data';
import { beijingDate } from '../../src/domain/beijing-time';
import { publicApplicantName } from '../../src/domain/masking';
import { createQueryNo, QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH } from '../../src/domain/query-number';
import type { Stage } from '../../src/domain/stages';
import { CalendarService, explainClock, toStoredClock } from '../../src/services/clock';
import { hashPassword } from '../../src/services/passwords';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { MIGRATIONS_DIR } from '../../src/paths';
import { clockParams } from '../../src/store/sqlite/rows';
import { eventHash } from '../../src/domain/event-hash';
import { bulletinOrderKey } from '../../src/store/sqlite/search-index';

/** Bump when the shape of generated data changes, so an old file is not reused. */
export const GENERATOR_VERSION = 3;
export const BENCH_PASSWORD = 'Bench-Only-Str0ng-Passw0rd-2026!';
export const BENCH_ADMIN = 'bench_admin';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Paths after 'submitted' with weights per 1000 cases (closed ones sum to 950). About 43% pass through 'approved' (every
 * demo item publishes its results, so that many bulletin entries); ~5.5% (the newest) are still open; every stage
 * appears. Average about 5 events per case.
 */
const CLOSED_PATHS: [number, Stage[]][] = [
  // An approval waits for its certificate (a running clock), so only recent ones stop at 'approved'.
  [210, ['accepted', 'under_review', 'approved', 'certificate_issued']],
  [140, ['accepted', 'under_review', 'approved', 'certificate_issued', 'completed']],
  [40, ['supplement_requested', 'accepted', 'under_review', 'approved', 'certificate_issued', 'completed']],
  [20, ['accepted', 'approved', 'completed']],
  [20, ['accepted', 'under_review', 'special_procedure', 'under_review', 'approved', 'certificate_issued', 'completed']],
  [200, ['accepted', 'under_review', 'denied']],
  [120, ['accepted', 'under_review', 'denied', 'completed']],
  [130, ['not_accepted']],
  [70, ['accepted', 'withdrawn']],
];
const OPEN_PATHS: [number, Stage[]][] = [
  [20, []],
  [5, ['supplement_requested']],
  [10, ['accepted']],
  [10, ['accepted', 'under_review']],
  [5, ['accepted', 'under_review', 'special_procedure']],
  [5, ['accepted', 'under_review', 'approved']],
];
/** Share of open cases: the most recent ones. */
const OPEN_SHARE = OPEN_PATHS.reduce((n, [w]) => n + w, 0) / 1000;

/** One entry per unit of weight: a uniform pick from the list follows the weights. */
function weighted(paths: [number, Stage[]][]): Stage[][] {
  const out: Stage[][] = [];
  for (const [w, p] of paths) for (let i = 0; i < w; i++) out.push(p);
  return out;
}


const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力飞晓宇浩然子涵欣怡梓轩雨桐一诺思远嘉怡俊杰';
const PLACES = ['衢州市', '柯城区', '衢江区', '龙游县', '江山市', '常山县', '开化县'];
const TRADES = ['清源', '恒通', '鑫达', '华星', '绿野', '钱江', '巨化', '智造', '宏远', '联创', '博雅', '天和', '金瑞', '锦程', '盛世', '安泰'];
const KINDS = ['水务', '建设', '房地产开发', '矿业', '农业开发', '特种设备工程', '新材料', '食品', '物流', '医疗器械', '环保科技', '旅游开发'];
const PROJECT_PARTS = ['扩建工程', '二期工程', '标准厂房项目', '安置房项目', '配套管网工程', '堤防加固工程', '商住小区', '整治项目', '综合体', '技改项目'];

export interface GenerateOptions {
  cases: number;
  /** Target file; a file with matching parameters is reused as is. */
  file: string;
  seed?: number;
  log?: (msg: string) => void;
}

export interface GenerateResult {
  file: string;
  reused: boolean;
  seconds: number;
  /** Process CPU time of the generation (null for a file written before it was recorded). */
  cpuSeconds: number | null;
  bytes: number;
  cases: number;
  bulletinEntries: number;
  stageEvents: number;
}

function paramsKey(o: GenerateOptions): string {
  // The schema is part of the parameters: a new migration means a new file.
  const migrations = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
  return JSON.stringify({ generator: GENERATOR_VERSION, cases: o.cases, seed: o.seed ?? 1, migrations });
}

export function dbBytes(file: string): number {
  return [file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
}

function readMeta(file: string): { params: string; seconds: number; cpuSeconds?: number; bulletin: number; events: number } | null {
  if (!fs.existsSync(file)) return null;
  try {
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const r = db.prepare("SELECT value FROM settings WHERE key = 'bench.meta'").get() as { value: string } | undefined;
      return r ? JSON.parse(r.value) : null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

export async function generateBenchDatabase(o: GenerateOptions): Promise<GenerateResult> {
  const log = o.log ?? (() => {});
  const key = paramsKey(o);
  const meta = readMeta(o.file);
  if (meta && meta.params === key) {
    return { file: o.file, reused: true, seconds: meta.seconds, cpuSeconds: meta.cpuSeconds ?? null, bytes: dbBytes(o.file), cases: o.cases, bulletinEntries: meta.bulletin, stageEvents: meta.events };
  }
  for (const f of [o.file, `${o.file}-wal`, `${o.file}-shm`]) fs.rmSync(f, { force: true });
  fs.mkdirSync(path.dirname(o.file), { recursive: true });
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();

  const store = new SqliteStore({ file: o.file });
  const db = store.db;
  try {
    const config = { ...loadConfig({ NODE_ENV: 'test' }), databaseFile: o.file, demoData: true };
    const calendars = new CalendarService(store);
    const systemClock = { now: () => new Date() };
    const randomQueryBody = customAlphabet(QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH);
    // The demo catalog and its ~50 cases, with accounts that carry the bench password (not the
    // published demo one, which production refuses).
    await loadDemoData({ store, clock: systemClock, config, randomQueryBody, calendars }, BENCH_PASSWORD);
    await store.createStaff({
      username: BENCH_ADMIN,
      displayName: '压测管理员',
      role: 'admin',
      departmentId: null,
      windowId: null,
      passwordHash: await hashPassword(BENCH_PASSWORD),
      isDemo: false,
    });

    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -200000');
    const cal = await calendars.calendar();
    const items = (await store.listItems({ inForceOnly: true })).filter((i) => DEMO_ITEMS.some((d) => d.code === i.code));
    const prefix = new Map(DEMO_ITEMS.map((d) => [d.code, d.decisionPrefix]));
    const windows = new Map<number, number | null>();
    for (const i of items) windows.set(i.departmentId, (await store.listWindows(i.departmentId))[0]?.id ?? null);
    const staffRows = db.prepare("SELECT id, department_id FROM staff WHERE role = 'window_staff'").all() as { id: number; department_id: number }[];
    const adminId = (db.prepare('SELECT id FROM staff WHERE username = ?').get(BENCH_ADMIN) as { id: number }).id;
    const staffOf = new Map(staffRows.map((s) => [s.department_id, s.id]));

    const insertCase = db.prepare(
      `INSERT INTO cases (query_no, item_id, department_id, applicant_name, applicant_kind, applicant_id_number,
         applicant_phone, project_name, note, stage, version, registered_by, registered_at, updated_at, decision_no,
         decided_at, window_id, clock_state, clock_rank, clock_kind, due_date, statutory_due_date, paused_days,
         extension_days, deemed_accepted, undetermined_year, decision_due_date, decided_on_time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertEvent = db.prepare(
      `INSERT INTO stage_events (case_id, seq, from_stage, to_stage, at, staff_id, note, note_public, decision_no, reason, hash)
       VALUES (?, ?, ?, ?, ?, ?, NULL, 0, ?, ?, ?)`,
    );
    // The search index is built in one pass after the load (below), as migration 004 builds it; so
    // the entry carries its order key already and the insert trigger is off meanwhile.
    const insertBulletin = db.prepare(
      `INSERT INTO bulletin_entries (id, case_id, decision_no, item_id, department_id, applicant_name, project_name, decided_at, validity, search_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const firstBulletinId = (db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM bulletin_entries').get() as { m: number }).m;
    let bulletinId = firstBulletinId;
    // Secondary indexes and the search trigger are dropped for the load and rebuilt after it: one
    // sorted build per index instead of a random B-tree insert per row.
    const deferred = db
      .prepare(
        `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN ('cases', 'stage_events', 'bulletin_entries')
           AND ((type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%') OR (type = 'trigger' AND name = 'bulletin_entries_search_insert'))`,
      )
      .all() as { type: string; name: string; sql: string }[];
    for (const d of deferred) db.exec(`DROP ${d.type.toUpperCase()} ${d.name}`);

    const rand = prng(o.seed ?? 1);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
    const body = () => Array.from({ length: QUERY_NO_BODY_LENGTH }, () => QUERY_NO_ALPHABET[Math.floor(rand() * 32)]).join('');
    const closed = weighted(CLOSED_PATHS);
    const open = weighted(OPEN_PATHS);
    const seen = new Set<string>();
    const serial = new Map<string, number>();
    const now = Date.now();
    // Spread over two years, oldest first; the newest OPEN_SHARE are still open.
    const span = 730 * DAY;
    const openFrom = Math.floor(o.cases * (1 - OPEN_SHARE));
    let events = 0;
    let bulletin = 0;
    const BATCH = 5000;

    const writeBatch = db.transaction((from: number, to: number) => {
      for (let n = from; n < to; n++) {
        const isOpen = n >= openFrom;
        const path = isOpen ? open[Math.floor(rand() * open.length)] : closed[Math.floor(rand() * closed.length)];
        const item = items[Math.floor(rand() * items.length)];
        const staffId = staffOf.get(item.departmentId) ?? adminId;
        const org = rand() < 0.6;
        const name = org
          ? rand() < 0.3
            ? pick(DEMO_ORGANIZATIONS)
            : `${pick(PLACES)}${pick(TRADES)}${pick(KINDS)}有限公司`
          : rand() < 0.2
            ? pick(DEMO_PERSONS)
            : pick([...SURNAMES]) + pick([...GIVEN]) + (rand() < 0.6 ? pick([...GIVEN]) : '');
        const project = org ? (rand() < 0.3 ? pick(DEMO_PROJECTS) : `${pick(PLACES)}${pick(TRADES)}${pick(PROJECT_PARTS)}`) : null;
        let qn: string;
        do qn = createQueryNo(body());
        while (seen.has(qn));
        seen.add(qn);
        // Open cases are from the last 10 days; closed ones spread over two years, 1–15 days per step.
        const regMs = isOpen
          ? now - (0.3 + rand() * 9) * DAY
          : now - span + (n / o.cases) * (span - 40 * DAY) + rand() * DAY;
        const stepMs = isOpen ? 0.2 * DAY : (1 + rand() * 5) * DAY;
        const registeredAt = new Date(regMs).toISOString();
        const evs: { toStage: Stage; at: string; kind: 'stage'; extensionDays: null }[] = [
          { kind: 'stage', toStage: 'submitted', at: registeredAt, extensionDays: null },
        ];
        let t = regMs;
        let decisionNo: string | null = null;
        let decidedAt: string | null = null;
        for (const st of path) {
          t += stepMs;
          const at = new Date(Math.min(t, now - 60_000)).toISOString();
          evs.push({ kind: 'stage', toStage: st, at, extensionDays: null });
          if (st === 'approved') {
            const year = at.slice(0, 4);
            const k = `${item.code}${year}`;
            const s = (serial.get(k) ?? 0) + 1;
            serial.set(k, s);
            decisionNo = `${prefix.get(item.code)}〔${year}〕${String(s).padStart(5, '0')}号`;
            decidedAt = at;
          } else if (st === 'denied' || st === 'not_accepted') {
            decidedAt = at;
          }
        }
        const stage = evs[evs.length - 1].toStage;
        const last = evs[evs.length - 1].at;
        const today = beijingDate(new Date(now));
        const clock = toStoredClock(explainClock({ stage, registeredAt, item }, evs, cal, today));
        const caseId = Number(
          insertCase.run(
            qn, item.id, item.departmentId, name, org ? 'organization' : 'person',
            org ? `91330800${digits(10)}` : `330802${1960 + Math.floor(rand() * 40)}0101${digits(4)}`,
            org ? `0570-${digits(7)}` : `13${digits(9)}`,
            project, stage, evs.length, staffId, registeredAt, last, decisionNo, decidedAt,
            windows.get(item.departmentId) ?? null, ...clockParams(clock),
            decidedAt ? clock.dueDate : null, decidedAt ? 1 : null,
          ).lastInsertRowid,
        );
        let previousHash: string | null = null;
        evs.forEach((e, i) => {
          const approved = e.toStage === 'approved';
          const refused = e.toStage === 'denied' || e.toStage === 'not_accepted';
          const fromStage = i === 0 ? null : evs[i - 1].toStage;
          const eventDecision = approved ? decisionNo : null;
          const reason = refused ? '申请材料不符合法定条件' : null;
          // Sealed like the store seals them, so the server has no chain to complete at start.
          previousHash = eventHash(previousHash, {
            caseId, seq: i + 1, kind: 'stage', fromStage, toStage: e.toStage, at: e.at, staffId, note: null,
            notePublic: false, decisionNo: eventDecision, reason, extensionDays: null, approverId: null,
          });
          insertEvent.run(caseId, i + 1, fromStage, e.toStage, e.at, staffId, eventDecision, reason, previousHash);
        });
        events += evs.length;
        if (decisionNo && item.resultsPublic) {
          bulletinId++;
          insertBulletin.run(bulletinId, caseId, decisionNo, item.id, item.departmentId,
            publicApplicantName(org ? 'organization' : 'person', name), project, decidedAt, item.resultValidity,
            bulletinOrderKey(decidedAt as string, bulletinId));
          bulletin++;
        }
      }
    });
    for (let from = 0; from < o.cases; from += BATCH) {
      writeBatch(from, Math.min(o.cases, from + BATCH));
      if ((from / BATCH) % 20 === 19) log(`  generated ${from + BATCH} cases`);
    }
    log(`  rows written in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s; building indexes and the search index`);
    db.transaction(() => {
      for (const d of deferred) if (d.type === 'index') db.exec(d.sql);
      db.prepare(
        `INSERT INTO bulletin_search (rowid, item_name, applicant, project, decision_no, tags)
         SELECT b.search_key, bjt_search_grams(i.name), bjt_search_grams(b.applicant_name), bjt_search_grams(b.project_name),
                bjt_search_grams(b.decision_no), bjt_search_tags(i.category, b.department_id)
         FROM bulletin_entries b JOIN items i ON i.id = b.item_id WHERE b.id > ?`,
      ).run(firstBulletinId);
      for (const d of deferred) if (d.type === 'trigger') db.exec(d.sql);
    })();
    // One b-tree, as the server's upkeep leaves it (compactSearchIndex).
    db.exec("INSERT INTO bulletin_search (bulletin_search) VALUES ('optimize')");
    log(`  indexes built at ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
    db.exec('ANALYZE');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    // CPU time too: on a shared machine the wall-clock time says more about the neighbours.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    db.prepare("INSERT INTO settings (key, value) VALUES ('bench.meta', ?)").run(
      JSON.stringify({ params: key, seconds, cpuSeconds, bulletin, events }),
    );
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { file: o.file, reused: false, seconds, cpuSeconds, bytes: dbBytes(o.file), cases: o.cases, bulletinEntries: bulletin, stageEvents: events };
  } finally {
    await store.close();
  }
}
