import { beijingDate } from '../domain/beijing-time';
import {
  clockStatusOf,
  computeCaseClock,
  workingDaysLeft,
  type CaseClock,
  type ClockEvent,
  type ClockStatus,
} from '../domain/deadlines';
import type { Case, StageEvent, StoredClock } from '../domain/model';
import type { Stage } from '../domain/stages';
import { addCalendarDays, addWorkingDays, createWorkingCalendar, type WorkingCalendar } from '../domain/working-days';
import type { Store } from '../store/store';
import { chineseDaysCalendarData } from './holiday-data';

/**
 * The working calendar: package data plus the admins' overrides and declared years.
 * Cached per process and rebuilt after an admin edit made through this process.
 */
export class CalendarService {
  private cached: Promise<WorkingCalendar> | undefined;

  constructor(private readonly store: Store) {}

  calendar(): Promise<WorkingCalendar> {
    this.cached ??= this.build();
    return this.cached;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async build(): Promise<WorkingCalendar> {
    const [overrides, years] = await Promise.all([this.store.listCalendarOverrides(), this.store.listCalendarYears()]);
    return createWorkingCalendar(
      chineseDaysCalendarData(),
      overrides.map((o) => ({ date: o.date, kind: o.kind })),
      years.map((y) => y.year),
    );
  }
}

export function toClockEvents(events: readonly Pick<StageEvent, 'kind' | 'toStage' | 'at' | 'extensionDays'>[]): ClockEvent[] {
  return events.map((e) => ({ kind: e.kind, toStage: e.toStage, at: e.at, extensionDays: e.extensionDays }));
}

export interface ClockSubject {
  stage: Stage;
  registeredAt: string;
  item: { promisedDays: number; statutoryDays: number };
}

export function explainClock(c: ClockSubject, events: readonly ClockEvent[], cal: WorkingCalendar, today: string): CaseClock {
  return computeCaseClock(
    {
      stage: c.stage,
      registeredAt: c.registeredAt,
      events,
      promisedDays: c.item.promisedDays,
      statutoryDays: c.item.statutoryDays,
    },
    cal,
    today,
  );
}

export function toStoredClock(clock: CaseClock): StoredClock {
  return {
    state: clock.state,
    kind: clock.kind,
    dueDate: clock.dueDate,
    statutoryDueDate: clock.statutoryDueDate,
    pausedDays: clock.pausedDays,
    extensionDays: clock.extensionDays,
    deemedAccepted: clock.deemedAccepted,
    undeterminedYear: clock.undeterminedYear,
  };
}

/** What a case's deadline means today, for pages and the API. */
export interface ClockView {
  status: ClockStatus;
  kind: StoredClock['kind'];
  dueDate: string | null;
  statutoryDueDate: string | null;
  workingDaysLeft: number | null;
  pausedDays: number;
  extensionDays: number;
  deemedAccepted: boolean;
  undeterminedYear: number | null;
}

/** Today's Beijing date and the last date that still counts as "due soon". */
export interface ClockContext {
  cal: WorkingCalendar;
  today: string;
  dueSoonThreshold: string;
}

/** Per calendar (a new one after every edit), the context of the last day asked: one working-day walk a day, not one per request. */
const lastContext = new WeakMap<WorkingCalendar, { key: string; ctx: ClockContext }>();

export async function clockContext(calendars: CalendarService, now: Date, dueSoonDays: number): Promise<ClockContext> {
  const cal = await calendars.calendar();
  const today = beijingDate(now);
  const key = `${today}|${dueSoonDays}`;
  const last = lastContext.get(cal);
  if (last?.key === key) return last.ctx;
  const t = addWorkingDays(today, dueSoonDays, cal);
  // Only the warning window, never a deadline: past the covered years, count Mon–Fri.
  const dueSoonThreshold = t.kind === 'date' ? t.date : addWeekdays(today, dueSoonDays);
  const ctx = { cal, today, dueSoonThreshold };
  lastContext.set(cal, { key, ctx });
  return ctx;
}

function addWeekdays(date: string, n: number): string {
  let d = date;
  for (let i = 0; i < n; ) {
    d = addCalendarDays(d, 1);
    const w = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (w !== 0 && w !== 6) i++;
  }
  return d;
}

export function clockView(clock: StoredClock, ctx: ClockContext): ClockView {
  const state = clock.state === 'pending' ? 'undetermined' : clock.state;
  const status = clockStatusOf(state, clock.dueDate, ctx.today, ctx.dueSoonThreshold);
  return {
    status,
    kind: clock.kind,
    dueDate: clock.dueDate,
    statutoryDueDate: clock.statutoryDueDate,
    workingDaysLeft: state === 'running' && clock.dueDate ? workingDaysLeft(clock.dueDate, ctx.today, ctx.cal) : null,
    pausedDays: clock.pausedDays,
    extensionDays: clock.extensionDays,
    deemedAccepted: clock.deemedAccepted,
    undeterminedYear: clock.undeterminedYear,
  };
}

/** Filter bounds for a clock status, as the store understands them. */
export function clockFilter(status: ClockStatus, ctx: ClockContext) {
  switch (status) {
    case 'overdue':
      return { clockState: 'running' as const, dueTo: addCalendarDays(ctx.today, -1) };
    case 'due_soon':
      return { clockState: 'running' as const, dueFrom: ctx.today, dueTo: ctx.dueSoonThreshold };
    case 'normal':
      return { clockState: 'running' as const, dueFrom: addCalendarDays(ctx.dueSoonThreshold, 1) };
    default:
      return { clockState: status };
  }
}

/**
 * Recomputes the stored clock of every open case (after a calendar change, after start, and every
 * hour for open pauses), in batches. Between batches it yields to the event loop, so requests are
 * served while it runs. `pendingOnly`: only clocks never computed (what start-up waits for).
 */
export async function recomputeOpenClocks(
  store: Store,
  calendars: CalendarService,
  now: Date,
  opts: { pendingOnly?: boolean } = {},
): Promise<number> {
  const cal = await calendars.calendar();
  const today = beijingDate(now);
  let afterId = 0;
  let saved = 0;
  for (;;) {
    if (afterId > 0) await new Promise((resolve) => setImmediate(resolve));
    const batch = await store.listOpenCasesForClock(afterId, 500, opts);
    if (batch.length === 0) return saved;
    const updates = batch.map(({ case: c, events }) => ({
      caseId: c.id,
      version: c.version,
      clock: toStoredClock(explainClock(c, toClockEvents(events), cal, today)),
    }));
    saved += await store.saveCaseClocks(updates.filter((u, i) => !sameClock(u.clock, batch[i].case.clock)));
    afterId = batch[batch.length - 1].case.id;
  }
}

function sameClock(a: StoredClock, b: StoredClock): boolean {
  return (Object.keys(a) as (keyof StoredClock)[]).every((k) => a[k] === b[k]);
}

export function clockOfCase(c: Case, events: readonly Pick<StageEvent, 'kind' | 'toStage' | 'at' | 'extensionDays'>[], cal: WorkingCalendar, today: string): CaseClock {
  return explainClock(c, toClockEvents(events), cal, today);
}

export interface SkippedDay {
  date: string;
  why: string;
}

const WHY: Record<ReturnType<WorkingCalendar['describe']>, string> = {
  weekend: '周末',
  holiday: '法定节假日',
  makeup_workday: '调休上班',
  weekday: '工作日',
};

/** The non-working days a due date stepped over, with the reason, for "how was this computed". */
export function describeSkipped(clock: CaseClock, cal: WorkingCalendar): SkippedDay[] {
  return clock.skipped.map((date) => ({ date, why: WHY[cal.describe(date)] }));
}
