import { ForbiddenError, ValidationError } from '../domain/errors';
import type { Staff } from '../domain/model';
import { isIsoDate } from '../domain/working-days';
import { recomputeOpenClocks } from './clock';
import type { Deps } from './deps';
import { recomputeRequestDueDates } from './disclosure-requests';

function assertAdmin(staff: Staff): void {
  if (staff.role !== 'admin') throw new ForbiddenError('只有系统管理员可以维护节假日安排');
}

/** After any calendar change, every open case's stored deadline follows it. Returns cases updated. */
async function afterChange(deps: Deps): Promise<number> {
  deps.calendars.invalidate();
  await recomputeRequestDueDates(deps);
  return recomputeOpenClocks(deps.store, deps.calendars, deps.clock.now());
}

export async function putCalendarOverride(
  deps: Deps,
  staff: Staff,
  input: { date: string; kind: 'holiday' | 'workday'; notice: string },
): Promise<number> {
  assertAdmin(staff);
  if (!isIsoDate(input.date)) throw new ValidationError({ date: '日期格式应为 YYYY-MM-DD' });
  await deps.store.putCalendarOverride({ ...input, createdBy: staff.id, createdAt: deps.clock.now().toISOString() });
  return afterChange(deps);
}

export async function deleteCalendarOverride(deps: Deps, staff: Staff, date: string): Promise<number> {
  assertAdmin(staff);
  if (!isIsoDate(date)) throw new ValidationError({ date: '日期格式应为 YYYY-MM-DD' });
  await deps.store.deleteCalendarOverride(date);
  return afterChange(deps);
}

/** Declares a year's arrangement complete, so deadlines reaching into it are computed. */
export async function declareCalendarYear(deps: Deps, staff: Staff, input: { year: number; notice: string }): Promise<number> {
  assertAdmin(staff);
  await deps.store.declareCalendarYear({
    year: input.year,
    notice: input.notice,
    declaredBy: staff.id,
    declaredAt: deps.clock.now().toISOString(),
  });
  return afterChange(deps);
}
