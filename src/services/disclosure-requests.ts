/**
 * 依申请公开 use cases (《政府信息公开条例》第二十七条至第三十三条、第四十二条): the public form,
 * the office's handling with the 20-working-day reply clock, 补正, extension, reply, fees and
 * 复议/诉讼 records, and what the applicant sees on the lookup page.
 */
import { beijingDate } from '../domain/beijing-time';
import {
  APPLICANT_KIND_LABELS,
  DELIVERY_FORM_LABELS,
  EXTENSION_WORKING_DAYS,
  isOrganizationKind,
  mayHandleRequests,
  outcomeOf,
  outcomeText,
  REPLY_LIMIT_WORKING_DAYS,
  REQUEST_STAGE_LABELS,
  REQUEST_STAGE_PUBLIC_TEXT,
  SUPPLEMENT_NOTICE_WORKING_DAYS,
  type ApplicantKind,
  type DeliveryForm,
  type DisclosureRequest,
  type OutcomeCode,
  type RequestEvent,
  type RequestStage,
  type ReviewKind,
  type ReviewOutcome,
} from '../domain/disclosure-request';
import { AppError, ConflictError, ForbiddenError, NotFoundError, StaleVersionError, ValidationError } from '../domain/errors';
import type { Staff } from '../domain/model';
import { publicApplicantName } from '../domain/masking';
import { createQueryNo } from '../domain/query-number';
import { addWorkingDays, workingDaysBetween, type WorkingCalendar } from '../domain/working-days';
import { DuplicateQueryNoError } from '../store/store';
import { assertQueryNo } from './cases';
import { clockContext, type ClockContext } from './clock';
import type { Deps } from './deps';
import { checkUpload, withStoredUploads, type Upload } from './files';

const MAX_QUERY_NO_ATTEMPTS = 5;
export const MAX_REPLY_ATTACHMENTS = 5;

export interface RequestInput {
  applicantKind: ApplicantKind;
  applicantName: string;
  idNumber: string;
  contactPerson?: string;
  phone: string;
  email?: string;
  address?: string;
  description: string;
  deliveryForm: DeliveryForm;
}

/** Reply due date: day 0 is the clock's start, +20 working days, +20 more once extended; null = 待定. */
export function replyDueOn(clockStartOn: string, extended: boolean, cal: WorkingCalendar): string | null {
  const r = addWorkingDays(clockStartOn, REPLY_LIMIT_WORKING_DAYS + (extended ? EXTENSION_WORKING_DAYS : 0), cal);
  return r.kind === 'date' ? r.date : null;
}

const today = (deps: Deps) => beijingDate(deps.clock.now());

export async function submitDisclosureRequest(deps: Deps, input: RequestInput): Promise<DisclosureRequest> {
  const now = deps.clock.now();
  const receivedOn = beijingDate(now);
  const dueOn = replyDueOn(receivedOn, false, await deps.calendars.calendar());
  for (let attempt = 0; attempt < MAX_QUERY_NO_ATTEMPTS; attempt++) {
    try {
      return await deps.store.createDisclosureRequest({
        queryNo: createQueryNo(deps.randomQueryBody()),
        applicantKind: input.applicantKind,
        applicantName: input.applicantName,
        idNumber: input.idNumber,
        contactPerson: input.contactPerson || null,
        phone: input.phone,
        email: input.email || null,
        address: input.address || null,
        description: input.description,
        deliveryForm: input.deliveryForm,
        receivedAt: now.toISOString(),
        receivedOn,
        dueOn,
      });
    } catch (err) {
      if (!(err instanceof DuplicateQueryNoError)) throw err;
    }
  }
  throw new AppError(503, 'query_no_exhausted', '暂时无法生成查询号，请稍后重试');
}

export function assertRequestHandler(staff: Staff): void {
  if (!mayHandleRequests(staff.role)) throw new ForbiddenError('只有办公室（政府信息公开）工作人员可以办理政府信息公开申请');
}

export async function findRequestForStaff(deps: Deps, staff: Staff, id: number): Promise<DisclosureRequest> {
  assertRequestHandler(staff);
  const r = await deps.store.findDisclosureRequest(id);
  if (!r) throw new NotFoundError('request_not_found', '未找到该政府信息公开申请');
  return r;
}

async function current(deps: Deps, staff: Staff, id: number, version: number): Promise<DisclosureRequest> {
  const r = await findRequestForStaff(deps, staff, id);
  if (r.version !== version) throw new StaleVersionError('该申请已被他人处理，请刷新后重试');
  return r;
}

function assertStage(r: DisclosureRequest, ...stages: RequestStage[]): void {
  if (!stages.includes(r.stage)) throw new ConflictError('wrong_stage', '该申请当前状态不能进行此操作，请刷新后重试');
}

const actorOf = (deps: Deps, staff: Staff | null) => ({ staffId: staff?.id ?? null, at: deps.clock.now().toISOString() });

/**
 * 第三十条: one notice, within 7 working days of receipt, naming what to change and a reasonable
 * deadline. The reply clock stops until the 补正 arrives.
 */
export async function requestSupplement(
  deps: Deps,
  staff: Staff,
  id: number,
  version: number,
  input: { notice: string; days: number },
): Promise<DisclosureRequest> {
  const r = await current(deps, staff, id, version);
  assertStage(r, 'received');
  const events = await deps.store.listDisclosureRequestEvents(r.id);
  if (events.some((e) => e.action === 'request_supplement')) {
    throw new ConflictError('supplement_once', '补正告知只能一次性作出，本申请已经告知过补正');
  }
  const cal = await deps.calendars.calendar();
  const day = today(deps);
  const elapsed = workingDaysBetween(r.receivedOn, day, cal);
  if (elapsed === null) {
    throw new ConflictError('calendar_uncovered', '工作日历尚未覆盖相关年份，无法确认是否仍在补正告知期限内，请管理员先维护工作日历');
  }
  if (elapsed > SUPPLEMENT_NOTICE_WORKING_DAYS) {
    throw new ConflictError(
      'supplement_too_late',
      `补正告知须在收到申请之日起${SUPPLEMENT_NOTICE_WORKING_DAYS}个工作日内作出；本申请收到于${r.receivedOn}，已过${elapsed}个工作日，不能再要求补正，请直接答复`,
    );
  }
  const due = addWorkingDays(day, input.days, cal);
  if (due.kind !== 'date') {
    throw new ValidationError({ days: `补正期限将跨入${due.year}年，该年工作日历尚未公布，请缩短期限或先维护工作日历` });
  }
  return deps.store.moveDisclosureRequest({
    id: r.id,
    expectedVersion: version,
    from: 'received',
    to: 'supplement_requested',
    action: 'request_supplement',
    comment: input.notice,
    actor: actorOf(deps, staff),
    changes: { dueOn: null, supplementDueOn: due.date },
  });
}

/** The 补正 arrived (on `suppliedOn`, by its deadline): the 20 days start again from that day. */
export async function recordSupply(
  deps: Deps,
  staff: Staff,
  id: number,
  version: number,
  input: { suppliedOn?: string; note?: string },
): Promise<DisclosureRequest> {
  const r = await current(deps, staff, id, version);
  assertStage(r, 'supplement_requested');
  const day = today(deps);
  const suppliedOn = input.suppliedOn ?? day;
  const notice = [...(await deps.store.listDisclosureRequestEvents(r.id))].reverse().find((e) => e.action === 'request_supplement');
  const noticeOn = notice ? beijingDate(notice.at) : r.receivedOn;
  if (suppliedOn > day) throw new ValidationError({ suppliedOn: '补正收到日期不能晚于今天' });
  if (suppliedOn < noticeOn) throw new ValidationError({ suppliedOn: `补正收到日期不能早于补正告知日期（${noticeOn}）` });
  if (r.supplementDueOn && suppliedOn > r.supplementDueOn) {
    throw new ValidationError({ suppliedOn: `补正期限（${r.supplementDueOn}）已过，逾期未补正视为放弃申请` });
  }
  return deps.store.moveDisclosureRequest({
    id: r.id,
    expectedVersion: version,
    from: 'supplement_requested',
    to: 'received',
    action: 'supply',
    comment: [`补正收到日期：${suppliedOn}`, input.note].filter(Boolean).join('；'),
    actor: actorOf(deps, staff),
    changes: { clockStartOn: suppliedOn, dueOn: replyDueOn(suppliedOn, r.extended, await deps.calendars.calendar()), supplementDueOn: null },
  });
}

const EXTENSION_COMMENT = /^批准人：(.*?)；理由：([\s\S]*)$/;

/** 第三十三条: once, with the 负责人's consent, before the due date; the applicant is told why. */
export async function extendRequest(
  deps: Deps,
  staff: Staff,
  id: number,
  version: number,
  input: { approver: string; reason: string },
): Promise<DisclosureRequest> {
  const r = await current(deps, staff, id, version);
  assertStage(r, 'received');
  if (r.extended) throw new ConflictError('already_extended', '答复期限只能延长一次，本申请已经延长过');
  if (r.dueOn && today(deps) > r.dueOn) throw new ConflictError('already_overdue', `答复期限（${r.dueOn}）已过，不能再延长`);
  return deps.store.moveDisclosureRequest({
    id: r.id,
    expectedVersion: version,
    from: 'received',
    to: 'received',
    action: 'extend',
    comment: `批准人：${input.approver}；理由：${input.reason}`,
    actor: actorOf(deps, staff),
    changes: { extended: true, dueOn: replyDueOn(r.clockStartOn, true, await deps.calendars.calendar()) },
  });
}

export async function replyToRequest(
  deps: Deps,
  staff: Staff,
  id: number,
  version: number,
  input: { outcome: OutcomeCode; replyText: string; attachments: Upload[] },
): Promise<DisclosureRequest> {
  const r = await current(deps, staff, id, version);
  assertStage(r, 'received', 'supplement_requested');
  if (input.outcome === 'other_no_supplement') {
    throw new ValidationError({ outcome: '逾期未补正的申请请使用“视为放弃”办结' });
  }
  if (input.attachments.length > MAX_REPLY_ATTACHMENTS) {
    throw new ValidationError({ attachments: `附件最多${MAX_REPLY_ATTACHMENTS}个` });
  }
  const checked = input.attachments.map((u) => checkUpload(deps, u, 'attachments'));
  const day = today(deps);
  return withStoredUploads(deps, checked, (files) =>
    deps.store.moveDisclosureRequest({
      id: r.id,
      expectedVersion: version,
      from: r.stage,
      to: 'closed',
      action: 'reply',
      comment: outcomeText(input.outcome),
      actor: actorOf(deps, staff),
      changes: { outcome: input.outcome, replyText: input.replyText, closedOn: day, dueOn: null, supplementDueOn: null },
      files,
    }),
  );
}

/** 视为放弃: the 补正 deadline passed with nothing received (staff, or the hourly check with staff null). */
export async function abandonRequest(deps: Deps, staff: Staff | null, r: DisclosureRequest): Promise<DisclosureRequest> {
  assertStage(r, 'supplement_requested');
  const day = today(deps);
  if (!r.supplementDueOn || day <= r.supplementDueOn) {
    throw new ConflictError('supplement_not_expired', `补正期限（${r.supplementDueOn ?? '未定'}）尚未届满，不能视为放弃`);
  }
  return deps.store.moveDisclosureRequest({
    id: r.id,
    expectedVersion: r.version,
    from: 'supplement_requested',
    to: 'closed',
    action: 'abandon',
    comment: `补正期限${r.supplementDueOn}届满未收到补正`,
    actor: actorOf(deps, staff),
    changes: { outcome: 'other_no_supplement', closedOn: day, supplementDueOn: r.supplementDueOn },
  });
}

export async function abandonRequestByStaff(deps: Deps, staff: Staff, id: number, version: number): Promise<DisclosureRequest> {
  return abandonRequest(deps, staff, await current(deps, staff, id, version));
}

/** The hourly job: every request whose 补正 deadline has passed is closed as 视为放弃. */
export async function expireSupplements(deps: Deps): Promise<number> {
  let closed = 0;
  for (const r of await deps.store.listExpiredSupplements(today(deps))) {
    try {
      await abandonRequest(deps, null, r);
      closed++;
    } catch (err) {
      // Staff recorded the 补正 (or replied) meanwhile; the request is no longer waiting.
      if (!(err instanceof StaleVersionError)) throw err;
    }
  }
  return closed;
}

/** After a calendar change (and hourly): due dates of open requests, including those that were 待定. */
export async function recomputeRequestDueDates(deps: Deps): Promise<number> {
  const cal = await deps.calendars.calendar();
  const open = await deps.store.listOpenDisclosureRequests();
  const updates = open
    .map((r) => ({ id: r.id, version: r.version, dueOn: replyDueOn(r.clockStartOn, r.extended, cal), was: r.dueOn }))
    .filter((u) => u.dueOn !== u.was);
  return updates.length ? deps.store.saveDisclosureRequestDueDates(updates) : 0;
}

export async function addRequestFee(
  deps: Deps,
  staff: Staff,
  id: number,
  input: { chargedOn: string; amountFen: number; waivedFen: number; note: string },
) {
  const r = await findRequestForStaff(deps, staff, id);
  if (input.chargedOn < r.receivedOn) throw new ValidationError({ chargedOn: `收费日期不能早于收到申请的日期（${r.receivedOn}）` });
  if (input.chargedOn > today(deps)) throw new ValidationError({ chargedOn: '收费日期不能晚于今天' });
  if (input.waivedFen > input.amountFen) throw new ValidationError({ waived: '减免金额不能大于应收金额' });
  return deps.store.addDisclosureRequestFee({ requestId: r.id, ...input }, actorOf(deps, staff) as { staffId: number; at: string });
}

function checkReviewDates(deps: Deps, filedOn: string, outcome: ReviewOutcome, decidedOn: string | null): void {
  if (outcome === 'pending' && decidedOn) throw new ValidationError({ decidedOn: '尚未审结的不填写结案日期' });
  if (outcome !== 'pending' && !decidedOn) throw new ValidationError({ decidedOn: '已审结的请填写结案日期' });
  if (decidedOn && decidedOn < filedOn) throw new ValidationError({ decidedOn: '结案日期不能早于立案（申请）日期' });
  if (decidedOn && decidedOn > today(deps)) throw new ValidationError({ decidedOn: '结案日期不能晚于今天' });
}

export async function addRequestReview(
  deps: Deps,
  staff: Staff,
  id: number,
  input: { kind: ReviewKind; filedOn: string; outcome: ReviewOutcome; decidedOn: string | null; note: string },
) {
  const r = await findRequestForStaff(deps, staff, id);
  if (input.filedOn < r.receivedOn) throw new ValidationError({ filedOn: `申请复议或起诉的日期不能早于收到申请的日期（${r.receivedOn}）` });
  if (input.filedOn > today(deps)) throw new ValidationError({ filedOn: '日期不能晚于今天' });
  checkReviewDates(deps, input.filedOn, input.outcome, input.decidedOn);
  return deps.store.addDisclosureRequestReview({ requestId: r.id, ...input }, actorOf(deps, staff) as { staffId: number; at: string });
}

export async function updateRequestReview(
  deps: Deps,
  staff: Staff,
  requestId: number,
  reviewId: number,
  version: number,
  input: { outcome: ReviewOutcome; decidedOn: string | null; note: string },
) {
  await findRequestForStaff(deps, staff, requestId);
  const review = await deps.store.findDisclosureRequestReview(reviewId);
  if (!review || review.requestId !== requestId) throw new NotFoundError('review_not_found', '未找到该复议或诉讼记录');
  checkReviewDates(deps, review.filedOn, input.outcome, input.decidedOn);
  return deps.store.updateDisclosureRequestReview(reviewId, version, input, actorOf(deps, staff) as { staffId: number; at: string });
}

/** A reply attachment, for staff only (it may name the applicant). */
export async function findRequestFile(deps: Deps, staff: Staff, requestId: number, fileId: number) {
  const r = await findRequestForStaff(deps, staff, requestId);
  const file = (await deps.store.listDisclosureRequestFiles(r.id)).find((f) => f.id === fileId);
  if (!file) throw new NotFoundError('file_not_found', '没有这个文件');
  return file;
}

export type RequestDueStatus = 'normal' | 'due_soon' | 'overdue' | 'paused' | 'undetermined' | 'stopped';

export function requestDueStatus(r: DisclosureRequest, ctx: Pick<ClockContext, 'today' | 'dueSoonThreshold'>): RequestDueStatus {
  if (r.stage === 'closed') return 'stopped';
  if (r.stage === 'supplement_requested') return 'paused';
  if (!r.dueOn) return 'undetermined';
  if (r.dueOn < ctx.today) return 'overdue';
  return r.dueOn <= ctx.dueSoonThreshold ? 'due_soon' : 'normal';
}

/** What anyone holding the 查询号 may see: no ID number, phone, address, description or reply text. */
export interface PublicRequestView {
  type: 'disclosure_request';
  queryNo: string;
  applicantName: string;
  applicantKind: ApplicantKind;
  applicantKindLabel: string;
  deliveryFormLabel: string;
  stage: RequestStage;
  stageLabel: string;
  stageText: string;
  receivedOn: string;
  /** null: 待定 (calendar not published), or no running clock. */
  dueOn: string | null;
  dueText: string;
  extended: boolean;
  extensionNotice: string | null;
  supplementDueOn: string | null;
  outcome: OutcomeCode | null;
  outcomeGroup: string | null;
  outcomeText: string | null;
  closedOn: string | null;
  updatedAt: string;
}

export function toPublicRequestView(r: DisclosureRequest, events: RequestEvent[]): PublicRequestView {
  const extension = events.find((e) => e.action === 'extend');
  const reason = extension?.comment ? EXTENSION_COMMENT.exec(extension.comment)?.[2] : undefined;
  const dueText =
    r.stage === 'closed' ? '已办结'
    : r.stage === 'supplement_requested' ? '暂停计时（等待补正，补正后重新计算）'
    : r.dueOn ?? '待定（跨年节假日安排公布后确定）';
  return {
    type: 'disclosure_request',
    queryNo: r.queryNo,
    applicantName: publicApplicantName(isOrganizationKind(r.applicantKind) ? 'organization' : 'person', r.applicantName),
    applicantKind: r.applicantKind,
    applicantKindLabel: isOrganizationKind(r.applicantKind) ? `法人或其他组织（${APPLICANT_KIND_LABELS[r.applicantKind]}）` : '自然人',
    deliveryFormLabel: DELIVERY_FORM_LABELS[r.deliveryForm],
    stage: r.stage,
    stageLabel: REQUEST_STAGE_LABELS[r.stage],
    stageText: REQUEST_STAGE_PUBLIC_TEXT[r.stage],
    receivedOn: r.receivedOn,
    dueOn: r.stage === 'received' ? r.dueOn : null,
    dueText,
    extended: r.extended,
    extensionNotice: r.extended
      ? `经本机关负责人同意，答复期限延长${EXTENSION_WORKING_DAYS}个工作日${reason ? `。延长理由：${reason}` : ''}`
      : null,
    supplementDueOn: r.stage === 'supplement_requested' ? r.supplementDueOn : null,
    outcome: r.outcome,
    outcomeGroup: r.outcome ? outcomeOf(r.outcome).group : null,
    outcomeText: r.outcome ? outcomeText(r.outcome) : null,
    closedOn: r.closedOn,
    updatedAt: r.updatedAt,
  };
}

/** The lookup page's second try after no case has the number; null when no request has it either. */
export async function lookupRequest(deps: Deps, raw: unknown): Promise<PublicRequestView | null> {
  const r = await deps.store.findDisclosureRequestByQueryNo(assertQueryNo(raw));
  if (!r) return null;
  return toPublicRequestView(r, await deps.store.listDisclosureRequestEvents(r.id));
}

export async function requestClockContext(deps: Deps): Promise<ClockContext> {
  return clockContext(deps.calendars, deps.clock.now(), deps.config.dueSoonDays);
}

export function extensionParts(comment: string | null): { approver: string; reason: string } | null {
  const m = comment ? EXTENSION_COMMENT.exec(comment) : null;
  return m ? { approver: m[1], reason: m[2] } : null;
}
