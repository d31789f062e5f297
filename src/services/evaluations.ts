import { beijingDate } from '../domain/beijing-time';
import { AppError, ConflictError } from '../domain/errors';
import {
  isBadReview,
  matchesPhoneLast4,
  type Evaluation,
  type EvaluationLevel,
  type ScoreDimension,
} from '../domain/evaluation';
import { addWorkingDays } from '../domain/working-days';
import { DuplicateEvaluationError } from '../store/store';
import { assertQueryNo } from './cases';
import type { Deps } from './deps';

export interface EvaluationInput {
  phoneLast4: string;
  level: EvaluationLevel;
  comment?: string;
  scores: Record<ScoreDimension, number>;
}

/**
 * The same answer whether the number is unknown or the digits are wrong, so the form cannot be
 * used to learn which numbers exist.
 */
export class ApplicantCheckError extends AppError {
  constructor() {
    super(403, 'applicant_check_failed', '查询号或联系电话后四位不正确，请核对后重试');
  }
}

export const ALREADY_EVALUATED_MESSAGE = '该办件已经评价过。根据“一事一评”，每件办件只能评价一次，感谢您的参与。';
export const NOT_COMPLETED_MESSAGE = '该办件尚未办结，办结后才能评价。您可以先凭查询号查看办理进度。';

/**
 * 一事一评 (国办发〔2019〕51号): the applicant of a completed case rates it once, proving who they
 * are by the last four digits of the phone given at the window. A 差评 opens a rectification task
 * with a deadline of RECTIFICATION_DAYS working days, in the same transaction.
 */
export async function submitEvaluation(
  deps: Deps,
  rawQueryNo: unknown,
  input: EvaluationInput,
): Promise<{ evaluation: Evaluation; rectificationOpened: boolean }> {
  const queryNo = assertQueryNo(rawQueryNo);
  const c = await deps.store.findCaseByQueryNo(queryNo);
  if (!c || !matchesPhoneLast4(input.phoneLast4, c.applicant.phone)) throw new ApplicantCheckError();
  if (c.stage !== 'completed') throw new ConflictError('not_completed', NOT_COMPLETED_MESSAGE);
  if (await deps.store.findEvaluationByCase(c.id)) throw new ConflictError('already_evaluated', ALREADY_EVALUATED_MESSAGE);
  const now = deps.clock.now();
  const bad = isBadReview(input.level);
  let dueDate: string | null = null;
  if (bad) {
    const due = addWorkingDays(beijingDate(now), deps.config.rectificationDays, await deps.calendars.calendar());
    dueDate = due.kind === 'date' ? due.date : null;
  }
  try {
    const evaluation = await deps.store.createEvaluation({
      caseId: c.id,
      level: input.level,
      comment: input.comment?.trim() || null,
      scores: input.scores,
      at: now.toISOString(),
      rectification: bad ? { dueDate } : undefined,
    });
    return { evaluation, rectificationOpened: bad };
  } catch (err) {
    if (err instanceof DuplicateEvaluationError) throw new ConflictError('already_evaluated', ALREADY_EVALUATED_MESSAGE);
    throw err;
  }
}
