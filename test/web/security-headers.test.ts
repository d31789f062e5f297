import express from 'express';
import request from 'supertest';
import { helmetFor, securityHeaders } from '../../src/web/security';

/** The recorded headers must be exactly what helmet sends, with a fresh nonce each time. */
function appWith(handlers: express.RequestHandler[]) {
  const app = express();
  app.disable('x-powered-by');
  app.use(...handlers);
  app.get('/', (_req, res) => {
    res.send(`<script nonce="${res.locals.cspNonce}"></script>`);
  });
  return app;
}

describe('security headers recorded from helmet', () => {
  it.each([true, false])('production %s: the same headers as helmet itself, nonce included', async (production) => {
    const viaHelmet = appWith([
      (_req, res, next) => {
        res.locals.cspNonce = 'fixed-for-comparison';
        next();
      },
      helmetFor(production),
    ]);
    const recorded = appWith([...securityHeaders(production)]);
    const expected = (await request(viaHelmet).get('/')).headers;
    const got = (await request(recorded).get('/')).headers;
    const nonce = /nonce="([^"]+)"/.exec((await request(recorded).get('/')).text)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const securityNames = Object.keys(expected).filter((n) => !['date', 'connection', 'keep-alive', 'content-length', 'content-type', 'etag'].includes(n));
    expect(securityNames.length).toBeGreaterThanOrEqual(10);
    for (const name of securityNames) {
      const want = String(expected[name]);
      if (name === 'content-security-policy') {
        const [before, after] = want.split('fixed-for-comparison');
        expect(got[name]).toMatch(new RegExp(`^${escape(before)}[A-Za-z0-9+/=]{24}${escape(after)}$`));
      } else {
        expect({ name, value: got[name] }).toEqual({ name, value: want });
      }
    }
    expect(Object.keys(got).filter((n) => !securityNames.includes(n) && !['date', 'connection', 'keep-alive', 'content-length', 'content-type', 'etag'].includes(n))).toEqual([]);
    expect(expected['strict-transport-security'] !== undefined).toBe(production);
  });

  it('every response gets its own nonce, across refills of the random pool, and the CSP names the one in the page', async () => {
    const app = appWith(securityHeaders(true));
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const res = await request(app).get('/');
      const nonce = /nonce="([^"]+)"/.exec(res.text)![1];
      expect(res.headers['content-security-policy']).toContain(`'nonce-${nonce}'`);
      seen.add(nonce);
    }
    expect(seen.size).toBe(600);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
