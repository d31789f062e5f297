import { ACCOUNT_THROTTLE, accountThrottleKey, afterFailure, emptyThrottle, IP_THROTTLE, lockRemainingMs, type ThrottleState } from '../../src/domain/login-throttle';

const T0 = Date.parse('2026-11-02T01:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const MIN = 60_000;

/** Fails `n` times, one second apart from `startMs`; returns the final state and how many failures started a lock. */
function fail(state: ThrottleState, n: number, startMs: number, policy = ACCOUNT_THROTTLE) {
  let s = state;
  let locks = 0;
  for (let i = 0; i < n; i++) {
    const r = afterFailure(s, at(startMs + i * 1000), policy);
    s = r.state;
    if (r.locked) locks++;
  }
  return { s, locks };
}

describe('login throttle', () => {
  it('when an account fails 4 times, then it is not locked; the 5th failure locks it for one minute', () => {
    const four = fail(emptyThrottle('user:a'), 4, 0);
    expect(four.locks).toBe(0);
    expect(lockRemainingMs(four.s, at(4000))).toBe(0);
    const r = afterFailure(four.s, at(5000), ACCOUNT_THROTTLE);
    expect(r.locked).toBe(true);
    expect(lockRemainingMs(r.state, at(5000))).toBe(MIN);
  });

  it('each further lock lasts twice as long, up to 30 minutes', () => {
    let s = emptyThrottle('user:a');
    const lengths: number[] = [];
    let t = 0;
    for (let round = 0; round < 7; round++) {
      const r = fail(s, 5, t);
      s = r.s;
      const lockedAt = t + 4000;
      lengths.push(lockRemainingMs(s, at(lockedAt)));
      t = Date.parse(s.lockedUntil as string) - T0 + 1000;
    }
    expect(lengths.map((ms) => ms / MIN)).toEqual([1, 2, 4, 8, 16, 30, 30]);
  });

  it('failures spread wider than the 15-minute window never lock', () => {
    let s = emptyThrottle('user:a');
    for (let i = 0; i < 20; i++) {
      const r = afterFailure(s, at(i * 4 * MIN), ACCOUNT_THROTTLE);
      expect(r.locked).toBe(false);
      s = r.state;
    }
  });

  it('failures while locked neither extend the lock nor count', () => {
    const { s } = fail(emptyThrottle('user:a'), 5, 0);
    const again = fail(s, 10, 10_000);
    expect(again.s.lockedUntil).toBe(s.lockedUntil);
    expect(again.locks).toBe(0);
  });

  it('a day without failures forgets earlier locks', () => {
    let { s } = fail(emptyThrottle('user:a'), 5, 0);
    s = fail(s, 5, 2 * MIN).s;
    expect(s.lockLevel).toBe(2);
    const later = fail(s, 5, 25 * 60 * MIN);
    expect(lockRemainingMs(later.s, at(25 * 60 * MIN + 4000))).toBe(MIN);
  });

  it('an address takes 20 failures', () => {
    expect(fail(emptyThrottle('ip:x'), 19, 0, IP_THROTTLE).locks).toBe(0);
    expect(fail(emptyThrottle('ip:x'), 20, 0, IP_THROTTLE).locks).toBe(1);
  });

  it('account keys ignore case and surrounding spaces', () => {
    expect(accountThrottleKey('  Alice ')).toBe(accountThrottleKey('alice'));
  });
});
