/**
 * 依申请公开 (《政府信息公开条例》2019, 第二十七条至第三十三条; 第四十二条 fees): a request for
 * government information, its stages, its outcomes as counted by the 2021 annual report template
 * (国办公开办函〔2021〕30号), fees, and administrative review / litigation records. Pure: no I/O.
 */

/** 申请人情况 columns of the template's table 三: 自然人, then 法人或其他组织 by sub-kind. */
export const APPLICANT_KINDS = ['person', 'business', 'research', 'public_welfare', 'legal_service', 'other_org'] as const;
export type ApplicantKind = (typeof APPLICANT_KINDS)[number];

export const APPLICANT_KIND_LABELS: Record<ApplicantKind, string> = {
  person: '自然人',
  business: '商业企业',
  research: '科研机构',
  public_welfare: '社会公益组织',
  legal_service: '法律服务机构',
  other_org: '其他',
};

export function isApplicantKind(v: unknown): v is ApplicantKind {
  return typeof v === 'string' && (APPLICANT_KINDS as readonly string[]).includes(v);
}

/** Every kind but 自然人 is a 法人或其他组织 (identified by a 统一社会信用代码). */
export function isOrganizationKind(kind: ApplicantKind): boolean {
  return kind !== 'person';
}

/** 获取信息的方式 the applicant prefers (条例第二十九条: 申请公开的政府信息的形式要求、获取方式). */
export const DELIVERY_FORMS = ['paper_mail', 'paper_pickup', 'email', 'electronic_media'] as const;
export type DeliveryForm = (typeof DELIVERY_FORMS)[number];
export const DELIVERY_FORM_LABELS: Record<DeliveryForm, string> = {
  paper_mail: '纸质文本（邮寄）',
  paper_pickup: '纸质文本（自行领取）',
  email: '电子邮件',
  electronic_media: '光盘等电子介质',
};

/**
 * Stages. The 20-working-day reply clock runs while `received`; a 补正 notice stops it and the
 * supplied request starts it again from zero (第三十条). `closed` always carries an outcome;
 * no 补正 by its deadline closes the request as 视为放弃 (outcome other_no_supplement).
 */
export const REQUEST_STAGES = ['received', 'supplement_requested', 'closed'] as const;
export type RequestStage = (typeof REQUEST_STAGES)[number];

export const REQUEST_STAGE_LABELS: Record<RequestStage, string> = {
  received: '办理中',
  supplement_requested: '待补正',
  closed: '已办结',
};

/** What the applicant reads on the lookup page for each stage. */
export const REQUEST_STAGE_PUBLIC_TEXT: Record<RequestStage, string> = {
  received: '您的政府信息公开申请已收到，正在办理。',
  supplement_requested: '您的申请内容不明确，需要补正。请按补正告知的要求，在补正期限内补充或更改申请。',
  closed: '您的政府信息公开申请已办结，答复书已按您选择的方式送达。',
};

export type RequestAction = 'receive' | 'request_supplement' | 'supply' | 'extend' | 'reply' | 'abandon' | 'fee' | 'review';

export const REQUEST_ACTION_LABELS: Record<RequestAction, string> = {
  receive: '收到申请',
  request_supplement: '一次性补正告知',
  supply: '申请人补正',
  extend: '延长答复期限',
  reply: '作出答复',
  abandon: '逾期未补正，视为放弃',
  fee: '信息处理费',
  review: '行政复议或行政诉讼',
};

/** Allowed stage moves, as data (the store only saves what this table allows). */
export const REQUEST_TRANSITIONS: Record<RequestStage, Partial<Record<RequestAction, RequestStage>>> = {
  received: { request_supplement: 'supplement_requested', extend: 'received', reply: 'closed' },
  supplement_requested: { supply: 'received', abandon: 'closed', reply: 'closed' },
  closed: {},
};

export function nextRequestStage(from: RequestStage, action: RequestAction): RequestStage | null {
  return REQUEST_TRANSITIONS[from][action] ?? null;
}

/** 条例第三十三条: reply within 20 working days; +20 once, with the 负责人's consent, applicant told. */
export const REPLY_LIMIT_WORKING_DAYS = 20;
export const EXTENSION_WORKING_DAYS = 20;
/** 条例第三十条: the one-time 补正 notice goes out within 7 working days of receipt. */
export const SUPPLEMENT_NOTICE_WORKING_DAYS = 7;

/** The outcome groups of table 三 (三、本年度办理结果), in template order. */
export const OUTCOME_GROUPS = ['disclose', 'partial', 'withhold', 'unable', 'not_handled', 'other'] as const;
export type OutcomeGroup = (typeof OUTCOME_GROUPS)[number];

export const OUTCOME_GROUP_LABELS: Record<OutcomeGroup, string> = {
  disclose: '（一）予以公开',
  partial: '（二）部分公开（区分处理的，只计这一情形，不计其他情形）',
  withhold: '（三）不予公开',
  unable: '（四）无法提供',
  not_handled: '（五）不予处理',
  other: '（六）其他处理',
};

/** One row of table 三 per outcome; labels exactly as in the 2021 template. */
export const OUTCOMES = [
  { code: 'disclose', group: 'disclose', label: '予以公开' },
  { code: 'partial', group: 'partial', label: '部分公开' },
  { code: 'withhold_state_secret', group: 'withhold', label: '1.属于国家秘密' },
  { code: 'withhold_law_prohibits', group: 'withhold', label: '2.其他法律行政法规禁止公开' },
  { code: 'withhold_three_safeties', group: 'withhold', label: '3.危及“三安全一稳定”' },
  { code: 'withhold_third_party', group: 'withhold', label: '4.保护第三方合法权益' },
  { code: 'withhold_internal_affairs', group: 'withhold', label: '5.属于三类内部事务信息' },
  { code: 'withhold_process_info', group: 'withhold', label: '6.属于四类过程性信息' },
  { code: 'withhold_enforcement_file', group: 'withhold', label: '7.属于行政执法案卷' },
  { code: 'withhold_query_matter', group: 'withhold', label: '8.属于行政查询事项' },
  { code: 'unable_not_held', group: 'unable', label: '1.本机关不掌握相关政府信息' },
  { code: 'unable_needs_creation', group: 'unable', label: '2.没有现成信息需要另行制作' },
  { code: 'unable_still_unclear', group: 'unable', label: '3.补正后申请内容仍不明确' },
  { code: 'not_handled_petition', group: 'not_handled', label: '1.信访举报投诉类申请' },
  { code: 'not_handled_repeated', group: 'not_handled', label: '2.重复申请' },
  { code: 'not_handled_publication', group: 'not_handled', label: '3.要求提供公开出版物' },
  { code: 'not_handled_excessive', group: 'not_handled', label: '4.无正当理由大量反复申请' },
  { code: 'not_handled_confirmation', group: 'not_handled', label: '5.要求行政机关确认或重新出具已获取信息' },
  {
    code: 'other_no_supplement',
    group: 'other',
    label: '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请',
  },
  {
    code: 'other_fee_unpaid',
    group: 'other',
    label: '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请',
  },
  { code: 'other_other', group: 'other', label: '3.其他' },
] as const satisfies readonly { code: string; group: OutcomeGroup; label: string }[];

export type OutcomeCode = (typeof OUTCOMES)[number]['code'];
export const OUTCOME_CODES = OUTCOMES.map((o) => o.code) as OutcomeCode[];

export function isOutcomeCode(v: unknown): v is OutcomeCode {
  return typeof v === 'string' && (OUTCOME_CODES as string[]).includes(v);
}

export function outcomeOf(code: OutcomeCode): (typeof OUTCOMES)[number] {
  return OUTCOMES.find((o) => o.code === code)!;
}

/** The wording an applicant and the public read: the group name plus the reason, e.g. 不予公开（属于国家秘密）. */
export function outcomeText(code: OutcomeCode): string {
  const o = outcomeOf(code);
  if (o.group === 'disclose' || o.group === 'partial') return o.label;
  const group = OUTCOME_GROUP_LABELS[o.group].replace(/^（.）/, '');
  return `${group}（${o.label.replace(/^\d+\./, '')}）`;
}

/** 行政复议 and the two groups of 行政诉讼 in table 四. */
export const REVIEW_KINDS = ['review', 'litigation_direct', 'litigation_after_review'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];
export const REVIEW_KIND_LABELS: Record<ReviewKind, string> = {
  review: '行政复议',
  litigation_direct: '行政诉讼（未经复议直接起诉）',
  litigation_after_review: '行政诉讼（复议后起诉）',
};

export const REVIEW_OUTCOMES = ['upheld', 'corrected', 'other', 'pending'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];
export const REVIEW_OUTCOME_LABELS: Record<ReviewOutcome, string> = {
  upheld: '结果维持',
  corrected: '结果纠正',
  other: '其他结果',
  pending: '尚未审结',
};

/** A request as the annual report counts it (dates are Beijing calendar dates, YYYY-MM-DD). */
export interface RequestReportRow {
  id: number;
  applicantKind: ApplicantKind;
  receivedOn: string;
  /** null while the request is open. */
  closedOn: string | null;
  outcome: OutcomeCode | null;
}

/** A fee (信息处理费, 条例第四十二条) as the report counts it; amounts in fen (分). */
export interface RequestFeeRow {
  requestId: number;
  chargedOn: string;
  amountFen: number;
  waivedFen: number;
}

/** A 复议/诉讼 record as the report counts it. */
export interface RequestReviewRow {
  requestId: number;
  kind: ReviewKind;
  filedOn: string;
  outcome: ReviewOutcome;
  /** null while 尚未审结. */
  decidedOn: string | null;
}

/** 补正 deadline the office gives by default, and the range it may choose (第三十条: 合理的补正期限). */
export const SUPPLEMENT_DEFAULT_DAYS = 15;
export const SUPPLEMENT_MIN_DAYS = 1;
export const SUPPLEMENT_MAX_DAYS = 30;

/**
 * Who handles requests: the center's 办公室 (the seed report's 政府信息公开工作机构) and admins.
 * Department staff and supervisors do not: requests may name any matter of the center, and the
 * applicant's identity number and phone are only for the office that replies.
 */
export const REQUEST_HANDLER_ROLES = ['office_reviewer', 'admin'] as const;
export function mayHandleRequests(role: string): boolean {
  return (REQUEST_HANDLER_ROLES as readonly string[]).includes(role);
}

export interface DisclosureRequest {
  id: number;
  queryNo: string;
  applicantKind: ApplicantKind;
  applicantName: string;
  idNumber: string;
  contactPerson: string | null;
  phone: string;
  email: string | null;
  address: string | null;
  description: string;
  deliveryForm: DeliveryForm;
  stage: RequestStage;
  receivedAt: string;
  receivedOn: string;
  clockStartOn: string;
  /** null while paused for 补正, when closed, or when the calendar does not reach it (待定). */
  dueOn: string | null;
  supplementDueOn: string | null;
  extended: boolean;
  outcome: OutcomeCode | null;
  replyText: string | null;
  closedAt: string | null;
  closedOn: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface RequestEvent {
  id: number;
  requestId: number;
  action: RequestAction;
  fromStage: RequestStage | null;
  toStage: RequestStage;
  staffId: number | null;
  staffName: string | null;
  at: string;
  comment: string | null;
}

export interface RequestFee {
  id: number;
  requestId: number;
  chargedOn: string;
  amountFen: number;
  waivedFen: number;
  note: string;
  staffId: number;
  at: string;
}

export interface RequestReview {
  id: number;
  requestId: number;
  kind: ReviewKind;
  filedOn: string;
  outcome: ReviewOutcome;
  decidedOn: string | null;
  note: string;
  staffId: number;
  at: string;
  version: number;
}

/** "12.5" or "12.50" 元 → 1250 fen; null when it is not a non-negative amount with at most 2 decimals. */
export function yuanToFen(input: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(input.normalize('NFKC').trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export function fenToYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

export function isOutcomeGroup(v: unknown): v is OutcomeGroup {
  return typeof v === 'string' && (OUTCOME_GROUPS as readonly string[]).includes(v);
}

export function isReviewKind(v: unknown): v is ReviewKind {
  return typeof v === 'string' && (REVIEW_KINDS as readonly string[]).includes(v);
}

export function isReviewOutcome(v: unknown): v is ReviewOutcome {
  return typeof v === 'string' && (REVIEW_OUTCOMES as readonly string[]).includes(v);
}

export function isDeliveryForm(v: unknown): v is DeliveryForm {
  return typeof v === 'string' && (DELIVERY_FORMS as readonly string[]).includes(v);
}
