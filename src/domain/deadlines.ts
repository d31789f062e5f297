/**
 * Statutory deadlines of a case (DOMAIN.md "Time limits"), computed from its events.
 *
 * - 受理: decide on acceptance within 5 working days of receipt; if 补正 was not notified in
 *   time, the case counts as accepted from the day of receipt (第三十二条(四)).
 * - 决定: the item's promised limit from acceptance (the statutory one is shown too, 第四十二条),
 *   plus one extension (+10, or +15 for joint handling), not counting days in 特别程序 (第四十五条).
 * - 制证: within 10 working days after approval (第四十四条).
 */
import { beijingDate } from './beijing-time';
import type { Stage } from './stages';
import { addWorkingDays, workingDaysBetween, type WorkingCalendar } from './working-days';

export const ACCEPTANCE_LIMIT_DAYS = 5;
export const CERTIFICATE_LIMIT_DAYS = 10;
export const EXTENSION_DAYS = 10;
export const JOINT_EXTENSION_DAYS = 15;

export type ClockKind = 'acceptance' | 'decision' | 'certificate' | 'none';
/** Stored state; `running` cases get normal / due_soon / overdue from their due date and today. */
export type ClockState = 'running' | 'paused' | 'undetermined' | 'stopped';
export type ClockStatus = 'normal' | 'due_soon' | 'overdue' | 'paused' | 'undetermined' | 'stopped';
export const CLOCK_STATUSES: readonly ClockStatus[] = ['normal', 'due_soon', 'overdue', 'paused', 'undetermined', 'stopped'];

export const CLOCK_STATUS_LABELS: Record<ClockStatus, string> = {
  normal: '正常',
  due_soon: '即将到期',
  overdue: '已逾期',
  paused: '暂停计时',
  undetermined: '期限待定',
  stopped: '已结束计时',
};

export const CLOCK_KIND_LABELS: Record<ClockKind, string> = {
  acceptance: '受理期限',
  decision: '办结期限',
  certificate: '制证期限',
  none: '—',
};

export interface ClockEvent {
  kind: 'stage' | 'extension';
  toStage: Stage;
  at: string;
  extensionDays: number | null;
}

export interface ClockInput {
  stage: Stage;
  registeredAt: string;
  events: readonly ClockEvent[];
  promisedDays: number;
  statutoryDays: number;
}

export interface PausedSpan {
  from: string;
  to: string | null;
  days: number | null;
}

/** Everything needed to show and explain a case's deadline. */
export interface CaseClock {
  kind: ClockKind;
  state: ClockState;
  startDate: string | null;
  limitDays: number;
  extensionDays: number;
  pausedDays: number;
  pausedSpans: PausedSpan[];
  dueDate: string | null;
  statutoryDueDate: string | null;
  undeterminedYear: number | null;
  deemedAccepted: boolean;
  skipped: string[];
}

const DECISION_STAGES: readonly Stage[] = ['accepted', 'under_review', 'special_procedure'];
const CERTIFICATE_STAGES: readonly Stage[] = ['approved'];

/** Computes the clock as of `today` (a Beijing date; only open pauses depend on it). */
export function computeCaseClock(input: ClockInput, cal: WorkingCalendar, today: string): CaseClock {
  const received = beijingDate(input.registeredAt);
  const acceptanceDue = addWorkingDays(received, ACCEPTANCE_LIMIT_DAYS, cal);
  const stageEvents = input.events.filter((e) => e.kind === 'stage');
  const firstResponse = stageEvents.find((e) => ['supplement_requested', 'accepted', 'not_accepted'].includes(e.toStage));
  const acceptedEvent = stageEvents.find((e) => e.toStage === 'accepted');
  const deemedAccepted =
    acceptanceDue.kind === 'date' &&
    (firstResponse ? beijingDate(firstResponse.at) > acceptanceDue.date : today > acceptanceDue.date);
  const extensionDays = input.events
    .filter((e) => e.kind === 'extension')
    .reduce((sum, e) => sum + (e.extensionDays ?? 0), 0);
  const pausedSpans = spansIn(stageEvents, 'special_procedure', today, cal);
  const pausedDays = pausedSpans.reduce((sum, s) => sum + (s.days ?? 0), 0);
  const base = {
    extensionDays,
    pausedDays,
    pausedSpans,
    deemedAccepted,
    statutoryDueDate: null as string | null,
    undeterminedYear: null as number | null,
    skipped: [] as string[],
  };

  if (input.stage === 'submitted') {
    return withDue({ ...base, kind: 'acceptance', startDate: received, limitDays: ACCEPTANCE_LIMIT_DAYS }, acceptanceDue);
  }
  if (input.stage === 'supplement_requested') {
    // The applicant's turn: the center's clock waits for the missing materials.
    return { ...base, kind: 'acceptance', state: 'paused', startDate: received, limitDays: ACCEPTANCE_LIMIT_DAYS, dueDate: null };
  }
  if (DECISION_STAGES.includes(input.stage)) {
    const startDate = deemedAccepted || !acceptedEvent ? received : beijingDate(acceptedEvent.at);
    const limitDays = input.promisedDays + extensionDays;
    const clock = { ...base, kind: 'decision' as const, startDate, limitDays };
    if (pausedSpans.some((s) => s.days === null)) {
      return { ...clock, state: 'undetermined', dueDate: null, undeterminedYear: Number(today.slice(0, 4)) };
    }
    const statutory = addWorkingDays(startDate, input.statutoryDays + extensionDays + pausedDays, cal);
    clock.statutoryDueDate = statutory.kind === 'date' ? statutory.date : null;
    if (input.stage === 'special_procedure') return { ...clock, state: 'paused', dueDate: null };
    return withDue(clock, addWorkingDays(startDate, limitDays + pausedDays, cal));
  }
  if (CERTIFICATE_STAGES.includes(input.stage)) {
    const approval = [...stageEvents].reverse().find((e) => e.toStage === 'approved');
    const startDate = approval ? beijingDate(approval.at) : today;
    return withDue(
      { ...base, kind: 'certificate', startDate, limitDays: CERTIFICATE_LIMIT_DAYS },
      addWorkingDays(startDate, CERTIFICATE_LIMIT_DAYS, cal),
    );
  }
  return { ...base, kind: 'none', state: 'stopped', startDate: null, limitDays: 0, dueDate: null };
}

function withDue(
  clock: Omit<CaseClock, 'state' | 'dueDate'>,
  due: ReturnType<typeof addWorkingDays>,
): CaseClock {
  if (due.kind === 'undetermined') return { ...clock, state: 'undetermined', dueDate: null, undeterminedYear: due.year };
  return { ...clock, state: 'running', dueDate: due.date, skipped: due.skipped };
}

/** Spans spent in `stage`, with the working days each took (open spans run to today). */
function spansIn(events: readonly ClockEvent[], stage: Stage, today: string, cal: WorkingCalendar): PausedSpan[] {
  const spans: PausedSpan[] = [];
  events.forEach((e, i) => {
    if (e.toStage !== stage) return;
    const from = beijingDate(e.at);
    const next = events[i + 1];
    const to = next ? beijingDate(next.at) : null;
    spans.push({ from, to, days: workingDaysBetween(from, to ?? today, cal) });
  });
  return spans;
}

/** normal / due_soon / overdue for a running clock; other states pass through. */
export function clockStatusOf(
  state: ClockState,
  dueDate: string | null,
  today: string,
  dueSoonThreshold: string,
): ClockStatus {
  if (state !== 'running' || dueDate === null) return state === 'running' ? 'undetermined' : state;
  if (dueDate < today) return 'overdue';
  if (dueDate <= dueSoonThreshold) return 'due_soon';
  return 'normal';
}

/** Working days left until the due date (negative: overdue by that many). */
export function workingDaysLeft(dueDate: string, today: string, cal: WorkingCalendar): number | null {
  if (dueDate >= today) return workingDaysBetween(today, dueDate, cal);
  const overdue = workingDaysBetween(dueDate, today, cal);
  return overdue === null ? null : -overdue;
}
