/**
 * 查询号: 11 random symbols + 1 check symbol over a 32-symbol alphabet without 0/O/1/I.
 *
 * The check symbol uses Damm's algorithm over the totally anti-symmetric quasigroup
 * x∘y = a·x ⊕ y on GF(32) (a = 2, modulus x⁵+x²+1). It catches every single substitution
 * and every swap of two adjacent symbols, which Luhn mod 32 does not (it misses 2↔Z).
 */
export const QUERY_NO_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const QUERY_NO_LENGTH = 12;
export const QUERY_NO_BODY_LENGTH = QUERY_NO_LENGTH - 1;

const GF_MODULUS = 0b100101;
const A = 2;

function gfMul(x: number, y: number): number {
  let result = 0;
  while (y > 0) {
    if (y & 1) result ^= x;
    y >>= 1;
    x <<= 1;
    if (x & 0b100000) x ^= GF_MODULUS;
  }
  return result;
}

const MUL_A: readonly number[] = Array.from({ length: 32 }, (_, i) => gfMul(A, i));
const VALUE_OF: ReadonlyMap<string, number> = new Map([...QUERY_NO_ALPHABET].map((c, i) => [c, i]));

function dammInterim(symbols: string): number {
  let interim = 0;
  for (const ch of symbols) interim = MUL_A[interim] ^ (VALUE_OF.get(ch) as number);
  return interim;
}

/** The check symbol that makes the Damm interim of body+check zero. */
export function checkSymbol(body: string): string {
  // interim ∘ c = a·interim ⊕ c = 0  ⇔  c = a·interim
  return QUERY_NO_ALPHABET[MUL_A[dammInterim(body)]];
}

/** Builds a full number from an 11-symbol random body (the caller supplies crypto-strong randomness). */
export function createQueryNo(body: string): string {
  if (body.length !== QUERY_NO_BODY_LENGTH || [...body].some((c) => !VALUE_OF.has(c))) {
    throw new Error('query number body must be 11 symbols of the alphabet');
  }
  return body + checkSymbol(body);
}

/**
 * Trim, full-width → half-width, drop spaces and dashes, upper-case. Repeated to a fixed point:
 * upper-casing can decompose a letter (ῒ → Ϊ̀) and dropping a dash can bring a mark next to a letter,
 * so one pass is not always idempotent (found by the property tests).
 */
/** Already normal: ASCII digits and capitals are left alone by NFKC, the separators and upper-casing. */
const NORMAL_ASCII = /^[0-9A-Z]*$/;

export function normalizeQueryNo(input: string): string {
  if (NORMAL_ASCII.test(input)) return input;
  let s = input;
  for (let round = 0; round < 8; round++) {
    const next = s
      .normalize('NFKC')
      .replace(/[\s\-‐‑‒–—―−_]/g, '')
      .toUpperCase();
    if (next === s) break;
    s = next;
  }
  return s;
}

export type QueryNoProblem = 'empty' | 'length' | 'character' | 'check';
export type ParsedQueryNo = { ok: true; queryNo: string } | { ok: false; problem: QueryNoProblem };

export function parseQueryNo(input: unknown): ParsedQueryNo {
  if (typeof input !== 'string') return { ok: false, problem: 'empty' };
  const normalized = normalizeQueryNo(input);
  if (normalized.length === 0) return { ok: false, problem: 'empty' };
  if ([...normalized].some((c) => !VALUE_OF.has(c))) return { ok: false, problem: 'character' };
  if (normalized.length !== QUERY_NO_LENGTH) return { ok: false, problem: 'length' };
  if (dammInterim(normalized) !== 0) return { ok: false, problem: 'check' };
  return { ok: true, queryNo: normalized };
}

export function isValidQueryNo(input: string): boolean {
  return parseQueryNo(input).ok;
}

/** XXXX-XXXX-XXXX, the way the number is printed and shown. */
export function formatQueryNo(queryNo: string): string {
  if (queryNo.length === 12 && NORMAL_ASCII.test(queryNo)) {
    return `${queryNo.slice(0, 4)}-${queryNo.slice(4, 8)}-${queryNo.slice(8)}`;
  }
  return queryNo.replace(/(.{4})(?=.)/g, '$1-');
}
