import type { ClockStatus } from '../domain/deadlines';
import type { Case, Staff } from '../domain/model';
import type { Stage } from '../domain/stages';
import type { CaseFilter } from '../store/store';
import { departmentScope } from './access';
import { clockContext, clockFilter, clockView, type ClockContext, type ClockView } from './clock';
import type { Deps } from './deps';

export interface WorklistQuery {
  stage?: Stage;
  itemId?: number;
  windowId?: number;
  clockStatus?: ClockStatus;
}

export interface WorklistRow {
  case: Case;
  clock: ClockView;
}

export async function staffClockContext(deps: Deps): Promise<ClockContext> {
  return clockContext(deps.calendars, deps.clock.now(), deps.config.dueSoonDays);
}

function filterFor(staff: Staff, q: WorklistQuery, ctx: ClockContext): Omit<CaseFilter, 'limit' | 'offset'> {
  return {
    departmentId: departmentScope(staff),
    stage: q.stage,
    itemId: q.itemId,
    windowId: q.windowId,
    ...(q.clockStatus ? clockFilter(q.clockStatus, ctx) : {}),
    order: 'urgency',
  };
}

/** My department's cases, most urgent first (one indexed query), each with what its clock means today. */
export async function listWorklist(deps: Deps, staff: Staff, q: WorklistQuery, page: number, pageSize: number) {
  const ctx = await staffClockContext(deps);
  const result = await deps.store.listCases({ ...filterFor(staff, q, ctx), limit: pageSize, offset: (page - 1) * pageSize });
  const rows: WorklistRow[] = result.rows.map((c) => ({ case: c, clock: clockView(c.clock, ctx) }));
  return { rows, total: result.total, ctx };
}

/** How many of my department's cases are overdue and due soon (the worklist's headline). */
export async function countUrgent(deps: Deps, staff: Staff, ctx: ClockContext) {
  const count = async (status: ClockStatus) =>
    (await deps.store.listCases({ ...filterFor(staff, { clockStatus: status }, ctx), limit: 0, offset: 0 })).total;
  const [overdue, dueSoon, undetermined] = await Promise.all([count('overdue'), count('due_soon'), count('undetermined')]);
  return { overdue, dueSoon, undetermined };
}

/** Every row of a worklist query, page by page, so an export never holds them all at once. */
export async function* iterateWorklist(deps: Deps, staff: Staff, q: WorklistQuery, max = 50_000) {
  const ctx = await staffClockContext(deps);
  const filter = filterFor(staff, q, ctx);
  for (let offset = 0; offset < max; offset += 500) {
    const page = await deps.store.listCases({ ...filter, limit: Math.min(500, max - offset), offset });
    for (const c of page.rows) yield { case: c, clock: clockView(c.clock, ctx) } as WorklistRow;
    if (page.rows.length < 500) return;
  }
}
