import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import { CENTER_OFFICE_ROLES, type Role, type Staff } from '../domain/model';
import { passwordProblem } from '../domain/password-policy';
import { DuplicateKeyError } from '../store/store';
import type { Deps } from './deps';
import { hashPassword, verifyPassword } from './passwords';

export interface AccountInput {
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  windowId: number | null;
  active: boolean;
}

function assertAdmin(staff: Staff): void {
  if (staff.role !== 'admin') throw new ForbiddenError('只有系统管理员可以管理账号');
}

/** Department roles need a department (and a window of it, if any); center roles have none. */
async function checkPlacement(deps: Deps, input: Omit<AccountInput, 'username'>): Promise<void> {
  const central = input.role === 'admin' || CENTER_OFFICE_ROLES.includes(input.role);
  if (!central && input.departmentId === null) throw new ValidationError({ departmentId: '窗口工作人员和科室负责人须选择所属部门' });
  if (central && input.departmentId !== null) throw new ValidationError({ departmentId: '该角色不属于任何部门，请留空' });
  if (input.windowId !== null) {
    const windows = await deps.store.listWindows(input.departmentId ?? undefined);
    if (!windows.some((w) => w.id === input.windowId)) throw new ValidationError({ windowId: '所选窗口不属于该部门' });
  }
}

export async function createAccount(deps: Deps, admin: Staff, input: AccountInput & { password: string }): Promise<Staff> {
  assertAdmin(admin);
  const problem = passwordProblem(input.password, input.username);
  if (problem) throw new ValidationError({ password: problem });
  await checkPlacement(deps, input);
  try {
    return await deps.store.createStaff(
      { ...input, passwordHash: await hashPassword(input.password), isDemo: false },
      { staffId: admin.id, at: deps.clock.now().toISOString() },
    );
  } catch (err) {
    if (err instanceof DuplicateKeyError) throw new ValidationError({ username: '该用户名已被使用' });
    throw err;
  }
}

export async function updateAccount(deps: Deps, admin: Staff, id: number, input: Omit<AccountInput, 'username'>): Promise<Staff> {
  assertAdmin(admin);
  if (id === admin.id && (input.role !== 'admin' || !input.active)) {
    throw new ValidationError({ role: '不能取消自己的管理员权限或停用自己的账号' });
  }
  await checkPlacement(deps, input);
  return deps.store.updateStaffAccount(id, input, { staffId: admin.id, at: deps.clock.now().toISOString() });
}

export async function resetPassword(deps: Deps, admin: Staff, id: number, password: string): Promise<void> {
  assertAdmin(admin);
  const target = await deps.store.findStaffById(id);
  if (!target) throw new NotFoundError('staff_not_found', '没有这个账号');
  const problem = passwordProblem(password, target.username);
  if (problem) throw new ValidationError({ password: problem });
  await deps.store.setStaffPassword(id, await hashPassword(password), { staffId: admin.id, at: deps.clock.now().toISOString() });
}

/** Any staff member changes their own password; every session of the account ends. */
export async function changeOwnPassword(
  deps: Deps,
  staff: Staff,
  input: { current: string; password: string; confirm: string },
): Promise<void> {
  if (!(await verifyPassword(input.current, staff.passwordHash))) throw new ValidationError({ current: '当前密码不正确' });
  const problem = passwordProblem(input.password, staff.username);
  if (problem) throw new ValidationError({ password: problem });
  if (input.password !== input.confirm) throw new ValidationError({ confirm: '两次输入的新密码不一致' });
  if (input.password === input.current) throw new ValidationError({ password: '新密码不能与当前密码相同' });
  await deps.store.setStaffPassword(staff.id, await hashPassword(input.password), {
    staffId: staff.id,
    at: deps.clock.now().toISOString(),
  });
}

export async function findAccount(deps: Deps, admin: Staff, id: number): Promise<Staff> {
  assertAdmin(admin);
  const s = await deps.store.findStaffById(id);
  if (!s) throw new AppError(404, 'staff_not_found', '没有这个账号');
  return s;
}
