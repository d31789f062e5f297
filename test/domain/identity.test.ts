import {
  isValidCreditCode,
  isValidPhone,
  isValidResidentId,
  normalizeIdentifier,
  residentIdCheckChar,
  usccCheckChar,
} from '../../src/domain/identity';

/** A valid 18-digit 公民身份号码 built from area code, birth date and sequence. */
function residentId(area: string, birth: string, seq: string): string {
  const first17 = area + birth + seq;
  return first17 + residentIdCheckChar(first17);
}

/** The same number with a different (wrong) check character. */
function withWrongCheck(id: string): string {
  const right = id[17];
  const wrong = '0123456789X'.split('').find((c) => c !== right)!;
  return id.slice(0, 17) + wrong;
}

/** Independent reference: Σ(2^(17-i) mod 11 · dᵢ) mod 11 → (12 - r) mod 11, 10 written X. */
function residentIdCheckCharRef(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (2 ** (17 - i) % 11) * Number(first17[i]);
  const v = (12 - (sum % 11)) % 11;
  return v === 10 ? 'X' : String(v);
}

const CREDIT_CODE = '11330800MB0R57773W';
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

describe('residentIdCheckChar (GB 11643-1999, ISO 7064 MOD 11-2)', () => {
  it.each([
    // The worked examples of GB 11643-1999; expected values recomputed independently (Python).
    ['11010519491231002', 'X'],
    ['44052418800101001', '4'],
    ['11010119900307803', 'X'],
    ['33080219850615123', residentIdCheckCharRef('33080219850615123')],
    ['33110219691231214', residentIdCheckCharRef('33110219691231214')],
    ['11010120000229001', residentIdCheckCharRef('11010120000229001')],
  ])('residentIdCheckChar(%s) is %s', (first17, check) => {
    expect(residentIdCheckChar(first17)).toBe(check);
  });
});

describe('isValidResidentId', () => {
  it.each([
    ['the standard example with X', '11010519491231002X'],
    ['an ordinary number', residentId('330802', '19850615', '123')],
    ['born on 29 Feb of a leap year', residentId('330802', '20000229', '001')],
    ['born on 29 Feb 2024', residentId('330802', '20240229', '002')],
    ['born on 31 Dec', residentId('331102', '19691231', '214')],
    ['born on 1 Jan 1900', residentId('110101', '19000101', '005')],
    ['born on 31 Jan', residentId('110101', '19900131', '005')],
  ])('when it is %s (%s), then it is valid', (_label, id) => {
    expect(isValidResidentId(id)).toBe(true);
  });

  it.each([
    ['a wrong check character', withWrongCheck(residentId('330802', '19850615', '123'))],
    ['the standard example with 0 instead of X', '110105194912310020'],
    ['lower-case x (not normalized)', '11010519491231002x'],
    ['30 February', residentId('330802', '19900230', '123')],
    ['29 February of a common year', residentId('330802', '20230229', '123')],
    ['29 February 1900 (not a leap year)', residentId('330802', '19000229', '123')],
    ['31 April', residentId('330802', '19900431', '123')],
    ['31 June', residentId('330802', '19900631', '123')],
    ['month 13', residentId('330802', '19901301', '123')],
    ['month 00', residentId('330802', '19900001', '123')],
    ['day 00', residentId('330802', '19900100', '123')],
    ['day 32', residentId('330802', '19900132', '123')],
    ['a year before 1900', residentId('440524', '18800101', '001')],
    ['17 digits', '11010519491231002'],
    ['19 characters', '11010519491231002X0'],
    ['15 digits (first-generation card)', '110105491231002'],
    ['X in the middle', '1101051949123X0022'],
    ['a letter in the middle', '11010519491231A02X'],
    ['spaces', '110105 19491231 002X'],
    ['empty', ''],
  ])('when it has %s (%j), then it is invalid', (_label, id) => {
    expect(isValidResidentId(id)).toBe(false);
  });

  it.each(Array.from({ length: 17 }, (_, pos) => pos))(
    'when digit %i of a valid number is changed, then the check catches it',
    (pos) => {
      const id = '11010519491231002X';
      for (const d of '0123456789') {
        if (d === id[pos]) continue;
        const bad = id.slice(0, pos) + d + id.slice(pos + 1);
        // Some changes also break the birth date; either way the number is refused.
        expect(isValidResidentId(bad)).toBe(false);
      }
    },
  );
});

describe('unified social credit code (GB 32100-2015)', () => {
  it('the center code 11330800MB0R57773W is valid', () => {
    expect(isValidCreditCode(CREDIT_CODE)).toBe(true);
    expect(usccCheckChar(CREDIT_CODE.slice(0, 17))).toBe('W');
  });

  it.each(Array.from({ length: 18 }, (_, pos) => pos))(
    'when character %i is changed to any other symbol, then the code is invalid',
    (pos) => {
      for (const c of USCC_ALPHABET) {
        if (c === CREDIT_CODE[pos]) continue;
        const bad = CREDIT_CODE.slice(0, pos) + c + CREDIT_CODE.slice(pos + 1);
        if (isValidCreditCode(bad)) throw new Error(`not caught: ${bad}`);
      }
    },
  );

  it.each([
    ['one character short', CREDIT_CODE.slice(0, 17)],
    ['one character too many', CREDIT_CODE + '0'],
    ['lower case', CREDIT_CODE.toLowerCase()],
    ['a letter I (not in the alphabet)', CREDIT_CODE.slice(0, 8) + 'I' + CREDIT_CODE.slice(9)],
    ['a letter O (not in the alphabet)', CREDIT_CODE.slice(0, 8) + 'O' + CREDIT_CODE.slice(9)],
    ['a letter Z (not in the alphabet)', CREDIT_CODE.slice(0, 17) + 'Z'],
    ['a letter S (not in the alphabet)', CREDIT_CODE.slice(0, 17) + 'S'],
    ['a space', CREDIT_CODE.slice(0, 8) + ' ' + CREDIT_CODE.slice(9)],
    ['empty', ''],
  ])('when it is %s (%j), then it is invalid', (_label, code) => {
    expect(isValidCreditCode(code)).toBe(false);
  });

  it('every 17-symbol prefix gets a check character that validates', () => {
    for (const c of USCC_ALPHABET) {
      const first17 = '9133' + c + '0MA2' + c + 'X3K4L' + c + '1';
      expect(first17).toHaveLength(17);
      expect(isValidCreditCode(first17 + usccCheckChar(first17))).toBe(true);
    }
  });
});

describe('isValidPhone', () => {
  it.each([
    ['a mobile number', '13812345678'],
    ['a mobile number starting 19', '19912345678'],
    ['a mobile number starting 15', '15057812345'],
    ['a landline with a dash, 4-digit area code', '0578-2123456'],
    ['a landline without a dash, 4-digit area code', '05782123456'],
    ['a landline with a dash, 3-digit area code', '010-12345678'],
    ['a landline without a dash, 3-digit area code', '01012345678'],
    ['a landline with an 8-digit number', '0571-87654321'],
    ['a landline with an extension', '0571-87654321-8001'],
  ])('when it is %s (%s), then it is valid', (_label, phone) => {
    expect(isValidPhone(phone)).toBe(true);
  });

  it.each([
    ['a mobile number starting 12', '12812345678'],
    ['a mobile number starting 10', '10812345678'],
    ['10 digits', '1381234567'],
    ['12 digits', '138123456789'],
    ['a country code', '+8613812345678'],
    ['spaces', '138 1234 5678'],
    ['a mobile number with dashes', '138-1234-5678'],
    ['a landline without area code', '87654321'],
    ['a landline area code without leading 0', '571-87654321'],
    ['a landline with a 6-digit number', '0571-876543'],
    ['a landline with a 9-digit number', '0571-876543210'],
    ['a landline with a 7-digit extension', '0571-87654321-1234567'],
    ['letters', '0571-8765432A'],
    ['full-width digits (not normalized)', '１３８１２３４５６７８'],
    ['empty', ''],
  ])('when it is %s (%j), then it is invalid', (_label, phone) => {
    expect(isValidPhone(phone)).toBe(false);
  });
});

describe('normalizeIdentifier', () => {
  it.each([
    [' 11010519491231002x ', '11010519491231002X'],
    ['１１０１０５１９４９１２３１００２Ｘ', '11010519491231002X'],
    ['110105 1949 1231 002x', '11010519491231002X'],
    ['11330800mb0r57773w', CREDIT_CODE],
    ['１３８\u3000１２３４\u3000５６７８', '13812345678'],
  ])('normalizeIdentifier(%j) is %j', (input, out) => {
    expect(normalizeIdentifier(input)).toBe(out);
  });

  it('a normalized lower-case x resident ID is valid', () => {
    expect(isValidResidentId(normalizeIdentifier('11010519491231002x'))).toBe(true);
  });
});
