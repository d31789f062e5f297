import request from 'supertest';
import { createQueryNo, formatQueryNo } from '../../src/domain/query-number';
import { apiToken, createTestApp, personApplicant, type TestApp } from '../helpers/test-app';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const kiosk = require('../../public/js/kiosk.js') as {
  ALPHABET: string;
  IDLE_MS: number;
  applyKey(value: string, key: string): string;
  createIdleTimer(onIdle: () => void, ms: number): { poke(): void; stop(): void };
};

describe('kiosk pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  /** Every link and form on a kiosk page must stay inside /kiosk. */
  const expectNoWayOut = (html: string) => {
    for (const [, url] of html.matchAll(/\b(?:href|action)="([^"]+)"/g)) {
      expect(url).toMatch(/^\/(kiosk\b|static\/)/);
    }
  };

  it('the start page has the keypad with all 32 symbols and no links out', async () => {
    const res = await request(t.app).get('/kiosk').expect(200);
    const keys = [...res.text.matchAll(/data-key="([2-9A-Z])"/g)].map((m) => m[1]).join('');
    expect(keys).toBe(kiosk.ALPHABET);
    expect(res.text).toMatch(/<script src="\/static\/js\/kiosk\.[0-9a-f]{10}\.js" defer><\/script>/);
    expectNoWayOut(res.text);
  });

  it('a lookup shows the summary in big type, no detail tier, and returns home after 60 s even without JavaScript', async () => {
    const token = await apiToken(t.app, 'water');
    const q = (
      await request(t.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({ itemCode: 'SLJ-001', applicant: personApplicant() })
        .expect(201)
    ).body.queryNo as string;
    const res = await request(t.app).get(`/kiosk/lookup?no=${q}`).expect(200);
    expect(res.text).toContain(formatQueryNo(q));
    expect(res.text).toContain('已收件');
    expect(res.text).toContain('张**');
    expect(res.text).not.toContain('联系电话后四位');
    expect(res.text).not.toContain(personApplicant().phone);
    // The fixed refresh is for browsers without JavaScript only; kiosk.js's idle timer restarts on each touch.
    expect(res.text).toContain('<noscript><meta http-equiv="refresh" content="60;url=/kiosk"></noscript>');
    expectNoWayOut(res.text);
  });

  it('a malformed or unknown number is told in kiosk words, keeping the input', async () => {
    const bad = await request(t.app).get('/kiosk/lookup?no=ABCD').expect(400);
    expect(bad.text).toContain('查询号有误');
    expect(bad.text).toContain('value="ABCD"');
    const unknown = await request(t.app).get(`/kiosk/lookup?no=${createQueryNo('23456789ABC')}`).expect(404);
    expect(unknown.text).toContain('未查询到该办件');
    expectNoWayOut(unknown.text);
  });
});

describe('kiosk script', () => {
  it.each([
    ['', '7', '7'],
    ['7K3M', '9', '7K3M-9'],
    ['7K3M-9QXP-2R4', 'W', '7K3M-9QXP-2R4W'],
    ['7K3M-9QXP-2R4W', 'A', '7K3M-9QXP-2R4W'],
    ['7K3M-9', 'back', '7K3M'],
    ['7K3M-9', 'clear', ''],
    ['7k3m', 'O', '7K3M'],
    ['', '1', ''],
  ])('applyKey(%j, %j) → %j', (value, key, expected) => {
    expect(kiosk.applyKey(value, key)).toBe(expected);
  });

  describe('idle reset', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('goes home after 60 s without a touch, and a touch restarts the wait', () => {
      const onIdle = jest.fn();
      const timer = kiosk.createIdleTimer(onIdle, kiosk.IDLE_MS);
      jest.advanceTimersByTime(59_000);
      timer.poke();
      jest.advanceTimersByTime(59_000);
      expect(onIdle).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1_000);
      expect(onIdle).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(120_000);
      expect(onIdle).toHaveBeenCalledTimes(1);
    });

    it('stop() cancels the reset', () => {
      const onIdle = jest.fn();
      const timer = kiosk.createIdleTimer(onIdle, 1000);
      timer.stop();
      jest.advanceTimersByTime(5000);
      expect(onIdle).not.toHaveBeenCalled();
    });
  });
});
