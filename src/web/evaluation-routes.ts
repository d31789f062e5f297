import express, { Router, type Request, type Response } from 'express';
import type { WebContext } from '../app';
import { AppError, ValidationError } from '../domain/errors';
import { EVALUATION_LEVELS, SCORE_DIMENSIONS, STAR_FORMULA_TEXT, STAR_MIN_CASES } from '../domain/evaluation';
import { isMonth, nextMonth, previousMonth } from '../domain/periods';
import { currentBeijingMonth, monthlySatisfaction } from '../services/satisfaction';
import { formatQueryNo, parseQueryNo } from '../domain/query-number';
import { submitEvaluation } from '../services/evaluations';
import { evaluationSchema } from './evaluation-schemas';
import { TooManyRequestsError, type Limiter } from './rate-limit';
import { parseInput } from './schemas';

/**
 * Counts one evaluation attempt against the client IP and against the case number, so neither
 * many numbers from one address nor one number from many addresses can be tried freely.
 */
export async function hitEvaluationLimit(limiter: Limiter, req: Request, rawQueryNo: unknown): Promise<void> {
  const parsed = parseQueryNo(rawQueryNo);
  const waits = [await limiter.hit(`ip:${req.ip ?? 'unknown'}`), parsed.ok ? await limiter.hit(`case:${parsed.queryNo}`) : 0];
  const wait = Math.max(...waits);
  if (wait > 0) throw new TooManyRequestsError(wait, '尝试次数过多，请稍后再试');
}

interface FormValues {
  no: string;
  phoneLast4: string;
  level: string;
  comment: string;
  scores: Record<string, string>;
}

const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

/** 好差评 pages: the applicant's evaluation form (no case data is ever shown on it). */
export function evaluationRoutes(ctx: WebContext): Router {
  const { deps } = ctx;
  const router = Router();

  const render = (res: Response, status: number, values: FormValues, errors: Record<string, string> = {}, message: string | null = null) => {
    res.set('Cache-Control', 'no-store');
    res.status(status).render('public/evaluate', {
      title: '办件评价',
      values,
      errors,
      message,
      levels: EVALUATION_LEVELS,
      dimensions: SCORE_DIMENSIONS,
      queryInput: '',
    });
  };

  router.get('/evaluate', (req, res) => {
    // Never looks the number up: the page is the same for every number.
    const raw = str(req.query.no, 40);
    const parsed = parseQueryNo(raw);
    render(res, 200, {
      no: parsed.ok ? formatQueryNo(parsed.queryNo) : raw,
      phoneLast4: '',
      level: '',
      comment: '',
      scores: {},
    });
  });

  router.get('/evaluate/thanks', (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.render('public/evaluate-thanks', {
      title: '感谢您的评价',
      followUp: req.query.followup === '1',
      rectificationDays: ctx.config.rectificationDays,
    });
  });

  // No CSRF token here: the form carries no ambient authority (no session); the last four digits
  // of the phone are the credential, and a forged request cannot know them.
  router.post('/evaluate', express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: FormValues = {
      no: str(body.no, 40),
      phoneLast4: str(body.phoneLast4, 20),
      level: str(body.level, 40),
      comment: str(body.comment, 2000),
      scores: Object.fromEntries(SCORE_DIMENSIONS.map((d) => [d, str(body[`scores.${d}`], 2)])),
    };
    await hitEvaluationLimit(ctx.evaluationLimiter, req, values.no);
    try {
      const input = parseInput(evaluationSchema, {
        phoneLast4: values.phoneLast4,
        level: values.level,
        comment: values.comment,
        scores: values.scores,
      });
      const result = await submitEvaluation(deps, values.no, input);
      res.redirect(303, `/evaluate/thanks${result.rectificationOpened ? '?followup=1' : ''}`);
    } catch (err) {
      if (err instanceof ValidationError) return render(res, 400, values, err.fields ?? {});
      if (err instanceof AppError && err.code === 'invalid_query_no') return render(res, 400, values, { no: err.message });
      if (err instanceof AppError && (err.status === 403 || err.status === 409)) {
        return render(res, err.status, { ...values, phoneLast4: '' }, {}, err.message);
      }
      throw err;
    }
  });

  router.get('/satisfaction', async (req, res) => {
    const current = currentBeijingMonth(deps);
    const raw = str(req.query.month, 20);
    const bad = raw !== '' && (!isMonth(raw) || raw > current);
    const month = raw === '' || bad ? current : raw;
    const report = await monthlySatisfaction(deps, month);
    res.status(bad ? 400 : 200).render('public/satisfaction', {
      title: `满意度公示 ${month}`,
      report,
      monthInput: bad ? raw : month,
      errors: bad ? { month: isMonth(raw) ? '不能选择未来的月份' : '月份格式应为 YYYY-MM，例如 2026-11' } : {},
      prevMonth: previousMonth(month),
      nextMonth: month < current ? nextMonth(month) : null,
      formula: STAR_FORMULA_TEXT,
      minCases: STAR_MIN_CASES,
      levels: EVALUATION_LEVELS,
    });
  });

  return router;
}
