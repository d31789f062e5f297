/** Checks of the identifiers an applicant gives, so typos are caught at the window. */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** 公民身份号码 (GB 11643-1999): 17 digits, a real birth date, and the ISO 7064 MOD 11-2 check. */
export function isValidResidentId(value: string): boolean {
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(value[i]), 0);
  return ID_CHECK[sum % 11] === value[17];
}

export function residentIdCheckChar(first17: string): string {
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return ID_CHECK[sum % 11];
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckChar(first17: string): string {
  const sum = USCC_WEIGHTS.reduce((acc, w, i) => acc + w * USCC_ALPHABET.indexOf(first17[i]), 0);
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** 统一社会信用代码 (GB 32100-2015): 18 symbols, MOD 31 check. */
export function isValidCreditCode(value: string): boolean {
  if (value.length !== 18 || [...value].some((c) => !USCC_ALPHABET.includes(c))) return false;
  return usccCheckChar(value.slice(0, 17)) === value[17];
}

/** 手机 (11 digits) or 固定电话 with area code, dashes optional. */
export function isValidPhone(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value) || /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/.test(value);
}

export function normalizeIdentifier(value: string): string {
  return value.normalize('NFKC').replace(/\s/g, '').toUpperCase();
}
