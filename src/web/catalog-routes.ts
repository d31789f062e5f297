import { Router } from 'express';
import { z } from 'zod';
import type { WebContext } from '../app';
import { isItemOpenOn, LAW_LEVELS } from '../domain/catalog';
import { NotFoundError, ValidationError } from '../domain/errors';
import { contentDisposition } from '../domain/file-types';
import { findItemGuide, searchCatalog, today } from '../services/catalog';
import { openDownload } from '../services/files';
import { parseInput } from './schemas';
import { pagination } from './view-helpers';

const ITEMS_PAGE_SIZE = 20;
const LAWS_PAGE_SIZE = 20;
const CHANGES_PAGE_SIZE = 20;

const page = z.coerce.number({ error: '页码须为正整数' }).int('页码须为正整数').min(1, '页码须为正整数').max(100000, '页码过大').default(1);
const queryText = (max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim().slice(0, max));

const catalogQuery = z.object({
  q: queryText(100),
  dept: queryText(40),
  category: queryText(50),
  page,
});

const lawsQuery = z.object({
  q: queryText(100),
  level: z.enum(LAW_LEVELS, { error: '效力级别无效' }).optional().or(z.literal('').transform(() => undefined)),
  status: z.enum(['in_force', 'repealed'], { error: '状态无效' }).optional().or(z.literal('').transform(() => undefined)),
  page,
});

const numericId = (raw: string, what: string): number => {
  const id = /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw new NotFoundError('not_found', `未找到该${what}`);
  return id;
};

/** Public pages of the online service hall: item catalog and guides, laws, intermediaries, changes, forms. */
export function catalogRoutes(ctx: WebContext): Router {
  const { deps } = ctx;
  const router = Router();

  router.get('/items', async (req, res) => {
    const f = parseInput(catalogQuery, req.query);
    const departments = await deps.store.listDepartments();
    const dept = departments.find((d) => d.code === f.dept);
    const result = await searchCatalog(deps, {
      q: f.q,
      departmentId: dept?.id,
      category: f.category || undefined,
      page: f.page,
      pageSize: ITEMS_PAGE_SIZE,
    });
    const params = new URLSearchParams();
    if (f.q) params.set('q', f.q);
    if (dept) params.set('dept', dept.code);
    if (f.category) params.set('category', f.category);
    const base = `/items${params.size ? `?${params}` : ''}`;
    const withParam = (key: string, value: string | null) => {
      const p = new URLSearchParams(params);
      if (value === null) p.delete(key);
      else p.set(key, value);
      return `/items${p.size ? `?${p}` : ''}`;
    };
    res.render('public/items', {
      title: '事项目录',
      result,
      filter: { q: f.q, dept: dept?.code ?? '', deptName: dept?.name ?? '', category: f.category },
      withParam,
      pager: pagination(f.page, ITEMS_PAGE_SIZE, result.total, base),
    });
  });

  router.get('/items/:code', async (req, res) => {
    const guide = await findItemGuide(deps, req.params.code);
    res.render('public/item', {
      title: `${guide.item.name} 办事指南`,
      g: guide,
      open: isItemOpenOn(guide.item, today(deps)),
    });
  });

  router.get('/laws', async (req, res) => {
    const f = parseInput(lawsQuery, req.query);
    const result = await deps.store.listLaws({
      q: f.q || undefined,
      level: f.level,
      status: f.status,
      limit: LAWS_PAGE_SIZE,
      offset: (f.page - 1) * LAWS_PAGE_SIZE,
    });
    const params = new URLSearchParams();
    if (f.q) params.set('q', f.q);
    if (f.level) params.set('level', f.level);
    if (f.status) params.set('status', f.status);
    res.render('public/laws', {
      title: '法律法规',
      laws: result.rows,
      total: result.total,
      levels: LAW_LEVELS,
      filter: { q: f.q, level: f.level ?? '', status: f.status ?? '' },
      pager: pagination(f.page, LAWS_PAGE_SIZE, result.total, `/laws${params.size ? `?${params}` : ''}`),
    });
  });

  router.get('/laws/:id', async (req, res) => {
    const law = await deps.store.findLaw(numericId(req.params.id, '法律法规'));
    if (!law) throw new NotFoundError('law_not_found', '未找到该法律法规');
    res.render('public/law', { title: law.title, law, items: await deps.store.listItemsCitingLaw(law.id) });
  });

  router.get('/intermediaries', async (_req, res) => {
    res.render('public/intermediaries', { title: '涉批中介服务', list: await deps.store.listIntermediaries() });
  });

  router.get('/intermediaries/:id', async (req, res) => {
    const m = await deps.store.findIntermediary(numericId(req.params.id, '中介机构'));
    if (!m) throw new NotFoundError('intermediary_not_found', '未找到该中介机构');
    res.render('public/intermediary', { title: m.name, m });
  });

  router.get('/item-changes', async (req, res) => {
    const { page: p } = parseInput(z.object({ page }), req.query);
    const result = await deps.store.listItemChanges({ limit: CHANGES_PAGE_SIZE, offset: (p - 1) * CHANGES_PAGE_SIZE });
    res.render('public/item-changes', {
      title: '审批事项调整公告',
      changes: result.rows,
      total: result.total,
      todayDate: today(deps),
      pager: pagination(p, CHANGES_PAGE_SIZE, result.total, '/item-changes'),
    });
  });

  /** The optional name segment is only for the browser's address bar; it never reaches the disk. */
  const download = async (req: import('express').Request, res: import('express').Response) => {
    const name = req.params.name as string | undefined;
    if (name !== undefined && (/[\\/\u0000-\u001f]/.test(name) || name.includes('..'))) {
      throw new ValidationError({ name: '文件名无效' }, '文件名无效');
    }
    const { file, fullPath } = await openDownload(deps, req.params.id as string);
    res.set({
      'Content-Type': file.contentType,
      'Content-Disposition': contentDisposition(file.originalName),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=300',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
    res.sendFile(fullPath, { headers: { 'Content-Type': file.contentType }, dotfiles: 'deny' });
  };
  router.get('/files/:id', download);
  router.get('/files/:id/:name', download);

  return router;
}
