import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { SMTPServer } from 'smtp-server';
import { OutboxWorker } from '../../src/services/notify/outbox-worker';
import { createSmtpTransport } from '../../src/services/notify/smtp-transport';
import type { NotificationTransport } from '../../src/services/notify/transport';
import { enqueueSupplementReminders } from '../../src/services/notify/reminders';
import { CalendarService } from '../../src/services/clock';
import { apiToken, createTestApp, manualClock, orgApplicant, type TestApp } from '../helpers/test-app';

interface Received {
  to: string[];
  raw: string;
}

/** A real SMTP server on localhost; `failFirst` messages are refused with a temporary error. */
async function startSmtp(opts: { port?: number; failFirst?: number } = {}) {
  const received: Received[] = [];
  let refusals = opts.failFirst ?? 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          const err = Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 });
          return callback(err);
        }
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { server, port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function decodeBody(raw: string): string {
  const body = raw.slice(raw.search(/\r?\n\r?\n/) + 2);
  if (/Content-Transfer-Encoding: base64/i.test(raw)) return Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8');
  if (/Content-Transfer-Encoding: quoted-printable/i.test(raw)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'binary').toString('utf8');
  }
  return body;
}

describe('notifications through the outbox', () => {
  const clock = manualClock('2026-11-02T02:00:00Z');
  let t: TestApp | undefined;
  let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;
  let transport: NotificationTransport | undefined;
  afterEach(async () => {
    transport?.close?.();
    await smtp?.close();
    await t?.cleanup();
    t = undefined;
    smtp = undefined;
    transport = undefined;
  });

  async function appWithSmtp(port: number) {
    clock.set('2026-11-02T02:00:00Z');
    t = await createTestApp({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_FROM: 'noreply@zwfw.example.gov.cn', PUBLIC_URL: 'https://zwfw.example.gov.cn' }, { clock });
    transport = createSmtpTransport(t.config.smtp!);
    return t;
  }
  const register = async (app: TestApp, token: string, email?: string) =>
    (
      await request(app.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({ itemCode: 'SLJ-001', applicant: { ...orgApplicant(), ...(email ? { email } : {}) } })
        .expect(201)
    ).body.queryNo as string;

  it('when a case with an e-mail moves, then each public stage change is delivered once by a real SMTP server', async () => {
    smtp = await startSmtp();
    const app = await appWithSmtp(smtp.port);
    const token = await apiToken(app.app, 'water');
    const q = await register(app, token, 'applicant@example.com');
    await request(app.app).post(`/api/v1/cases/${q}/transitions`).set('Authorization', `Bearer ${token}`).send({ to: 'accepted' }).expect(200);
    const worker = new OutboxWorker(app.store, [transport!], clock);
    expect(await worker.runOnce()).toBe(2);
    expect(await worker.runOnce()).toBe(0);
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received.every((m) => m.to[0] === 'applicant@example.com')).toBe(true);
    const text = decodeBody(smtp.received[1].raw);
    expect(text).toContain('已受理');
    expect(text).toContain(`https://zwfw.example.gov.cn/lookup?no=${q}`);
    expect(smtp.received.map((m) => m.raw).join('')).not.toContain(orgApplicant().idNumber);
    const c = await app.store.findCaseByQueryNo(q);
    const rows = await app.store.listOutbox(c!.id);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(rows.every((r) => r.stageEventId !== null)).toBe(true);
  });

  it('when the mail server is down and then refuses once, staff are not blocked and every message arrives exactly once after recovery', async () => {
    const probe = await startSmtp();
    const port = probe.port;
    await probe.close();
    const app = await appWithSmtp(port);
    const token = await apiToken(app.app, 'water');
    const q = await register(app, token, 'applicant@example.com');
    await request(app.app).post(`/api/v1/cases/${q}/transitions`).set('Authorization', `Bearer ${token}`).send({ to: 'accepted' }).expect(200);
    const worker = new OutboxWorker(app.store, [transport!], clock);
    expect(await worker.runOnce()).toBe(0);
    const c = await app.store.findCaseByQueryNo(q);
    let rows = await app.store.listOutbox(c!.id);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['pending', 1],
      ['pending', 1],
    ]);
    expect(rows[0].lastError).toBeTruthy();
    expect(rows[0].nextAttemptAt > clock.now().toISOString()).toBe(true);

    smtp = await startSmtp({ port, failFirst: 1 });
    expect(await worker.runOnce()).toBe(0);
    clock.set('2026-11-02T02:00:31Z');
    expect(await worker.runOnce()).toBe(1);
    clock.set('2026-11-02T02:02:00Z');
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0);
    rows = await app.store.listOutbox(c!.id);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(smtp.received).toHaveLength(2);
    const bodies = smtp.received.map((m) => decodeBody(m.raw));
    expect(bodies.filter((b) => b.includes('「已收件」'))).toHaveLength(1);
    expect(bodies.filter((b) => b.includes('「已受理」'))).toHaveLength(1);
  });

  it('gives up after the last attempt and marks the message failed', async () => {
    const app = await appWithSmtp(1);
    const token = await apiToken(app.app, 'water');
    const q = await register(app, token, 'applicant@example.com');
    const failing: NotificationTransport = { channel: 'email', send: async () => Promise.reject(new Error('no route')) };
    const worker = new OutboxWorker(app.store, [failing], clock, { maxAttempts: 2, backoffMs: () => 1000 });
    await worker.runOnce();
    clock.set('2026-11-02T02:00:02Z');
    await worker.runOnce();
    clock.set('2026-11-02T02:00:04Z');
    await worker.runOnce();
    const c = await app.store.findCaseByQueryNo(q);
    const [row] = await app.store.listOutbox(c!.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 2, lastError: 'no route' });
  });

  it('without an e-mail address, or with SMTP off, nothing is queued', async () => {
    const app = await appWithSmtp(1);
    const token = await apiToken(app.app, 'water');
    const q = await register(app, token);
    expect(await app.store.listOutbox((await app.store.findCaseByQueryNo(q))!.id)).toEqual([]);
    const off = await createTestApp();
    try {
      const offToken = await apiToken(off.app, 'water');
      const q2 = await register(off, offToken, 'applicant@example.com');
      expect(await off.store.listOutbox((await off.store.findCaseByQueryNo(q2))!.id)).toEqual([]);
    } finally {
      await off.cleanup();
    }
  });

  it('a bad e-mail address is refused at registration', async () => {
    const app = await appWithSmtp(1);
    const token = await apiToken(app.app, 'water');
    const res = await request(app.app)
      .post('/api/v1/cases')
      .set('Authorization', `Bearer ${token}`)
      .send({ itemCode: 'SLJ-001', applicant: { ...orgApplicant(), email: 'not-an-email' } })
      .expect(400);
    expect(res.body.error.fields['applicant.email']).toBeDefined();
  });

  it('reminds once when a 补正 deadline is due soon', async () => {
    const app = await appWithSmtp(1);
    const token = await apiToken(app.app, 'water');
    const q = await register(app, token, 'applicant@example.com');
    await request(app.app)
      .post(`/api/v1/cases/${q}/transitions`)
      .set('Authorization', `Bearer ${token}`)
      .send({ to: 'supplement_requested', note: '1. 平面图', notePublic: true })
      .expect(200);
    const deps = { store: app.store, clock, config: app.config, randomQueryBody: () => '23456789ABC', calendars: new CalendarService(app.store) };
    expect(await enqueueSupplementReminders(deps)).toBe(0);
    clock.set('2026-11-13T02:00:00Z');
    expect(await enqueueSupplementReminders(deps)).toBe(1);
    expect(await enqueueSupplementReminders(deps)).toBe(0);
    const rows = await app.store.listOutbox((await app.store.findCaseByQueryNo(q))!.id);
    expect(rows.map((r) => r.subject).pop()).toContain('请在 2026-11-16 前补正材料');
  });
});
