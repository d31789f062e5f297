import type { Router } from 'express';
import request from 'supertest';
import { openApiDocument } from '../../src/web/openapi';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { apiRoutes } from '../../src/web/api-routes';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route the API router really has, as "METHOD /path/{param}". */
function routerRoutes(router: Router): string[] {
  return (router.stack as unknown as Layer[])
    .filter((l) => l.route)
    .flatMap((l) =>
      Object.keys(l.route!.methods)
        .filter((m) => m !== '_all')
        .map((m) => `${m.toUpperCase()} ${l.route!.path.replace(/:(\w+)/g, '{$1}')}`),
    )
    .sort();
}

function documentedRoutes(): string[] {
  return Object.entries(openApiDocument.paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
}

describe('OpenAPI description', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  it('is served as OpenAPI 3.1 JSON', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json').expect(200).expect('Content-Type', /json/);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.paths['/cases/{queryNo}']).toBeDefined();
  });

  it('documents every API route, and every documented route exists', () => {
    const router = apiRoutes({
      deps: {} as never,
      auth: {} as never,
      config: {} as never,
      lookupLimiter: {} as never,
      loginLimiter: {} as never,
      detailLimiter: {} as never,
      secret: 'x',
      evaluationLimiter: {} as never,
      requestLimiter: {} as never,
      logRequestError: () => undefined,
    });
    const actual = routerRoutes(router);
    expect(actual.length).toBeGreaterThanOrEqual(7);
    expect(documentedRoutes()).toEqual(actual);
  });

  it('every $ref points at a defined component', () => {
    const text = JSON.stringify(openApiDocument);
    for (const [, kind, name] of text.matchAll(/"#\/components\/(\w+)\/(\w+)"/g)) {
      expect((openApiDocument.components as Record<string, Record<string, unknown>>)[kind][name]).toBeDefined();
    }
  });
});
