/**
 * 好差评 (国办发〔2019〕51号; GB/T 39734-2020): five levels, the last two are 差评; one evaluation
 * per case (一事一评); every 差评 gets a 回访 and a rectification (整改) with a deadline.
 * Offline indicators: 服务效率、服务水平、服务态度, each scored 1–5.
 */
export const EVALUATION_LEVELS = [
  'very_satisfied',
  'satisfied',
  'basically_satisfied',
  'dissatisfied',
  'very_dissatisfied',
] as const;

export type EvaluationLevel = (typeof EVALUATION_LEVELS)[number];

export const EVALUATION_LEVEL_LABELS: Record<EvaluationLevel, string> = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  very_dissatisfied: '非常不满意',
};

export const SCORE_DIMENSIONS = ['efficiency', 'quality', 'attitude'] as const;
export type ScoreDimension = (typeof SCORE_DIMENSIONS)[number];
export const SCORE_DIMENSION_LABELS: Record<ScoreDimension, string> = {
  efficiency: '服务效率',
  quality: '服务水平',
  attitude: '服务态度',
};

export const EVALUATION_COMMENT_MAX = 500;

/** 不满意 and 非常不满意 are 差评 (国办发〔2019〕51号). */
export function isBadReview(level: EvaluationLevel): boolean {
  return level === 'dissatisfied' || level === 'very_dissatisfied';
}

export type LevelCounts = Record<EvaluationLevel, number>;

export function emptyLevelCounts(): LevelCounts {
  return { very_satisfied: 0, satisfied: 0, basically_satisfied: 0, dissatisfied: 0, very_dissatisfied: 0 };
}

/**
 * The last four digits of a phone number, full-width digits (Chinese input methods) turned
 * half-width; null when fewer than four digits are present.
 */
export function phoneLast4(value: string): string | null {
  const digits = value.normalize('NFKC').replace(/\D/g, '');
  return digits.length >= 4 ? digits.slice(-4) : null;
}

/** Whether what the applicant typed is exactly four digits equal to the stored phone's last four. */
export function matchesPhoneLast4(typed: string, storedPhone: string): boolean {
  const t = typed.normalize('NFKC').replace(/[\s-]/g, '');
  if (!/^\d{4}$/.test(t)) return false;
  return phoneLast4(storedPhone) === t;
}

/** Aggregate of the evaluations of one department or window in a period. */
export interface SatisfactionSummary {
  counts: LevelCounts;
  total: number;
  /** (非常满意 + 满意) / all; null without evaluations. */
  satisfiedRate: number | null;
  badReviews: number;
  rectified: number;
  /** closed rectification tasks / all 差评; null without 差评. */
  rectifiedRate: number | null;
}

export function summarize(counts: LevelCounts, badReviews: number, rectified: number): SatisfactionSummary {
  const total = EVALUATION_LEVELS.reduce((n, l) => n + counts[l], 0);
  return {
    counts,
    total,
    satisfiedRate: total ? (counts.very_satisfied + counts.satisfied) / total : null,
    badReviews,
    rectified,
    rectifiedRate: badReviews ? rectified / badReviews : null,
  };
}

/** Fewer evaluations (or fewer decided cases) than this in a month: no star rating (数据不足). */
export const STAR_MIN_CASES = 5;
export const STAR_WEIGHTS = { satisfied: 0.5, onTime: 0.3, rectified: 0.2 } as const;
export const STAR_FORMULA_TEXT =
  '星级 = 四舍五入(5 × (0.5 × 满意率 + 0.3 × 按时办结率 + 0.2 × 差评整改率))，取值 1–5 星；当月没有差评的，差评整改率按 100% 计';

export type StarRating = { kind: 'stars'; stars: number; score: number } | { kind: 'insufficient' };

/**
 * 窗口星级考评: weighted satisfaction, on-time decisions and 差评 handling. A month with fewer than
 * STAR_MIN_CASES evaluations or decided cases gets no rating rather than a noisy one.
 */
export function starRating(input: {
  evaluations: number;
  satisfiedRate: number | null;
  decided: number;
  onTimeRate: number | null;
  rectifiedRate: number | null;
}): StarRating {
  if (input.evaluations < STAR_MIN_CASES || input.decided < STAR_MIN_CASES) return { kind: 'insufficient' };
  if (input.satisfiedRate === null || input.onTimeRate === null) return { kind: 'insufficient' };
  const score =
    STAR_WEIGHTS.satisfied * input.satisfiedRate +
    STAR_WEIGHTS.onTime * input.onTimeRate +
    STAR_WEIGHTS.rectified * (input.rectifiedRate ?? 1);
  const stars = Math.min(5, Math.max(1, Math.round(5 * score + 1e-9)));
  return { kind: 'stars', stars, score };
}

/** A rate as a percentage with one decimal ("85.7%"), or "—" when undefined. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

export interface Evaluation {
  id: number;
  caseId: number;
  level: EvaluationLevel;
  comment: string | null;
  scores: Record<ScoreDimension, number>;
  evaluatedAt: string;
}

export type RectificationStatus = 'open' | 'closed';

/** A rectification task (整改) opened by a 差评, for the department's supervisors. */
export interface Rectification {
  id: number;
  evaluationId: number;
  caseId: number;
  queryNo: string;
  itemName: string;
  departmentId: number;
  departmentName: string;
  windowName: string | null;
  applicantName: string;
  applicantPhone: string;
  level: EvaluationLevel;
  comment: string | null;
  scores: Record<ScoreDimension, number>;
  evaluatedAt: string;
  openedAt: string;
  dueDate: string | null;
  status: RectificationStatus;
  followUp: { date: string; result: string; byName: string; at: string } | null;
  closingNote: string | null;
  closedByName: string | null;
  closedAt: string | null;
}

/** Open and past its deadline on `today` (a Beijing date). */
export function isRectificationOverdue(r: Pick<Rectification, 'status' | 'dueDate'>, today: string): boolean {
  return r.status === 'open' && r.dueDate !== null && r.dueDate < today;
}
