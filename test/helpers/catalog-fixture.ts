import type { TestApp } from './test-app';

/**
 * Gives the fixture's 取水许可 (SLJ-001) a full guide: two laws (one repealed), materials, steps, a
 * special procedure, no fees; returns the ids the tests need.
 */
export async function addWaterGuide(t: TestApp) {
  const { store } = t;
  const actor = { staffId: t.staff.admin.id, at: new Date().toISOString() };
  const shuifa = await store.createLaw({
    title: '《中华人民共和国水法》',
    issuer: '全国人民代表大会常务委员会',
    docNo: '主席令第七十四号',
    level: '法律',
    effectiveDate: '2002-10-01',
    status: 'in_force',
    repealedDate: null,
    body: '第七条　国家对水资源依法实行取水许可制度和有偿使用制度。',
  });
  const old = await store.createLaw({
    title: '《取水许可制度实施办法》',
    issuer: '国务院',
    docNo: '国务院令第119号',
    level: '行政法规',
    effectiveDate: '1993-09-01',
    status: 'repealed',
    repealedDate: '2006-04-15',
    body: '',
  });
  const window = await store.createWindow({ departmentId: t.depts.water.id, code: 'W01', name: '水利窗口', location: '中心二楼 A 区 01 号窗口' });
  const item = t.items.water;
  await store.saveItemGuide(
    {
      item: {
        code: item.code,
        name: item.name,
        category: item.category,
        departmentId: item.departmentId,
        statutoryDays: 20,
        promisedDays: 10,
        resultsPublic: true,
        resultValidity: '5年',
        status: 'in_force',
        itemType: '行政许可',
        caseType: '承诺件',
      },
      details: {
        conditions: '取水符合水资源规划；已编制水资源论证报告。',
        windowId: window.id,
        serviceHours: '工作日 8:30-17:30',
        consultPhone: '0570-3021101',
        complaintPhone: '0570-12345',
        visits: 1,
        feeNote: '依据《行政许可法》第五十八条不收费',
      },
      materials: [
        { name: '取水许可申请书', form: '原件', copies: 2, required: true, note: '' },
        { name: '建设项目水资源论证报告书', form: '原件', copies: 3, required: true, note: '' },
        { name: '授权委托书', form: '原件及复印件', copies: 1, required: false, note: '委托办理的提供' },
      ],
      steps: [
        { name: '受理', description: '窗口审核材料' },
        { name: '审查', description: '业务科室审查' },
        { name: '决定', description: '作出许可决定' },
      ],
      specialProcedures: [{ name: '专家评审', duration: '10个工作日', counted: false, basis: '《行政许可法》第四十五条' }],
      fees: [],
      laws: [
        { lawId: shuifa.id, articles: '第七条、第四十八条' },
        { lawId: old.id, articles: '第五条' },
      ],
    },
    actor,
    item.id,
  );
  const guide = (await store.findItemGuide(item.code))!;
  return { shuifa, old, window, guide, materials: guide.materials };
}
