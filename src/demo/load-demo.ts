import type { Staff } from '../domain/model';
import { allowedNextStages, type Stage } from '../domain/stages';
import { advanceCase, registerCase } from '../services/cases';
import type { EvaluationLevel } from '../domain/evaluation';
import { submitEvaluation } from '../services/evaluations';
import { closeRectification, recordFollowUp } from '../services/rectifications';
import { beijingDate } from '../domain/beijing-time';
import type { Deps } from '../services/deps';
import { hashPassword } from '../services/passwords';
import { prng } from './prng';
import { fakeCreditCode, fakeLandline, fakeMobile, fakeResidentId } from './fake-ids';
import { saveFile } from '../services/files';
import { DEMO_CHANGES, DEMO_GUIDES, DEMO_INTERMEDIARIES, demoSteps } from './demo-catalog';
import { DEMO_LAWS } from './demo-laws';
import { minimalPdf } from './minimal-pdf';
import { loadDemoDisclosures, loadRecentDisclosures } from './demo-disclosure';
import { demoReportYear, loadDemoRequests } from './demo-requests';
import { DEMO_DEPARTMENTS, DEMO_ITEMS, DEMO_ORGANIZATIONS, DEMO_PERSONS, DEMO_PROJECTS, DEMO_STAFF } from './demo-data';

/** Paths through the stage machine that end in each stage, so every stage has real cases. */
const PATHS: Stage[][] = [
  [],
  [],
  ['supplement_requested'],
  ['accepted'],
  ['not_accepted'],
  ['accepted', 'under_review'],
  ['supplement_requested', 'accepted', 'under_review'],
  ['accepted', 'under_review', 'special_procedure'],
  ['accepted', 'under_review', 'approved'],
  ['supplement_requested', 'accepted', 'under_review', 'approved'],
  ['accepted', 'approved'],
  ['accepted', 'under_review', 'denied'],
  ['accepted', 'under_review', 'approved', 'certificate_issued'],
  ['accepted', 'under_review', 'approved', 'certificate_issued', 'completed'],
  ['accepted', 'under_review', 'denied', 'completed'],
  ['accepted', 'withdrawn'],
  ['accepted', 'approved', 'completed'],
  ['supplement_requested', 'accepted', 'under_review', 'approved', 'certificate_issued', 'completed'],
];

/**
 * 好差评 of the completed demo cases, in order: mostly satisfied, one 差评 already rectified
 * (回访 and closing note recorded) and one still open.
 */
const DEMO_LEVELS: EvaluationLevel[] = [
  'very_satisfied',
  'satisfied',
  'very_satisfied',
  'dissatisfied',
  'satisfied',
  'very_satisfied',
  'basically_satisfied',
  'very_dissatisfied',
  'very_satisfied',
  'satisfied',
  'very_satisfied',
  'satisfied',
];
const DEMO_COMMENTS: Partial<Record<EvaluationLevel, string>> = {
  very_satisfied: '窗口人员业务熟练，一次就办好了。',
  dissatisfied: '排队等候时间较长，叫号后还要重复填写表格。',
  very_dissatisfied: '补正材料的要求前后说法不一致，多跑了一趟。',
};

const DAY = 24 * 60 * 60 * 1000;


/**
 * Loads departments, windows, accounts, items, ~50 cases, the disclosure catalog and 依申请公开
 * requests into an empty database. The annual report comes later (loadDemoReport): it is
 * rendered by the app's views.
 */
export async function loadDemoData(deps: Deps, password: string, caseCount = 48, pastApprovals = 100): Promise<void> {
  const { store } = deps;
  const rand = prng(20141231);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];

  const deptIds = new Map<string, number>();
  for (const d of DEMO_DEPARTMENTS) {
    const dept = await store.createDepartment({ code: d.code, name: d.name });
    await store.createWindow({ departmentId: dept.id, ...d.window });
    deptIds.set(d.code, dept.id);
  }
  const passwordHash = await hashPassword(password);
  const staffByDept = new Map<string, Staff>();
  let admin: Staff | undefined;
  const byUsername = new Map<string, Staff>();
  for (const s of DEMO_STAFF) {
    const departmentId = s.department ? (deptIds.get(s.department) as number) : null;
    const windows = departmentId ? await store.listWindows(departmentId) : [];
    const staff = await store.createStaff({
      username: s.username,
      displayName: s.displayName,
      role: s.role,
      departmentId,
      windowId: windows[0]?.id ?? null,
      passwordHash,
      isDemo: true,
    });
    byUsername.set(s.username, staff);
    if (s.role === 'admin') admin = staff;
    else if (s.role === 'window_staff' && s.department) staffByDept.set(s.department, staff);
  }
  await loadDemoCatalog(deps, deptIds, admin as Staff);
  const disclosureStaff = {
    author: admin as Staff,
    office: byUsername.get('office') as Staff,
    webmaster: byUsername.get('webmaster') as Staff,
  };
  await loadDemoDisclosures(store, disclosureStaff);
  await loadRecentDisclosures(store, disclosureStaff, demoReportYear(deps.clock.now(), await deps.calendars.calendar()));

  // Replay history through the services with a clock set to each event's time. Open cases are
  // recent (so the worklist shows a realistic mix of normal, due-soon and a few overdue cases);
  // finished ones are spread over the last two and a half months.
  const realNow = deps.clock.now().getTime();
  const latest = realNow - 60 * 60 * 1000;
  let now = realNow;
  const replay: Deps = { ...deps, clock: { now: () => new Date(now) } };
  const cancelledByChange = new Set(DEMO_CHANGES.filter((c) => c.kind === 'cancel' && c.daysAgo >= 0).map((c) => c.itemCode));
  const openItems = DEMO_ITEMS.filter((i) => (i.status ?? 'in_force') === 'in_force' && !cancelledByChange.has(i.code));
  const materialIds = new Map<string, number[]>();
  for (const i of openItems) {
    materialIds.set(i.code, ((await store.findItemGuide(i.code))?.materials ?? []).filter((m) => m.required).map((m) => m.id));
  }
  const decisionSerial = new Map<string, number>();
  const completed: { queryNo: string; phone: string; at: number; level?: EvaluationLevel }[] = [];
  for (let n = 0; n < caseCount; n++) {
    const item = openItems[n % openItems.length];
    const path = PATHS[n % PATHS.length];
    const last = path[path.length - 1] ?? 'submitted';
    const open = allowedNextStages(last).length > 0 && last !== 'certificate_issued';
    const staff = staffByDept.get(item.department) ?? (admin as Staff);
    const org = rand() < 0.6;
    // One case left untouched for two weeks shows "逾期未告知，视为受理" (第三十二条).
    const forgotten = path.length === 0 && n % 32 === 0;
    const ageDays = forgotten ? 14 : open ? 0.5 + rand() * 4 + path.length * 1.2 : 20 + rand() * 55;
    now = Math.min(realNow - ageDays * DAY, latest);
    const applicant = org
      ? { name: pick(DEMO_ORGANIZATIONS), kind: 'organization' as const, idNumber: fakeCreditCode(rand), phone: fakeLandline(rand) }
      : { name: pick(DEMO_PERSONS), kind: 'person' as const, idNumber: fakeResidentId(rand), phone: fakeMobile(rand) };
    const c = await registerCase(replay, staff, {
      itemCode: item.code,
      applicant,
      projectName: org ? pick(DEMO_PROJECTS) : undefined,
      materialsReceived: materialIds.get(item.code),
    });
    for (const to of path) {
      now = Math.min(now + (0.2 + rand() * (open ? 1.2 : 3)) * DAY, latest);
      const serial = (decisionSerial.get(item.code) ?? 0) + 1;
      if (to === 'approved') decisionSerial.set(item.code, serial);
      await advanceCase(replay, staff, c.queryNo, {
        to,
        note: noteFor(to),
        notePublic: to === 'supplement_requested' || to === 'special_procedure',
        decisionNo: to === 'approved' ? `${item.decisionPrefix}〔${beijingDate(new Date(now)).slice(0, 4)}〕${String(serial).padStart(3, '0')}号` : undefined,
        reason: reasonFor(to),
      });
    }
    if (last === 'completed') completed.push({ queryNo: c.queryNo, phone: applicant.phone, at: now });
  }

  // A year of earlier approvals, so the results bulletin (许可结果公告) reads like a working center's.
  const publicItems = openItems.filter((i) => i.resultsPublic ?? true);
  const PAST: Stage[] = ['accepted', 'under_review', 'approved', 'certificate_issued', 'completed'];
  for (let k = 0; k < pastApprovals; k++) {
    const item = publicItems[k % publicItems.length];
    const staff = staffByDept.get(item.department) ?? (admin as Staff);
    now = realNow - (80 + rand() * 280) * DAY;
    const phone = fakeLandline(rand);
    const c = await registerCase(replay, staff, {
      itemCode: item.code,
      applicant: { name: pick(DEMO_ORGANIZATIONS), kind: 'organization', idNumber: fakeCreditCode(rand), phone },
      projectName: pick(DEMO_PROJECTS),
      materialsReceived: materialIds.get(item.code),
    });
    for (const to of PAST) {
      now += (0.5 + rand() * 3) * DAY;
      const serial = (decisionSerial.get(item.code) ?? 0) + 1;
      if (to === 'approved') decisionSerial.set(item.code, serial);
      const year = beijingDate(new Date(now)).slice(0, 4);
      await advanceCase(replay, staff, c.queryNo, {
        to,
        decisionNo: to === 'approved' ? `${item.decisionPrefix}〔${year}〕${String(serial).padStart(3, '0')}号` : undefined,
      });
    }
    const r = rand();
    completed.push({ queryNo: c.queryNo, phone, at: now, level: r < 0.6 ? 'very_satisfied' : r < 0.9 ? 'satisfied' : 'basically_satisfied' });
  }

  // The applicants of completed cases rate them a day or two later (一事一评).
  for (const [i, done] of completed.entries()) {
    const level = done.level ?? DEMO_LEVELS[i % DEMO_LEVELS.length];
    now = Math.min(done.at + (0.5 + rand() * 1.5) * DAY, latest);
    const good = level === 'very_satisfied' || level === 'satisfied';
    const score = () => (good ? 4 + Math.round(rand()) : level === 'basically_satisfied' ? 3 : 1 + Math.round(rand()));
    await submitEvaluation(replay, done.queryNo, {
      phoneLast4: done.phone.slice(-4),
      level,
      comment: i % 3 === 0 || !good ? DEMO_COMMENTS[level] : undefined,
      scores: { efficiency: score(), quality: score(), attitude: score() },
    });
    // The first 差评 has been followed up and rectified; the later one is still open.
    if (level === 'dissatisfied' && admin) {
      const open = await store.listRectifications({ status: 'open', limit: 100, offset: 0 });
      const task = open.rows.find((r) => r.queryNo === done.queryNo);
      if (!task) continue;
      now = Math.min(now + DAY, latest);
      await recordFollowUp(replay, admin, task.id, {
        date: beijingDate(new Date(now)),
        result: '已电话回访申请人，核实为高峰时段排队时间长、表格重复填写。',
      });
      await closeRectification(replay, admin, task.id, {
        note: '高峰时段增开一个综合窗口；表格改为系统预填，已向申请人说明并致歉。',
      });
    }
  }

  await loadDemoRequests(deps, byUsername.get('office') as Staff);
}

/**
 * Laws, the 办事指南 of every item, forms (small generated PDFs written through the upload code
 * path), intermediaries and item changes.
 */
async function loadDemoCatalog(deps: Deps, deptIds: Map<string, number>, admin: Staff): Promise<void> {
  const { store } = deps;
  const actor = () => ({ staffId: admin.id, at: deps.clock.now().toISOString() });
  const lawIds = new Map<string, number>();
  for (const l of DEMO_LAWS) {
    const law = await store.createLaw({
      title: l.title,
      issuer: l.issuer,
      docNo: l.docNo,
      level: l.level,
      effectiveDate: l.effectiveDate,
      status: l.repealedDate ? 'repealed' : 'in_force',
      repealedDate: l.repealedDate ?? null,
      body: l.body ?? '',
    });
    lawIds.set(l.key, law.id);
  }
  const deptPhone: Record<string, string> = { SLJ: '3021101', GTJ: '3021105', ZJJ: '3021109', SCJ: '3021113', JTJ: '3021117', STJ: '3021121', WJW: '3021125' };
  const itemIds = new Map<string, number>();
  for (const i of DEMO_ITEMS) {
    const g = DEMO_GUIDES[i.code];
    const caseType = g?.caseType ?? '承诺件';
    const specials = (g?.specials ?? []).map(([name, duration, counted, basis]) => ({ name, duration, counted, basis }));
    const item = await store.saveItemGuide(
      {
        item: {
          code: i.code,
          name: i.name,
          category: i.category,
          departmentId: deptIds.get(i.department) as number,
          statutoryDays: i.statutoryDays,
          promisedDays: i.promisedDays,
          resultsPublic: i.resultsPublic ?? true,
          resultValidity: i.resultValidity,
          status: i.status ?? 'in_force',
          itemType: '行政许可',
          caseType,
        },
        details: {
          conditions: g?.conditions ?? '',
          windowId: null,
          serviceHours: '工作日 上午8:30—12:00，下午14:30—17:30（法定节假日除外）',
          consultPhone: `0570-${deptPhone[i.department] ?? '3021100'}`,
          complaintPhone: '0570-12345',
          visits: g?.visits ?? 1,
          feeNote: g?.feeNote ?? (g?.fees?.length ? '' : '依据《行政许可法》第五十八条，实施行政许可不收取任何费用'),
        },
        materials: (g?.materials ?? []).map(([name, form, copies, required]) => ({
          name,
          form,
          copies,
          required: required ?? true,
          note: '',
        })),
        steps: demoSteps(caseType, specials.length > 0),
        specialProcedures: specials,
        fees: (g?.fees ?? []).map(([name, standard, basis]) => ({ name, standard, basis })),
        laws: (g?.laws ?? []).map(([key, articles]) => ({ lawId: lawIds.get(key) as number, articles })),
      },
      actor(),
    );
    itemIds.set(i.code, item.id);
    // Forms: a blank form for every 表/书 material, and a filled-in sample for the application form.
    const guide = await store.findItemGuide(i.code);
    for (const m of guide?.materials ?? []) {
      if (/表|书|方案/.test(m.name)) {
        const pdf = minimalPdf([`${i.code} form ${m.seq + 1}`, `Blank form for material #${m.id}`, 'Quzhou Administrative Service Center']);
        await saveFile(deps, admin.id, m.id, 'blank', pdf, `${m.name}（空白表格）.pdf`, { ext: 'pdf', contentType: 'application/pdf' });
      }
      if (/申请/.test(m.name)) {
        const pdf = minimalPdf([`${i.code} sample ${m.seq + 1}`, 'Filled-in sample (example data)', 'Quzhou Administrative Service Center']);
        await saveFile(deps, admin.id, m.id, 'sample', pdf, `${m.name}（填写样本）.pdf`, { ext: 'pdf', contentType: 'application/pdf' });
      }
    }
  }
  for (const m of DEMO_INTERMEDIARIES) {
    const { items, ...rest } = m;
    await store.createIntermediary({ ...rest, itemIds: items.map((c) => itemIds.get(c) as number) }, actor());
  }
  const now = deps.clock.now().getTime();
  for (const c of DEMO_CHANGES) {
    await store.createItemChange(
      {
        itemId: itemIds.get(c.itemCode) as number,
        kind: c.kind,
        effectiveDate: beijingDate(new Date(now - c.daysAgo * DAY)),
        basis: c.basis,
        description: c.description,
      },
      actor(),
    );
  }
}

function noteFor(to: Stage): string | undefined {
  switch (to) {
    case 'supplement_requested':
      return '请补齐：1. 法定代表人身份证明复印件；2. 项目可行性研究报告（盖章原件）。';
    case 'special_procedure':
      return '需组织专家评审，预计10个工作日，评审时间不计入办理时限。';
    case 'under_review':
      return '材料已流转至业务科室审查。';
    default:
      return undefined;
  }
}

function reasonFor(to: Stage): string | undefined {
  if (to === 'denied') return '经现场核查，项目选址不符合相关规划要求。';
  if (to === 'not_accepted') return '申请事项不属于本机关职权范围，请向县级主管部门申请。';
  return undefined;
}
