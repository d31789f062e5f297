import { z } from 'zod';
import { ValidationError } from '../domain/errors';
import { isValidCreditCode, isValidPhone, isValidResidentId, normalizeIdentifier } from '../domain/identity';
import { CLOCK_STATUSES } from '../domain/deadlines';
import { isCalendarDate } from '../domain/beijing-time';
import { keywordLength, MAX_KEYWORD_CHARS, MAX_KEYWORDS, MIN_KEYWORD_CHARS, splitKeywords } from '../domain/search-text';
import { STAGES } from '../domain/stages';
import { isIsoDate } from '../domain/working-days';

const text = (max: number, label: string) =>
  z.string({ error: `请填写${label}` }).trim().max(max, `${label}不能超过${max}个字`);
const required = (max: number, label: string) => text(max, label).min(1, `请填写${label}`);
const optionalText = (max: number, label: string) =>
  z
    .string({ error: `${label}格式有误` })
    .trim()
    .max(max, `${label}不能超过${max}个字`)
    .optional()
    .transform((v) => (v ? v : undefined));

export const applicantSchema = z
  .object({
    name: required(100, '申请人名称'),
    kind: z.enum(['person', 'organization'], { error: '申请人类型须为 person（个人）或 organization（单位）' }),
    idNumber: z.string({ error: '请填写证件号码' }).transform(normalizeIdentifier),
    phone: z.string({ error: '请填写联系电话' }).transform((v) => v.normalize('NFKC').replace(/\s/g, '')),
    email: z
      .string({ error: '电子邮箱格式有误' })
      .trim()
      .max(200, '电子邮箱过长')
      .optional()
      .transform((v) => (v ? v : undefined))
      .pipe(z.email({ message: '电子邮箱格式有误' }).optional()),
  })
  .superRefine((a, ctx) => {
    if (a.kind === 'person' && !isValidResidentId(a.idNumber)) {
      ctx.addIssue({ code: 'custom', path: ['idNumber'], message: '身份证号码有误，请核对（18位，末位校验码）' });
    }
    if (a.kind === 'organization' && !isValidCreditCode(a.idNumber)) {
      ctx.addIssue({ code: 'custom', path: ['idNumber'], message: '统一社会信用代码有误，请核对（18位）' });
    }
    if (!isValidPhone(a.phone)) {
      ctx.addIssue({ code: 'custom', path: ['phone'], message: '联系电话有误：请填写11位手机号或带区号的固定电话' });
    }
  });

export const registerCaseSchema = z.object({
  itemCode: required(40, '审批事项'),
  applicant: applicantSchema,
  projectName: optionalText(200, '项目名称'),
  note: optionalText(1000, '备注'),
  /** Optional checklist: ids of the item's materials received at the window. */
  materialsReceived: z
    .array(z.coerce.number({ error: '材料编号须为整数' }).int('材料编号须为整数').positive('材料编号须为整数'), {
      error: 'materialsReceived 须为材料编号数组',
    })
    .max(100, '材料过多')
    .optional(),
});

export const transitionSchema = z.object({
  to: z.enum(STAGES, { error: '目标阶段无效' }),
  note: optionalText(1000, '办理意见'),
  notePublic: z.boolean({ error: 'notePublic 须为 true 或 false' }).optional(),
  decisionNo: optionalText(100, '决定文号'),
  reason: optionalText(1000, '理由'),
});

export const caseListQuerySchema = z.object({
  clockStatus: z.enum(CLOCK_STATUSES, { error: `clockStatus 须为 ${CLOCK_STATUSES.join(' | ')}` }).optional(),
  stage: z.enum(STAGES, { error: '阶段无效' }).optional(),
  item: z.string().trim().max(40, '事项编码过长').optional(),
  page: z.coerce.number({ error: '页码须为正整数' }).int('页码须为正整数').min(1, '页码须为正整数').max(100000, '页码过大').default(1),
});

export const extensionRequestSchema = z.object({
  reason: required(1000, '延期理由'),
});

export const extensionDecisionSchema = z.object({
  decision: z.enum(['approve', 'refuse'], { error: '请选择同意或不同意' }),
  note: optionalText(1000, '审批意见'),
});

export const calendarOverrideSchema = z.object({
  date: z.string({ error: '请填写日期' }).trim().refine(isIsoDate, '日期格式应为 YYYY-MM-DD，且须为真实日期'),
  kind: z.enum(['holiday', 'workday'], { error: '请选择放假或调休上班' }),
  notice: required(200, '依据（通知文号）'),
});

export const calendarYearSchema = z.object({
  year: z.coerce.number({ error: '请填写年份' }).int('年份须为整数').min(2000, '年份不在范围内').max(2100, '年份不在范围内'),
  notice: required(200, '依据（通知文号）'),
});

export const applicantCheckSchema = z.object({
  phoneLast4: z
    .string({ error: '请填写联系电话后四位' })
    .transform((v) => v.normalize('NFKC').trim())
    .refine((v) => /^\d{4}$/.test(v), '联系电话后四位应为4位数字'),
});

export const loginSchema = z.object({
  username: required(50, '用户名'),
  password: z.string({ error: '请填写密码' }).min(1, '请填写密码').max(200, '密码过长'),
});

const pageField = z.coerce
  .number({ error: '页码须为正整数' })
  .int('页码须为正整数')
  .min(1, '页码须为正整数')
  .max(100000, '页码过大')
  .default(1);

export const pageQuerySchema = z.object({ page: pageField });

const queryText = (max: number, label: string) =>
  z
    .string({ error: `${label}格式有误` })
    .trim()
    .max(max, `${label}过长`)
    .optional()
    .transform((v) => v || undefined);

const beijingDateField = (label: string) =>
  queryText(10, label).refine((v) => v === undefined || isCalendarDate(v), {
    message: `${label}须为有效日期，格式 YYYY-MM-DD（如 2026-03-02）`,
  });

/** The results bulletin search (page, feed, exports and API): keywords, category, department, Beijing dates. */
export const bulletinSearchSchema = z
  .object({
    q: z
      .string({ error: '关键词格式有误' })
      .trim()
      .max(200, '关键词过长')
      .optional()
      .transform((v) => v ?? '')
      .superRefine((q, ctx) => {
        const keywords = splitKeywords(q);
        if (keywords.length > MAX_KEYWORDS) {
          ctx.addIssue({ code: 'custom', message: `最多输入${MAX_KEYWORDS}个关键词，请用空格分隔` });
        } else if (keywords.some((k) => keywordLength(k) < MIN_KEYWORD_CHARS)) {
          ctx.addIssue({ code: 'custom', message: `每个关键词至少${MIN_KEYWORD_CHARS}个字（如“取水”“土地登记”）` });
        } else if (keywords.some((k) => keywordLength(k) > MAX_KEYWORD_CHARS)) {
          ctx.addIssue({ code: 'custom', message: `每个关键词不超过${MAX_KEYWORD_CHARS}个字` });
        }
      }),
    category: queryText(50, '类别'),
    department: queryText(20, '部门'),
    from: beijingDateField('开始日期'),
    to: beijingDateField('结束日期'),
    page: pageField,
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && isCalendarDate(v.from) && isCalendarDate(v.to) && v.from > v.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: '结束日期不能早于开始日期' });
    }
  })
  .transform(({ page, ...s }) => ({ page, search: { ...s, keywords: splitKeywords(s.q) } }));

/** Parses input with a schema; failure gives one message per bad field (first issue wins). */
export function parseFields<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; data: z.output<S> } | { ok: false; fields: Record<string, string> } {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, data: result.data };
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    fields[key] ??= issue.message;
  }
  return { ok: false, fields };
}

/** Parses input with a schema; failure becomes a 400 naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, message?: (fields: Record<string, string>) => string): z.output<S> {
  const parsed = parseFields(schema, input);
  if (parsed.ok) return parsed.data;
  throw new ValidationError(parsed.fields, message?.(parsed.fields));
}
