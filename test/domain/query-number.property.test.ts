import fc from 'fast-check';
import { createQueryNo, formatQueryNo, normalizeQueryNo, parseQueryNo, QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH } from '../../src/domain/query-number';

const symbol = fc.constantFrom(...QUERY_NO_ALPHABET);
const body = fc.array(symbol, { minLength: QUERY_NO_BODY_LENGTH, maxLength: QUERY_NO_BODY_LENGTH }).map((a) => a.join(''));
const queryNo = body.map(createQueryNo);
/** Any text a visitor might paste: ASCII, full Unicode (well-formed) and raw UTF-16 with lone surrogates. */
const anyText = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-composite' }));

const RUNS = { numRuns: 300 };

describe('query number parser (properties)', () => {
  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.anything()), (input) => {
        const r = parseQueryNo(input);
        expect(typeof r.ok).toBe('boolean');
      }),
      RUNS,
    );
  });

  it('the fast paths give what the general ones give: normalising ASCII capitals and digits, printing with dashes', () => {
    const reference = (input: string) => {
      let v = input;
      for (let round = 0; round < 8; round++) {
        const next = v.normalize('NFKC').replace(/[\s\-‐‑‒–—―−_]/g, '').toUpperCase();
        if (next === v) break;
        v = next;
      }
      return v;
    };
    const asciiUpper = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') });
    fc.assert(
      fc.property(fc.oneof(anyText, asciiUpper, queryNo), (s) => {
        expect(normalizeQueryNo(s)).toBe(reference(s));
        expect(formatQueryNo(s)).toBe(s.replace(/(.{4})(?=.)/g, '$1-'));
      }),
      RUNS,
    );
  });

  it('normalisation is idempotent', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const once = normalizeQueryNo(s);
        expect(normalizeQueryNo(once)).toBe(once);
      }),
      RUNS,
    );
  });

  it('every generated number validates, also printed with dashes, in lower case or full-width', () => {
    fc.assert(
      fc.property(queryNo, (q) => {
        const fullWidth = [...q].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
        for (const form of [q, formatQueryNo(q), ` ${q.toLowerCase()} `, fullWidth]) {
          expect(parseQueryNo(form)).toEqual({ ok: true, queryNo: q });
        }
      }),
      RUNS,
    );
  });

  it('any single substitution is rejected', () => {
    fc.assert(
      fc.property(queryNo, fc.nat({ max: 11 }), symbol, (q, i, c) => {
        fc.pre(q[i] !== c);
        const changed = q.slice(0, i) + c + q.slice(i + 1);
        expect(parseQueryNo(changed)).toEqual({ ok: false, problem: 'check' });
      }),
      RUNS,
    );
  });

  it('any swap of two different adjacent symbols is rejected', () => {
    fc.assert(
      fc.property(queryNo, fc.nat({ max: 10 }), (q, i) => {
        fc.pre(q[i] !== q[i + 1]);
        const swapped = q.slice(0, i) + q[i + 1] + q[i] + q.slice(i + 2);
        expect(parseQueryNo(swapped)).toEqual({ ok: false, problem: 'check' });
      }),
      RUNS,
    );
  });
});
