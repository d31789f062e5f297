import { PgStore } from '../../src/store/postgres/pg-store';
import { PgNotifyBus, PgRateLimiter } from '../../src/store/postgres/pg-shared';
import type { CaseUpdate } from '../../src/services/live-updates';
import { describePg, openTestPgStore, usePgServer } from '../helpers/pg';

/** Two instances of the app: two pools on one schema. */
describePg('state shared by instances on one PostgreSQL database', () => {
  const url = usePgServer();
  let a: PgStore;
  let b: PgStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    const opened = await openTestPgStore(url());
    a = opened.store;
    b = await PgStore.open({ connectionString: url(), schema: opened.schema, poolSize: 3 });
    cleanup = async () => {
      await b.close();
      await opened.cleanup();
    };
  });
  afterEach(() => cleanup());

  it('when hits arrive on two instances, then the limit counts them together and a reset clears it for both', async () => {
    let now = 1_000_000;
    const onA = new PgRateLimiter(a.pool, 'login', 3, 60_000, () => now);
    const onB = new PgRateLimiter(b.pool, 'login', 3, 60_000, () => now);
    expect([await onA.hit('1.2.3.4'), await onB.hit('1.2.3.4'), await onA.hit('1.2.3.4')]).toEqual([0, 0, 0]);
    expect(await onB.hit('1.2.3.4')).toBe(60);
    expect(await onA.hit('5.6.7.8')).toBe(0);
    now += 30_000;
    expect(await onA.hit('1.2.3.4')).toBe(30);
    await onB.reset('1.2.3.4');
    expect(await onA.hit('1.2.3.4')).toBe(0);
    now += 60_000;
    expect([await onB.hit('1.2.3.4'), await onB.hit('1.2.3.4'), await onB.hit('1.2.3.4')]).toEqual([0, 0, 0]);
  });

  it('when limiters of different names count the same key, then their windows are separate', async () => {
    const login = new PgRateLimiter(a.pool, 'login', 1, 60_000);
    const lookup = new PgRateLimiter(b.pool, 'lookup', 1, 60_000);
    expect(await login.hit('k')).toBe(0);
    expect(await lookup.hit('k')).toBe(0);
    expect(await login.hit('k')).toBeGreaterThan(0);
  });

  it("when a case update is published on one instance, then the other instance's subscribers of that case get it", async () => {
    const busA = await PgNotifyBus.start(a.pool);
    const busB = await PgNotifyBus.start(b.pool);
    a.onClose(() => busA.close());
    b.onClose(() => busB.close());
    const received: CaseUpdate[] = [];
    const other: CaseUpdate[] = [];
    busB.subscribe('ABCDEFGHJKLM', (u) => received.push(u));
    busB.subscribe('MLKJHGFEDCBA', (u) => other.push(u));
    busA.publish({ queryNo: 'ABCDEFGHJKLM', version: 3, stage: 'accepted' });
    const deadline = Date.now() + 5000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received).toEqual([{ queryNo: 'ABCDEFGHJKLM', version: 3, stage: 'accepted' }]);
    expect(other).toEqual([]);
  });
});
