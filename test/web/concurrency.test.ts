import request from 'supertest';
import { checkSqliteIntegrity } from '../../src/store/sqlite/maintenance';
import { apiToken, createTestApp, orgApplicant, type TestApp } from '../helpers/test-app';

const PARALLEL = 12;
const PATH = ['accepted', 'under_review', 'approved', 'certificate_issued', 'completed'];

describe('many staff moving the same case at once', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  it(`when ${PARALLEL} moves race for each version, then exactly one wins per version, the rest get 409 or 412, and the log has no duplicate or gap`, async () => {
    const tokens = await Promise.all(['water', 'waterlead', 'admin'].map((u) => apiToken(t.app, u)));
    const staffIds = [t.staff.water.id, t.staff.waterLead.id, t.staff.admin.id];
    const reg = await request(t.app).post('/api/v1/cases').set('Authorization', `Bearer ${tokens[0]}`).send({ itemCode: 'SLJ-001', applicant: orgApplicant() }).expect(201);
    const q = reg.body.queryNo as string;
    const winners: { note: string; staffId: number; to: string }[] = [];
    const losers: number[] = [];

    for (const [round, to] of PATH.entries()) {
      const version = round + 1;
      const attempts = Array.from({ length: PARALLEL }, (_, i) => {
        const note = `第${version}版 第${i}次尝试`;
        const r = request(t.app)
          .post(`/api/v1/cases/${q}/transitions`)
          .set('Authorization', `Bearer ${tokens[i % tokens.length]}`)
          .send(to === 'approved' ? { to, note, decisionNo: `衢水许〔2026〕${i}号` } : { to, note });
        // A third go without If-Match: they act on whatever version they read.
        return { note, staffId: staffIds[i % tokens.length], res: i % 3 === 2 ? r : r.set('If-Match', `"${q}-v${version}"`) };
      });
      const answers = await Promise.all(attempts.map(async (a) => ({ ...a, status: (await a.res).status })));
      const won = answers.filter((a) => a.status === 200);
      expect({ version, wins: won.length }).toEqual({ version, wins: 1 });
      for (const a of answers.filter((x) => x.status !== 200)) expect([409, 412]).toContain(a.status);
      winners.push({ note: won[0].note, staffId: won[0].staffId, to });
      losers.push(...answers.filter((a) => a.status !== 200).map((a) => a.status));
    }
    // Both kinds of refusal happen: a stale If-Match, and a move no longer allowed from the new stage.
    expect(new Set(losers)).toEqual(new Set([409, 412]));

    const c = await t.store.findCaseByQueryNo(q);
    expect(c?.version).toBe(PATH.length + 1);
    expect(c?.stage).toBe('completed');
    const events = await t.store.listStageEvents(c!.id);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.slice(1).map((e) => ({ note: e.note, staffId: e.staffId, to: e.toStage }))).toEqual(winners);
    expect(events.slice(1).map((e) => e.fromStage)).toEqual(['submitted', ...PATH.slice(0, -1)]);
    const bulletin = t.store.db.prepare('SELECT decision_no FROM bulletin_entries').pluck().all();
    expect(bulletin).toEqual([events[3].decisionNo]);
    expect(checkSqliteIntegrity(t.store.db)).toEqual([]);
  }, 60_000);
});
