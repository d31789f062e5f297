/**
 * Working days (《行政许可法》第八十二条: 期限以工作日计算，不含法定节假日).
 *
 * A working day is Monday–Friday that is not a public holiday, plus the make-up workdays
 * (调休上班) the State Council announces each year. Holiday data comes from outside (a data
 * package plus admin overrides); a date in a year without data is never guessed: the functions
 * here answer "undetermined" instead.
 */
export type DayKind = 'holiday' | 'workday';

export interface CalendarData {
  /** Dates (YYYY-MM-DD) that are days off although they may fall on a weekday. */
  holidays: Iterable<string>;
  /** Make-up workdays that fall on a weekend. */
  workdays: Iterable<string>;
  /** Years whose arrangement the data covers completely. */
  years: Iterable<number>;
}

export interface CalendarOverride {
  date: string;
  kind: DayKind;
}

export interface WorkingCalendar {
  /** true or false, or null when the date's year is not covered. */
  isWorkingDay(date: string): boolean | null;
  /** Why a date is off or on, for explanations: 'weekend' | 'holiday' | 'workday' (make-up) | 'weekday'. */
  describe(date: string): 'weekend' | 'holiday' | 'makeup_workday' | 'weekday';
  isCovered(year: number): boolean;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function isIsoDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The day after each date asked (the working-day walks step one day at a time); bounded, dates repeat. */
const nextDays = new Map<string, string>();
const NEXT_DAYS_MAX = 100_000;

export function addCalendarDays(date: string, n: number): string {
  if (n === 1) {
    const next = nextDays.get(date);
    if (next !== undefined) return next;
  }
  const out = new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
  if (n === 1 && nextDays.size < NEXT_DAYS_MAX) nextDays.set(date, out);
  return out;
}

function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/**
 * Builds a calendar from base data, admin overrides (which win over the base data) and years
 * an admin declared complete (so next year's arrangement can be entered before a package release).
 */
export function createWorkingCalendar(
  base: CalendarData,
  overrides: readonly CalendarOverride[] = [],
  declaredYears: Iterable<number> = [],
): WorkingCalendar {
  const holidays = new Set(base.holidays);
  const workdays = new Set(base.workdays);
  const years = new Set([...base.years, ...declaredYears]);
  const override = new Map(overrides.map((o) => [o.date, o.kind]));
  const kindOf = (date: string): DayKind | 'weekend' | 'weekday' => {
    const o = override.get(date);
    if (o) return o;
    if (workdays.has(date)) return 'workday';
    if (holidays.has(date)) return 'holiday';
    const w = weekday(date);
    return w === 0 || w === 6 ? 'weekend' : 'weekday';
  };
  const calendar: WorkingCalendar = {
    isWorkingDay(date) {
      if (!years.has(Number(date.slice(0, 4))) && !override.has(date)) return null;
      const k = kindOf(date);
      return k === 'workday' || k === 'weekday';
    },
    describe(date) {
      const k = kindOf(date);
      if (k === 'workday') return weekday(date) === 0 || weekday(date) === 6 ? 'makeup_workday' : 'weekday';
      return k;
    },
    isCovered: (year) => years.has(year),
  };
  memos.set(calendar, new Map());
  return calendar;
}

/**
 * Results of the day walks below, per calendar built by createWorkingCalendar (immutable: an edit
 * builds a new one). Every page and write asks the same few (start, n) pairs many times a day; a walk
 * costs tens of µs. Bounded: cleared when full.
 */
const memos = new WeakMap<WorkingCalendar, Map<string, WorkingDayResult | number | null>>();
const MEMO_LIMIT = 50_000;

function memoized<T extends WorkingDayResult | number | null>(cal: WorkingCalendar, key: string, compute: () => T): T {
  const memo = memos.get(cal);
  if (!memo) return compute();
  if (memo.has(key)) return memo.get(key) as T;
  const value = compute();
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

export type WorkingDayResult =
  | { kind: 'date'; date: string; skipped: string[] }
  | { kind: 'undetermined'; year: number };

/**
 * The end of the nth working day after `start` (day 0 is the day of the triggering event).
 * `skipped` lists the non-working dates passed over, for "how was this computed".
 */
export function addWorkingDays(start: string, n: number, cal: WorkingCalendar): WorkingDayResult {
  const r = memoized(cal, `+${start}|${n}`, () => walkWorkingDays(start, n, cal));
  // A copy: callers own the skipped list they get.
  return r.kind === 'date' ? { kind: 'date', date: r.date, skipped: [...r.skipped] } : { ...r };
}

function walkWorkingDays(start: string, n: number, cal: WorkingCalendar): WorkingDayResult {
  let date = start;
  let counted = 0;
  const skipped: string[] = [];
  while (counted < n) {
    date = addCalendarDays(date, 1);
    const working = cal.isWorkingDay(date);
    if (working === null) return { kind: 'undetermined', year: Number(date.slice(0, 4)) };
    if (working) counted++;
    else skipped.push(date);
  }
  return { kind: 'date', date, skipped };
}

/**
 * Working days d with from < d ≤ to (0 when to ≤ from); null if a day in between is in an
 * uncovered year.
 */
export function workingDaysBetween(from: string, to: string, cal: WorkingCalendar): number | null {
  return memoized(cal, `${from}|${to}`, () => countWorkingDays(from, to, cal));
}

function countWorkingDays(from: string, to: string, cal: WorkingCalendar): number | null {
  let count = 0;
  for (let d = addCalendarDays(from, 1); d <= to; d = addCalendarDays(d, 1)) {
    const working = cal.isWorkingDay(d);
    if (working === null) return null;
    if (working) count++;
  }
  return count;
}
