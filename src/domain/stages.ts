import { ConflictError, ValidationError } from './errors';

/** Canonical case stages (DOMAIN.md "Case stages"); BLZT = 住建部工改系统办理状态 for data exchange. */
export const STAGES = [
  'submitted',
  'supplement_requested',
  'accepted',
  'not_accepted',
  'under_review',
  'special_procedure',
  'approved',
  'denied',
  'certificate_issued',
  'completed',
  'withdrawn',
] as const;

export type Stage = (typeof STAGES)[number];

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

export const STAGE_LABELS: Record<Stage, string> = {
  submitted: '已收件',
  supplement_requested: '待补正',
  accepted: '已受理',
  not_accepted: '不予受理',
  under_review: '审查中',
  special_procedure: '特别程序',
  approved: '准予许可',
  denied: '不予许可',
  certificate_issued: '已制证',
  completed: '已办结',
  withdrawn: '已撤回',
};

export const STAGE_BLZT: Record<Stage, number | null> = {
  submitted: 1,
  supplement_requested: 6,
  accepted: 3,
  not_accepted: 5,
  under_review: 8,
  special_procedure: 9,
  approved: 11,
  denied: 13,
  certificate_issued: null,
  completed: null,
  withdrawn: 14,
};

/** Who acts next, in plain language for the applicant. */
export const STAGE_PUBLIC_TEXT: Record<Stage, { now: string; next: string }> = {
  submitted: {
    now: '窗口已收到您的申请材料，正在审核材料是否齐全。',
    next: '中心将在5个工作日内作出是否受理的决定；材料不齐的，会一次性告知需要补正的全部内容。',
  },
  supplement_requested: {
    now: '您的申请材料不齐全或不符合法定形式，需要补正。',
    next: '请按一次性补正告知书补齐全部材料，交回窗口后即可受理。',
  },
  accepted: {
    now: '您的申请已受理。',
    next: '审批部门将在承诺时限内审查并作出决定。',
  },
  not_accepted: {
    now: '您的申请不予受理，原因见下方记录。',
    next: '本办件已结束。如有疑问请咨询窗口；如申请事项属于其他机关职权，请向该机关申请。',
  },
  under_review: {
    now: '审批部门正在审查您的申请。',
    next: '审查完成后将作出准予或不予许可的决定，无需您另行操作。',
  },
  special_procedure: {
    now: '办件正在进行听证、检验、检测、鉴定或专家评审等特别程序。',
    next: '特别程序所需时间不计入办理时限（《行政许可法》第四十五条），结束后继续审查。',
  },
  approved: {
    now: '已作出准予许可决定，结果已在许可结果公告中公开。',
    next: '窗口将在10个工作日内制作并送达许可证件。',
  },
  denied: {
    now: '已作出不予许可决定，理由见下方记录。',
    next: '如不服本决定，可依法申请行政复议或提起行政诉讼。',
  },
  certificate_issued: {
    now: '许可证件已制作完成。',
    next: '请携带受理回执和有效身份证件到窗口领取，或等待送达。',
  },
  completed: { now: '本办件已办结。', next: '感谢您的耐心等待。' },
  withdrawn: { now: '本申请已由申请人撤回。', next: '本办件已结束。' },
};

/** 第四十二条 allows 即办件 to decide at once from `accepted`; extension is an event, not a stage. */
export const TRANSITIONS: Record<Stage, readonly Stage[]> = {
  submitted: ['supplement_requested', 'accepted', 'not_accepted', 'withdrawn'],
  supplement_requested: ['accepted', 'not_accepted', 'withdrawn'],
  accepted: ['under_review', 'approved', 'denied', 'withdrawn'],
  under_review: ['special_procedure', 'approved', 'denied', 'withdrawn'],
  special_procedure: ['under_review', 'withdrawn'],
  approved: ['certificate_issued', 'completed'],
  certificate_issued: ['completed'],
  denied: ['completed'],
  not_accepted: [],
  completed: [],
  withdrawn: [],
};

export const TERMINAL_STAGES: readonly Stage[] = STAGES.filter((s) => TRANSITIONS[s].length === 0);

export function allowedNextStages(from: Stage): readonly Stage[] {
  return TRANSITIONS[from];
}

export function canTransition(from: Stage, to: Stage): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: Stage, to: Stage): void {
  if (!canTransition(from, to)) {
    throw new ConflictError(
      'invalid_transition',
      `办件当前为「${STAGE_LABELS[from]}」，不能变更为「${STAGE_LABELS[to]}」`,
    );
  }
}

/** Standing notice required with every 不予许可 (第三十八条) and 不予受理 decision. */
export const APPEAL_RIGHTS_NOTICE =
  '如对本决定不服，可以自收到决定之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。';

export interface TransitionDetails {
  note?: string;
  decisionNo?: string;
  reason?: string;
}

/** What the law requires with each move: a decision number for 准予 (第三十八条), a reason for refusals. */
export function assertTransitionDetails(to: Stage, details: TransitionDetails): void {
  const fields: Record<string, string> = {};
  if (to === 'approved' && !details.decisionNo?.trim()) fields.decisionNo = '准予许可须填写决定文号';
  if ((to === 'denied' || to === 'not_accepted') && !details.reason?.trim()) {
    fields.reason = to === 'denied' ? '不予许可须说明理由' : '不予受理须说明理由';
  }
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
}
