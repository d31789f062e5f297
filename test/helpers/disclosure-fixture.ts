import fs from 'node:fs';
import path from 'node:path';
import type { Staff } from '../../src/domain/model';
import { hashPassword } from '../../src/services/passwords';
import type { Store } from '../../src/store/store';
import { PASSWORD } from './test-app';

/** The center's own 2014 report (the acceptance data of issue 6), as given in the seed. */
export const SEED_REPORT = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'disclosure-report-2014.txt'), 'utf8');

/** The category counts the seed report states: "机构职能类4条信息，占7%；政策文件类40条信息…". */
export function seedCategoryCounts(): { category: string; count: number }[] {
  const names: [string, RegExp][] = [
    ['机构职能', /机构职能类(\d+)条/],
    ['政策文件', /政策文件类(\d+)条/],
    ['规划计划', /规划计划类(\d+)条/],
    ['其他', /其他政府信息类信息(\d+)条/],
  ];
  return names.map(([category, re]) => {
    const m = re.exec(SEED_REPORT);
    if (!m) throw new Error(`seed report has no count for ${category}`);
    return { category, count: Number(m[1]) };
  });
}

export async function createOfficeStaff(store: Store): Promise<{ office: Staff; webmaster: Staff }> {
  const passwordHash = await hashPassword(PASSWORD);
  const base = { departmentId: null, windowId: null, passwordHash, isDemo: false };
  return {
    office: await store.createStaff({ ...base, username: 'office', displayName: '办公室审核员', role: 'office_reviewer' }),
    webmaster: await store.createStaff({ ...base, username: 'webmaster', displayName: '网管员', role: 'webmaster' }),
  };
}

let n = 0;
/** A published entry written straight through the store (draft → submitted → approved → published at `publishedAt`). */
export async function publishedEntry(
  store: Store,
  staff: { author: Staff; office: Staff; webmaster: Staff },
  e: { title?: string; category: string; publishedAt: string; body?: string; indexNo?: string },
) {
  n += 1;
  const year = Number(e.publishedAt.slice(0, 4));
  let entry = await store.createDisclosureEntry(
    {
      title: e.title ?? `公开信息 ${n}`,
      category: e.category,
      writtenDate: e.publishedAt.slice(0, 10),
      publisher: '衢州市行政服务中心',
      summary: '',
      body: e.body ?? '正文',
      indexPrefix: `11330800MB0R57773W/${year}-`,
      indexNo: e.indexNo,
    },
    { staffId: staff.author.id, at: e.publishedAt },
  );
  const steps = [
    ['submit', 'submitted', staff.author],
    ['approve', 'approved', staff.office],
    ['publish', 'published', staff.webmaster],
  ] as const;
  for (const [action, to, who] of steps) {
    entry = await store.moveDisclosureEntry({
      id: entry.id,
      expectedVersion: entry.version,
      from: entry.status,
      to,
      action,
      comment: null,
      actor: { staffId: who.id, at: e.publishedAt },
    });
  }
  return entry;
}
