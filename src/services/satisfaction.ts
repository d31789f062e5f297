import { beijingDate } from '../domain/beijing-time';
import {
  emptyLevelCounts,
  isBadReview,
  starRating,
  summarize,
  type LevelCounts,
  type SatisfactionSummary,
  type StarRating,
} from '../domain/evaluation';
import { beijingMonthRange, type UtcRange } from '../domain/periods';
import type { DecisionCountRow, EvaluationCountRow } from '../store/store';
import type { Deps } from './deps';

export interface UnitSatisfaction {
  id: number;
  name: string;
  departmentName: string;
  summary: SatisfactionSummary;
  decided: number;
  onTime: number;
  onTimeKnown: number;
  /** on-time decisions / decisions whose due date was determined; null without such decisions. */
  onTimeRate: number | null;
  stars: StarRating;
}

interface Acc {
  counts: LevelCounts;
  bad: number;
  rectified: number;
  decided: number;
  onTime: number;
  onTimeKnown: number;
}

const emptyAcc = (): Acc => ({ counts: emptyLevelCounts(), bad: 0, rectified: 0, decided: 0, onTime: 0, onTimeKnown: 0 });

function addEvaluations(acc: Acc, r: EvaluationCountRow) {
  acc.counts[r.level] += r.count;
  if (isBadReview(r.level)) {
    acc.bad += r.count;
    acc.rectified += r.rectified;
  }
}

function addDecisions(acc: Acc, r: DecisionCountRow) {
  acc.decided += r.decided;
  acc.onTime += r.onTime;
  acc.onTimeKnown += r.onTimeKnown;
}

function toUnit(id: number, name: string, departmentName: string, acc: Acc): UnitSatisfaction {
  const summary = summarize(acc.counts, acc.bad, acc.rectified);
  const onTimeRate = acc.onTimeKnown ? acc.onTime / acc.onTimeKnown : null;
  return {
    id,
    name,
    departmentName,
    summary,
    decided: acc.decided,
    onTime: acc.onTime,
    onTimeKnown: acc.onTimeKnown,
    onTimeRate,
    stars: starRating({
      evaluations: summary.total,
      satisfiedRate: summary.satisfiedRate,
      decided: acc.onTimeKnown,
      onTimeRate,
      rectifiedRate: summary.rectifiedRate,
    }),
  };
}

/**
 * Public satisfaction figures of a period (好差评结果公开, 国办发〔2019〕51号): per department and per
 * window, counts per level and rates only, never a comment or a person. Evaluations count in the
 * month they were given; decisions in the month they were made.
 */
export async function satisfactionReport(deps: Deps, range: UtcRange) {
  const [evaluations, decisions, departments, windows] = await Promise.all([
    deps.store.evaluationCounts(range),
    deps.store.decisionCounts(range),
    deps.store.listDepartments(),
    deps.store.listWindows(),
  ]);
  const byDept = new Map(departments.map((d) => [d.id, emptyAcc()]));
  const byWindow = new Map(windows.map((w) => [w.id, emptyAcc()]));
  const center = emptyAcc();
  for (const r of evaluations) {
    addEvaluations(center, r);
    const d = byDept.get(r.departmentId);
    if (d) addEvaluations(d, r);
    const w = r.windowId === null ? undefined : byWindow.get(r.windowId);
    if (w) addEvaluations(w, r);
  }
  for (const r of decisions) {
    addDecisions(center, r);
    const d = byDept.get(r.departmentId);
    if (d) addDecisions(d, r);
    const w = r.windowId === null ? undefined : byWindow.get(r.windowId);
    if (w) addDecisions(w, r);
  }
  const deptName = new Map(departments.map((d) => [d.id, d.name]));
  return {
    center: toUnit(0, '全中心', '', center),
    departments: departments.map((d) => toUnit(d.id, d.name, d.name, byDept.get(d.id) as Acc)),
    windows: windows.map((w) => toUnit(w.id, w.name, deptName.get(w.departmentId) ?? '', byWindow.get(w.id) as Acc)),
  };
}

export async function monthlySatisfaction(deps: Deps, month: string) {
  return { month, ...(await satisfactionReport(deps, beijingMonthRange(month))) };
}

export function currentBeijingMonth(deps: Deps): string {
  return beijingDate(deps.clock.now()).slice(0, 7);
}
