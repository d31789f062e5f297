/**
 * What of an applicant the public may see (《行政许可法》第五条: 个人隐私).
 * Persons: first character, then one * per remaining character. Organizations: in full.
 */
export type ApplicantKind = 'person' | 'organization';

export function maskPersonName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(chars.length - 1);
}

export function publicApplicantName(kind: ApplicantKind, name: string): string {
  return kind === 'organization' ? name.trim() : maskPersonName(name);
}
