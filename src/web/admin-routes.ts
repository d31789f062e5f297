import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { WebContext } from '../app';
import {
  AUDIT_ENTITY_LABELS,
  CASE_TYPES,
  ITEM_CHANGE_LABELS,
  ITEM_CHANGE_KINDS,
  LAW_LEVELS,
  MATERIAL_FORMS,
  type FileSlot,
  type ItemGuide,
} from '../domain/catalog';
import { AppError, NotFoundError, ValidationError } from '../domain/errors';
import type { Staff } from '../domain/model';
import {
  assertAdmin,
  assertCanEditDepartmentItems,
  recordItemChange,
  saveDepartment,
  saveIntermediary,
  saveItem,
  saveLaw,
  saveWindow,
} from '../services/admin';
import { departmentScope } from '../services/access';
import { findItemGuide } from '../services/catalog';
import { ALLOWED_TYPES_TEXT, storeMaterialFile, UploadTooLargeError } from '../services/files';
import {
  departmentSchema,
  departmentValues,
  intermediarySchema,
  intermediaryValues,
  itemChangeSchema,
  itemChangeValues,
  itemValues,
  lawSchema,
  lawValues,
  parseItemForm,
  parseSteps,
  windowSchema,
  windowValues,
  type ItemFormValues,
} from './admin-forms';
import { parseInput } from './schemas';
import { pagination } from './view-helpers';

const AUDIT_PAGE_SIZE = 30;
const LAWS_PAGE_SIZE = 50;

const staffOf = (res: Response) => res.locals.staff as Staff;
const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

const adminOnly = (_req: Request, res: Response, next: NextFunction) => {
  assertAdmin(staffOf(res));
  next();
};

const numericParam = (raw: unknown, what: string): number => {
  const id = typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw new NotFoundError('not_found', `未找到该${what}`);
  return id;
};

/**
 * Multipart bodies (file uploads) are parsed into memory with the configured size limit, only for a
 * signed-in staff member, before the CSRF check reads `_csrf` from them. An oversize file is
 * remembered, not thrown, so the upload page can say so beside the field.
 */
export function multipartUploads(maxBytes: number) {
  // 'file': one upload (forms, samples, catalog attachments); 'attachments': a reply's files.
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 5, fields: 10, parts: 16, fieldSize: 64 * 1024 },
  }).fields([
    { name: 'file', maxCount: 1 },
    { name: 'attachments', maxCount: 5 },
  ]);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || !res.locals.staff || !req.is('multipart/form-data')) return next();
    upload(req, res, (err: unknown) => {
      if (err) {
        const e = err as { code?: string };
        res.locals.uploadError =
          e.code === 'LIMIT_FILE_SIZE' ? new UploadTooLargeError(maxBytes) : new ValidationError({ file: '上传内容无效，请只选择一个文件重新上传' });
        req.file = undefined;
      } else {
        const files = (req.files ?? {}) as Record<string, Express.Multer.File[] | undefined>;
        req.file = files.file?.[0];
        res.locals.attachments = files.attachments ?? [];
      }
      next();
    });
  };
}

type Field = {
  name: string;
  label: string;
  type?: 'text' | 'textarea' | 'select' | 'date' | 'checkboxes';
  options?: { value: string; label: string }[];
  hint?: string;
  rows?: number;
};

export function adminRoutes(ctx: WebContext): Router {
  const { deps } = ctx;
  const router = Router();

  /** One generic form page for the simple entities; errors beside each field, the input kept. */
  const renderForm = (
    res: Response,
    status: number,
    o: { title: string; action: string; fields: Field[]; values: Record<string, unknown>; errors: Record<string, string>; back: string },
  ) => res.status(status).render('staff/admin/form', o);

  const onInvalid = async (err: unknown, render: (errors: Record<string, string>) => unknown) => {
    if (!(err instanceof ValidationError)) throw err;
    await render(err.fields ?? {});
  };

  router.get('/', async (_req, res) => {
    const staff = staffOf(res);
    const items = await deps.store.listItems({ inForceOnly: false, departmentId: departmentScope(staff) });
    res.render('staff/admin/index', { title: '事项与目录维护', items, isAdmin: staff.role === 'admin' });
  });

  // ─── Departments ───
  const departmentFields: Field[] = [
    { name: 'code', label: '部门编码', hint: '字母、数字、短横线，如 SLJ' },
    { name: 'name', label: '部门名称' },
  ];
  router.get('/departments', adminOnly, async (_req, res) => {
    const depts = await deps.store.listDepartments();
    res.render('staff/admin/list', {
      title: '部门',
      newHref: '/staff/admin/departments/new',
      columns: ['编码', '名称'],
      rows: depts.map((d) => ({ href: `/staff/admin/departments/${d.id}/edit`, cells: [d.code, d.name] })),
    });
  });
  router.get('/departments/new', adminOnly, (_req, res) =>
    renderForm(res, 200, { title: '新增部门', action: '/staff/admin/departments', fields: departmentFields, values: {}, errors: {}, back: '/staff/admin/departments' }),
  );
  router.get('/departments/:id/edit', adminOnly, async (req, res) => {
    const id = numericParam(req.params.id, '部门');
    const d = (await deps.store.listDepartments()).find((x) => x.id === id);
    if (!d) throw new NotFoundError('department_not_found', '未找到该部门');
    renderForm(res, 200, { title: `编辑部门：${d.name}`, action: `/staff/admin/departments/${id}`, fields: departmentFields, values: { ...d }, errors: {}, back: '/staff/admin/departments' });
  });
  const postDepartment = (create: boolean) => async (req: Request, res: Response) => {
    const id = create ? undefined : numericParam(req.params.id, '部门');
    const values = departmentValues(body(req));
    try {
      await saveDepartment(deps, staffOf(res), parseInput(departmentSchema, values), id);
      res.redirect(303, '/staff/admin/departments');
    } catch (err) {
      await onInvalid(err, (errors) =>
        renderForm(res, 400, {
          title: create ? '新增部门' : '编辑部门',
          action: create ? '/staff/admin/departments' : `/staff/admin/departments/${id}`,
          fields: departmentFields,
          values,
          errors,
          back: '/staff/admin/departments',
        }),
      );
    }
  };
  router.post('/departments', adminOnly, postDepartment(true));
  router.post('/departments/:id', adminOnly, postDepartment(false));

  // ─── Windows ───
  const windowFields = async (): Promise<Field[]> => [
    { name: 'departmentId', label: '部门', type: 'select', options: (await deps.store.listDepartments()).map((d) => ({ value: String(d.id), label: d.name })) },
    { name: 'code', label: '窗口编号', hint: '如 W01' },
    { name: 'name', label: '窗口名称' },
    { name: 'location', label: '窗口位置', hint: '如 中心二楼 A 区 01 号窗口' },
  ];
  router.get('/windows', adminOnly, async (_req, res) => {
    const [windows, depts] = await Promise.all([deps.store.listWindows(), deps.store.listDepartments()]);
    res.render('staff/admin/list', {
      title: '窗口',
      newHref: '/staff/admin/windows/new',
      columns: ['编号', '名称', '部门', '位置'],
      rows: windows.map((w) => ({
        href: `/staff/admin/windows/${w.id}/edit`,
        cells: [w.code, w.name, depts.find((d) => d.id === w.departmentId)?.name ?? '', w.location],
      })),
    });
  });
  router.get('/windows/new', adminOnly, async (_req, res) =>
    renderForm(res, 200, { title: '新增窗口', action: '/staff/admin/windows', fields: await windowFields(), values: {}, errors: {}, back: '/staff/admin/windows' }),
  );
  router.get('/windows/:id/edit', adminOnly, async (req, res) => {
    const id = numericParam(req.params.id, '窗口');
    const w = await deps.store.findWindowById(id);
    if (!w) throw new NotFoundError('window_not_found', '未找到该窗口');
    renderForm(res, 200, {
      title: `编辑窗口：${w.name}`,
      action: `/staff/admin/windows/${id}`,
      fields: await windowFields(),
      values: { ...w, departmentId: String(w.departmentId) },
      errors: {},
      back: '/staff/admin/windows',
    });
  });
  const postWindow = (create: boolean) => async (req: Request, res: Response) => {
    const id = create ? undefined : numericParam(req.params.id, '窗口');
    const values = windowValues(body(req));
    try {
      await saveWindow(deps, staffOf(res), parseInput(windowSchema, values), id);
      res.redirect(303, '/staff/admin/windows');
    } catch (err) {
      await onInvalid(err, async (errors) =>
        renderForm(res, 400, {
          title: create ? '新增窗口' : '编辑窗口',
          action: create ? '/staff/admin/windows' : `/staff/admin/windows/${id}`,
          fields: await windowFields(),
          values,
          errors,
          back: '/staff/admin/windows',
        }),
      );
    }
  };
  router.post('/windows', adminOnly, postWindow(true));
  router.post('/windows/:id', adminOnly, postWindow(false));

  // ─── Items (admins: all; department staff: their own department's) ───
  const renderItemForm = async (
    res: Response,
    status: number,
    o: { title: string; action: string; values: ItemFormValues; errors: Record<string, string>; guide: ItemGuide | null },
  ) => {
    const staff = staffOf(res);
    const scope = departmentScope(staff);
    const [depts, windows, laws] = await Promise.all([
      deps.store.listDepartments(),
      deps.store.listWindows(),
      deps.store.listLaws({ limit: 1000, offset: 0 }),
    ]);
    res.status(status).render('staff/admin/item-form', {
      ...o,
      departments: depts.filter((d) => scope === undefined || d.id === scope),
      windows,
      laws: laws.rows,
      caseTypes: CASE_TYPES,
      materialForms: MATERIAL_FORMS,
    });
  };

  const valuesFromGuide = (g: ItemGuide): ItemFormValues =>
    ({
      code: g.item.code,
      name: g.item.name,
      category: g.item.category,
      itemType: g.item.itemType,
      caseType: g.item.caseType,
      departmentId: String(g.item.departmentId),
      windowId: g.details.windowId === null ? '' : String(g.details.windowId),
      statutoryDays: String(g.item.statutoryDays),
      promisedDays: String(g.item.promisedDays),
      resultsPublic: g.item.resultsPublic ? 'on' : '',
      resultValidity: g.item.resultValidity,
      status: g.item.status,
      conditions: g.details.conditions,
      serviceHours: g.details.serviceHours,
      consultPhone: g.details.consultPhone,
      complaintPhone: g.details.complaintPhone,
      visits: String(g.details.visits),
      feeNote: g.details.feeNote,
      steps: g.steps.map((s) => (s.description ? `${s.name}：${s.description}` : s.name)).join('\n'),
      materials: g.materials.map((m) => ({
        id: String(m.id),
        name: m.name,
        form: m.form,
        copies: String(m.copies),
        required: m.required ? 'on' : '',
        note: m.note,
      })),
      specialProcedures: g.specialProcedures.map((p) => ({ ...p, counted: p.counted ? 'on' : '' })),
      fees: g.fees.map((f) => ({ ...f })),
      laws: g.laws.map((l) => ({ lawId: String(l.law.id), articles: l.articles })),
    }) as unknown as ItemFormValues;

  router.get('/items/new', async (_req, res) => {
    const staff = staffOf(res);
    await renderItemForm(res, 200, {
      title: '新增审批事项',
      action: '/staff/admin/items',
      guide: null,
      values: {
        itemType: '行政许可',
        caseType: '承诺件',
        status: 'in_force',
        resultsPublic: 'on',
        visits: '1',
        departmentId: staff.departmentId ? String(staff.departmentId) : '',
        materials: [],
        specialProcedures: [],
        fees: [],
        laws: [],
      } as unknown as ItemFormValues,
      errors: {},
    });
  });

  router.get('/items/:code/edit', async (req, res) => {
    const g = await findItemGuide(deps, req.params.code as string);
    assertCanEditDepartmentItems(staffOf(res), g.item.departmentId);
    await renderItemForm(res, 200, {
      title: `编辑事项：${g.item.name}`,
      action: `/staff/admin/items/${g.item.code}`,
      values: valuesFromGuide(g),
      errors: {},
      guide: g,
    });
  });

  const postItem = (create: boolean) => async (req: Request, res: Response) => {
    const existing = create ? null : await findItemGuide(deps, req.params.code as string);
    if (existing) assertCanEditDepartmentItems(staffOf(res), existing.item.departmentId);
    const values = itemValues(body(req));
    try {
      const v = parseItemForm(values);
      const item = await saveItem(
        deps,
        staffOf(res),
        {
          item: {
            code: v.code,
            name: v.name,
            category: v.category,
            departmentId: v.departmentId,
            statutoryDays: v.statutoryDays,
            promisedDays: v.promisedDays,
            resultsPublic: v.resultsPublic,
            resultValidity: v.resultValidity,
            status: v.status,
            itemType: v.itemType,
            caseType: v.caseType,
          },
          details: {
            conditions: v.conditions,
            windowId: v.windowId,
            serviceHours: v.serviceHours,
            consultPhone: v.consultPhone,
            complaintPhone: v.complaintPhone,
            visits: v.visits,
            feeNote: v.feeNote,
          },
          materials: v.materials,
          steps: parseSteps(v.steps),
          specialProcedures: v.specialProcedures,
          fees: v.fees,
          laws: v.laws,
        },
        existing?.item.code,
      );
      res.redirect(303, `/staff/admin/items/${item.code}/files?saved=1`);
    } catch (err) {
      await onInvalid(err, (errors) =>
        renderItemForm(res, 400, {
          title: create ? '新增审批事项' : `编辑事项：${existing?.item.name ?? ''}`,
          action: create ? '/staff/admin/items' : `/staff/admin/items/${existing?.item.code}`,
          values,
          errors,
          guide: existing,
        }),
      );
    }
  };
  router.post('/items', postItem(true));
  router.post('/items/:code', postItem(false));

  // ─── Forms and samples of an item's materials ───
  const renderFiles = async (
    req: Request,
    res: Response,
    status: number,
    g: ItemGuide,
    o: { errorMaterial?: number; errors?: Record<string, string>; uploaded?: boolean } = {},
  ) => {
    res.status(status).render('staff/admin/item-files', {
      title: `表格与样本：${g.item.name}`,
      g,
      errorMaterial: o.errorMaterial ?? null,
      errors: o.errors ?? {},
      uploaded: o.uploaded ?? req.query.uploaded === '1',
      saved: req.query.saved === '1',
      maxBytes: deps.config.uploadMaxBytes,
      allowedTypes: ALLOWED_TYPES_TEXT,
    });
  };

  router.get('/items/:code/files', async (req, res) => {
    const g = await findItemGuide(deps, req.params.code as string);
    assertCanEditDepartmentItems(staffOf(res), g.item.departmentId);
    await renderFiles(req, res, 200, g);
  });

  router.post('/materials/:id/files', async (req, res) => {
    const materialId = numericParam(req.params.id, '申请材料');
    const owner = await deps.store.findMaterialItem(materialId);
    if (!owner) throw new NotFoundError('material_not_found', '未找到该申请材料');
    assertCanEditDepartmentItems(staffOf(res), owner.departmentId);
    const slot = body(req).slot === 'sample' ? 'sample' : body(req).slot === 'blank' ? 'blank' : null;
    try {
      if (res.locals.uploadError) throw res.locals.uploadError;
      if (!slot) throw new ValidationError({ slot: '请选择空白表格或填写样本' });
      const f = req.file;
      // busboy gives the name as latin1 bytes; browsers send UTF-8.
      const originalName = f ? Buffer.from(f.originalname, 'latin1').toString('utf8') : '';
      await storeMaterialFile(deps, staffOf(res), materialId, slot as FileSlot, f ? { buffer: f.buffer, originalName } : null);
      res.redirect(303, `/staff/admin/items/${owner.itemCode}/files?uploaded=1`);
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields) throw err;
      const g = await findItemGuide(deps, owner.itemCode);
      await renderFiles(req, res, err.status, g, { errorMaterial: materialId, errors: err.fields });
    }
  });

  // ─── Laws ───
  const lawFields: Field[] = [
    { name: 'title', label: '标题', hint: '如 《中华人民共和国水法》' },
    { name: 'issuer', label: '制定机关' },
    { name: 'docNo', label: '文号', hint: '如 主席令第七十四号、国务院令第460号' },
    { name: 'level', label: '效力级别', type: 'select', options: LAW_LEVELS.map((l) => ({ value: l, label: l })) },
    { name: 'effectiveDate', label: '施行日期', type: 'date' },
    {
      name: 'status',
      label: '状态',
      type: 'select',
      options: [
        { value: 'in_force', label: '现行有效' },
        { value: 'repealed', label: '已废止' },
      ],
    },
    { name: 'repealedDate', label: '废止日期', type: 'date', hint: '仅已废止的填写' },
    { name: 'body', label: '正文或条文摘录', type: 'textarea', rows: 12 },
  ];
  router.get('/laws', adminOnly, async (_req, res) => {
    const laws = await deps.store.listLaws({ limit: LAWS_PAGE_SIZE * 20, offset: 0 });
    res.render('staff/admin/list', {
      title: '法律法规',
      newHref: '/staff/admin/laws/new',
      columns: ['标题', '文号', '级别', '状态'],
      rows: laws.rows.map((l) => ({
        href: `/staff/admin/laws/${l.id}/edit`,
        cells: [l.title, l.docNo, l.level, l.status === 'repealed' ? '已废止' : '现行有效'],
      })),
    });
  });
  router.get('/laws/new', adminOnly, (_req, res) =>
    renderForm(res, 200, { title: '新增法律法规', action: '/staff/admin/laws', fields: lawFields, values: { status: 'in_force' }, errors: {}, back: '/staff/admin/laws' }),
  );
  router.get('/laws/:id/edit', adminOnly, async (req, res) => {
    const id = numericParam(req.params.id, '法律法规');
    const law = await deps.store.findLaw(id);
    if (!law) throw new NotFoundError('law_not_found', '未找到该法律法规');
    renderForm(res, 200, {
      title: `编辑：${law.title}`,
      action: `/staff/admin/laws/${id}`,
      fields: lawFields,
      values: { ...law, repealedDate: law.repealedDate ?? '' },
      errors: {},
      back: '/staff/admin/laws',
    });
  });
  const postLaw = (create: boolean) => async (req: Request, res: Response) => {
    const id = create ? undefined : numericParam(req.params.id, '法律法规');
    const values = lawValues(body(req));
    try {
      await saveLaw(deps, staffOf(res), parseInput(lawSchema, values), id);
      res.redirect(303, '/staff/admin/laws');
    } catch (err) {
      await onInvalid(err, (errors) =>
        renderForm(res, 400, {
          title: create ? '新增法律法规' : '编辑法律法规',
          action: create ? '/staff/admin/laws' : `/staff/admin/laws/${id}`,
          fields: lawFields,
          values,
          errors,
          back: '/staff/admin/laws',
        }),
      );
    }
  };
  router.post('/laws', adminOnly, postLaw(true));
  router.post('/laws/:id', adminOnly, postLaw(false));

  // ─── Intermediaries ───
  const intermediaryFields = async (): Promise<Field[]> => [
    { name: 'name', label: '机构名称' },
    { name: 'qualification', label: '资质', hint: '资质名称、等级、证书编号' },
    { name: 'serviceScope', label: '服务范围', type: 'textarea', rows: 3 },
    { name: 'feeBasis', label: '收费依据', type: 'textarea', rows: 2 },
    { name: 'contactPerson', label: '联系人' },
    { name: 'phone', label: '联系电话' },
    { name: 'address', label: '地址' },
    {
      name: 'itemIds',
      label: '服务的审批事项',
      type: 'checkboxes',
      options: (await deps.store.listItems({ inForceOnly: false })).map((i) => ({ value: String(i.id), label: `${i.name}（${i.code}）` })),
    },
  ];
  router.get('/intermediaries', adminOnly, async (_req, res) => {
    const list = await deps.store.listIntermediaries();
    res.render('staff/admin/list', {
      title: '中介机构',
      newHref: '/staff/admin/intermediaries/new',
      columns: ['名称', '资质', '服务事项数'],
      rows: list.map((m) => ({ href: `/staff/admin/intermediaries/${m.id}/edit`, cells: [m.name, m.qualification, String(m.items.length)] })),
    });
  });
  router.get('/intermediaries/new', adminOnly, async (_req, res) =>
    renderForm(res, 200, {
      title: '新增中介机构',
      action: '/staff/admin/intermediaries',
      fields: await intermediaryFields(),
      values: { itemIds: [] },
      errors: {},
      back: '/staff/admin/intermediaries',
    }),
  );
  router.get('/intermediaries/:id/edit', adminOnly, async (req, res) => {
    const id = numericParam(req.params.id, '中介机构');
    const m = await deps.store.findIntermediary(id);
    if (!m) throw new NotFoundError('intermediary_not_found', '未找到该中介机构');
    renderForm(res, 200, {
      title: `编辑：${m.name}`,
      action: `/staff/admin/intermediaries/${id}`,
      fields: await intermediaryFields(),
      values: { ...m, itemIds: m.items.map((i) => String(i.id)) },
      errors: {},
      back: '/staff/admin/intermediaries',
    });
  });
  const postIntermediary = (create: boolean) => async (req: Request, res: Response) => {
    const id = create ? undefined : numericParam(req.params.id, '中介机构');
    const values = intermediaryValues(body(req));
    try {
      await saveIntermediary(deps, staffOf(res), parseInput(intermediarySchema, values), id);
      res.redirect(303, '/staff/admin/intermediaries');
    } catch (err) {
      await onInvalid(err, async (errors) =>
        renderForm(res, 400, {
          title: create ? '新增中介机构' : '编辑中介机构',
          action: create ? '/staff/admin/intermediaries' : `/staff/admin/intermediaries/${id}`,
          fields: await intermediaryFields(),
          values,
          errors,
          back: '/staff/admin/intermediaries',
        }),
      );
    }
  };
  router.post('/intermediaries', adminOnly, postIntermediary(true));
  router.post('/intermediaries/:id', adminOnly, postIntermediary(false));

  // ─── Item changes (published at once as notices) ───
  const changeFields = async (): Promise<Field[]> => [
    {
      name: 'itemCode',
      label: '审批事项',
      type: 'select',
      options: (await deps.store.listItems({ inForceOnly: false })).map((i) => ({ value: i.code, label: `${i.name}（${i.code}）` })),
    },
    { name: 'kind', label: '调整类型', type: 'select', options: ITEM_CHANGE_KINDS.map((k) => ({ value: k, label: labelOfKind(k) })) },
    { name: 'effectiveDate', label: '生效日期', type: 'date', hint: '取消类调整自该日（北京时间）起不再受理新申请' },
    { name: 'basis', label: '调整依据', hint: '如 浙政发〔2014〕XX号' },
    { name: 'description', label: '说明', type: 'textarea', rows: 3, hint: '下放至何级、新的实施机关等' },
  ];
  router.get('/item-changes', adminOnly, async (_req, res) =>
    renderForm(res, 200, { title: '发布审批事项调整', action: '/staff/admin/item-changes', fields: await changeFields(), values: {}, errors: {}, back: '/item-changes' }),
  );
  router.post('/item-changes', adminOnly, async (req, res) => {
    const values = itemChangeValues(body(req));
    try {
      await recordItemChange(deps, staffOf(res), parseInput(itemChangeSchema, values));
      res.redirect(303, '/item-changes');
    } catch (err) {
      await onInvalid(err, async (errors) =>
        renderForm(res, 400, { title: '发布审批事项调整', action: '/staff/admin/item-changes', fields: await changeFields(), values, errors, back: '/item-changes' }),
      );
    }
  });

  // ─── Audit log ───
  router.get('/audit', adminOnly, async (req, res) => {
    const q = parseInput(
      z.object({
        entity: z
          .string()
          .optional()
          .transform((v) => (v && v in AUDIT_ENTITY_LABELS ? v : undefined)),
        page: z.coerce.number({ error: '页码须为正整数' }).int().min(1, '页码须为正整数').max(100000).default(1),
      }),
      req.query,
    );
    const result = await deps.store.listAudit({ entity: q.entity, limit: AUDIT_PAGE_SIZE, offset: (q.page - 1) * AUDIT_PAGE_SIZE });
    res.render('staff/admin/audit', {
      title: '操作日志',
      entries: result.rows,
      total: result.total,
      entity: q.entity ?? '',
      pager: pagination(q.page, AUDIT_PAGE_SIZE, result.total, `/staff/admin/audit${q.entity ? `?entity=${q.entity}` : ''}`),
    });
  });

  router.use((_req, _res, next) => next(new NotFoundError('not_found', '您访问的页面不存在')));
  return router;
}

function labelOfKind(k: (typeof ITEM_CHANGE_KINDS)[number]): string {
  return ITEM_CHANGE_LABELS[k];
}
