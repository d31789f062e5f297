/**
 * The 54 entries of the center's 政府信息公开专栏 at the end of 2014, as the seed report counts
 * them (机构职能 4, 政策文件 40, 规划计划 3, 其他 7), with plausible titles; plus one entry
 * waiting for the office and one waiting for the 网管员, so the review workflow has work.
 */
import type { DisclosureEntry } from '../domain/disclosure';
import type { Staff } from '../domain/model';
import type { Store } from '../store/store';

const CREDIT_CODE = '11330800MB0R57773W';

export const DEMO_DISCLOSURES: Record<'机构职能' | '政策文件' | '规划计划' | '其他', string[]> = {
  机构职能: [
    '衢州市行政服务中心主要职责',
    '衢州市行政服务中心内设机构及职能',
    '衢州市行政服务中心领导班子成员及分工',
    '进驻中心部门窗口设置及联系方式',
  ],
  政策文件: [
    '衢州市行政服务中心窗口工作人员管理办法',
    '衢州市行政服务中心窗口星级考评办法',
    '衢州市行政服务中心群众最满意服务员评选办法',
    '衢州市行政服务中心红旗窗口评选办法',
    '衢州市行政服务中心政府信息公开审核制度',
    '衢州市行政服务中心信息公开实施细则',
    '关于进一步规范行政审批事项进驻中心办理的通知',
    '关于实行行政审批“一站式”服务的实施意见',
    '衢州市行政审批首问责任制实施办法',
    '衢州市行政审批限时办结制实施办法',
    '衢州市行政审批一次性告知制实施办法',
    '衢州市行政审批责任追究办法',
    '关于开展并联审批工作的实施意见',
    '衢州市投资项目并联审批实施办法',
    '关于推行行政审批“两集中、两到位”改革的实施意见',
    '衢州市行政服务中心投诉处理办法',
    '衢州市行政服务中心效能监察办法',
    '关于进一步加强窗口作风建设的通知',
    '衢州市行政审批事项目录（2010年版）',
    '关于公布市级行政许可事项调整情况的通知',
    '衢州市网上审批系统运行管理办法',
    '衢州市行政服务中心电子监察系统管理办法',
    '关于规范涉批中介机构服务行为的通知',
    '衢州市涉批中介机构信用评价管理办法',
    '关于实行重大项目审批全程代办服务的意见',
    '衢州市重点建设项目审批代办服务实施细则',
    '关于开展行政审批服务标准化建设的实施方案',
    '衢州市行政审批事项办事指南编制规范',
    '关于进一步精简行政审批事项的通知',
    '衢州市行政许可结果公开办法',
    '关于做好行政审批项目调整信息公开工作的通知',
    '衢州市行政服务中心档案管理办法',
    '衢州市行政服务中心窗口工作人员考勤管理规定',
    '关于在中心推行预约服务和延时服务的通知',
    '衢州市行政服务中心政务公开工作制度',
    '关于推进“四单一网”建设的实施方案',
    '衢州市权力清单编制工作方案',
    '关于公布市级部门行政审批事项清单的通知',
    '关于转发《国务院办公厅关于印发当前政府信息公开重点工作安排的通知》的通知',
    '衢州市企业投资项目高效审批实施办法',
  ],
  规划计划: [
    '衢州市行政服务中心2012年工作要点',
    '衢州市行政服务中心2013年工作要点',
    '衢州市行政服务中心2014年工作要点',
  ],
  其他: [
    '衢州市行政服务中心2010年政府信息公开工作年度报告',
    '衢州市行政服务中心2011年政府信息公开工作年度报告',
    '衢州市行政服务中心2012年政府信息公开工作年度报告',
    '衢州市行政服务中心2013年政府信息公开工作年度报告',
    '衢州市行政服务中心政府信息公开指南',
    '衢州市行政服务中心政府信息公开目录',
    '衢州市行政服务中心服务承诺',
  ],
};

/** Writes the demo entries through the store, each step logged with the demo accounts. */
export async function loadDemoDisclosures(store: Store, staff: { author: Staff; office: Staff; webmaster: Staff }): Promise<void> {
  let k = 0;
  for (const [category, titles] of Object.entries(DEMO_DISCLOSURES)) {
    for (const title of titles) {
      k += 1;
      // Spread over 2009–2014; an annual report of year Y is published in March of Y+1.
      const reportYear = /(\d{4})年政府信息公开工作年度报告/.exec(title)?.[1];
      const year = reportYear ? Number(reportYear) + 1 : 2009 + (k % 6);
      const month = reportYear ? 3 : (k % 12) + 1;
      const day = 5 + (k % 20);
      const written = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const publishedAt = new Date(Date.UTC(year, month - 1, day + 2, 2, 30)).toISOString();
      await publish(store, staff, { title, category, writtenDate: written, at: publishedAt });
    }
  }
  // Work in progress: one waiting for the office, one approved and waiting for the 网管员.
  // Not an annual report: the demo's report is written on the report page (./demo-report.ts).
  const pending = await store.createDisclosureEntry(
    entryFields('衢州市行政服务中心政府信息依申请公开办理规程', '政策文件', '2026-01-20', 2026),
    { staffId: staff.author.id, at: '2026-01-20T02:00:00.000Z' },
  );
  await store.moveDisclosureEntry({ id: pending.id, expectedVersion: pending.version, from: 'draft', to: 'submitted', action: 'submit', comment: null, actor: { staffId: staff.author.id, at: '2026-01-20T03:00:00.000Z' } });
  let approved = await store.createDisclosureEntry(
    entryFields('关于调整中心窗口服务时间的公告', '其他', '2026-01-15', 2026),
    { staffId: staff.author.id, at: '2026-01-15T02:00:00.000Z' },
  );
  approved = await store.moveDisclosureEntry({ id: approved.id, expectedVersion: approved.version, from: 'draft', to: 'submitted', action: 'submit', comment: null, actor: { staffId: staff.author.id, at: '2026-01-15T03:00:00.000Z' } });
  await store.moveDisclosureEntry({ id: approved.id, expectedVersion: approved.version, from: 'submitted', to: 'approved', action: 'approve', comment: null, actor: { staffId: staff.office.id, at: '2026-01-16T02:00:00.000Z' } });
}

function entryFields(title: string, category: string, writtenDate: string, year: number) {
  return {
    title,
    category,
    writtenDate,
    publisher: '衢州市行政服务中心',
    summary: title,
    body: `${title}。\n\n（演示数据：正文从略。）`,
    indexPrefix: `${CREDIT_CODE}/${year}-`,
  };
}

async function publish(
  store: Store,
  staff: { author: Staff; office: Staff; webmaster: Staff },
  e: { title: string; category: string; writtenDate: string; at: string },
): Promise<DisclosureEntry> {
  const base = Date.parse(e.at);
  const t = (hours: number) => new Date(base - hours * 3_600_000).toISOString();
  let entry = await store.createDisclosureEntry(entryFields(e.title, e.category, e.writtenDate, Number(e.writtenDate.slice(0, 4))), { staffId: staff.author.id, at: t(48) });
  const steps = [
    ['draft', 'submitted', 'submit', staff.author, t(47)],
    ['submitted', 'approved', 'approve', staff.office, t(24)],
    ['approved', 'published', 'publish', staff.webmaster, e.at],
  ] as const;
  for (const [from, to, action, who, at] of steps) {
    entry = await store.moveDisclosureEntry({ id: entry.id, expectedVersion: entry.version, from, to, action, comment: null, actor: { staffId: who.id, at } });
  }
  return entry;
}

/**
 * A few entries published during `year` (the demo report's year), so its 本年新公开 is not zero.
 * None is a 政策文件: the seed's 40 stay the whole of that category.
 */
export async function loadRecentDisclosures(store: Store, staff: { author: Staff; office: Staff; webmaster: Staff }, year: number): Promise<void> {
  const recent: [string, string, string][] = [
    [`衢州市行政服务中心${year}年工作要点`, '规划计划', '02-17'],
    [`衢州市行政服务中心${year}年政务公开工作要点`, '规划计划', '03-24'],
    [`进驻中心部门窗口设置及联系方式（${year}年调整）`, '机构职能', '06-09'],
    [`关于${year}年国庆节期间窗口服务安排的公告`, '其他', '09-22'],
    [`${year}年第三季度窗口服务“好差评”情况公示`, '其他', '10-20'],
  ];
  for (const [title, category, monthDay] of recent) {
    // Published two days after it was written, like the seed entries.
    const publishedAt = new Date(Date.parse(`${year}-${monthDay}T10:30:00+08:00`) + 2 * 86_400_000).toISOString();
    await publish(store, staff, { title, category, writtenDate: `${year}-${monthDay}`, at: publishedAt });
  }
}
