import { z } from 'zod';
import { isCalendarDate } from '../domain/beijing-time';
import { isPlausibleIndexNo } from '../domain/disclosure';
import { REPORT_FIGURE_FIELDS, REPORT_TEMPLATES, type ReportFigureKey } from '../domain/disclosure-report';

const text = (max: number, label: string) =>
  z.string({ error: `请填写${label}` }).trim().max(max, `${label}不能超过${max}个字`);
const required = (max: number, label: string) => text(max, label).min(1, `请填写${label}`);

/** The drafting form; categories come from the configuration (DISCLOSURE_CATEGORIES). */
export function disclosureFieldsSchema(categories: readonly string[]) {
  return z.object({
    title: required(200, '标题'),
    category: z.string({ error: '请选择组配分类' }).refine((c) => categories.includes(c), { message: '请选择组配分类' }),
    writtenDate: z
      .string({ error: '请填写成文日期' })
      .trim()
      .refine(isCalendarDate, { message: '成文日期须为有效日期，格式 YYYY-MM-DD' }),
    publisher: required(100, '发布机构'),
    summary: text(500, '内容概述'),
    body: required(50_000, '正文'),
  });
}

export function draftSchema(categories: readonly string[]) {
  return disclosureFieldsSchema(categories).extend({
    indexNo: z
      .string()
      .trim()
      .toUpperCase()
      .optional()
      .transform((v) => v || undefined)
      .refine((v) => v === undefined || isPlausibleIndexNo(v), { message: '索引号格式有误（字母、数字、/、-，5至50个字符）' }),
  });
}

export const stepSchema = z.object({
  comment: z
    .string()
    .trim()
    .max(500, '意见不能超过500个字')
    .optional()
    .transform((v) => v || undefined),
});

const optionalQuery = (max: number) =>
  z
    .string()
    .trim()
    .max(max, '查询内容过长')
    .optional()
    .catch(undefined)
    .transform((v) => v || undefined);

/** The public catalog filters; unknown values are ignored rather than errors (a public page). */
export const catalogQuerySchema = z.object({
  q: optionalQuery(50),
  category: optionalQuery(20),
  year: z.coerce.number().int().min(1990).max(2100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

/** A report year in a URL: four digits, 2008 (条例 in force) to 2100; anything else is "not found". */
export function reportYearOf(raw: unknown): number | null {
  const s = String(raw);
  if (!/^\d{4}$/.test(s)) return null;
  const y = Number(s);
  return y >= 2008 && y <= 2100 ? y : null;
}

const figure = (label: string, decimals: number) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? '0' : v))
    .refine((v) => (decimals ? new RegExp(`^\\d{1,8}(\\.\\d{1,${decimals}})?$`) : /^\d{1,8}$/).test(v), {
      message: decimals ? `${label}须为不小于0的金额，最多${decimals}位小数` : `${label}须为不小于0的整数`,
    })
    .transform(Number);

/** The office's report form: structure, narrative sections and the figures the tracker does not hold. */
export const reportFormSchema = z.object({
  version: z
    .string()
    .optional()
    .transform((v) => (v && /^\d{1,9}$/.test(v) ? Number(v) : null)),
  template: z.enum(REPORT_TEMPLATES, { error: '请选择报告格式' }),
  overview: text(20_000, '基本概况'),
  requestsNote: text(5_000, '依申请公开补充说明'),
  feesNote: text(5_000, '收费及减免补充说明'),
  appealsNote: text(5_000, '复议诉讼补充说明'),
  problems: text(20_000, '问题及改进情况'),
  other: text(5_000, '其他需要报告的事项'),
  ...Object.fromEntries(REPORT_FIGURE_FIELDS.map((f) => [f.key, figure(f.label, f.decimals)])) as Record<
    ReportFigureKey,
    ReturnType<typeof figure>
  >,
});
