import { z } from 'zod';
import { isCalendarDate } from '../domain/beijing-time';
import {
  APPLICANT_KINDS,
  DELIVERY_FORMS,
  isOrganizationKind,
  isOutcomeCode,
  REVIEW_KINDS,
  REVIEW_OUTCOMES,
  SUPPLEMENT_MAX_DAYS,
  SUPPLEMENT_MIN_DAYS,
  yuanToFen,
} from '../domain/disclosure-request';
import { isValidCreditCode, isValidPhone, isValidResidentId, normalizeIdentifier } from '../domain/identity';

const text = (max: number, label: string) =>
  z.string({ error: `请填写${label}` }).trim().max(max, `${label}不能超过${max}个字`);
const required = (max: number, label: string) => text(max, label).min(1, `请填写${label}`);
const optional = (max: number, label: string) =>
  z
    .string({ error: `${label}格式有误` })
    .trim()
    .max(max, `${label}不能超过${max}个字`)
    .optional()
    .transform((v) => (v ? v : undefined));
const date = (label: string) =>
  z.string({ error: `请填写${label}` }).trim().refine(isCalendarDate, { message: `${label}须为有效日期，格式 YYYY-MM-DD` });
const optionalDate = (label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || isCalendarDate(v), { message: `${label}须为有效日期，格式 YYYY-MM-DD` });

/** The public 政府信息公开申请表. */
export const requestFormSchema = z
  .object({
    applicantKind: z.enum(APPLICANT_KINDS, { error: '请选择申请人类型' }),
    applicantName: required(100, '申请人姓名或名称'),
    idNumber: z.string({ error: '请填写证件号码' }).transform(normalizeIdentifier).pipe(z.string().min(1, '请填写证件号码')),
    contactPerson: optional(50, '联系人'),
    phone: z.string({ error: '请填写联系电话' }).transform((v) => v.normalize('NFKC').replace(/\s/g, '')),
    email: z
      .string({ error: '电子邮箱格式有误' })
      .trim()
      .max(200, '电子邮箱过长')
      .optional()
      .transform((v) => (v ? v : undefined))
      .pipe(z.email({ message: '电子邮箱格式有误' }).optional()),
    address: optional(200, '通信地址'),
    description: required(2000, '所需政府信息的名称、文号或便于查询的其他特征性描述'),
    deliveryForm: z.enum(DELIVERY_FORMS, { error: '请选择获取信息的方式' }),
  })
  .superRefine((a, ctx) => {
    const org = isOrganizationKind(a.applicantKind);
    if (a.idNumber) {
      if (!org && !isValidResidentId(a.idNumber)) {
        ctx.addIssue({ code: 'custom', path: ['idNumber'], message: '身份证号码有误，请核对（18位，末位校验码）' });
      }
      if (org && !isValidCreditCode(a.idNumber)) {
        ctx.addIssue({ code: 'custom', path: ['idNumber'], message: '统一社会信用代码有误，请核对（18位）' });
      }
    }
    if (org && !a.contactPerson) ctx.addIssue({ code: 'custom', path: ['contactPerson'], message: '法人或其他组织请填写联系人' });
    if (!isValidPhone(a.phone)) {
      ctx.addIssue({ code: 'custom', path: ['phone'], message: '联系电话有误：请填写11位手机号或带区号的固定电话' });
    }
    if (a.deliveryForm === 'email' && !a.email) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: '选择电子邮件方式获取的，请填写电子邮箱' });
    }
    if (a.deliveryForm === 'paper_mail' && !a.address) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: '选择邮寄方式获取的，请填写通信地址' });
    }
  });

const versionField = z.coerce.number({ error: '版本号有误' }).int().min(1);

export const supplementSchema = z.object({
  version: versionField,
  notice: required(1000, '补正告知内容（需补充或更改的事项）'),
  days: z.coerce
    .number({ error: `补正期限须为${SUPPLEMENT_MIN_DAYS}至${SUPPLEMENT_MAX_DAYS}个工作日` })
    .int(`补正期限须为${SUPPLEMENT_MIN_DAYS}至${SUPPLEMENT_MAX_DAYS}个工作日`)
    .min(SUPPLEMENT_MIN_DAYS, `补正期限须为${SUPPLEMENT_MIN_DAYS}至${SUPPLEMENT_MAX_DAYS}个工作日`)
    .max(SUPPLEMENT_MAX_DAYS, `补正期限须为${SUPPLEMENT_MIN_DAYS}至${SUPPLEMENT_MAX_DAYS}个工作日`),
});

export const supplySchema = z.object({
  version: versionField,
  suppliedOn: optionalDate('补正收到日期'),
  note: optional(500, '备注'),
});

export const extendSchema = z.object({
  version: versionField,
  approver: required(50, '批准延期的负责人'),
  reason: required(500, '延期理由'),
});

export const replySchema = z.object({
  version: versionField,
  outcome: z.string({ error: '请选择答复类型' }).refine(isOutcomeCode, { message: '请选择答复类型（按年度报告模板的处理结果）' }),
  replyText: required(10_000, '答复内容'),
});

export const versionOnlySchema = z.object({ version: versionField });

const yuan = (label: string, requiredField: boolean) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .transform((v, ctx) => {
      if (v === '' && !requiredField) return 0;
      const fen = yuanToFen(v);
      if (fen === null) {
        ctx.addIssue({ code: 'custom', message: `${label}须为不小于0的金额（元），最多两位小数` });
        return z.NEVER;
      }
      return fen;
    });

export const feeSchema = z.object({
  chargedOn: date('收费日期'),
  amount: yuan('应收金额', true),
  waived: yuan('减免金额', false),
  note: optional(300, '说明').transform((v) => v ?? ''),
});

export const reviewSchema = z.object({
  kind: z.enum(REVIEW_KINDS, { error: '请选择复议或诉讼类型' }),
  filedOn: date('申请复议或起诉日期'),
  outcome: z.enum(REVIEW_OUTCOMES, { error: '请选择结果' }),
  decidedOn: optionalDate('结案日期'),
  note: optional(500, '说明').transform((v) => v ?? ''),
});

export const reviewUpdateSchema = z.object({
  version: versionField,
  outcome: z.enum(REVIEW_OUTCOMES, { error: '请选择结果' }),
  decidedOn: optionalDate('结案日期'),
  note: optional(500, '说明').transform((v) => v ?? ''),
});

export const requestListSchema = z.object({
  stage: z.enum(['received', 'supplement_requested', 'closed']).optional().catch(undefined),
  due: z.enum(['overdue', 'due_soon']).optional().catch(undefined),
  q: z.string().trim().max(50).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
