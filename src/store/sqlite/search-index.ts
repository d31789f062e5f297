/**
 * The SQLite bulletin search index (migration 004, rebuilt by 014): one FTS5 table of overlapping
 * character bigrams, kept in step with bulletin_entries by triggers that call the functions
 * registered here.
 *
 * Why bigrams and not FTS5's trigram tokenizer: trigram cannot match 2-character terms (取水,
 * 土地) through the index. With bigrams, a 2-character keyword is one token and a longer one is a
 * phrase of its overlapping bigrams at consecutive positions, which is exactly a substring match,
 * so one index serves every keyword length. Each bigram is written as an ASCII token (base 36 code
 * points) so FTS5's plain `ascii` tokenizer never splits or folds it.
 *
 * Why the rowid is an order key, not the entry id: the entry's search_key is decided_at (ms) × 2^20
 * + (id mod 2^20), and the FTS rowid is -search_key (migration 014), so FTS5 hands out matches newest
 * first in its forward order and stops after one page (backwards, it loads each term's whole doclist
 * first), and a date range [low, high) of keys is the rowid range (-high, -low]. Category and
 * department are tag tokens in their own column, so every filter is answered by the one index
 * without touching the entries table.
 */
import type Database from 'better-sqlite3';
import { searchSegments } from '../../domain/search-text';

const KEY_SHIFT = 1n << 20n;
/** Outside every key: 2^63 - 1 and -(2^63 - 1). */
export const KEY_MAX = (1n << 63n) - 1n;
export const KEY_MIN = -KEY_MAX;
/** Between segments, so a phrase never spans two of them. Not a bigram token (those have 8 characters). */
const SEGMENT_BREAK = 'x';

function codePointToken(ch: string): string {
  return (ch.codePointAt(0) as number).toString(36).padStart(4, '0');
}

function segmentBigrams(segment: string): string[] {
  const chars = [...segment].map(codePointToken);
  const grams: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i] + chars[i + 1]);
  return grams;
}

/** Index text of one field: bigram tokens separated by spaces. Null and masked names give ''. */
export function searchGrams(text: string | null): string {
  if (text === null) return '';
  const out: string[] = [];
  for (const segment of searchSegments(text)) {
    const grams = segmentBigrams(segment);
    if (grams.length === 0) continue;
    if (out.length) out.push(SEGMENT_BREAK);
    out.push(...grams);
  }
  return out.join(' ');
}

export function categoryTag(category: string): string {
  return 'c' + [...category.normalize('NFC')].map(codePointToken).join('');
}

export function departmentTag(departmentId: number): string {
  return `d${departmentId}`;
}

function searchTags(category: string, departmentId: number): string {
  return `${categoryTag(category)} ${departmentTag(departmentId)}`;
}

function instantMs(iso: string): bigint {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`not an ISO-8601 instant: ${iso}`);
  return BigInt(ms);
}

/** Bulletin order as one integer: later decisions have larger keys; ties by id. */
export function bulletinOrderKey(decidedAt: string, id: number | bigint): bigint {
  return instantMs(decidedAt) * KEY_SHIFT + (BigInt(id) % KEY_SHIFT);
}

/** The smallest key of any entry decided at or after the instant. */
export function instantKey(iso: string): bigint {
  return instantMs(iso) * KEY_SHIFT;
}

const TEXT_COLUMNS = '{item_name applicant project decision_no}';

/**
 * FTS5 MATCH expression for keywords (each a phrase of its bigrams), category and department tag.
 * Tokens are [0-9a-z] only, so the expression needs no escaping.
 */
export function matchExpression(keywords: string[], category?: string, departmentId?: number): string {
  const parts: string[] = [];
  for (const keyword of keywords) {
    const segments = searchSegments(keyword);
    if (segments.length === 0) throw new RangeError('a keyword needs at least two characters');
    for (const segment of segments) {
      const grams = segmentBigrams(segment);
      if (grams.length === 0) throw new RangeError('a keyword needs at least two characters');
      parts.push(`${TEXT_COLUMNS} : "${grams.join(' ')}"`);
    }
  }
  if (category !== undefined) parts.push(`{tags} : ${categoryTag(category)}`);
  if (departmentId !== undefined) parts.push(`{tags} : ${departmentTag(departmentId)}`);
  if (parts.length === 0) throw new RangeError('nothing to match');
  return parts.join(' AND ');
}

/**
 * Registered on every connection before migrating: the triggers and backfills of migrations 004 and
 * 014 call them. (A connection without them, such as the sqlite3 shell, can read but not write bulletin
 * entries; that refusal is deliberate, so the index cannot silently fall behind.)
 */
export function registerSearchFunctions(db: Database.Database): void {
  db.function('bjt_search_grams', { deterministic: true }, (text: unknown) =>
    searchGrams(typeof text === 'string' ? text : null),
  );
  db.function('bjt_search_tags', { deterministic: true }, (category: unknown, departmentId: unknown) =>
    searchTags(String(category), Number(departmentId)),
  );
  db.function('bjt_bulletin_key', { deterministic: true, safeIntegers: true }, (decidedAt: unknown, id: unknown) =>
    bulletinOrderKey(String(decidedAt), id as bigint),
  );
}
