import { Router, type Request, type Response } from 'express';
import type { WebContext } from '../app';
import { beijingDate } from '../domain/beijing-time';
import { AppError } from '../domain/errors';
import type { BulletinEntry } from '../domain/model';
import {
  bulletinFilterChoices,
  EXPORT_MAX_ROWS,
  exportBatches,
  exportSize,
  FEED_SIZE,
  feedNamespace,
  isFiltered,
  latestBulletin,
  NO_SEARCH,
  searchBulletin,
  type BulletinSearch,
} from '../services/bulletin';
import { renderAtomFeed, uuidV5Urn } from './atom';
import { bulletinJson } from './json';
import { BULLETIN_CSV_HEADER, bulletinCsvLine, UTF8_BOM } from './open-data';
import { bulletinSearchSchema, parseFields, parseInput } from './schemas';
import { pagination } from './view-helpers';

const SEARCH_FIELDS = ['q', 'category', 'department', 'from', 'to'] as const;

/** The filters as a query string, always in the same order (feed ids depend on it). */
export function searchParams(s: BulletinSearch): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of SEARCH_FIELDS) {
    const v = s[k];
    if (v) p.set(k, v);
  }
  return p;
}

function withQuery(path: string, p: URLSearchParams): string {
  const qs = p.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Absolute links for feeds and open data; a Host header that is not a plain host name gives relative ones. */
function siteOrigin(req: Request): string {
  const host = req.get('host') ?? '';
  const plain = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host);
  return plain ? `${req.protocol}://${host}` : '';
}

/** What the search box and filters held, as typed, to show the form again after an error. */
function rawForm(query: Request['query']): Record<(typeof SEARCH_FIELDS)[number], string> {
  const pick = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).slice(0, 200) : '');
  return { q: pick('q'), category: pick('category'), department: pick('department'), from: pick('from'), to: pick('to') };
}

function filterMessage(fields: Record<string, string>): string {
  return `查询条件有误：${Object.values(fields).join('；')}`;
}

function parseSearch(query: Request['query']): BulletinSearch {
  return parseInput(bulletinSearchSchema, query, filterMessage).search;
}

function describeSearch(s: BulletinSearch): string {
  const parts: string[] = [];
  if (s.keywords.length) parts.push(`关键词“${s.keywords.join(' ')}”`);
  if (s.category) parts.push(s.category);
  if (s.department) parts.push(`部门 ${s.department}`);
  if (s.from || s.to) parts.push(`${s.from ?? '…'} 至 ${s.to ?? '…'}`);
  return parts.join('，');
}

function exportFilename(now: Date, ext: string): string {
  return `bulletin-${beijingDate(now).replace(/-/g, '')}.${ext}`;
}

/** Writes one chunk, waiting for the socket to drain; false once the client has gone. */
async function writeChunk(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  return !res.destroyed;
}

function feedLinks(s: BulletinSearch) {
  const all = { title: '许可结果公告（全部）', href: '/bulletin/feed.atom' };
  return isFiltered(s) ? [all, { title: `许可结果公告（${describeSearch(s)}）`, href: withQuery('/bulletin/feed.atom', searchParams(s)) }] : [all];
}

/** 许可结果公告 (《行政许可法》第四十条): search page, one entry, Atom feeds, CSV and JSON open data. */
export function bulletinRoutes(ctx: WebContext): Router {
  const { deps } = ctx;
  const router = Router();

  router.get('/bulletin', async (req, res) => {
    const choices = await bulletinFilterChoices(deps);
    const parsed = parseFields(bulletinSearchSchema, req.query);
    if (!parsed.ok) {
      res.status(400).render('public/bulletin', {
        title: '查询条件有误',
        form: rawForm(req.query),
        errors: parsed.fields,
        results: null,
        choices,
        feeds: feedLinks(NO_SEARCH),
        filtered: true,
        links: null,
      });
      return;
    }
    const { page, search } = parsed.data;
    const results = await searchBulletin(deps, search, page);
    const params = searchParams(search);
    res.render('public/bulletin', {
      title: isFiltered(search) ? '许可结果公告查询' : '许可结果公告',
      form: { ...rawForm({}), ...Object.fromEntries(params) },
      errors: {},
      results,
      choices,
      feeds: feedLinks(search),
      filtered: isFiltered(search),
      description: describeSearch(search),
      links: {
        feed: withQuery('/bulletin/feed.atom', params),
        csv: withQuery('/bulletin/export.csv', params),
        json: withQuery('/bulletin/export.json', params),
      },
      exportMax: EXPORT_MAX_ROWS,
      categoryFeeds: choices.categories.map((c) => ({
        title: c,
        href: withQuery('/bulletin/feed.atom', searchParams({ ...NO_SEARCH, category: c })),
      })),
      pager: pagination(page, results.pageSize, results.total, withQuery('/bulletin', params)),
    });
  });

  router.get('/bulletin/feed.atom', async (req, res) => {
    const search = parseSearch(req.query);
    const [entries, ns] = await Promise.all([latestBulletin(deps, search, FEED_SIZE), feedNamespace(deps)]);
    const origin = siteOrigin(req);
    const params = searchParams(search);
    const centerName = String(req.app.locals.centerName);
    const scope = describeSearch(search);
    const xml = renderAtomFeed({
      id: uuidV5Urn(ns, withQuery('bulletin/feed', params)),
      title: `${centerName}许可结果公告${scope ? `（${scope}）` : ''}`,
      subtitle: '依据《中华人民共和国行政许可法》第四十条公开的准予行政许可决定，最新在前',
      updated: entries[0]?.decidedAt ?? deps.clock.now().toISOString(),
      selfHref: origin + withQuery('/bulletin/feed.atom', params),
      alternateHref: origin + withQuery('/bulletin', params),
      author: centerName,
      entries: entries.map((e) => ({
        id: uuidV5Urn(ns, `bulletin/entry/${e.id}`),
        title: `${e.item.name}：${e.applicantName}（${e.decisionNo}）`,
        updated: e.decidedAt,
        published: e.decidedAt,
        href: `${origin}/bulletin/${e.id}`,
        category: e.item.category,
        summary: [
          `决定文号：${e.decisionNo}`,
          `许可事项：${e.item.name}`,
          `申请人：${e.applicantName}`,
          `项目名称：${e.projectName ?? '—'}`,
          `许可机关：${e.department.name}`,
          `决定日期：${beijingDate(e.decidedAt)}`,
          `有效期：${e.validity || '—'}`,
        ].join('\n'),
      })),
    });
    res.set('Content-Type', 'application/atom+xml; charset=utf-8').set('Cache-Control', 'public, max-age=300').send(xml);
  });

  /** Streams a file: headers first, then the entries in batches (memory stays one batch). */
  async function streamExport(
    res: Response,
    search: BulletinSearch,
    kind: { ext: string; type: string },
    write: { head: (count: number, truncated: boolean) => string; entries: (rows: BulletinEntry[], first: boolean) => string; tail: string },
  ) {
    const { count, truncated } = await exportSize(deps, search);
    res.status(200).set({
      'Content-Type': `${kind.type}; charset=utf-8`,
      'Content-Disposition': `attachment; filename="${exportFilename(deps.clock.now(), kind.ext)}"`,
      'Cache-Control': 'no-store',
      'X-Export-Count': String(count),
      'X-Export-Truncated': String(truncated),
    });
    if (!(await writeChunk(res, write.head(count, truncated)))) return;
    let first = true;
    for await (const rows of exportBatches(deps, search)) {
      if (!(await writeChunk(res, write.entries(rows, first)))) return;
      first = false;
    }
    res.end(write.tail);
  }

  router.get('/bulletin/export.csv', async (req, res) => {
    const origin = siteOrigin(req);
    await streamExport(res, parseSearch(req.query), { ext: 'csv', type: 'text/csv' }, {
      head: () => UTF8_BOM + BULLETIN_CSV_HEADER,
      entries: (rows) => rows.map((e) => bulletinCsvLine(e, `${origin}/bulletin/${e.id}`)).join(''),
      tail: '',
    });
  });

  router.get('/bulletin/export.json', async (req, res) => {
    const origin = siteOrigin(req);
    const search = parseSearch(req.query);
    const query = Object.fromEntries(searchParams(search));
    await streamExport(res, search, { ext: 'json', type: 'application/json' }, {
      head: (count, truncated) =>
        `{"title":${JSON.stringify('许可结果公告')},"generatedAt":${JSON.stringify(deps.clock.now().toISOString())},` +
        `"query":${JSON.stringify(query)},"count":${count},"truncated":${truncated},"maxEntries":${EXPORT_MAX_ROWS},"entries":[\n`,
      entries: (rows, first) =>
        (first ? '' : ',\n') + rows.map((e) => JSON.stringify({ ...bulletinJson(e), url: `${origin}/bulletin/${e.id}` })).join(',\n'),
      tail: '\n]}\n',
    });
  });

  router.get('/bulletin/:id', async (req, res) => {
    const id = /^\d{1,12}$/.test(req.params.id) ? Number(req.params.id) : NaN;
    if (!Number.isSafeInteger(id)) throw new AppError(404, 'not_found', '未找到该公告');
    const entry = await deps.store.findBulletinEntry(id);
    if (!entry) throw new AppError(404, 'not_found', '未找到该公告');
    res.render('public/bulletin-entry', { title: `许可结果 ${entry.decisionNo}`, entry });
  });

  return router;
}
