/** Input schemas of 好差评, rectification tasks and statistics (kept apart from schemas.ts). */
import { z } from 'zod';
import { EVALUATION_COMMENT_MAX, EVALUATION_LEVELS, SCORE_DIMENSION_LABELS } from '../domain/evaluation';
import { isIsoDate } from '../domain/working-days';

const score = (label: string) =>
  z.coerce
    .number({ error: `请为${label}打分（1–5分）` })
    .int(`请为${label}打分（1–5分）`)
    .min(1, `请为${label}打分（1–5分）`)
    .max(5, `请为${label}打分（1–5分）`);

export const evaluationSchema = z.object({
  phoneLast4: z
    .string({ error: '请填写联系电话后四位' })
    .transform((v) => v.normalize('NFKC').replace(/[\s-]/g, ''))
    .refine((v) => /^\d{4}$/.test(v), '请填写办理时所留联系电话的后四位数字'),
  level: z.enum(EVALUATION_LEVELS, { error: '请选择总体满意程度' }),
  comment: z
    .string({ error: '意见建议格式有误' })
    .trim()
    .max(EVALUATION_COMMENT_MAX, `意见建议不能超过${EVALUATION_COMMENT_MAX}个字`)
    .optional()
    .transform((v) => (v ? v : undefined)),
  scores: z.object(
    {
      efficiency: score(SCORE_DIMENSION_LABELS.efficiency),
      quality: score(SCORE_DIMENSION_LABELS.quality),
      attitude: score(SCORE_DIMENSION_LABELS.attitude),
    },
    { error: '请为服务效率、服务水平、服务态度打分' },
  ),
});

const isoDate = (label: string) =>
  z.string({ error: `请填写${label}` }).trim().refine(isIsoDate, `${label}格式应为 YYYY-MM-DD，且须为真实日期`);

export const followUpSchema = z.object({
  date: isoDate('回访日期'),
  result: z.string({ error: '请填写回访结果' }).trim().min(1, '请填写回访结果').max(1000, '回访结果不能超过1000个字'),
});

export const closeRectificationSchema = z.object({
  note: z.string({ error: '请填写整改情况' }).trim().min(1, '请填写整改情况').max(1000, '整改情况不能超过1000个字'),
});

/** Longest period the dashboard aggregates at once. */
export const STATS_MAX_DAYS = 3 * 366;

export const statsPeriodSchema = z
  .object({ from: isoDate('开始日期'), to: isoDate('结束日期') })
  .superRefine((p, ctx) => {
    if (!isIsoDate(p.from) || !isIsoDate(p.to)) return;
    if (p.from > p.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '结束日期不能早于开始日期' });
    else if ((Date.parse(p.to) - Date.parse(p.from)) / 86_400_000 > STATS_MAX_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: '统计区间不能超过3年' });
    }
  });
