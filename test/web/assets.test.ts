import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { buildManifest, IMMUTABLE_CACHE, SHORT_CACHE, staticAssets } from '../../src/web/assets';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe('fingerprinted static files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bjt-assets-'));
    fs.mkdirSync(path.join(dir, 'css'));
    fs.writeFileSync(path.join(dir, 'css', 'a.css'), 'body { color: red }');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const serverOn = (production: boolean) => {
    const manifest = buildManifest(dir);
    const app = express();
    app.use('/static', staticAssets(dir, manifest, production));
    app.use((_req, res) => {
      res.status(404).send('not found');
    });
    return { app, manifest };
  };

  it('names each file by a hash of its content, which changes with the content', () => {
    const first = buildManifest(dir).asset('/css/a.css');
    const expected = crypto.createHash('sha256').update('body { color: red }').digest('hex').slice(0, 10);
    expect(first).toBe(`/static/css/a.${expected}.css`);
    fs.writeFileSync(path.join(dir, 'css', 'a.css'), 'body { color: blue }');
    const second = buildManifest(dir).asset('/css/a.css');
    expect(second).toMatch(/^\/static\/css\/a\.[0-9a-f]{10}\.css$/);
    expect(second).not.toBe(first);
  });

  it('refuses to link a file that does not exist', () => {
    expect(() => buildManifest(dir).asset('/css/missing.css')).toThrow(/unknown static file/);
  });

  it('serves the current fingerprint immutable for a year', async () => {
    const { app, manifest } = serverOn(true);
    const res = await request(app).get(manifest.asset('/css/a.css')).expect(200).expect('Content-Type', /css/);
    expect(res.text).toBe('body { color: red }');
    expect(res.headers['cache-control']).toBe(IMMUTABLE_CACHE);
  });

  it('serves an outdated fingerprint with the current file but only the short cache, so the stale URL is not pinned', async () => {
    const { app } = serverOn(true);
    const res = await request(app).get('/static/css/a.0123456789.css').expect(200);
    expect(res.text).toBe('body { color: red }');
    expect(res.headers['cache-control']).toBe(SHORT_CACHE);
  });

  it('serves the plain name with the short cache in production and none in development', async () => {
    expect((await request(serverOn(true).app).get('/static/css/a.css').expect(200)).headers['cache-control']).toBe(
      SHORT_CACHE,
    );
    const dev = serverOn(false);
    expect((await request(dev.app).get('/static/css/a.css').expect(200)).headers['cache-control']).toBe('no-cache');
    expect((await request(dev.app).get(dev.manifest.asset('/css/a.css')).expect(200)).headers['cache-control']).toBe(
      IMMUTABLE_CACHE,
    );
  });

  it('answers 404 for an unknown file, fingerprinted or not', async () => {
    const { app } = serverOn(true);
    await request(app).get('/static/css/b.0123456789.css').expect(404);
    await request(app).get('/static/css/b.css').expect(404);
    await request(app).get('/static/css/a.0123456789.js').expect(404);
  });
});

describe('pages link fingerprinted files', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.cleanup());

  it('the home page links every stylesheet by its fingerprint, and that URL is immutable', async () => {
    const page = await request(t.app).get('/').expect(200);
    const links = [...page.text.matchAll(/href="(\/static\/[^"]+)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThanOrEqual(2);
    for (const link of links) {
      expect(link).toMatch(/\.[0-9a-f]{10}\.css$/);
      const res = await request(t.app).get(link).expect(200);
      expect(res.headers['cache-control']).toBe(IMMUTABLE_CACHE);
      const plain = link.replace(/^\/static/, '').replace(/\.[0-9a-f]{10}\.css$/, '.css');
      const onDisk = fs.readFileSync(path.join(__dirname, '..', '..', 'public', plain), 'utf8');
      expect(res.text).toBe(onDisk);
    }
  });
});
