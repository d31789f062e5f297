import crypto from 'node:crypto';
import { beijingDate } from '../domain/beijing-time';
import type { CaseClock } from '../domain/deadlines';
import { AppError, NotFoundError } from '../domain/errors';
import type { Case, PublicStageEvent } from '../domain/model';
import type { PublicCaseRecord } from '../store/store';
import { publicApplicantName, type ApplicantKind } from '../domain/masking';
import type { Stage } from '../domain/stages';
import { assertQueryNo, caseNotFound } from './cases';
import { clockContext, clockOfCase, clockView, describeSkipped, type ClockContext, type ClockView, type SkippedDay } from './clock';
import type { Deps } from './deps';
import { availableDocuments, missingMaterialsOf, type DocumentKind } from './documents';

/**
 * Two tiers (DOMAIN.md "Privacy"): the 查询号 alone shows the summary (stages and dates); the
 * number plus the last 4 digits of the applicant's phone shows the detail (notes marked public,
 * reasons, decision number, missing materials, documents). Neither ever shows an ID number or phone.
 */
export type Tier = 'summary' | 'detail';

export interface PublicTimelineEntry {
  kind: 'stage' | 'extension';
  stage: Stage;
  at: string;
  date: string;
  note: string | null;
}

export interface PublicCaseView {
  tier: Tier;
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
  /** Detail tier only: what the applicant still has to hand in, and the documents issued. */
  missingMaterials: string[];
  documents: DocumentKind[];
  /** Head of the case's tamper-evident event chain (null if not computed). */
  chainHead: string | null;
}

export function toPublicCaseView(
  c: Case,
  events: readonly PublicStageEvent[],
  ctx: ClockContext,
  tier: Tier = 'summary',
  chainHead: string | null = null,
): PublicCaseView {
  // The explanation is a full recompute of the clock; only the HTML page shows it, so it is computed on first use.
  let explained: CaseClock | undefined;
  const explain = () => (explained ??= clockOfCase(c, events, ctx.cal, ctx.today));
  const detail = tier === 'detail';
  const lastSupplement = [...events].reverse().find((e) => e.kind === 'stage' && e.toStage === 'supplement_requested');
  return {
    tier,
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
    decisionNo: detail && c.stage !== 'denied' && c.stage !== 'not_accepted' ? c.decisionNo : null,
    decidedAt: c.decidedAt,
    version: c.version,
    clock: clockView(c.clock, ctx),
    get explanation() {
      return explain();
    },
    get skipped() {
      return describeSkipped(explain(), ctx.cal);
    },
    timeline: events.map((e) => ({
      kind: e.kind,
      stage: e.toStage,
      at: e.at,
      date: beijingDate(e.at),
      note: detail ? detailNote(e) : summaryNote(e),
    })),
    missingMaterials: detail && c.stage === 'supplement_requested' && lastSupplement ? missingMaterialsOf(lastSupplement.note) : [],
    documents: detail ? availableDocuments(events) : [],
    chainHead,
  };
}

function summaryNote(e: PublicStageEvent): string | null {
  return e.kind === 'extension' ? `办理期限延长${e.extensionDays}个工作日` : null;
}

/** Refusal reasons must be told to the applicant (第三十八条); other notes only when marked public. */
function detailNote(e: PublicStageEvent): string | null {
  // 第四十二条: the applicant is told of an extension and its reason.
  if (e.kind === 'extension') return `办理期限延长${e.extensionDays}个工作日。理由：${e.note ?? ''}`;
  const parts: string[] = [];
  if (e.reason && (e.toStage === 'denied' || e.toStage === 'not_accepted')) parts.push(`理由：${e.reason}`);
  if (e.decisionNo && e.toStage === 'approved') parts.push(`决定文号：${e.decisionNo}`);
  if (e.note && e.notePublic) parts.push(e.note);
  return parts.length ? parts.join('；') : null;
}

async function viewOf(deps: Deps, found: PublicCaseRecord, tier: Tier): Promise<PublicCaseView> {
  const ctx = await clockContext(deps.calendars, deps.clock.now(), deps.config.dueSoonDays);
  // The chain head is the last event's hash: no second query.
  return toPublicCaseView(found.case, found.events, ctx, tier, found.events.at(-1)?.hash ?? null);
}

/** The case and its public events, read together; malformed numbers are refused before any read. */
async function findPublicCase(deps: Deps, raw: unknown): Promise<PublicCaseRecord> {
  const found = await deps.store.findPublicCase(assertQueryNo(raw));
  if (!found) throw caseNotFound();
  return found;
}

export async function lookupCase(deps: Deps, raw: unknown): Promise<PublicCaseView> {
  return viewOf(deps, await findPublicCase(deps, raw), 'summary');
}

export class ApplicantCheckError extends AppError {
  constructor() {
    super(403, 'applicant_check_failed', '查询号或联系电话后四位不正确，请核对');
  }
}

export function phoneLast4(phone: string): string {
  return phone.normalize('NFKC').replace(/\D/g, '').slice(-4);
}

/** The applicant proves who they are with the phone's last 4 digits; an unknown number fails the same way. */
async function findCaseForApplicant(deps: Deps, raw: unknown, digits: string): Promise<PublicCaseRecord> {
  let found: PublicCaseRecord;
  try {
    found = await findPublicCase(deps, raw);
  } catch (err) {
    if (err instanceof NotFoundError) throw new ApplicantCheckError();
    throw err;
  }
  const expected = Buffer.from(phoneLast4(found.case.applicant.phone));
  const given = Buffer.from(phoneLast4(digits));
  if (given.length !== 4 || expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
    throw new ApplicantCheckError();
  }
  return found;
}

export async function lookupCaseDetail(deps: Deps, raw: unknown, digits: string): Promise<PublicCaseView> {
  return viewOf(deps, await findCaseForApplicant(deps, raw, digits), 'detail');
}
