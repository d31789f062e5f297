import fs from 'node:fs';
import request from 'supertest';
import { addWaterGuide } from '../helpers/catalog-fixture';
import { fakeExe, tinyDocx, tinyPdf, tinyPng } from '../helpers/files';
import { createTestApp, staffAgent, validCreditCode, type TestApp } from '../helpers/test-app';

/** Collects a response body as bytes whatever its type. */
const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('admin pages /staff/admin', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ UPLOAD_MAX_BYTES: '4096' });
  });
  afterEach(() => t.cleanup());

  const auditTotal = async (entity?: string) => (await t.store.listAudit({ entity, limit: 1, offset: 0 })).total;
  const uploadedFiles = () => (fs.existsSync(t.config.uploadDir) ? fs.readdirSync(t.config.uploadDir) : []);

  describe('who may do what', () => {
    it.each([
      ['window staff', 'water', '/staff/admin/laws'],
      ['window staff', 'water', '/staff/admin/audit'],
      ['window staff', 'water', '/staff/admin/departments/new'],
      ['a supervisor', 'waterlead', '/staff/admin/intermediaries'],
      ['a supervisor', 'waterlead', '/staff/admin/item-changes'],
      ['staff of another department', 'land', '/staff/admin/items/SLJ-001/edit'],
      ['staff of another department', 'land', '/staff/admin/items/SLJ-001/files'],
    ])('when %s (%s) opens %s, then 403 in Chinese', async (_l, user, url) => {
      const { agent } = await staffAgent(t.app, user);
      const res = await agent.get(url).expect(403);
      expect(res.text).toContain('无权访问');
    });

    it('when staff of another department posts an edit, then 403 and nothing changes or is audited', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'land');
      await agent.post('/staff/admin/items/SLJ-001').type('form').send({ _csrf: csrf, code: 'SLJ-001', name: '改名' }).expect(403);
      expect((await t.store.findItemByCode('SLJ-001'))?.name).toBe('取水许可');
      expect(await auditTotal()).toBe(0);
    });

    it('when window staff open their own department item, then they may edit it; the admin may open everything', async () => {
      const water = await staffAgent(t.app, 'water');
      await water.agent.get('/staff/admin/items/SLJ-001/edit').expect(200);
      const index = await water.agent.get('/staff/admin').expect(200);
      expect(index.text).toContain('SLJ-001');
      expect(index.text).not.toContain('GTJ-001');
      expect(index.text).not.toContain('href="/staff/admin/audit"');
      const admin = await staffAgent(t.app, 'admin');
      for (const url of ['/staff/admin', '/staff/admin/departments', '/staff/admin/windows', '/staff/admin/laws', '/staff/admin/laws/new', '/staff/admin/intermediaries/new', '/staff/admin/item-changes', '/staff/admin/audit', '/staff/admin/items/new', '/staff/admin/items/GTJ-001/edit']) {
        const res = await admin.agent.get(url);
        expect([url, res.status]).toEqual([url, 200]);
      }
      expect((await admin.agent.get('/staff/admin')).text).toContain('href="/staff/admin/audit"');
    });

    it('when not signed in, then admin pages redirect to the login page', async () => {
      const res = await request(t.app).get('/staff/admin/laws').expect(303);
      expect(res.headers.location).toBe('/staff/login?next=%2Fstaff%2Fadmin%2Flaws');
    });
  });

  describe('forms: errors beside the field, input kept, nothing audited', () => {
    it('when a law form is invalid, then 400 with messages beside each field and the input kept', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'admin');
      const res = await agent
        .post('/staff/admin/laws')
        .type('form')
        .send({ _csrf: csrf, title: '《测试<条例>》', issuer: '', docNo: '国务院令第1号', level: '法律', effectiveDate: '2026-02-30', status: 'repealed', repealedDate: '', body: '' })
        .expect(400);
      expect(res.text).toMatch(/id="f-issuer"[^>]*aria-invalid="true"/);
      expect(res.text).toContain('id="issuer-error">请填写制定机关');
      expect(res.text).toContain('id="effectiveDate-error">施行日期不是有效日期');
      expect(res.text).toContain('id="repealedDate-error">已废止的法规请填写废止日期');
      expect(res.text).toContain('value="《测试&lt;条例&gt;》"');
      expect((await t.store.listLaws({ limit: 5, offset: 0 })).total).toBe(0);
      expect(await auditTotal()).toBe(0);
    });

    it('when an item form is invalid, then row fields get their own messages and all rows are kept', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'water');
      const res = await agent
        .post('/staff/admin/items/SLJ-001')
        .type('form')
        .send({
          _csrf: csrf,
          code: 'SLJ-001',
          name: '取水许可',
          category: '取水许可',
          itemType: '行政许可',
          caseType: '承诺件',
          departmentId: String(t.depts.water.id),
          statutoryDays: '20',
          promisedDays: '25',
          status: 'in_force',
          visits: '1',
          consultPhone: '12',
          'materials.0.name': '取水许可申请书',
          'materials.0.form': '原件',
          'materials.0.copies': 'x',
          'materials.1.name': '',
        })
        .expect(400);
      expect(res.text).toContain('id="promisedDays-error">承诺时限不能长于法定时限');
      expect(res.text).toContain('id="materials.0.copies-error">份数须为整数');
      expect(res.text).toContain('id="consultPhone-error">');
      expect(res.text).toMatch(/id="materials\.0\.name" name="materials\.0\.name" type="text" value="取水许可申请书"/);
      expect(await auditTotal()).toBe(0);
      expect((await t.store.findItemByCode('SLJ-001'))?.promisedDays).toBe(10);
    });

    it('when department staff try to create an item for another department, then the department field is refused', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'water');
      const res = await agent
        .post('/staff/admin/items')
        .type('form')
        .send({ _csrf: csrf, code: 'GTJ-050', name: '某登记', category: '土地登记', itemType: '行政许可', caseType: '承诺件', departmentId: String(t.depts.land.id), statutoryDays: '20', promisedDays: '10', status: 'in_force', visits: '1' })
        .expect(400);
      expect(res.text).toContain('id="departmentId-error">只能选择本部门');
      expect(await t.store.findItemByCode('GTJ-050')).toBeNull();
    });

    it('when a department code is taken, then the message is beside the code', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'admin');
      const res = await agent.post('/staff/admin/departments').type('form').send({ _csrf: csrf, code: 'SLJ', name: '重复' }).expect(400);
      expect(res.text).toContain('id="code-error">部门编码已被使用');
      expect(await auditTotal()).toBe(0);
    });
  });

  describe('every kind of change is audited', () => {
    it('when an item is created and edited through the form, then the guide is public and two audit entries hold the diff', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'water');
      const shuifa = await t.store.createLaw({ title: '《中华人民共和国水法》', issuer: '全国人大常委会', docNo: '主席令第七十四号', level: '法律', effectiveDate: '2002-10-01', status: 'in_force', repealedDate: null, body: '' });
      const form = {
        _csrf: csrf,
        code: 'SLJ-050',
        name: '河道采砂许可',
        category: '涉河建设审批',
        itemType: '行政许可',
        caseType: '承诺件',
        departmentId: String(t.depts.water.id),
        statutoryDays: '20',
        promisedDays: '12',
        resultsPublic: 'on',
        resultValidity: '1年',
        status: 'in_force',
        conditions: '有采砂船只',
        serviceHours: '工作日',
        consultPhone: '0570-3021101',
        complaintPhone: '0570-12345',
        visits: '1',
        feeNote: '',
        steps: '受理：窗口审核\n决定：作出许可决定',
        'materials.0.name': '河道采砂申请书',
        'materials.0.form': '原件',
        'materials.0.copies': '2',
        'materials.0.required': 'on',
        'materials.0.note': '',
        'materials.1.name': '',
        'specialProcedures.0.name': '现场踏勘',
        'specialProcedures.0.duration': '5个工作日',
        'specialProcedures.0.basis': '第四十五条',
        'fees.0.name': '',
        'laws.0.lawId': String(shuifa.id),
        'laws.0.articles': '第三十九条',
      };
      const created = await agent.post('/staff/admin/items').type('form').send(form).expect(303);
      expect(created.headers.location).toBe('/staff/admin/items/SLJ-050/files?saved=1');
      const page = await request(t.app).get('/items/SLJ-050').expect(200);
      for (const s of ['河道采砂许可', '河道采砂申请书', '窗口审核', '现场踏勘', '第三十九条', '不收费']) expect(page.text).toContain(s);
      const mid = (await t.store.findItemGuide('SLJ-050'))!.materials[0].id;
      await agent.post('/staff/admin/items/SLJ-050').type('form').send({ ...form, promisedDays: '8', 'materials.0.id': String(mid) }).expect(303);
      const audit = await t.store.listAudit({ entity: 'item', limit: 5, offset: 0 });
      expect(audit.rows.map((a) => a.action)).toEqual(['update', 'create']);
      expect(audit.rows[0].changes).toEqual({ promisedDays: [12, 8] });
      expect(audit.rows[0].staffId).toBe(t.staff.water.id);
      const admin = await staffAgent(t.app, 'admin');
      const log = await admin.agent.get('/staff/admin/audit?entity=item').expect(200);
      expect(log.text).toContain('promisedDays');
      expect(log.text).toContain('<del>12</del> → <ins>8</ins>');
      expect(log.text).toContain('water姓名');
    });

    it('when departments, windows, laws, intermediaries and item changes are saved through the forms, then each is audited', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'admin');
      await agent.post('/staff/admin/departments').type('form').send({ _csrf: csrf, code: 'JTJ', name: '市交通局' }).expect(303);
      const dept = (await t.store.listDepartments()).find((d) => d.code === 'JTJ')!;
      await agent.post(`/staff/admin/departments/${dept.id}`).type('form').send({ _csrf: csrf, code: 'JTJ', name: '市交通运输局' }).expect(303);
      await agent.post('/staff/admin/windows').type('form').send({ _csrf: csrf, departmentId: String(dept.id), code: 'W17', name: '交通窗口', location: '一楼 D 区' }).expect(303);
      await agent
        .post('/staff/admin/laws')
        .type('form')
        .send({ _csrf: csrf, title: '《公路安全保护条例》', issuer: '国务院', docNo: '国务院令第593号', level: '行政法规', effectiveDate: '2011-07-01', status: 'in_force', repealedDate: '', body: '第二十七条' })
        .expect(303);
      const law = (await t.store.listLaws({ limit: 5, offset: 0 })).rows[0];
      await agent
        .post(`/staff/admin/laws/${law.id}`)
        .type('form')
        .send({ _csrf: csrf, title: '《公路安全保护条例》', issuer: '国务院', docNo: '国务院令第593号', level: '行政法规', effectiveDate: '2011-07-01', status: 'repealed', repealedDate: '2030-01-01', body: '第二十七条' })
        .expect(303);
      await agent
        .post('/staff/admin/intermediaries')
        .type('form')
        .send({ _csrf: csrf, name: '某测绘公司', qualification: '乙级', serviceScope: '测绘', feeBasis: '', contactPerson: '', phone: '0570-3056622', address: '', itemIds: [String(t.items.water.id), String(t.items.land.id)] })
        .expect(303);
      await agent
        .post('/staff/admin/item-changes')
        .type('form')
        .send({ _csrf: csrf, itemCode: 'GTJ-001', kind: 'transfer', effectiveDate: '2026-05-01', basis: '衢政办发〔2026〕15号', description: '实施机关调整' })
        .expect(303);
      const kinds = (await t.store.listAudit({ limit: 20, offset: 0 })).rows.map((a) => `${a.entity}:${a.action}`);
      expect(kinds).toEqual([
        'item_change:create',
        'intermediary:create',
        'law:update',
        'law:create',
        'window:create',
        'department:update',
        'department:create',
      ]);
      expect((await t.store.listIntermediaries())[0].items.map((i) => i.code)).toEqual(['GTJ-001', 'SLJ-001']);
      const filtered = await agent.get('/staff/admin/audit?entity=law').expect(200);
      expect(filtered.text).toContain('共 2 条');
      expect(filtered.text).toContain('<del>in_force</del> → <ins>repealed</ins>');
      const changes = await request(t.app).get('/item-changes').expect(200);
      expect(changes.text).toContain('实施机关变更');
    });
  });

  describe('forms and samples: upload and download', () => {
    async function upload(user: string, materialId: number, file: Buffer, filename: string, slot = 'blank') {
      const { agent, csrf } = await staffAgent(t.app, user);
      return agent
        .post(`/staff/admin/materials/${materialId}/files`)
        .field('_csrf', csrf)
        .field('slot', slot)
        .attach('file', file, { filename, contentType: 'application/pdf' });
    }

    it.each([
      ['a tiny PDF', tinyPdf(), '取水许可申请书.pdf', 'application/pdf', '取水许可申请书.pdf'],
      ['a PNG', tinyPng(), '样本.png', 'image/png', '样本.png'],
      ['a DOCX', tinyDocx(), '申请书.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', '申请书.docx'],
    ])('when %s is uploaded, then it is stored under a generated name and served with its real type', async (_l, bytes, name, type, kept) => {
      const { materials } = await addWaterGuide(t);
      const res = await upload('water', materials[0].id, bytes, name);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/staff/admin/items/SLJ-001/files?uploaded=1');
      const file = (await t.store.findItemGuide('SLJ-001'))!.materials[0].blankFile!;
      expect(file.originalName).toBe(kept);
      expect(file.contentType).toBe(type);
      expect(uploadedFiles()).toEqual([file.storageName]);
      expect(file.storageName).toMatch(/^[0-9a-f]{32}\.[a-z]+$/);
      const dl = await request(t.app).get(`/files/${file.id}`).buffer(true).parse(binary).expect(200);
      expect(dl.headers['content-type']).toContain(type);
      expect(dl.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(dl.body as Buffer, bytes)).toBe(0);
      expect((await t.store.listAudit({ entity: 'file', limit: 1, offset: 0 })).rows[0].changes.originalName).toEqual([null, kept]);
    });

    it('when an executable is renamed .pdf, then it is refused in Chinese and nothing is written', async () => {
      const { materials } = await addWaterGuide(t);
      const res = await upload('water', materials[0].id, fakeExe(), '申请表.pdf');
      expect(res.status).toBe(400);
      expect(res.text).toContain('文件类型不允许');
      expect(res.text).toContain('改扩展名无效');
      expect(uploadedFiles()).toEqual([]);
      expect((await t.store.findItemGuide('SLJ-001'))!.materials[0].blankFile).toBeNull();
      expect(await auditTotal('file')).toBe(0);
    });

    it('when the file is larger than UPLOAD_MAX_BYTES, then 413 with a Chinese message and nothing is written', async () => {
      const { materials } = await addWaterGuide(t);
      const big = Buffer.concat([tinyPdf(), Buffer.alloc(8192, 0x20)]);
      const res = await upload('water', materials[0].id, big, '大文件.pdf');
      expect(res.status).toBe(413);
      expect(res.text).toContain('文件过大：单个文件不能超过 4 KB');
      expect(uploadedFiles()).toEqual([]);
      expect(await auditTotal('file')).toBe(0);
    });

    it('when staff of another department upload to a material, then 403 and nothing is written', async () => {
      const { materials } = await addWaterGuide(t);
      const res = await upload('land', materials[0].id, tinyPdf(), 'x.pdf');
      expect(res.status).toBe(403);
      expect(uploadedFiles()).toEqual([]);
    });

    it('when an upload has no CSRF token, then it is refused', async () => {
      const { materials } = await addWaterGuide(t);
      const { agent } = await staffAgent(t.app, 'water');
      await agent.post(`/staff/admin/materials/${materials[0].id}/files`).field('slot', 'blank').attach('file', tinyPdf(), 'x.pdf').expect(403);
      expect(uploadedFiles()).toEqual([]);
    });

    it('when a file with a Chinese name is downloaded, then Content-Disposition keeps the name (RFC 5987) and the count goes up', async () => {
      const { materials } = await addWaterGuide(t);
      await upload('water', materials[1].id, tinyPdf(), '水资源论证报告书"(样本)".pdf', 'sample');
      const file = (await t.store.findItemGuide('SLJ-001'))!.materials[1].sampleFile!;
      const res = await request(t.app).get(`/files/${file.id}`).expect(200);
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="________(__).pdf"; filename*=UTF-8''${encodeURIComponent('水资源论证报告书')}%28${encodeURIComponent('样本')}%29.pdf`,
      );
      await request(t.app).get(`/files/${file.id}/whatever.pdf`).expect(200);
      expect((await t.store.findFile(file.id))?.downloadCount).toBe(2);
      const page = await request(t.app).get('/items/SLJ-001').expect(200);
      expect(page.text).toContain(`href="/files/${file.id}">填写样本`);
    });

    it.each([
      ['/files/..%2F..%2Fpackage.json', 404],
      ['/files/%2e%2e%2f%2e%2e%2fpackage.json', 404],
      ['/files/1%00', 404],
      ['/files/99999', 404],
      ['/files/1/..%2F..%2F..%2Fetc%2Fpasswd', 400],
      ['/files/1/..', 400],
      ['/files/1/a%5Cb.pdf', 400],
    ])('when %s is requested, then %i and no file outside the upload folder is sent', async (url, status) => {
      const { materials } = await addWaterGuide(t);
      await upload('water', materials[0].id, tinyPdf(), 'a.pdf');
      const res = await request(t.app).get(url);
      expect(res.status).toBe(status);
      expect(res.text).not.toContain('"name": "permit-tracker"');
      expect(res.text).not.toContain('root:');
    });
  });

  describe('case registration uses the materials list as a checklist', () => {
    it('when an item is chosen, then its materials are checkboxes, and the ticked ones are stored with the case', async () => {
      const { materials } = await addWaterGuide(t);
      const { agent, csrf } = await staffAgent(t.app, 'water');
      const form = await agent.get('/staff/cases/new?item=SLJ-001').expect(200);
      expect(form.text).toContain(`name="materialsReceived" value="${materials[0].id}"`);
      expect(form.text).toContain('建设项目水资源论证报告书');
      const res = await agent
        .post('/staff/cases')
        .type('form')
        .send({ _csrf: csrf, itemCode: 'SLJ-001', applicantKind: 'organization', applicantName: '衢州市清源水务有限公司', idNumber: validCreditCode(), phone: '0570-3890183', materialsReceived: [String(materials[0].id), String(materials[2].id)] })
        .expect(303);
      const q = /\/staff\/cases\/(\w+)\/receipt/.exec(res.headers.location)![1];
      const page = await agent.get(`/staff/cases/${q}`).expect(200);
      expect(page.text).toContain('取水许可申请书；授权委托书');
      const receipt = await agent.get(`/staff/cases/${q}/receipt`).expect(200);
      expect(receipt.text).toContain('取水许可申请书；授权委托书');
    });

    it('when the form is invalid, then the ticked materials stay ticked', async () => {
      const { materials } = await addWaterGuide(t);
      const { agent, csrf } = await staffAgent(t.app, 'water');
      const res = await agent
        .post('/staff/cases')
        .type('form')
        .send({ _csrf: csrf, itemCode: 'SLJ-001', applicantKind: 'organization', applicantName: '某公司', idNumber: 'bad', phone: '0570-3890183', materialsReceived: String(materials[1].id) })
        .expect(400);
      expect(res.text).toContain(`value="${materials[1].id}" checked`);
      expect(res.text).not.toContain(`value="${materials[0].id}" checked`);
    });
  });
});
