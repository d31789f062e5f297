import {
  DELIVERY_FORMS,
  REQUEST_STAGES,
  type DeliveryForm,
  type DisclosureRequest,
  type RequestAction,
  type RequestEvent,
  type RequestFee,
  type RequestReview,
  type RequestStage,
  isApplicantKind,
  isOutcomeCode,
  REVIEW_KINDS,
  REVIEW_OUTCOMES,
  type RequestFeeRow,
  type RequestReportRow,
  type RequestReviewRow,
  type ReviewKind,
  type ReviewOutcome,
} from '../../domain/disclosure-request';

type Row = Record<string, unknown>;

/** The CHECK constraints guarantee these values; a mismatch means a corrupt file, so fail loudly. */
function oneOf<T extends string>(allowed: readonly T[], v: unknown, column: string): T {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new Error(`unexpected ${column} value in the database: ${String(v)}`);
}

export function toRequestReportRow(r: Row): RequestReportRow {
  if (!isApplicantKind(r.applicant_kind)) throw new Error(`unexpected applicant_kind: ${String(r.applicant_kind)}`);
  if (r.outcome !== null && !isOutcomeCode(r.outcome)) throw new Error(`unexpected outcome: ${String(r.outcome)}`);
  return {
    id: Number(r.id),
    applicantKind: r.applicant_kind,
    receivedOn: String(r.received_on),
    closedOn: r.closed_on === null ? null : String(r.closed_on),
    outcome: r.outcome === null ? null : r.outcome,
  };
}

export function toRequestFeeRow(r: Row): RequestFeeRow {
  return {
    requestId: Number(r.request_id),
    chargedOn: String(r.charged_on),
    amountFen: Number(r.amount_fen),
    waivedFen: Number(r.waived_fen),
  };
}

export function toRequestReviewRow(r: Row): RequestReviewRow {
  return {
    requestId: Number(r.request_id),
    kind: oneOf<ReviewKind>(REVIEW_KINDS, r.kind, 'kind'),
    filedOn: String(r.filed_on),
    outcome: oneOf<ReviewOutcome>(REVIEW_OUTCOMES, r.outcome, 'outcome'),
    decidedOn: r.decided_on === null ? null : String(r.decided_on),
  };
}

const REQUEST_ACTIONS: readonly RequestAction[] = ['receive', 'request_supplement', 'supply', 'extend', 'reply', 'abandon', 'fee', 'review'];
const optStr = (v: unknown) => (v === null || v === undefined ? null : String(v));

export function toDisclosureRequest(r: Row): DisclosureRequest {
  if (!isApplicantKind(r.applicant_kind)) throw new Error(`unexpected applicant_kind: ${String(r.applicant_kind)}`);
  if (r.outcome !== null && !isOutcomeCode(r.outcome)) throw new Error(`unexpected outcome: ${String(r.outcome)}`);
  return {
    id: Number(r.id),
    queryNo: String(r.query_no),
    applicantKind: r.applicant_kind,
    applicantName: String(r.applicant_name),
    idNumber: String(r.id_number),
    contactPerson: optStr(r.contact_person),
    phone: String(r.phone),
    email: optStr(r.email),
    address: optStr(r.address),
    description: String(r.description),
    deliveryForm: oneOf<DeliveryForm>(DELIVERY_FORMS, r.delivery_form, 'delivery_form'),
    stage: oneOf<RequestStage>(REQUEST_STAGES, r.stage, 'stage'),
    receivedAt: String(r.received_at),
    receivedOn: String(r.received_on),
    clockStartOn: String(r.clock_start_on),
    dueOn: optStr(r.due_on),
    supplementDueOn: optStr(r.supplement_due_on),
    extended: Number(r.extended) === 1,
    outcome: r.outcome === null ? null : r.outcome,
    replyText: optStr(r.reply_text),
    closedAt: optStr(r.closed_at),
    closedOn: optStr(r.closed_on),
    version: Number(r.version),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

export function toRequestEvent(r: Row): RequestEvent {
  return {
    id: Number(r.id),
    requestId: Number(r.request_id),
    action: oneOf<RequestAction>(REQUEST_ACTIONS, r.action, 'action'),
    fromStage: r.from_stage === null ? null : oneOf<RequestStage>(REQUEST_STAGES, r.from_stage, 'from_stage'),
    toStage: oneOf<RequestStage>(REQUEST_STAGES, r.to_stage, 'to_stage'),
    staffId: r.staff_id === null ? null : Number(r.staff_id),
    staffName: optStr(r.staff_name),
    at: String(r.at),
    comment: optStr(r.comment),
  };
}

export function toRequestFee(r: Row): RequestFee {
  return {
    id: Number(r.id),
    requestId: Number(r.request_id),
    chargedOn: String(r.charged_on),
    amountFen: Number(r.amount_fen),
    waivedFen: Number(r.waived_fen),
    note: String(r.note),
    staffId: Number(r.staff_id),
    at: String(r.at),
  };
}

export function toRequestReview(r: Row): RequestReview {
  return {
    id: Number(r.id),
    requestId: Number(r.request_id),
    kind: oneOf<ReviewKind>(REVIEW_KINDS, r.kind, 'kind'),
    filedOn: String(r.filed_on),
    outcome: oneOf<ReviewOutcome>(REVIEW_OUTCOMES, r.outcome, 'outcome'),
    decidedOn: optStr(r.decided_on),
    note: String(r.note),
    staffId: Number(r.staff_id),
    at: String(r.at),
    version: Number(r.version),
  };
}
