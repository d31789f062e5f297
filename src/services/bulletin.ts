import crypto from 'node:crypto';
import { beijingDayEnd, beijingDayStart } from '../domain/beijing-time';
import type { BulletinEntry, Page } from '../domain/model';
import type { BulletinFilter, Store } from '../store/store';
import type { Deps } from './deps';

export const BULLETIN_PAGE_SIZE = 20;
/**
 * Counting every match of a very common keyword (有限公司 in most entries) costs time in
 * proportion to the matches; past this many the total is shown as "10000 条以上" instead.
 */
export const BULLETIN_COUNT_CAP = 10_000;
export const FEED_SIZE = 50;
/** One export file holds at most this many entries, newest first; more: narrow the date range. */
export const EXPORT_MAX_ROWS = 50_000;
const EXPORT_BATCH = 500;

/** A public search of the results bulletin, as parsed from the query string. */
export interface BulletinSearch {
  /** The search box as typed (trimmed), to show it again. */
  q: string;
  keywords: string[];
  category?: string;
  /** Department code. */
  department?: string;
  /** Beijing calendar dates `YYYY-MM-DD`, both inclusive. */
  from?: string;
  to?: string;
}

export const NO_SEARCH: BulletinSearch = { q: '', keywords: [] };

export function isFiltered(s: BulletinSearch): boolean {
  return s.keywords.length > 0 || Boolean(s.category || s.department || s.from || s.to);
}

/** Beijing days become UTC instants: the day begins at 00:00 +08:00 (16:00Z the day before). */
export function toStoreFilter(s: BulletinSearch): BulletinFilter {
  return {
    keywords: s.keywords,
    ...(s.category ? { category: s.category } : {}),
    ...(s.department ? { departmentCode: s.department } : {}),
    ...(s.from ? { decidedFrom: beijingDayStart(s.from) } : {}),
    ...(s.to ? { decidedBefore: beijingDayEnd(s.to) } : {}),
  };
}

export interface BulletinResults extends Page<BulletinEntry> {
  page: number;
  pageSize: number;
  /** False when there are more than BULLETIN_COUNT_CAP matches and `total` is that cap. */
  totalExact: boolean;
}

export async function searchBulletin(
  deps: Deps,
  search: BulletinSearch,
  page: number,
  pageSize = BULLETIN_PAGE_SIZE,
): Promise<BulletinResults> {
  const result = await deps.store.listBulletin({
    ...toStoreFilter(search),
    limit: pageSize,
    offset: (page - 1) * pageSize,
    countLimit: BULLETIN_COUNT_CAP + 1,
  });
  const totalExact = result.total <= BULLETIN_COUNT_CAP;
  return { rows: result.rows, total: totalExact ? result.total : BULLETIN_COUNT_CAP, totalExact, page, pageSize };
}

export async function latestBulletin(deps: Deps, search: BulletinSearch, count: number): Promise<BulletinEntry[]> {
  return (await deps.store.listBulletin({ ...toStoreFilter(search), limit: count, offset: 0, countLimit: 0 })).rows;
}

/** How many entries an export of the search holds, and whether EXPORT_MAX_ROWS cut it short. */
export async function exportSize(
  deps: Deps,
  search: BulletinSearch,
  max = EXPORT_MAX_ROWS,
): Promise<{ count: number; truncated: boolean }> {
  const { total } = await deps.store.listBulletin({ ...toStoreFilter(search), limit: 0, offset: 0, countLimit: max + 1 });
  return { count: Math.min(total, max), truncated: total > max };
}

/**
 * The entries of an export in batches, newest first, at most EXPORT_MAX_ROWS. Keyset paging
 * (each batch starts after the last entry of the one before), so memory stays one batch and a
 * late batch costs no more than the first.
 */
export async function* exportBatches(
  deps: Deps,
  search: BulletinSearch,
  { batch = EXPORT_BATCH, max = EXPORT_MAX_ROWS } = {},
): AsyncGenerator<BulletinEntry[]> {
  const filter = toStoreFilter(search);
  let after: { decidedAt: string; id: number } | undefined;
  let sent = 0;
  while (sent < max) {
    const limit = Math.min(batch, max - sent);
    const { rows } = await deps.store.listBulletin({ ...filter, limit, offset: 0, countLimit: 0, ...(after ? { after } : {}) });
    if (rows.length === 0) return;
    yield rows;
    sent += rows.length;
    if (rows.length < limit) return;
    const last = rows[rows.length - 1];
    after = { decidedAt: last.decidedAt, id: last.id };
  }
}

/** Categories and departments to choose from (categories of cancelled items too: old entries have them). */
export async function bulletinFilterChoices(deps: Deps) {
  const [items, departments] = await Promise.all([
    deps.store.listItems({ inForceOnly: false }),
    deps.store.listDepartments(),
  ]);
  const categories = [...new Set(items.filter((i) => i.resultsPublic).map((i) => i.category))].sort((a, b) =>
    a.localeCompare(b, 'zh-CN'),
  );
  return { categories, departments };
}

const namespaces = new WeakMap<Store, Promise<string>>();

/**
 * A random UUID made once per installation and kept in settings: feed and entry ids are UUIDv5
 * names under it, so they stay the same whatever host name the site is reached by, across
 * restarts, and differ from another center's.
 */
export function feedNamespace(deps: Deps): Promise<string> {
  let ns = namespaces.get(deps.store);
  if (!ns) {
    ns = deps.store.putSettingIfAbsent('bulletin_feed_namespace', crypto.randomUUID());
    ns.catch(() => namespaces.delete(deps.store));
    namespaces.set(deps.store, ns);
  }
  return ns;
}

/**
 * Merges the search index's pieces a bounded step at a time, yielding to requests between steps
 * (after start and every hour); returns the number of steps that did work.
 */
export async function compactSearchIndex(store: Store): Promise<number> {
  let steps = 0;
  while (await store.compactSearchIndex()) {
    steps++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return steps;
}
