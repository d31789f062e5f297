import { beijingDate } from '../domain/beijing-time';
import type { ItemGuide } from '../domain/catalog';
import { NotFoundError } from '../domain/errors';
import type { Item } from '../domain/model';
import type { ItemSearchResult } from '../store/store';
import type { Deps } from './deps';

/** Today's Beijing calendar day by the injected clock: the day cancellations are checked against. */
export function today(deps: Deps): string {
  return beijingDate(deps.clock.now());
}

/** Search input → terms: full-width to half-width, split on spaces, at most 5 terms of 40 characters. */
export function searchTerms(q: string): string[] {
  return q
    .normalize('NFKC')
    .split(/\s+/)
    .map((t) => [...t].slice(0, 40).join(''))
    .filter(Boolean)
    .slice(0, 5);
}

export async function searchCatalog(
  deps: Deps,
  f: { q: string; departmentId?: number; category?: string; page: number; pageSize: number },
): Promise<ItemSearchResult> {
  return deps.store.searchItems({
    terms: searchTerms(f.q),
    departmentId: f.departmentId,
    category: f.category,
    onDate: today(deps),
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
}

export async function itemsInForce(deps: Deps, departmentId?: number): Promise<Item[]> {
  return deps.store.listItems({ inForceOnly: true, departmentId, onDate: today(deps) });
}

export async function findItemGuide(deps: Deps, code: string): Promise<ItemGuide> {
  const guide = /^[A-Za-z0-9_-]{1,40}$/.test(code) ? await deps.store.findItemGuide(code) : null;
  if (!guide) throw new NotFoundError('item_not_found', '没有这个审批事项');
  return guide;
}
