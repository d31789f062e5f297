import {
  QUERY_NO_ALPHABET,
  QUERY_NO_BODY_LENGTH,
  QUERY_NO_LENGTH,
  checkSymbol,
  createQueryNo,
  formatQueryNo,
  isValidQueryNo,
  normalizeQueryNo,
  parseQueryNo,
} from '../../src/domain/query-number';

/** mulberry32: a tiny seeded PRNG so the "random" bodies are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBodies(count: number, seed: number): string[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: QUERY_NO_BODY_LENGTH }, () => QUERY_NO_ALPHABET[Math.floor(rand() * 32)]).join(''),
  );
}

const BODIES = randomBodies(300, 20240601);
const NUMBERS = BODIES.map(createQueryNo);
const ALPHABET = [...QUERY_NO_ALPHABET];

function substitute(s: string, pos: number, ch: string): string {
  return s.slice(0, pos) + ch + s.slice(pos + 1);
}
function swapAt(s: string, pos: number): string {
  return s.slice(0, pos) + s[pos + 1] + s[pos] + s.slice(pos + 2);
}

/** Luhn mod N (N = 32), only to show the swap harness below is not vacuous. */
function luhnMod32CheckValue(symbols: string): number {
  let factor = 2;
  let sum = 0;
  for (let i = symbols.length - 1; i >= 0; i--) {
    let addend = factor * QUERY_NO_ALPHABET.indexOf(symbols[i]);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / 32) + (addend % 32);
    sum += addend;
  }
  return (32 - (sum % 32)) % 32;
}

describe('the alphabet', () => {
  it('has 32 distinct symbols and none of 0, O, 1, I', () => {
    expect(QUERY_NO_ALPHABET).toHaveLength(32);
    expect(new Set(ALPHABET).size).toBe(32);
    for (const c of '0O1I') expect(QUERY_NO_ALPHABET).not.toContain(c);
    expect(QUERY_NO_LENGTH).toBe(12);
    expect(QUERY_NO_BODY_LENGTH).toBe(11);
  });
});

describe('createQueryNo', () => {
  it.each(BODIES.slice(0, 20))('when the body is %s, then the number is body + checkSymbol and valid', (body) => {
    const no = createQueryNo(body);
    expect(no).toHaveLength(12);
    expect(no.slice(0, 11)).toBe(body);
    expect(no[11]).toBe(checkSymbol(body));
    expect(QUERY_NO_ALPHABET).toContain(no[11]);
    expect(parseQueryNo(no)).toEqual({ ok: true, queryNo: no });
    expect(isValidQueryNo(no)).toBe(true);
  });

  it.each([
    ['too short', 'ABCDEFGHJK'],
    ['too long', 'ABCDEFGHJKLM'],
    ['empty', ''],
    ['contains 0', 'ABCDEFGHJK0'],
    ['contains O', 'ABCDEFGHJKO'],
    ['contains 1', 'ABCDEFGHJK1'],
    ['contains I', 'ABCDEFGHJKI'],
    ['lower case', 'abcdefghjkl'],
    ['contains a dash', 'ABCD-EFGHJK'],
  ])('when the body is %s (%j), then it throws', (_label, body) => {
    expect(() => createQueryNo(body)).toThrow(/11 symbols/);
  });

  it.each([
    // Computed independently (Python, GF(32) mod x⁵+x²+1, a = 2). Pinned so a change of the check algorithm (which would void printed receipts) is noticed.
    ['22222222222', '2'],
    ['ZZZZZZZZZZZ', 'M'],
    ['23456789ABC', 'N'],
    ['ABCDEFGHJKL', 'C'],
    ['ABCD2345WXY', 'M'],
  ])('when the body is %s, then the check symbol is %s', (body, check) => {
    expect(checkSymbol(body)).toBe(check);
    expect(createQueryNo(body)).toBe(body + check);
  });

  it('gives a check symbol of the alphabet for every single-symbol body', () => {
    for (const c of ALPHABET) expect(QUERY_NO_ALPHABET).toContain(checkSymbol(c));
  });
});

describe('the check symbol catches every single substitution (300 seeded random numbers)', () => {
  it.each(Array.from({ length: QUERY_NO_LENGTH }, (_, pos) => pos))(
    'when position %i is replaced by any other symbol, then parseQueryNo says check',
    (pos) => {
      let tried = 0;
      for (const no of NUMBERS) {
        for (const ch of ALPHABET) {
          if (ch === no[pos]) continue;
          const bad = substitute(no, pos, ch);
          const parsed = parseQueryNo(bad);
          if (parsed.ok || parsed.problem !== 'check') {
            throw new Error(`substitution not caught: ${no} → ${bad} (${JSON.stringify(parsed)})`);
          }
          tried++;
        }
      }
      expect(tried).toBe(NUMBERS.length * 31);
    },
  );
});

describe('the check symbol catches every swap of two adjacent different symbols (300 seeded random numbers)', () => {
  it.each(Array.from({ length: QUERY_NO_LENGTH - 1 }, (_, pos) => pos))(
    'when position %i and the next one are swapped, then parseQueryNo says check',
    (pos) => {
      let tried = 0;
      for (const no of NUMBERS) {
        if (no[pos] === no[pos + 1]) continue;
        const bad = swapAt(no, pos);
        const parsed = parseQueryNo(bad);
        if (parsed.ok || parsed.problem !== 'check') {
          throw new Error(`swap not caught: ${no} → ${bad} (${JSON.stringify(parsed)})`);
        }
        tried++;
      }
      expect(tried).toBeGreaterThan(250);
    },
  );
});

describe('every pair of adjacent symbols at every position (exhaustive 32×32 for fixed bodies)', () => {
  const FIXED_BODIES = ['22222222222', 'ZZZZZZZZZZZ', '23456789ABC', 'HJKLMNPQRST', BODIES[0]];

  it.each(FIXED_BODIES)('when the body is %s, then every planted pair and its swap are told apart', (body) => {
    let swaps = 0;
    for (let pos = 0; pos < QUERY_NO_BODY_LENGTH - 1; pos++) {
      for (const x of ALPHABET) {
        for (const y of ALPHABET) {
          const planted = body.slice(0, pos) + x + y + body.slice(pos + 2);
          const no = createQueryNo(planted);
          // Plain checks inside the loop: 50 000 expect() calls would cost seconds.
          if (!isValidQueryNo(no)) throw new Error(`own number rejected: ${no}`);
          if (x === y) continue;
          const parsed = parseQueryNo(swapAt(no, pos));
          if (parsed.ok || parsed.problem !== 'check') {
            throw new Error(`swap not caught at ${pos}: ${no} (${x}↔${y})`);
          }
          swaps++;
        }
      }
    }
    expect(swaps).toBe((QUERY_NO_BODY_LENGTH - 1) * 32 * 31);
  });

  it.each(FIXED_BODIES)('when the body is %s, then swapping the last body symbol with the check symbol is caught', (body) => {
    let swaps = 0;
    for (const x of ALPHABET) {
      const no = createQueryNo(body.slice(0, 10) + x);
      if (no[10] === no[11]) continue;
      expect(parseQueryNo(swapAt(no, 10))).toEqual({ ok: false, problem: 'check' });
      swaps++;
    }
    expect(swaps).toBeGreaterThan(0);
  });
});

describe('the 2↔Z swap that Luhn mod 32 misses', () => {
  it('Luhn mod 32 really misses it (the harness would notice a weak check)', () => {
    const a = '2Z345678ABC';
    const b = 'Z2345678ABC';
    expect(luhnMod32CheckValue(a)).toBe(luhnMod32CheckValue(b));
  });

  it.each(Array.from({ length: QUERY_NO_BODY_LENGTH - 1 }, (_, pos) => pos))(
    'when 2 and Z stand at position %i and the next one and are swapped, then the check catches it',
    (pos) => {
      for (const [x, y] of [
        ['2', 'Z'],
        ['Z', '2'],
      ]) {
        const body = 'ABCDEFGHJKL'.slice(0, pos) + x + y + 'ABCDEFGHJKL'.slice(pos + 2);
        const no = createQueryNo(body);
        expect(parseQueryNo(swapAt(no, pos))).toEqual({ ok: false, problem: 'check' });
      }
    },
  );
});

describe('normalizeQueryNo and parseQueryNo accept the ways people type a valid number', () => {
  const NO = createQueryNo('ABCD2345WXY');
  const grouped = formatQueryNo(NO);
  const [g1, g2, g3] = grouped.split('-');
  const fullWidth = (s: string) =>
    [...s].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');

  it.each([
    ['as printed', grouped],
    ['plain', NO],
    ['lower case', NO.toLowerCase()],
    ['mixed case', grouped.slice(0, 7).toLowerCase() + grouped.slice(7)],
    ['spaces between groups', `${g1} ${g2} ${g3}`],
    ['spaces everywhere', [...NO].join(' ')],
    ['hyphen-minus', `${g1}-${g2}-${g3}`],
    ['en dash', `${g1}–${g2}–${g3}`],
    ['em dash', `${g1}—${g2}—${g3}`],
    ['minus sign', `${g1}−${g2}−${g3}`],
    ['full-width hyphen', `${g1}－${g2}－${g3}`],
    ['full-width letters and digits', fullWidth(NO)],
    ['full-width lower case', fullWidth(NO.toLowerCase())],
    ['full-width groups ＡＢＣＤ and ２３４５', `ＡＢＣＤ-２３４５-${g3}`],
    ['ideographic space', `${g1}\u3000${g2}\u3000${g3}`],
    ['leading and trailing whitespace', ` \t${grouped}\n `],
    ['leading and trailing ideographic space', `\u3000${grouped}\u3000`],
    ['tab and no-break space', `${g1}\t${g2}\u00a0${g3}`],
  ])('when typed %s (%j), then it is accepted as the canonical number', (_label, input) => {
    expect(normalizeQueryNo(input)).toBe(NO);
    expect(parseQueryNo(input)).toEqual({ ok: true, queryNo: NO });
  });

  it.each([
    ['ａｂｃｄ', 'ABCD'],
    ['ＡＢＣＤ', 'ABCD'],
    ['２３４', '234'],
    ['  ab-cd  ', 'ABCD'],
    ['ab\u3000cd', 'ABCD'],
    ['a–b—c−d-e', 'ABCDE'],
    ['', ''],
    ['   ', ''],
  ])('normalizeQueryNo(%j) is %j', (input, out) => {
    expect(normalizeQueryNo(input)).toBe(out);
  });
});

describe('parseQueryNo names the problem', () => {
  const NO = createQueryNo('ABCD2345WXY');
  const badCheck = substitute(NO, 11, NO[11] === '2' ? '3' : '2');

  it.each<[string, unknown, string]>([
    ['empty string', '', 'empty'],
    ['only spaces', '   ', 'empty'],
    ['only dashes', '--–—', 'empty'],
    ['only ideographic spaces', '\u3000\u3000', 'empty'],
    ['undefined', undefined, 'empty'],
    ['null', null, 'empty'],
    ['a number', 123456789012, 'empty'],
    ['an object', { queryNo: NO }, 'empty'],
    ['an array', [NO], 'empty'],
    ['contains 0', substitute(NO, 3, '0'), 'character'],
    ['contains O', substitute(NO, 3, 'O'), 'character'],
    ['contains lower-case o', substitute(NO, 3, 'o'), 'character'],
    ['contains 1', substitute(NO, 3, '1'), 'character'],
    ['contains I', substitute(NO, 3, 'I'), 'character'],
    ['contains lower-case i', substitute(NO, 3, 'i'), 'character'],
    ['contains a full-width Ｏ', substitute(NO, 3, 'Ｏ'), 'character'],
    ['contains punctuation', substitute(NO, 3, '.'), 'character'],
    ['contains a Chinese character', `查询${NO}`, 'character'],
    ['contains 0 and is short', '0ABC', 'character'],
    ['too short by one', NO.slice(0, 11), 'length'],
    ['too long by one', NO + 'A', 'length'],
    ['a single symbol', 'A', 'length'],
    ['twice the number', NO + NO, 'length'],
    ['bad check symbol', badCheck, 'check'],
    ['bad check symbol, grouped', formatQueryNo(badCheck), 'check'],
  ])('[%s] when the input is %p, then the problem is %p', (_label, input, problem) => {
    expect(parseQueryNo(input)).toEqual({ ok: false, problem });
    if (typeof input === 'string') expect(isValidQueryNo(input)).toBe(false);
  });
});

describe('formatQueryNo', () => {
  it.each([
    ['ABCD2345WXYZ', 'ABCD-2345-WXYZ'],
    [createQueryNo('22222222222'), '2222-2222-2222'],
    [NUMBERS[0], `${NUMBERS[0].slice(0, 4)}-${NUMBERS[0].slice(4, 8)}-${NUMBERS[0].slice(8)}`],
  ])('formatQueryNo(%s) is %s', (no, out) => {
    expect(formatQueryNo(no)).toBe(out);
    expect(formatQueryNo(no)).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
  });

  it.each(NUMBERS.slice(0, 10))('when %s is formatted and parsed again, then it round-trips', (no) => {
    expect(parseQueryNo(formatQueryNo(no))).toEqual({ ok: true, queryNo: no });
  });
});
