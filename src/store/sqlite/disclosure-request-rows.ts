import {
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
