import { z } from 'zod';
import { isCalendarDate } from '../domain/beijing-time';
import { isPlausibleIndexNo } from '../domain/disclosure';

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

export const reportYearSchema = z.object({
  year: z.coerce.number({ error: '请选择年度' }).int('年度须为整数').min(2008, '年度须在2008年以后').max(2100, '年度有误'),
});

export const reportTextsSchema = z.object({
  overview: text(20_000, '基本概况'),
  requests: text(5_000, '依申请公开情况'),
  fees: text(2_000, '收费及减免情况'),
  appeals: text(2_000, '复议诉讼情况'),
  problems: text(20_000, '问题及改进情况'),
  other: text(5_000, '其他事项'),
});
