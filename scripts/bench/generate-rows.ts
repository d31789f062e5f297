/**
 * The benchmark's case rows, computed without touching the database: the same seeded sequence of
 * cases, events (with their clock and sealed hashes) and bulletin entries, in batches of SQL
 * parameter arrays. `generate.ts` runs this in a worker thread while it inserts the previous batch,
 * so the two halves of the work share the machine's cores; it can also run it inline.
 */
import { parentPort } from 'node:worker_threads';
import { DEMO_ORGANIZATIONS, DEMO_PERSONS, DEMO_PROJECTS } from '../../src/demo/demo-data';
import { prng } from '../../src/demo/prng';
import { beijingDate } from '../../src/domain/beijing-time';
import { eventHash } from '../../src/domain/event-hash';
import { publicApplicantName } from '../../src/domain/masking';
import { createQueryNo, QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH } from '../../src/domain/query-number';
import type { Stage } from '../../src/domain/stages';
import { createWorkingCalendar, type CalendarOverride, type WorkingCalendar } from '../../src/domain/working-days';
import { explainClock, toStoredClock } from '../../src/services/clock';
import { chineseDaysCalendarData } from '../../src/services/holiday-data';
import { bulletinOrderKey } from '../../src/store/sqlite/search-index';
import { clockParams } from '../../src/store/sqlite/rows';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Paths after 'submitted' with weights per 1000 cases (closed ones sum to 950). About 43% pass through 'approved' (every
 * demo item publishes its results, so that many bulletin entries); ~5.5% (the newest) are still open; every stage
 * appears. Average about 4.4 events per case.
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

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力飞晓宇浩然子涵欣怡梓轩雨桐一诺思远嘉怡俊杰'];
const PLACES = ['衢州市', '柯城区', '衢江区', '龙游县', '江山市', '常山县', '开化县'];
const TRADES = ['清源', '恒通', '鑫达', '华星', '绿野', '钱江', '巨化', '智造', '宏远', '联创', '博雅', '天和', '金瑞', '锦程', '盛世', '安泰'];
const KINDS = ['水务', '建设', '房地产开发', '矿业', '农业开发', '特种设备工程', '新材料', '食品', '物流', '医疗器械', '环保科技', '旅游开发'];
const PROJECT_PARTS = ['扩建工程', '二期工程', '标准厂房项目', '安置房项目', '配套管网工程', '堤防加固工程', '商住小区', '整治项目', '综合体', '技改项目'];

export interface RowItem {
  id: number;
  code: string;
  departmentId: number;
  promisedDays: number;
  statutoryDays: number;
  resultsPublic: boolean;
  resultValidity: string;
  decisionPrefix: string;
}

/** Everything the rows depend on, as plain data (it crosses to the worker thread). */
export interface RowContext {
  cases: number;
  seed: number;
  /** The generation's "now" (ms): dates are spread over the two years before it. */
  now: number;
  items: RowItem[];
  /** Department id → its first window (or null). */
  windows: [number, number | null][];
  /** Department id → a window staff account of it. */
  staffOf: [number, number][];
  adminId: number;
  /** The working calendar's inputs, as CalendarService reads them from the store. */
  calendar: { overrides: CalendarOverride[]; years: number[] };
  /** Id of the first generated case (cases are numbered on from the demo ones). */
  firstCaseId: number;
  /** Largest bulletin entry id before the load. */
  firstBulletinId: number;
}

/** One batch of SQL parameter arrays, in the column order of generate.ts's INSERTs. */
export interface RowBatch {
  cases: unknown[][];
  events: unknown[][];
  bulletins: unknown[][];
}

/** The calendar CalendarService builds, with each day's answer kept (it is a pure function of the date). */
function memoCalendar(ctx: RowContext): WorkingCalendar {
  const cal = createWorkingCalendar(chineseDaysCalendarData(), ctx.calendar.overrides, ctx.calendar.years);
  const known = new Map<string, boolean | null>();
  return {
    isWorkingDay(date) {
      let w = known.get(date);
      if (w === undefined) {
        w = cal.isWorkingDay(date);
        known.set(date, w);
      }
      return w;
    },
    describe: (date) => cal.describe(date),
    isCovered: (year) => cal.isCovered(year),
  };
}

/** The cases in order, `batchSize` at a time; deterministic for a given context. */
export function* generateRows(ctx: RowContext, batchSize: number): Generator<RowBatch> {
  const { items, now } = ctx;
  const cal = memoCalendar(ctx);
  const windows = new Map(ctx.windows);
  const staffOf = new Map(ctx.staffOf);
  const rand = prng(ctx.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const digits = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(rand() * 10);
    return s;
  };
  const body = () => {
    let s = '';
    for (let i = 0; i < QUERY_NO_BODY_LENGTH; i++) s += QUERY_NO_ALPHABET[Math.floor(rand() * 32)];
    return s;
  };
  const closed = weighted(CLOSED_PATHS);
  const open = weighted(OPEN_PATHS);
  const seen = new Set<string>();
  const serial = new Map<string, number>();
  // Spread over two years, oldest first; the newest OPEN_SHARE are still open.
  const span = 730 * DAY;
  const openFrom = Math.floor(ctx.cases * (1 - OPEN_SHARE));
  const today = beijingDate(new Date(now));
  let caseId = ctx.firstCaseId - 1;
  let bulletinId = ctx.firstBulletinId;

  for (let from = 0; from < ctx.cases; from += batchSize) {
    const batch: RowBatch = { cases: [], events: [], bulletins: [] };
    for (let n = from; n < Math.min(ctx.cases, from + batchSize); n++) {
      const isOpen = n >= openFrom;
      const path = isOpen ? open[Math.floor(rand() * open.length)] : closed[Math.floor(rand() * closed.length)];
      const item = items[Math.floor(rand() * items.length)];
      const staffId = staffOf.get(item.departmentId) ?? ctx.adminId;
      const org = rand() < 0.6;
      const name = org
        ? rand() < 0.3
          ? pick(DEMO_ORGANIZATIONS)
          : `${pick(PLACES)}${pick(TRADES)}${pick(KINDS)}有限公司`
        : rand() < 0.2
          ? pick(DEMO_PERSONS)
          : pick(SURNAMES) + pick(GIVEN) + (rand() < 0.6 ? pick(GIVEN) : '');
      const project = org ? (rand() < 0.3 ? pick(DEMO_PROJECTS) : `${pick(PLACES)}${pick(TRADES)}${pick(PROJECT_PARTS)}`) : null;
      let qn: string;
      do qn = createQueryNo(body());
      while (seen.has(qn));
      seen.add(qn);
      // Open cases are from the last 10 days; closed ones spread over two years, 1–15 days per step.
      const regMs = isOpen
        ? now - (0.3 + rand() * 9) * DAY
        : now - span + (n / ctx.cases) * (span - 40 * DAY) + rand() * DAY;
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
          decisionNo = `${item.decisionPrefix}〔${year}〕${String(s).padStart(5, '0')}号`;
          decidedAt = at;
        } else if (st === 'denied' || st === 'not_accepted') {
          decidedAt = at;
        }
      }
      const stage = evs[evs.length - 1].toStage;
      const last = evs[evs.length - 1].at;
      const clock = toStoredClock(explainClock({ stage, registeredAt, item }, evs, cal, today));
      caseId++;
      const idNumber = org ? `91330800${digits(10)}` : `330802${1960 + Math.floor(rand() * 40)}0101${digits(4)}`;
      const phone = org ? `0570-${digits(7)}` : `13${digits(9)}`;
      batch.cases.push([
        caseId, qn, item.id, item.departmentId, name, org ? 'organization' : 'person', idNumber, phone,
        project, stage, evs.length, staffId, registeredAt, last, decisionNo, decidedAt,
        windows.get(item.departmentId) ?? null, ...clockParams(clock),
        decidedAt ? clock.dueDate : null, decidedAt ? 1 : null,
      ]);
      let previousHash: string | null = null;
      for (let i = 0; i < evs.length; i++) {
        const e = evs[i];
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
        batch.events.push([caseId, i + 1, fromStage, e.toStage, e.at, staffId, eventDecision, reason, previousHash]);
      }
      if (decisionNo && item.resultsPublic) {
        bulletinId++;
        batch.bulletins.push([
          bulletinId, caseId, decisionNo, item.id, item.departmentId,
          publicApplicantName(org ? 'organization' : 'person', name), project, decidedAt, item.resultValidity,
          bulletinOrderKey(decidedAt as string, bulletinId),
        ]);
      }
    }
    yield batch;
  }
}

/** Worker protocol: the first message to the worker, with a shared counter of batches written. */
export interface RowWorkerData {
  ctx: RowContext;
  batchSize: number;
  /** Int32Array over a SharedArrayBuffer: [batches the main thread has written]. */
  written: Int32Array;
  /** Batches allowed in flight before the worker waits (bounds the memory). */
  ahead: number;
}

/** A worker's message: one batch, or the end with the time it spent waiting for the writer. */
export type RowMessage = { batch: RowBatch } | { done: true; waitedMs: number };

/**
 * Worker entry: waits for its RowWorkerData (so the worker can start, and load its modules, while
 * the main thread prepares the database), then posts the batches in order, never more than `ahead`
 * before the writer.
 */
export function runRowWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('runRowWorker outside a worker thread');
  port.once('message', ({ ctx, batchSize, written, ahead }: RowWorkerData) => {
    let posted = 0;
    let waitedMs = 0;
    for (const batch of generateRows(ctx, batchSize)) {
      for (let done = Atomics.load(written, 0); posted - done >= ahead; done = Atomics.load(written, 0)) {
        const t = performance.now();
        Atomics.wait(written, 0, done);
        waitedMs += performance.now() - t;
      }
      port.postMessage({ batch } satisfies RowMessage);
      posted++;
    }
    port.postMessage({ done: true, waitedMs } satisfies RowMessage);
  });
}
