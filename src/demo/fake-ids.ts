/** Generated applicant identifiers for demo data: valid check characters, drawn from the demo PRNG. */
import { residentIdCheckChar, usccCheckChar } from '../domain/identity';

export function digits(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 10);
  return s;
}

export function fakeResidentId(rand: () => number): string {
  const year = 1960 + Math.floor(rand() * 40);
  const month = String(1 + Math.floor(rand() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
  const first17 = `330802${year}${month}${day}${digits(rand, 3)}`;
  return first17 + residentIdCheckChar(first17);
}

/**
 * 统一社会信用代码 (GB 32100-2015). `kind` is the 登记管理部门码 and 机构类别码: 91 企业 (工商), 12 事业单位
 * (机构编制), 31 律师事务所 (司法行政), 52 民办非企业单位 (民政), N2 村级集体经济组织 (农业).
 */
export function fakeCreditCode(rand: () => number, kind = '91', area = '330800'): string {
  const first17 = `${kind}${area}${digits(rand, 9)}`;
  return first17 + usccCheckChar(first17);
}

export function fakeMobile(rand: () => number): string {
  return `13${Math.floor(rand() * 10)}${digits(rand, 8)}`;
}

export function fakeLandline(rand: () => number): string {
  return `0570-${3 + Math.floor(rand() * 6)}${digits(rand, 6)}`;
}
