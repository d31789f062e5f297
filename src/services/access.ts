import { ForbiddenError } from '../domain/errors';
import type { Staff } from '../domain/model';

/** Staff see and act on their own department's cases; administrators on all. */
export function canActForDepartment(staff: Staff, departmentId: number): boolean {
  return staff.role === 'admin' || staff.departmentId === departmentId;
}

export function assertDepartmentAccess(staff: Staff, departmentId: number): void {
  if (!canActForDepartment(staff, departmentId)) throw new ForbiddenError('只能办理本部门的办件');
}

/** The department whose cases a staff member's lists are restricted to (undefined: all). */
export function departmentScope(staff: Staff): number | undefined {
  return staff.role === 'admin' ? undefined : (staff.departmentId ?? -1);
}
