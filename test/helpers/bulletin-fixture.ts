import type { Item } from '../../src/domain/model';
import { publicApplicantName, type ApplicantKind } from '../../src/domain/masking';
import { clockOf, queryNoFor } from '../store/store-contract';
import type { TestApp } from './test-app';

export interface EntrySpec {
  item: Item;
  applicant: { name: string; kind: ApplicantKind };
  projectName: string | null;
  decisionNo: string;
  /** ISO-8601 UTC. */
  decidedAt: string;
}

let serial = 1;

/**
 * Publishes an approval with a chosen decision time, through the store as the service would
 * (same masking of person names), so date boundaries can be tested exactly.
 */
export async function publishEntry(t: TestApp, spec: EntrySpec): Promise<void> {
  const staff = t.staff.admin;
  let c = await t.store.registerCase({
    queryNo: queryNoFor(100_000 + serial++),
    itemId: spec.item.id,
    departmentId: spec.item.departmentId,
    applicant: { ...spec.applicant, idNumber: '11010519491231002X', phone: '13812345678' },
    projectName: spec.projectName,
    note: null,
    registeredBy: staff.id,
    windowId: null,
    at: spec.decidedAt,
    clock: clockOf(),
  });
  const event = { staffId: staff.id, note: null, notePublic: false, reason: null };
  c = await t.store.advanceCase({
    caseId: c.id,
    expectedVersion: c.version,
    from: 'submitted',
    event: { ...event, to: 'accepted', at: spec.decidedAt, decisionNo: null },
    clock: clockOf(),
  });
  await t.store.advanceCase({
    caseId: c.id,
    expectedVersion: c.version,
    from: 'accepted',
    event: { ...event, to: 'approved', at: spec.decidedAt, decisionNo: spec.decisionNo },
    decision: { decisionNo: spec.decisionNo, decidedAt: spec.decidedAt },
    clock: clockOf(),
    bulletin: {
      decisionNo: spec.decisionNo,
      applicantName: publicApplicantName(spec.applicant.kind, spec.applicant.name),
      projectName: spec.projectName,
      decidedAt: spec.decidedAt,
      validity: spec.item.resultValidity,
    },
  });
}

/**
 * E1 取水许可 · 衢州市清源水务有限公司 · 乌溪江引水工程 · 衢水许〔2026〕088号 · 2026-03-01T16:30Z = Beijing 03-02 00:30
 * E2 国有建设用地使用权首次登记 (土地登记) · 浙江衢江建设集团有限公司 · 衢江区土地登记信息化工程 · 2026-03-01T15:59Z = Beijing 03-01 23:59
 * E3 取水许可 · person 张三丰 (张**) · 常山港堤防加固工程 · 2026-02-10T02:00Z
 * E4 国有建设用地使用权首次登记 · 龙游县石材矿业有限公司 · no project · 2025-12-31T16:00Z = Beijing 2026-01-01 00:00
 */
export const E = {
  1: '衢水许〔2026〕088号',
  2: '衢国土登〔2026〕012号',
  3: '衢水许〔2026〕089号',
  4: '衢国土登〔2025〕230号',
} as const;

export async function publishFour(t: TestApp): Promise<void> {
  const org = (name: string) => ({ name, kind: 'organization' as const });
  // Not in decision order, so publication order is not bulletin order.
  await publishEntry(t, { item: t.items.land, applicant: org('浙江衢江建设集团有限公司'), projectName: '衢江区土地登记信息化工程', decisionNo: E[2], decidedAt: '2026-03-01T15:59:00.000Z' });
  await publishEntry(t, { item: t.items.water, applicant: org('衢州市清源水务有限公司'), projectName: '乌溪江引水工程', decisionNo: E[1], decidedAt: '2026-03-01T16:30:00.000Z' });
  await publishEntry(t, { item: t.items.land, applicant: org('龙游县石材矿业有限公司'), projectName: null, decisionNo: E[4], decidedAt: '2025-12-31T16:00:00.000Z' });
  await publishEntry(t, { item: t.items.water, applicant: { name: '张三丰', kind: 'person' }, projectName: '常山港堤防加固工程', decisionNo: E[3], decidedAt: '2026-02-10T02:00:00.000Z' });
}

/** Decision numbers in the order they appear in an HTML page. */
export function decisionNumbersIn(html: string): string[] {
  return [...html.matchAll(/<td data-label="决定文号" class="nowrap">([^<]+)<\/td>/g)].map((m) => m[1]);
}
