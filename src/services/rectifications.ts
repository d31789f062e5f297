import { beijingDate } from '../domain/beijing-time';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import { isRectificationOverdue, type Rectification } from '../domain/evaluation';
import type { Staff } from '../domain/model';
import { assertDepartmentAccess, departmentScope } from './access';
import type { Deps } from './deps';

export interface RectificationRow {
  task: Rectification;
  overdue: boolean;
}

function today(deps: Deps): string {
  return beijingDate(deps.clock.now());
}

/** Rectification tasks of my department (admins: all), open ones first, earliest deadline first. */
export async function listRectificationsFor(deps: Deps, staff: Staff, page: number, pageSize: number) {
  const t = today(deps);
  const departmentId = departmentScope(staff);
  const [result, open] = await Promise.all([
    deps.store.listRectifications({ departmentId, limit: pageSize, offset: (page - 1) * pageSize }),
    deps.store.listRectifications({ departmentId, status: 'open', limit: 1000, offset: 0 }),
  ]);
  const rows: RectificationRow[] = result.rows.map((task) => ({ task, overdue: isRectificationOverdue(task, t) }));
  return {
    rows,
    total: result.total,
    openCount: open.total,
    overdueCount: open.rows.filter((r) => isRectificationOverdue(r, t)).length,
    today: t,
  };
}

/** One task; staff of the case's department may see it (admins: any). */
export async function rectificationForStaff(deps: Deps, staff: Staff, id: number): Promise<RectificationRow & { today: string }> {
  const task = await deps.store.findRectification(id);
  if (!task) throw new NotFoundError('not_found', '未找到该整改任务');
  assertDepartmentAccess(staff, task.departmentId);
  const t = today(deps);
  return { task, overdue: isRectificationOverdue(task, t), today: t };
}

/** Only the department's supervisors (科室负责人) and administrators handle 差评 (国办发〔2019〕51号). */
export function canHandleRectification(staff: Staff, task: Rectification): boolean {
  return staff.role === 'admin' || (staff.role === 'supervisor' && staff.departmentId === task.departmentId);
}

async function handleable(deps: Deps, staff: Staff, id: number): Promise<Rectification> {
  const { task } = await rectificationForStaff(deps, staff, id);
  if (!canHandleRectification(staff, task)) throw new ForbiddenError('只有本部门科室负责人或管理员可以办理整改任务');
  return task;
}

export async function recordFollowUp(deps: Deps, staff: Staff, id: number, input: { date: string; result: string }) {
  const task = await handleable(deps, staff, id);
  const t = today(deps);
  if (input.date > t) throw new ValidationError({ date: `回访日期不能晚于今天（${t}）` });
  if (input.date < beijingDate(task.openedAt)) {
    throw new ValidationError({ date: `回访日期不能早于差评日期（${beijingDate(task.openedAt)}）` });
  }
  return deps.store.recordFollowUp({ id, date: input.date, result: input.result, staffId: staff.id, at: deps.clock.now().toISOString() });
}

export async function closeRectification(deps: Deps, staff: Staff, id: number, input: { note: string }) {
  const task = await handleable(deps, staff, id);
  // Every 差评 gets a 回访核实 before it is closed.
  if (task.status === 'open' && !task.followUp) throw new ValidationError({ note: '请先记录回访（日期和结果），再办结整改任务' });
  return deps.store.closeRectification({ id, note: input.note, staffId: staff.id, at: deps.clock.now().toISOString() });
}
