import { beijingDate } from '../domain/beijing-time';
import { EXTENSION_DAYS, JOINT_EXTENSION_DAYS } from '../domain/deadlines';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import type { Case, ExtensionRequest, Staff } from '../domain/model';
import type { Stage } from '../domain/stages';
import { PendingExtensionExistsError } from '../store/store';
import { assertDepartmentAccess } from './access';
import { findCaseForStaff } from './cases';
import { explainClock, toClockEvents, toStoredClock } from './clock';
import type { Deps } from './deps';
import { stageChangeMessages } from './notify/messages';

/** An extension only makes sense while the decision clock runs (第四十二条). */
const EXTENDABLE: readonly Stage[] = ['accepted', 'under_review', 'special_procedure'];

export function extensionDaysFor(c: Pick<Case, 'item'>): number {
  return c.item.jointHandling ? JOINT_EXTENSION_DAYS : EXTENSION_DAYS;
}

/** Why a case cannot get an extension now, or null if it can. */
export function extensionBlocker(c: Case, hasExtension: boolean, pending: boolean): string | null {
  if (!EXTENDABLE.includes(c.stage)) return '只有已受理、审查中或特别程序中的办件可以申请延期';
  if (hasExtension) return '本办件已延期一次，依法不能再次延期';
  if (pending) return '已有延期申请等待审批';
  return null;
}

export async function requestExtension(
  deps: Deps,
  staff: Staff,
  rawQueryNo: unknown,
  input: { reason: string },
): Promise<ExtensionRequest> {
  const { case: c, events } = await findCaseForStaff(deps, staff, rawQueryNo);
  const pending = (await deps.store.listExtensionRequests({ caseId: c.id, status: 'pending' })).length > 0;
  const blocker = extensionBlocker(c, events.some((e) => e.kind === 'extension'), pending);
  if (blocker) throw new ConflictError('extension_not_allowed', blocker);
  try {
    return await deps.store.createExtensionRequest({
      caseId: c.id,
      days: extensionDaysFor(c),
      reason: input.reason,
      requestedBy: staff.id,
      requestedAt: deps.clock.now().toISOString(),
    });
  } catch (err) {
    if (err instanceof PendingExtensionExistsError) throw new ConflictError('extension_not_allowed', '已有延期申请等待审批');
    throw err;
  }
}

/** 经本行政机关负责人批准 (第四十二条): only a supervisor of the department, or an admin, decides. */
export function assertMayDecideExtensions(staff: Staff): void {
  if (staff.role !== 'supervisor' && staff.role !== 'admin') {
    throw new ForbiddenError('延期须经科室负责人批准，窗口工作人员不能审批');
  }
}

function assertCanDecide(staff: Staff, request: ExtensionRequest): void {
  assertMayDecideExtensions(staff);
  assertDepartmentAccess(staff, request.departmentId);
}

export async function decideExtension(
  deps: Deps,
  staff: Staff,
  requestId: number,
  input: { approve: boolean; note?: string },
): Promise<ExtensionRequest> {
  const request = await deps.store.findExtensionRequest(requestId);
  if (!request) throw new NotFoundError('not_found', '未找到该延期申请');
  assertCanDecide(staff, request);
  if (request.status !== 'pending') throw new ConflictError('already_decided', '该延期申请已被处理');
  const now = deps.clock.now();
  const at = now.toISOString();
  if (!input.approve) {
    if (!input.note?.trim()) throw new ValidationError({ note: '不同意延期须说明理由' });
    return deps.store.refuseExtension({ requestId, decidedBy: staff.id, at, decisionNote: input.note.trim() });
  }
  const c = await deps.store.findCaseByQueryNo(request.queryNo);
  if (!c) throw new AppError(500, 'internal_error', '系统繁忙，请稍后再试');
  const events = toClockEvents(await deps.store.listStageEvents(c.id));
  events.push({ kind: 'extension', toStage: c.stage, at, extensionDays: request.days });
  const clock = toStoredClock(explainClock(c, events, await deps.calendars.calendar(), beijingDate(now)));
  const saved = await deps.store.approveExtension({
    requestId,
    caseId: c.id,
    expectedVersion: c.version,
    stage: c.stage,
    approverId: staff.id,
    at,
    decisionNote: input.note?.trim() || null,
    clock,
    notifications: stageChangeMessages(deps.config, c, c.stage, `办理期限已依法延长 ${request.days} 个工作日，理由：${request.reason}`),
  });
  deps.updates?.publish({ queryNo: saved.queryNo, version: saved.version, stage: saved.stage });
  return (await deps.store.findExtensionRequest(requestId)) as ExtensionRequest;
}
