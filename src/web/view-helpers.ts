import type { Request } from 'express';
import type { Config } from '../config';

/** The public lookup address printed on documents and in QR codes. */
export function lookupUrlFor(config: Config, req: Request, queryNo: string): string {
  const origin = config.publicUrl ?? `${req.protocol}://${req.get('host')}`;
  return `${origin}/lookup?no=${queryNo}`;
}

export interface Pager {
  page: number;
  pages: number;
  total: number;
  prevHref: string | null;
  nextHref: string | null;
}

/** Links for a paginated list; `base` may already carry a query string (filters). */
export function pagination(page: number, pageSize: number, total: number, base: string): Pager {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const sep = base.includes('?') ? '&' : '?';
  const href = (p: number) => `${base}${sep}page=${p}`;
  return {
    page,
    pages,
    total,
    prevHref: page > 1 ? href(Math.min(page - 1, pages)) : null,
    nextHref: page < pages ? href(page + 1) : null,
  };
}
