import type { Intermediary, ItemChange, Law } from '../domain/catalog';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import type { Department, Item, ServiceWindow, Staff } from '../domain/model';
import {
  DuplicateKeyError,
  type Actor,
  type ItemGuideInput,
  type NewDepartment,
  type NewIntermediary,
  type NewItemChange,
  type NewLaw,
  type NewWindow,
} from '../store/store';
import type { Deps } from './deps';

/** Departments, windows, laws, intermediaries, item changes and the audit log: administrators only. */
export function assertAdmin(staff: Staff): void {
  if (staff.role !== 'admin') throw new ForbiddenError('只有系统管理员可以进行此操作');
}

/** Department staff (window staff and supervisors) may edit their own department's items. */
export function canEditDepartmentItems(staff: Staff, departmentId: number): boolean {
  return staff.role === 'admin' || staff.departmentId === departmentId;
}

export function assertCanEditDepartmentItems(staff: Staff, departmentId: number): void {
  if (!canEditDepartmentItems(staff, departmentId)) throw new ForbiddenError('只能维护本部门的审批事项');
}

const actorOf = (deps: Deps, staff: Staff): Actor => ({ staffId: staff.id, at: deps.clock.now().toISOString() });

/** Unique codes are checked by the database; the clash becomes a message beside the field. */
async function uniqueCode<T>(run: () => Promise<T>, message: string): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DuplicateKeyError) throw new ValidationError({ code: message });
    throw err;
  }
}

export async function saveDepartment(deps: Deps, staff: Staff, d: NewDepartment, id?: number): Promise<Department> {
  assertAdmin(staff);
  return uniqueCode(
    () => (id === undefined ? deps.store.createDepartment(d, actorOf(deps, staff)) : deps.store.updateDepartment(id, d, actorOf(deps, staff))),
    '部门编码已被使用',
  );
}

export async function saveWindow(deps: Deps, staff: Staff, w: NewWindow, id?: number): Promise<ServiceWindow> {
  assertAdmin(staff);
  if (!(await deps.store.listDepartments()).some((d) => d.id === w.departmentId)) {
    throw new ValidationError({ departmentId: '请选择部门' });
  }
  return uniqueCode(
    () => (id === undefined ? deps.store.createWindow(w, actorOf(deps, staff)) : deps.store.updateWindow(id, w, actorOf(deps, staff))),
    '窗口编号已被使用',
  );
}

/**
 * Creates or updates an item with its whole guide. A department's staff may neither touch another
 * department's item nor move one of theirs away.
 */
export async function saveItem(deps: Deps, staff: Staff, input: ItemGuideInput, existingCode?: string): Promise<Item> {
  let id: number | undefined;
  if (existingCode !== undefined) {
    const existing = await deps.store.findItemByCode(existingCode);
    if (!existing) throw new NotFoundError('item_not_found', '没有这个审批事项');
    assertCanEditDepartmentItems(staff, existing.departmentId);
    id = existing.id;
  }
  if (!(await deps.store.listDepartments()).some((d) => d.id === input.item.departmentId)) {
    throw new ValidationError({ departmentId: '请选择部门' });
  }
  if (!canEditDepartmentItems(staff, input.item.departmentId)) {
    throw new ValidationError({ departmentId: '只能选择本部门' });
  }
  const fields: Record<string, string> = {};
  if (input.details.windowId !== null) {
    const w = await deps.store.findWindowById(input.details.windowId);
    if (!w || w.departmentId !== input.item.departmentId) fields.windowId = '所选窗口不属于该部门';
  }
  for (const [n, l] of input.laws.entries()) {
    if (!(await deps.store.findLaw(l.lawId))) fields[`laws.${n}.lawId`] = '没有这部法律法规';
  }
  if (new Set(input.laws.map((l) => l.lawId)).size !== input.laws.length) fields.laws = '同一法律法规只能引用一次';
  if (Object.keys(fields).length) throw new ValidationError(fields);
  return uniqueCode(() => deps.store.saveItemGuide(input, actorOf(deps, staff), id), '事项编码已被使用');
}

export async function saveLaw(deps: Deps, staff: Staff, l: NewLaw, id?: number): Promise<Law> {
  assertAdmin(staff);
  return id === undefined ? deps.store.createLaw(l, actorOf(deps, staff)) : deps.store.updateLaw(id, l, actorOf(deps, staff));
}

export async function saveIntermediary(deps: Deps, staff: Staff, m: NewIntermediary, id?: number): Promise<Intermediary> {
  assertAdmin(staff);
  return id === undefined
    ? deps.store.createIntermediary(m, actorOf(deps, staff))
    : deps.store.updateIntermediary(id, m, actorOf(deps, staff));
}

export async function recordItemChange(
  deps: Deps,
  staff: Staff,
  c: Omit<NewItemChange, 'itemId'> & { itemCode: string },
): Promise<ItemChange> {
  assertAdmin(staff);
  const item = await deps.store.findItemByCode(c.itemCode);
  if (!item) throw new ValidationError({ itemCode: '没有这个审批事项' });
  const { itemCode: _code, ...rest } = c;
  return deps.store.createItemChange({ ...rest, itemId: item.id }, actorOf(deps, staff));
}
