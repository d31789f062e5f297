import { AppError, NotFoundError, StaleVersionError, ValidationError } from '../domain/errors';
import type { Case, Staff, StageEvent } from '../domain/model';
import { publicApplicantName, type ApplicantKind } from '../domain/masking';
import { createQueryNo, parseQueryNo } from '../domain/query-number';
import { assertTransition, assertTransitionDetails, type Stage } from '../domain/stages';
import { beijingDate } from '../domain/beijing-time';
import { DuplicateQueryNoError } from '../store/store';
import type { CaseClock } from '../domain/deadlines';
import {
  clockContext,
  clockOfCase,
  clockView,
  describeSkipped,
  explainClock,
  toClockEvents,
  toStoredClock,
  type ClockContext,
  type ClockView,
  type SkippedDay,
} from './clock';
import { assertDepartmentAccess } from './access';
import type { Deps } from './deps';

export interface RegisterCaseInput {
  itemCode: string;
  applicant: { name: string; kind: ApplicantKind; idNumber: string; phone: string };
  projectName?: string;
  note?: string;
}

const MAX_QUERY_NO_ATTEMPTS = 5;

export async function registerCase(deps: Deps, staff: Staff, input: RegisterCaseInput): Promise<Case> {
  const item = await deps.store.findItemByCode(input.itemCode);
  if (!item) throw new ValidationError({ itemCode: '没有这个审批事项' });
  if (item.status !== 'in_force') {
    throw new ValidationError({ itemCode: `「${item.name}」已取消，不能再受理新的申请` });
  }
  assertDepartmentAccess(staff, item.departmentId);
  const now = deps.clock.now();
  const at = now.toISOString();
  const clock = toStoredClock(
    explainClock(
      { stage: 'submitted', registeredAt: at, item },
      [{ kind: 'stage', toStage: 'submitted', at, extensionDays: null }],
      await deps.calendars.calendar(),
      beijingDate(now),
    ),
  );
  for (let attempt = 0; attempt < MAX_QUERY_NO_ATTEMPTS; attempt++) {
    try {
      return await deps.store.registerCase({
        queryNo: createQueryNo(deps.randomQueryBody()),
        itemId: item.id,
        departmentId: item.departmentId,
        applicant: input.applicant,
        projectName: input.projectName || null,
        note: input.note || null,
        registeredBy: staff.id,
        windowId: staff.departmentId === item.departmentId ? staff.windowId : null,
        at,
        clock,
      });
    } catch (err) {
      if (!(err instanceof DuplicateQueryNoError)) throw err;
    }
  }
  throw new AppError(503, 'query_no_exhausted', '暂时无法生成查询号，请稍后重试');
}

/** Malformed numbers are caught before any lookup (DOMAIN.md: "查询号有误，请核对"). */
export function assertQueryNo(raw: unknown): string {
  const parsed = parseQueryNo(raw);
  if (!parsed.ok) throw new AppError(400, 'invalid_query_no', '查询号有误，请核对');
  return parsed.queryNo;
}

export async function findCase(deps: Deps, raw: unknown): Promise<Case> {
  const c = await deps.store.findCaseByQueryNo(assertQueryNo(raw));
  if (!c) throw new NotFoundError('case_not_found', '未查询到该查询号对应的办件，请核对后重试');
  return c;
}

export async function findCaseForStaff(deps: Deps, staff: Staff, raw: unknown) {
  const c = await findCase(deps, raw);
  assertDepartmentAccess(staff, c.department.id);
  return { case: c, events: await deps.store.listStageEvents(c.id) };
}

export interface AdvanceInput {
  to: Stage;
  note?: string;
  notePublic?: boolean;
  decisionNo?: string;
  reason?: string;
}

/**
 * Moves a case one stage on. The domain decides whether the move is allowed; the store saves
 * the new stage, the event and (for a public approval, 第四十条) the bulletin entry at once.
 */
export async function advanceCase(
  deps: Deps,
  staff: Staff,
  raw: unknown,
  input: AdvanceInput,
  expectedVersion?: number,
): Promise<Case> {
  const current = await findCase(deps, raw);
  assertDepartmentAccess(staff, current.department.id);
  if (expectedVersion !== undefined && expectedVersion !== current.version) throw new StaleVersionError();
  assertTransition(current.stage, input.to);
  assertTransitionDetails(input.to, input);
  const now = deps.clock.now();
  const at = now.toISOString();
  const events = toClockEvents(await deps.store.listStageEvents(current.id));
  const cal = await deps.calendars.calendar();
  const today = beijingDate(now);
  const isDecision = input.to === 'approved' || input.to === 'denied' || input.to === 'not_accepted';
  const onTime = isDecision ? decisionTimeliness(explainClock(current, events, cal, today), today) : null;
  events.push({ kind: 'stage', toStage: input.to, at, extensionDays: null });
  const clock = toStoredClock(explainClock({ ...current, stage: input.to }, events, cal, today));
  const item = input.to === 'approved' ? await deps.store.findItemByCode(current.item.code) : null;
  return deps.store.advanceCase({
    caseId: current.id,
    expectedVersion: expectedVersion ?? current.version,
    from: current.stage,
    event: {
      to: input.to,
      at,
      staffId: staff.id,
      note: input.note?.trim() || null,
      notePublic: Boolean(input.notePublic),
      decisionNo: input.to === 'approved' ? (input.decisionNo?.trim() ?? null) : null,
      reason: input.reason?.trim() || null,
    },
    decision: isDecision
      ? {
          decisionNo: input.to === 'approved' ? (input.decisionNo?.trim() ?? null) : null,
          decidedAt: at,
          dueDate: onTime?.dueDate ?? null,
          onTime: onTime?.onTime ?? null,
        }
      : undefined,
    bulletin:
      item && item.resultsPublic
        ? {
            decisionNo: (input.decisionNo as string).trim(),
            applicantName: publicApplicantName(current.applicant.kind, current.applicant.name),
            projectName: current.projectName,
            decidedAt: at,
            validity: item.resultValidity,
          }
        : undefined,
    clock,
  });
}

/**
 * On time (按时办结) means: the Beijing date of the decision (approved, denied, or not accepted)
 * is on or before the due date of the clock running just before it (the decision limit from
 * acceptance, or the 5-day acceptance limit for 不予受理), extensions and paused days included.
 * Recorded with the decision so later calendar edits do not rewrite history. Null when that due
 * date was undetermined (year not covered).
 */
export function decisionTimeliness(before: CaseClock, decisionDate: string): { dueDate: string; onTime: boolean } | null {
  if (before.state !== 'running' || before.dueDate === null) return null;
  return { dueDate: before.dueDate, onTime: decisionDate <= before.dueDate };
}

export interface PublicTimelineEntry {
  kind: 'stage' | 'extension';
  stage: Stage;
  at: string;
  date: string;
  note: string | null;
}

/** What the applicant and the public may see of a case: no ID number, no phone, names masked. */
export interface PublicCaseView {
  queryNo: string;
  item: { code: string; name: string; category: string; promisedDays: number; statutoryDays: number };
  department: { code: string; name: string };
  applicant: { name: string; kind: ApplicantKind };
  projectName: string | null;
  stage: Stage;
  registeredAt: string;
  updatedAt: string;
  decisionNo: string | null;
  decidedAt: string | null;
  version: number;
  clock: ClockView;
  /** How the due date was computed (start, limit, pauses, holidays skipped). */
  explanation: CaseClock;
  skipped: SkippedDay[];
  timeline: PublicTimelineEntry[];
}

export function toPublicCaseView(c: Case, events: StageEvent[], ctx: ClockContext): PublicCaseView {
  const explanation = clockOfCase(c, events, ctx.cal, ctx.today);
  return {
    queryNo: c.queryNo,
    item: {
      code: c.item.code,
      name: c.item.name,
      category: c.item.category,
      promisedDays: c.item.promisedDays,
      statutoryDays: c.item.statutoryDays,
    },
    department: { code: c.department.code, name: c.department.name },
    applicant: { name: publicApplicantName(c.applicant.kind, c.applicant.name), kind: c.applicant.kind },
    projectName: c.projectName,
    stage: c.stage,
    registeredAt: c.registeredAt,
    updatedAt: c.updatedAt,
    decisionNo: c.stage === 'denied' || c.stage === 'not_accepted' ? null : c.decisionNo,
    decidedAt: c.decidedAt,
    version: c.version,
    clock: clockView(c.clock, ctx),
    explanation,
    skipped: describeSkipped(explanation, ctx.cal),
    timeline: events.map((e) => ({
      kind: e.kind,
      stage: e.toStage,
      at: e.at,
      date: beijingDate(e.at),
      note: publicNote(e),
    })),
  };
}

/** Refusal reasons must be told to the applicant (第三十八条); other notes only when marked public. */
function publicNote(e: StageEvent): string | null {
  // 第四十二条: the applicant is told of an extension and its reason.
  if (e.kind === 'extension') return `办理期限延长${e.extensionDays}个工作日。理由：${e.note ?? ''}`;
  const parts: string[] = [];
  if (e.reason && (e.toStage === 'denied' || e.toStage === 'not_accepted')) parts.push(`理由：${e.reason}`);
  if (e.decisionNo && e.toStage === 'approved') parts.push(`决定文号：${e.decisionNo}`);
  if (e.note && e.notePublic) parts.push(e.note);
  return parts.length ? parts.join('；') : null;
}

export async function lookupCase(deps: Deps, raw: unknown): Promise<PublicCaseView> {
  const c = await findCase(deps, raw);
  const [events, ctx] = await Promise.all([
    deps.store.listStageEvents(c.id),
    clockContext(deps.calendars, deps.clock.now(), deps.config.dueSoonDays),
  ]);
  return toPublicCaseView(c, events, ctx);
}
