import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import type { DisclosureRequest, RequestEvent } from '../../src/domain/disclosure-request';
import { CalendarService } from '../../src/services/clock';
import {
  expireSupplements,
  recordSupply,
  replyDueOn,
  requestDueStatus,
  requestSupplement,
  submitDisclosureRequest,
  toPublicRequestView,
} from '../../src/services/disclosure-requests';
import type { Deps } from '../../src/services/deps';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { manualClock, validResidentId } from '../helpers/test-app';

const bj = (date: string, hour = 10) => `${date}T${String(hour).padStart(2, '0')}:00:00+08:00`;

const base: DisclosureRequest = {
  id: 1, queryNo: '22222222222B', applicantKind: 'person', applicantName: '欧阳明月', idNumber: '11010519491231002X',
  contactPerson: null, phone: '13812345678', email: 'a@b.cn', address: '某路1号', description: '某文件', deliveryForm: 'email',
  stage: 'received', receivedAt: '2026-03-02T02:00:00.000Z', receivedOn: '2026-03-02', clockStartOn: '2026-03-02',
  dueOn: '2026-03-30', supplementDueOn: null, extended: false, outcome: null, replyText: null, closedAt: null, closedOn: null,
  version: 1, createdAt: '2026-03-02T02:00:00.000Z', updatedAt: '2026-03-02T02:00:00.000Z',
};

describe('request clock (services)', () => {
  it('gives each status from the stage and due date', () => {
    const ctx = { today: '2026-03-26', dueSoonThreshold: '2026-03-30' };
    expect(requestDueStatus(base, ctx)).toBe('due_soon');
    expect(requestDueStatus({ ...base, dueOn: '2026-03-31' }, ctx)).toBe('normal');
    expect(requestDueStatus({ ...base, dueOn: '2026-03-25' }, ctx)).toBe('overdue');
    expect(requestDueStatus({ ...base, dueOn: '2026-03-26' }, ctx)).toBe('due_soon');
    expect(requestDueStatus({ ...base, dueOn: null }, ctx)).toBe('undetermined');
    expect(requestDueStatus({ ...base, stage: 'supplement_requested', dueOn: null }, ctx)).toBe('paused');
    expect(requestDueStatus({ ...base, stage: 'closed', dueOn: '2026-03-01' }, ctx)).toBe('stopped');
  });

  it('builds the public view without identity, contact, description or reply text, and without the approver', () => {
    const events: RequestEvent[] = [
      { id: 9, requestId: 1, action: 'extend', fromStage: 'received', toStage: 'received', staffId: 3, staffName: '办公室', at: base.receivedAt, comment: '批准人：王主任；理由：需会商' },
    ];
    const view = toPublicRequestView({ ...base, extended: true, replyText: '答复正文' }, events);
    expect(view).toMatchObject({ applicantName: '欧***', applicantKindLabel: '自然人', dueOn: '2026-03-30', extended: true });
    expect(view.extensionNotice).toBe('经本机关负责人同意，答复期限延长20个工作日。延长理由：需会商');
    const json = JSON.stringify(view);
    for (const secret of ['欧阳明月', base.idNumber, base.phone, 'a@b.cn', '某路1号', '某文件', '答复正文', '王主任']) expect(json).not.toContain(secret);
    const org = toPublicRequestView({ ...base, applicantKind: 'public_welfare', applicantName: '衢州某公益基金会' }, []);
    expect(org).toMatchObject({ applicantName: '衢州某公益基金会', applicantKindLabel: '法人或其他组织（社会公益组织）', extensionNotice: null });
  });

  describe('with a store and an injected clock', () => {
    let dir: string;
    let store: SqliteStore;
    let deps: Deps;
    let clock: ReturnType<typeof manualClock>;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bjt-req-'));
      const config = loadConfig({ NODE_ENV: 'test', DATABASE_FILE: path.join(dir, 'db.sqlite'), UPLOAD_DIR: path.join(dir, 'uploads') });
      store = new SqliteStore({ file: config.databaseFile });
      clock = manualClock(bj('2026-03-02'));
      let n = 0;
      deps = { store, clock, config, calendars: new CalendarService(store), randomQueryBody: () => String(++n).padStart(11, '2').replace(/[01]/g, '9') };
    });
    afterEach(async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const input = { applicantKind: 'person' as const, applicantName: '张三', idNumber: validResidentId(), phone: '13812345678', description: '某文件', deliveryForm: 'email' as const, email: 'a@b.cn' };

    it('starts the clock on the day received and restarts it from the day the 补正 arrived', async () => {
      const r = await submitDisclosureRequest(deps, input);
      expect(r).toMatchObject({ receivedOn: '2026-03-02', dueOn: '2026-03-30' });
      const office = await store.createStaff({ username: 'o', displayName: '办公室', role: 'office_reviewer', departmentId: null, windowId: null, passwordHash: 'x', isDemo: false });
      clock.set(bj('2026-03-03'));
      const waiting = await requestSupplement(deps, office, r.id, 1, { notice: '请明确', days: 3 });
      expect(waiting.supplementDueOn).toBe('2026-03-06');
      clock.set(bj('2026-03-06', 20));
      const back = await recordSupply(deps, office, r.id, 2, {});
      expect(back).toMatchObject({ clockStartOn: '2026-03-06', dueOn: replyDueOn('2026-03-06', false, await deps.calendars.calendar()) });
      expect(back.dueOn).toBe('2026-04-03');
      expect(await expireSupplements(deps)).toBe(0);
    });

    it('lets a request whose 补正 came on its deadline day survive the expiry check of that day', async () => {
      const r = await submitDisclosureRequest(deps, input);
      const office = await store.createStaff({ username: 'o', displayName: '办公室', role: 'office_reviewer', departmentId: null, windowId: null, passwordHash: 'x', isDemo: false });
      await requestSupplement(deps, office, r.id, 1, { notice: '请明确', days: 1 });
      clock.set(bj('2026-03-03', 23));
      expect(await expireSupplements(deps)).toBe(0);
      clock.set(bj('2026-03-04', 0));
      expect(await expireSupplements(deps)).toBe(1);
      expect(await store.findDisclosureRequest(r.id)).toMatchObject({ stage: 'closed', outcome: 'other_no_supplement', closedOn: '2026-03-04' });
    });
  });
});
