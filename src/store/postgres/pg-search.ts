/**
 * The PostgreSQL bulletin search: two columns of bulletin_entries written by the store with each
 * entry (and rewritten when its item is renamed), with the same matching rules as the SQLite FTS5
 * bigram index (src/store/sqlite/search-index.ts), so both adapters return the same entries.
 *
 * search_text is the normalized text of the searchable fields (item name, stored applicant name,
 * project, decision number) joined by newlines. A keyword segment never contains whitespace or `*`
 * (they separate segments), so `search_text LIKE '%segment%'` is exactly "the segment occurs in
 * one field's segment": the SQLite phrase match.
 *
 * search_grams holds the distinct character bigrams of those segments, under a GIN index: a
 * keyword's bigrams must all be there (`@>`), which the index answers for every keyword length,
 * 2-character terms (取水, 土地) included; pg_trgm cannot, as a 2-character pattern has no
 * trigram. The LIKE then keeps only exact substring matches. Terms of 3+ characters can also be
 * answered by the pg_trgm index on search_text; the planner picks.
 */
import { normalizeSearchText, searchSegments } from '../../domain/search-text';

function bigrams(segment: string): string[] {
  const chars = [...segment];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

export interface BulletinSearchFields {
  itemName: string;
  applicantName: string;
  projectName: string | null;
  decisionNo: string;
}

/** The two index columns of one entry. */
export function bulletinSearchDoc(f: BulletinSearchFields): { text: string; grams: string[] } {
  const fields = [f.itemName, f.applicantName, f.projectName, f.decisionNo].filter((v): v is string => v !== null);
  const grams = new Set<string>();
  for (const field of fields) for (const segment of searchSegments(field)) for (const g of bigrams(segment)) grams.add(g);
  return { text: fields.map((v) => normalizeSearchText(v)).join('\n'), grams: [...grams].sort() };
}

/** `%segment%` with LIKE's own characters taken literally (PostgreSQL's default escape is `\`). */
export function containsPattern(segment: string): string {
  return `%${segment.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The segments each keyword must match, and all their bigrams; throws like the SQLite
 * matchExpression for a keyword with a segment shorter than two characters.
 */
export function keywordTerms(keywords: string[]): { patterns: string[]; grams: string[] } {
  const patterns: string[] = [];
  const grams = new Set<string>();
  for (const keyword of keywords) {
    const segments = searchSegments(keyword);
    if (segments.length === 0) throw new RangeError('a keyword needs at least two characters');
    for (const segment of segments) {
      const g = bigrams(segment);
      if (g.length === 0) throw new RangeError('a keyword needs at least two characters');
      g.forEach((x) => grams.add(x));
      patterns.push(containsPattern(segment));
    }
  }
  return { patterns, grams: [...grams].sort() };
}
