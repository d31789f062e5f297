/** Admin form bodies (flat urlencoded fields) → typed commands; the raw values are kept for re-display. */
import { z } from 'zod';
import { CASE_TYPES, ITEM_CHANGE_KINDS, LAW_LEVELS, MATERIAL_FORMS } from '../domain/catalog';
import { ValidationError } from '../domain/errors';
import { isValidPhone } from '../domain/identity';
import { parseInput } from './schemas';

type Body = Record<string, unknown>;
export type FormValues = Record<string, string>;

const str = (body: Body, name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');

const text = (max: number, label: string) =>
  z.string({ error: `请填写${label}` }).trim().max(max, `${label}不能超过${max}个字`);
const required = (max: number, label: string) => text(max, label).min(1, `请填写${label}`);
const code = (label: string) =>
  required(40, label).regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, `${label}只能由字母、数字、短横线和下划线组成`);
const days = (label: string) =>
  z.coerce
    .number({ error: `${label}须为整数` })
    .int(`${label}须为整数`)
    .min(1, `${label}至少为1个工作日`)
    .max(365, `${label}不能超过365个工作日`);
const isoDate = (label: string) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${label}格式为 YYYY-MM-DD`)
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), `${label}不是有效日期`);
/** A phone, a landline, or a short public service line such as 12345 (政务服务便民热线), optionally with area code. */
const phone = (label: string) =>
  text(30, label).refine(
    (v) => v === '' || isValidPhone(v.replace(/\s/g, '')) || /^(0\d{2,3}-)?1\d{4}$/.test(v),
    `${label}有误：请填写手机号、带区号的固定电话或服务热线`,
  );
const id = (label: string) => z.coerce.number({ error: `请选择${label}` }).int().positive(`请选择${label}`);

/** Indexes present for `prefix.N.field` keys, in order. */
function rowIndexes(body: Body, prefix: string): number[] {
  const seen = new Set<number>();
  for (const k of Object.keys(body)) {
    const m = new RegExp(`^${prefix}\\.(\\d{1,2})\\.`).exec(k);
    if (m) seen.add(Number(m[1]));
  }
  return [...seen].sort((a, b) => a - b);
}

/** Rows of a repeating group; rows whose first field is blank are dropped (the spare blank rows). */
export function formRows(body: Body, prefix: string, fields: string[]): FormValues[] {
  return rowIndexes(body, prefix)
    .map((i) => Object.fromEntries(fields.map((f) => [f, str(body, `${prefix}.${i}.${f}`)])))
    .filter((r) => r[fields[0]].trim() !== '');
}

export const departmentSchema = z.object({ code: code('部门编码'), name: required(100, '部门名称') });
export const departmentValues = (b: Body): FormValues => ({ code: str(b, 'code'), name: str(b, 'name') });

export const windowSchema = z.object({
  departmentId: id('部门'),
  code: code('窗口编号'),
  name: required(100, '窗口名称'),
  location: text(200, '窗口位置'),
});
export const windowValues = (b: Body): FormValues => ({
  departmentId: str(b, 'departmentId'),
  code: str(b, 'code'),
  name: str(b, 'name'),
  location: str(b, 'location'),
});

export const lawSchema = z
  .object({
    title: required(200, '标题'),
    issuer: required(100, '制定机关'),
    docNo: text(100, '文号'),
    level: z.enum(LAW_LEVELS, { error: '请选择效力级别' }),
    effectiveDate: isoDate('施行日期'),
    status: z.enum(['in_force', 'repealed'], { error: '请选择状态' }),
    repealedDate: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || null),
    body: text(200000, '正文'),
  })
  .superRefine((l, ctx) => {
    if (l.repealedDate !== null && !/^\d{4}-\d{2}-\d{2}$/.test(l.repealedDate)) {
      ctx.addIssue({ code: 'custom', path: ['repealedDate'], message: '废止日期格式为 YYYY-MM-DD' });
    }
    if (l.status === 'repealed' && l.repealedDate === null) {
      ctx.addIssue({ code: 'custom', path: ['repealedDate'], message: '已废止的法规请填写废止日期' });
    }
    if (l.status === 'in_force' && l.repealedDate !== null) {
      ctx.addIssue({ code: 'custom', path: ['repealedDate'], message: '现行有效的法规不应有废止日期' });
    }
  });
export const lawValues = (b: Body): FormValues =>
  Object.fromEntries(['title', 'issuer', 'docNo', 'level', 'effectiveDate', 'status', 'repealedDate', 'body'].map((k) => [k, str(b, k)]));

export const intermediarySchema = z.object({
  name: required(200, '机构名称'),
  qualification: required(500, '资质'),
  serviceScope: required(1000, '服务范围'),
  feeBasis: text(500, '收费依据'),
  contactPerson: text(50, '联系人'),
  phone: phone('联系电话'),
  address: text(200, '地址'),
  itemIds: z.array(z.coerce.number().int().positive(), { error: '服务事项有误' }).max(200),
});
export const intermediaryValues = (b: Body) => ({
  ...Object.fromEntries(['name', 'qualification', 'serviceScope', 'feeBasis', 'contactPerson', 'phone', 'address'].map((k) => [k, str(b, k)])),
  itemIds: listOf(b.itemIds),
});

export const itemChangeSchema = z.object({
  itemCode: required(40, '审批事项'),
  kind: z.enum(ITEM_CHANGE_KINDS, { error: '请选择调整类型' }),
  effectiveDate: isoDate('生效日期'),
  basis: required(500, '调整依据'),
  description: text(2000, '说明'),
});
export const itemChangeValues = (b: Body): FormValues =>
  Object.fromEntries(['itemCode', 'kind', 'effectiveDate', 'basis', 'description'].map((k) => [k, str(b, k)]));

/** A field that may come once (string) or repeated (array). */
export function listOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' && v !== '' ? [v] : [];
}

const materialRow = z.object({
  id: z
    .string()
    .optional()
    .transform((v) => (v && /^\d{1,12}$/.test(v) ? Number(v) : undefined)),
  name: required(200, '材料名称'),
  form: z.enum(MATERIAL_FORMS, { error: '请选择材料形式' }),
  copies: z.coerce.number({ error: '份数须为整数' }).int('份数须为整数').min(1, '份数至少为1').max(99, '份数不能超过99'),
  required: z.boolean(),
  note: text(500, '备注'),
});
const specialRow = z.object({
  name: required(100, '环节名称'),
  duration: required(100, '所需时限'),
  counted: z.boolean(),
  basis: text(500, '法定依据'),
});
const feeRow = z.object({ name: required(100, '收费项目'), standard: required(200, '收费标准'), basis: text(500, '收费依据') });
const lawRow = z.object({ lawId: id('法律法规'), articles: text(500, '引用条款') });

export const itemSchema = z
  .object({
    code: code('事项编码'),
    name: required(200, '事项名称'),
    category: required(50, '事项分类'),
    itemType: required(50, '事项类型'),
    caseType: z.enum(CASE_TYPES, { error: '请选择办件类型' }),
    departmentId: id('部门'),
    windowId: z
      .string()
      .optional()
      .transform((v) => (v && /^\d{1,12}$/.test(v) ? Number(v) : null)),
    statutoryDays: days('法定时限'),
    promisedDays: days('承诺时限'),
    resultsPublic: z.boolean(),
    resultValidity: text(50, '许可有效期'),
    status: z.enum(['in_force', 'cancelled'], { error: '请选择状态' }),
    conditions: text(5000, '申请条件'),
    serviceHours: text(200, '办理时间'),
    consultPhone: phone('咨询电话'),
    complaintPhone: phone('监督投诉电话'),
    visits: z.coerce.number({ error: '到现场次数须为整数' }).int('到现场次数须为整数').min(0, '到现场次数不能为负').max(9, '到现场次数不能超过9'),
    feeNote: text(1000, '收费说明'),
    steps: text(5000, '办理程序'),
    materials: z.array(materialRow).max(30, '材料不能超过30项'),
    specialProcedures: z.array(specialRow).max(10),
    fees: z.array(feeRow).max(10),
    laws: z.array(lawRow).max(20),
  });

/**
 * Checks across fields, run even when single fields fail (a zod refinement would be skipped then),
 * so every message shows at once. 承诺时限 may not exceed the statutory limit (cn-rules §3).
 */
export function itemCrossFieldErrors(v: ItemFormValues): Record<string, string> {
  const statutory = Number(v.statutoryDays);
  const promised = Number(v.promisedDays);
  return Number.isInteger(statutory) && Number.isInteger(promised) && promised > statutory
    ? { promisedDays: '承诺时限不能长于法定时限' }
    : {};
}

/** Parses the item form; field messages and cross-field messages together. */
export function parseItemForm(v: ItemFormValues) {
  const cross = itemCrossFieldErrors(v);
  let parsed;
  try {
    parsed = parseInput(itemSchema, itemInput(v));
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError({ ...cross, ...err.fields });
    throw err;
  }
  if (Object.keys(cross).length) throw new ValidationError(cross);
  return parsed;
}

export type ItemFormValues = FormValues & {
  materials: FormValues[];
  specialProcedures: FormValues[];
  fees: FormValues[];
  laws: FormValues[];
};

const ITEM_FIELDS = [
  'code', 'name', 'category', 'itemType', 'caseType', 'departmentId', 'windowId', 'statutoryDays', 'promisedDays',
  'resultValidity', 'status', 'conditions', 'serviceHours', 'consultPhone', 'complaintPhone', 'visits', 'feeNote', 'steps',
];

export function itemValues(b: Body): ItemFormValues {
  return {
    ...Object.fromEntries(ITEM_FIELDS.map((k) => [k, str(b, k)])),
    resultsPublic: b.resultsPublic === 'on' ? 'on' : '',
    materials: formRows(b, 'materials', ['name', 'id', 'form', 'copies', 'required', 'note']),
    specialProcedures: formRows(b, 'specialProcedures', ['name', 'duration', 'counted', 'basis']),
    fees: formRows(b, 'fees', ['name', 'standard', 'basis']),
    laws: formRows(b, 'laws', ['lawId', 'articles']),
  } as unknown as ItemFormValues;
}

/** The schema's input from the kept values (checkboxes become booleans; steps stay one per line). */
export function itemInput(v: ItemFormValues) {
  return {
    ...v,
    resultsPublic: v.resultsPublic === 'on',
    materials: v.materials.map((m) => ({ ...m, required: m.required === 'on' })),
    specialProcedures: v.specialProcedures.map((p) => ({ ...p, counted: p.counted === 'on' })),
  };
}

/** 办理程序: one step a line, "名称：说明" (full- or half-width colon); the name alone is fine. */
export function parseSteps(text: string): { name: string; description: string }[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^([^：:]{1,50})[：:](.*)$/.exec(l);
      return m ? { name: m[1].trim(), description: m[2].trim() } : { name: l.slice(0, 50), description: l.length > 50 ? l : '' };
    });
}
