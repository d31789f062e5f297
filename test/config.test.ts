import { ConfigError, DEFAULT_DEMO_PASSWORD, loadConfig } from '../src/config';

describe('configuration from the environment', () => {
  it('has documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      env: 'development',
      port: 3000,
      host: '0.0.0.0',
      demoData: true,
      demoPassword: DEFAULT_DEMO_PASSWORD,
      lookupRateLimit: 120,
      trustProxy: false,
    });
    expect(c.databaseFile).toMatch(/db[/\\]tracker\.sqlite$/);
    expect(c.databaseUrl).toBeNull();
  });

  it('when DATABASE_URL is a postgres URL, then it is used with the pool size', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://app:secret@db.example:5432/tracker', DATABASE_POOL_SIZE: '20' });
    expect(c.databaseUrl).toBe('postgres://app:secret@db.example:5432/tracker');
    expect(c.databasePoolSize).toBe(20);
    expect(loadConfig({ DATABASE_URL: 'postgresql://app@localhost/tracker' }).databasePoolSize).toBe(10);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DEMO_DATA: 'yes' }, 'DEMO_DATA'],
    [{ LOOKUP_RATE_LIMIT: '0' }, 'LOOKUP_RATE_LIMIT'],
    [{ NODE_ENV: 'production' }, 'SESSION_SECRET'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ DEMO_PASSWORD: 'short' }, 'DEMO_PASSWORD'],
    [{ TRUST_PROXY: 'maybe!' }, 'TRUST_PROXY'],
    [{ PUBLIC_URL: 'javascript:alert(1)' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ CENTER_NAME: 'x' }, 'CENTER_NAME'],
    [{ UPLOAD_MAX_BYTES: 'ten' }, 'UPLOAD_MAX_BYTES'],
    [{ UPLOAD_MAX_BYTES: '100' }, 'UPLOAD_MAX_BYTES'],
    [{ UPLOAD_MAX_BYTES: '1.5' }, 'UPLOAD_MAX_BYTES'],
    [{ RECTIFICATION_DAYS: '0' }, 'RECTIFICATION_DAYS'],
    [{ RECTIFICATION_DAYS: 'fifteen' }, 'RECTIFICATION_DAYS'],
    [{ DATABASE_URL: 'mysql://db.example/tracker' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'db.example:5432' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://a@db/x', DATABASE_POOL_SIZE: '1' }, 'DATABASE_POOL_SIZE'],
    [{ DATABASE_URL: 'postgres://a@db/x', BACKUP_DIR: '/b' }, 'BACKUP_DIR'],
    [{ SHUTDOWN_TIMEOUT_MS: '50' }, 'SHUTDOWN_TIMEOUT_MS'],
    [{ SHUTDOWN_TIMEOUT_MS: '1.5' }, 'SHUTDOWN_TIMEOUT_MS'],
    [{ SHUTDOWN_TIMEOUT_MS: 'soon' }, 'SHUTDOWN_TIMEOUT_MS'],
    [{ BACKUP_DIR: '/b', BACKUP_INTERVAL_HOURS: '0' }, 'BACKUP_INTERVAL_HOURS'],
    [{ BACKUP_DIR: '/b', BACKUP_INTERVAL_HOURS: 'daily' }, 'BACKUP_INTERVAL_HOURS'],
    [{ BACKUP_DIR: '/b', BACKUP_KEEP: '0' }, 'BACKUP_KEEP'],
    [{ BACKUP_DIR: '/b', BACKUP_KEEP: '2.5' }, 'BACKUP_KEEP'],
    [{ BACKUP_KEEP: '3' }, 'BACKUP_KEEP'],
    [{ BACKUP_INTERVAL_HOURS: '6' }, 'BACKUP_INTERVAL_HOURS'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ ACCESS_LOG: 'maybe' }, 'ACCESS_LOG'],
  ])('when %j, then start-up stops naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('logs at info by default, silently under test, and at the LOG_LEVEL asked for', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    expect(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(loadConfig({ LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
  });

  it('has upload defaults of 10 MiB in db/uploads, and takes other values', () => {
    const c = loadConfig({});
    expect(c.uploadMaxBytes).toBe(10 * 1024 * 1024);
    expect(c.uploadDir).toMatch(/db[/\\]uploads$/);
    const d = loadConfig({ UPLOAD_MAX_BYTES: '2048', UPLOAD_DIR: '/srv/forms' });
    expect(d.uploadMaxBytes).toBe(2048);
    expect(d.uploadDir).toBe('/srv/forms');
  });

  it('waits 10 s on shutdown unless SHUTDOWN_TIMEOUT_MS says otherwise', () => {
    expect(loadConfig({}).shutdownTimeoutMs).toBe(10_000);
    expect(loadConfig({ SHUTDOWN_TIMEOUT_MS: '2500' }).shutdownTimeoutMs).toBe(2500);
  });

  it('makes no scheduled backups without BACKUP_DIR; with it, daily keeping 7 unless told otherwise', () => {
    expect(loadConfig({}).backup).toBeNull();
    expect(loadConfig({ BACKUP_DIR: '/srv/backups' }).backup).toEqual({ dir: '/srv/backups', intervalMs: 24 * 3600_000, keep: 7 });
    expect(loadConfig({ BACKUP_DIR: '/srv/backups', BACKUP_INTERVAL_HOURS: '0.5', BACKUP_KEEP: '30' }).backup).toEqual({
      dir: '/srv/backups',
      intervalMs: 1800_000,
      keep: 30,
    });
  });

  it('gives 差评 rectification 15 working days unless RECTIFICATION_DAYS says otherwise', () => {
    expect(loadConfig({}).rectificationDays).toBe(15);
    expect(loadConfig({ RECTIFICATION_DAYS: '5' }).rectificationDays).toBe(5);
  });

  it('reads TRUST_PROXY as a hop count, on, or a list', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'on' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
  });

  it('takes the center name and public URL for receipts', () => {
    const c = loadConfig({ CENTER_NAME: '衢州市行政服务中心', PUBLIC_URL: 'https://zwfw.qz.gov.cn/' });
    expect(c.centerName).toBe('衢州市行政服务中心');
    expect(c.publicUrl).toBe('https://zwfw.qz.gov.cn');
  });

  it('accepts production with a long secret', () => {
    const c = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), DEMO_DATA: 'off' });
    expect(c.env).toBe('production');
    expect(c.demoData).toBe(false);
  });

  it('takes the center credit code (check character verified), disclosure categories and 公开指南 contact, with the seed report’s defaults', () => {
    const d = loadConfig({});
    expect(d.centerCreditCode).toBe('11330800MB0R57773W');
    expect(d.disclosureCategories).toEqual(['机构职能', '政策文件', '规划计划', '其他']);
    expect(d.centerContact).toMatchObject({ phone: '0570-3890183', email: 'qzxzfwzx@163.com' });
    expect(loadConfig({ CENTER_CREDIT_CODE: '11330800mb0r57773w' }).centerCreditCode).toBe('11330800MB0R57773W');
    expect(() => loadConfig({ CENTER_CREDIT_CODE: '11330800MB0R57773X' })).toThrow(/CENTER_CREDIT_CODE/);
    expect(loadConfig({ DISCLOSURE_CATEGORIES: '机构职能， 政策文件,其他' }).disclosureCategories).toEqual(['机构职能', '政策文件', '其他']);
    expect(() => loadConfig({ DISCLOSURE_CATEGORIES: '其他,其他' })).toThrow(/DISCLOSURE_CATEGORIES/);
    expect(() => loadConfig({ CENTER_EMAIL: 'not-an-address' })).toThrow(/CENTER_EMAIL/);
  });

  it('publishes the annual report under 其他 by default, the last category without one, or a configured 年报 category', () => {
    expect(loadConfig({}).disclosureReportCategory).toBe('其他');
    expect(loadConfig({ DISCLOSURE_CATEGORIES: '机构职能,政策文件,规划计划' }).disclosureReportCategory).toBe('规划计划');
    expect(loadConfig({ DISCLOSURE_CATEGORIES: '机构职能,年报,其他', DISCLOSURE_REPORT_CATEGORY: '年报' }).disclosureReportCategory).toBe('年报');
    expect(() => loadConfig({ DISCLOSURE_REPORT_CATEGORY: '年报' })).toThrow(/DISCLOSURE_REPORT_CATEGORY/);
  });
});

