/**
 * How bulletin text and search keywords are compared, in one place for the index and the query.
 * Keywords are substrings; these rules only make equivalent spellings meet.
 */

/** A keyword must have at least this many characters: the index is built from character pairs. */
export const MIN_KEYWORD_CHARS = 2;
export const MAX_KEYWORD_CHARS = 40;
export const MAX_KEYWORDS = 5;

/**
 * Whitespace separates keywords; `*` is the mask of a person's name (张** ← 张三丰), so it is never
 * part of a match and masked names contribute nothing searchable (《行政许可法》第五条: 个人隐私).
 */
const SEPARATORS = /[\s*]+/u;

// Decision numbers are typed with whatever brackets are at hand: 衢水许〔2026〕088号, [2026], (2026), 【2026】.
const OPENING = /[〔【[(]/gu;
const CLOSING = /[〕】\])]/gu;

/** Full-width to half-width (NFKC), lower case, one bracket shape. */
export function normalizeSearchText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(OPENING, '〔').replace(CLOSING, '〕');
}

/** Normalized runs of searchable characters, in order. */
export function searchSegments(text: string): string[] {
  return normalizeSearchText(text)
    .split(SEPARATORS)
    .filter((s) => s.length > 0);
}

/** The distinct keywords of a search box entry, normalized, in the order typed. */
export function splitKeywords(q: string): string[] {
  return [...new Set(searchSegments(q))];
}

export function keywordLength(keyword: string): number {
  return [...keyword].length;
}
