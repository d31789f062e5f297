import { beijingDate } from '../domain/beijing-time';
import { EVALUATION_LEVELS, EVALUATION_LEVEL_LABELS, type EvaluationLevel } from '../domain/evaluation';
import type { Department, Staff } from '../domain/model';
import { beijingDateRange, monthsBetween } from '../domain/periods';
import { STAGES, STAGE_LABELS, type Stage } from '../domain/stages';
import { workingDaysBetween } from '../domain/working-days';
import { satisfactionReport } from './satisfaction';
import type { Deps } from './deps';

export interface StatsQuery {
  /** undefined: the whole center (admins only). */
  department?: Department;
  from: string;
  to: string;
}

export interface ItemDuration {
  code: string;
  name: string;
  cases: number;
  /** Mean working days from acceptance to decision, one decimal; null if none could be counted. */
  averageWorkingDays: number | null;
}

export interface Dashboard {
  query: StatsQuery;
  registered: number;
  completed: number;
  decided: number;
  onTime: number;
  onTimeKnown: number;
  onTimeRate: number | null;
  items: ItemDuration[];
  stages: { stage: Stage; label: string; count: number }[];
  trend: { month: string; registered: number; completed: number }[];
  levels: { level: EvaluationLevel; label: string; count: number }[];
  satisfiedRate: number | null;
}

/** The departments a staff member may choose: their own; admins any or the whole center. */
export async function statsDepartments(deps: Deps, staff: Staff): Promise<Department[]> {
  const all = await deps.store.listDepartments();
  return staff.role === 'admin' ? all : all.filter((d) => d.id === staff.departmentId);
}

/**
 * 统计: what a department (or the center) did in a period of Beijing dates. Counts come from the
 * store's aggregate queries; working days to decision are counted here with the working calendar
 * (day of acceptance = day 0, 第八十二条), from the 受理日 (the receipt day when 补正 was notified late,
 * 第三十二条) to the decision day.
 */
export async function dashboard(deps: Deps, q: StatsQuery): Promise<Dashboard> {
  const range = beijingDateRange(q.from, q.to);
  const scope = { ...range, departmentId: q.department?.id };
  const [stats, decisions, durations, satisfaction, cal] = await Promise.all([
    deps.store.caseStatistics(scope),
    deps.store.decisionCounts(scope),
    deps.store.listDecisionDurations(scope),
    satisfactionReport(deps, range),
    deps.calendars.calendar(),
  ]);
  const decided = decisions.reduce((n, r) => n + r.decided, 0);
  const onTime = decisions.reduce((n, r) => n + r.onTime, 0);
  const onTimeKnown = decisions.reduce((n, r) => n + r.onTimeKnown, 0);

  const byItem = new Map<string, { code: string; name: string; cases: number; days: number[] }>();
  for (const d of durations) {
    const start = beijingDate(d.deemedAccepted ? d.registeredAt : d.acceptedAt);
    const days = workingDaysBetween(start, beijingDate(d.decidedAt), cal);
    const entry = byItem.get(d.itemCode) ?? { code: d.itemCode, name: d.itemName, cases: 0, days: [] };
    entry.cases++;
    if (days !== null) entry.days.push(days);
    byItem.set(d.itemCode, entry);
  }
  const items = [...byItem.values()].map((e) => ({
    code: e.code,
    name: e.name,
    cases: e.cases,
    averageWorkingDays: e.days.length ? Math.round((e.days.reduce((a, b) => a + b, 0) / e.days.length) * 10) / 10 : null,
  }));

  const stageCount = new Map(stats.byStage.map((s) => [s.stage, s.count]));
  const reg = new Map(stats.registeredByMonth.map((m) => [m.month, m.count]));
  const done = new Map(stats.completedByMonth.map((m) => [m.month, m.count]));
  const unit = q.department ? satisfaction.departments.find((d) => d.id === q.department?.id) : satisfaction.center;
  return {
    query: q,
    registered: stats.registered,
    completed: stats.completed,
    decided,
    onTime,
    onTimeKnown,
    onTimeRate: onTimeKnown ? onTime / onTimeKnown : null,
    items,
    stages: STAGES.map((stage) => ({ stage, label: STAGE_LABELS[stage], count: stageCount.get(stage) ?? 0 })),
    trend: monthsBetween(q.from, q.to).map((month) => ({ month, registered: reg.get(month) ?? 0, completed: done.get(month) ?? 0 })),
    levels: EVALUATION_LEVELS.map((level) => ({ level, label: EVALUATION_LEVEL_LABELS[level], count: unit?.summary.counts[level] ?? 0 })),
    satisfiedRate: unit?.summary.satisfiedRate ?? null,
  };
}
