import path from 'node:path';
import { z } from 'zod';
import { ROOT } from './paths';
import { isValidCreditCode } from './domain/identity';
import { LOG_LEVELS, type LogLevel } from './logging';

export const DEFAULT_DEMO_PASSWORD = 'Banjiantong-2026';

const onOff = z.enum(['on', 'off']);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_FILE: z.string().min(1).default(path.join('db', 'tracker.sqlite')),
    // Set: PostgreSQL (several instances may share it); unset: the embedded SQLite file above.
    DATABASE_URL: z
      .string()
      .trim()
      .refine(isPostgresUrl, { message: 'must be a postgres:// or postgresql:// URL with a host, e.g. postgres://user:password@db.example:5432/tracker' })
      .optional(),
    // One connection is held by the live-updates listener: at least one more for queries.
    DATABASE_POOL_SIZE: z.coerce.number().int().min(2, 'at least 2 (one listens for live updates)').max(200).default(10),
    DEMO_DATA: onOff.default('on'),
    DEMO_PASSWORD: z.string().min(8, '至少 8 个字符').default(DEFAULT_DEMO_PASSWORD),
    SESSION_SECRET: z.string().min(32, '至少 32 个字符').optional(),
    LOOKUP_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(120),
    REQUEST_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(10),
    DUE_SOON_DAYS: z.coerce.number().int().min(0).max(20).default(2),
    SUPPLEMENT_DAYS: z.coerce.number().int().min(1).max(60).default(10),
    SMTP_HOST: z.string().trim().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
    SMTP_SECURE: onOff.default('off'),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    SMTP_FROM: z.email({ message: 'must be an e-mail address' }).optional(),
    LIVE_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(1000),
    RECTIFICATION_DAYS: z.coerce.number().int().min(1).max(60).default(15),
    CENTER_NAME: z.string().trim().min(2).max(60).default('衢州市行政服务中心'),
    // 统一社会信用代码 of the center: the 前段码 of generated 索引号 (the seed report's own code).
    CENTER_CREDIT_CODE: z
      .string()
      .trim()
      .toUpperCase()
      .default('11330800MB0R57773W')
      .refine(isValidCreditCode, { message: 'must be an 18-character 统一社会信用代码 with a valid check character' }),
    // 公开指南 contact details; defaults from the seed report (电话、邮箱) and common practice.
    CENTER_ADDRESS: z.string().trim().min(2).max(100).default('衢州市行政服务中心办公室'),
    CENTER_HOURS: z.string().trim().min(2).max(100).default('工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）'),
    CENTER_PHONE: z.string().trim().min(5).max(40).default('0570-3890183'),
    CENTER_EMAIL: z.email({ message: 'must be an e-mail address' }).default('qzxzfwzx@163.com'),
    // 组配分类 of the disclosure catalog: site configuration (not a national list), comma-separated.
    DISCLOSURE_CATEGORIES: z
      .string()
      .default('机构职能,政策文件,规划计划,其他')
      .transform((v) => v.split(/[,，]/).map((c) => c.trim()).filter(Boolean))
      .refine((l) => l.length >= 1 && l.length <= 20, { message: 'list 1 to 20 categories, separated by commas' })
      .refine((l) => new Set(l).size === l.length, { message: 'categories must be distinct' })
      .refine((l) => l.every((c) => c.length <= 20), { message: 'each category at most 20 characters' }),
    // The 组配分类 the annual report (年度报告) is published under; one of DISCLOSURE_CATEGORIES.
    DISCLOSURE_REPORT_CATEGORY: z.string().trim().optional(),
    PUBLIC_URL: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://zwfw.example.gov.cn' })
      .optional(),
    UPLOAD_DIR: z.string().min(1).default(path.join('db', 'uploads')),
    UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int('must be a whole number of bytes')
      .min(1024, 'at least 1024 bytes')
      .max(100 * 1024 * 1024, 'at most 100 MiB')
      .default(10 * 1024 * 1024),
    // Longest wait for in-flight requests and pending work on SIGTERM before exiting anyway.
    SHUTDOWN_TIMEOUT_MS: z.coerce
      .number()
      .int('must be a whole number of milliseconds')
      .min(100, 'at least 100 ms')
      .max(10 * 60 * 1000, 'at most 600000 ms (10 minutes)')
      .default(10_000),
    // Scheduled online backups: off unless BACKUP_DIR is set.
    BACKUP_DIR: z.string().trim().min(1).optional(),
    BACKUP_INTERVAL_HOURS: z.coerce.number().min(0.25, 'at least 0.25 hours').max(24 * 7, 'at most 168 hours').optional(),
    BACKUP_KEEP: z.coerce.number().int('must be a whole number').min(1, 'keep at least 1').max(1000, 'at most 1000').optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS, { message: `use one of ${LOG_LEVELS.join(', ')}` }).optional(),
    // One line per request; off when a reverse proxy already keeps access logs (and in the benchmark).
    ACCESS_LOG: onOff.default('on'),
    TRUST_PROXY: z
      .string()
      .default('off')
      .refine((v) => /^(off|on|\d{1,2}|loopback|linklocal|uniquelocal|[0-9a-fA-F:.,/ ]+)$/.test(v), {
        message: 'use off, on, a hop count, or a list of proxy addresses',
      }),
  })
  .superRefine((c, ctx) => {
    if (c.SMTP_HOST && !c.SMTP_FROM) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_FROM'], message: 'required when SMTP_HOST is set' });
    }
    if (Boolean(c.SMTP_USER) !== Boolean(c.SMTP_PASSWORD)) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_PASSWORD'], message: 'SMTP_USER and SMTP_PASSWORD go together' });
    }
    if (c.DISCLOSURE_REPORT_CATEGORY && !c.DISCLOSURE_CATEGORIES.includes(c.DISCLOSURE_REPORT_CATEGORY)) {
      ctx.addIssue({ code: 'custom', path: ['DISCLOSURE_REPORT_CATEGORY'], message: 'must be one of DISCLOSURE_CATEGORIES' });
    }
    if (c.BACKUP_DIR && c.DATABASE_URL) {
      // The scheduled backups copy the SQLite file; a PostgreSQL database is backed up with its own tools.
      ctx.addIssue({ code: 'custom', path: ['BACKUP_DIR'], message: 'backs up the SQLite file only; with DATABASE_URL use pg_dump or PostgreSQL archiving' });
    }
    if (!c.BACKUP_DIR) {
      for (const k of ['BACKUP_INTERVAL_HOURS', 'BACKUP_KEEP'] as const) {
        if (c[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'has no effect without BACKUP_DIR' });
      }
    }
    if (c.NODE_ENV === 'production' && !c.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'required when NODE_ENV=production' });
    }
  });

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseFile: string;
  /** PostgreSQL connection URL; null: the SQLite file `databaseFile`. */
  databaseUrl: string | null;
  /** Connections per instance in the PostgreSQL pool. */
  databasePoolSize: number;
  demoData: boolean;
  demoPassword: string;
  sessionSecret: string | undefined;
  lookupRateLimit: number;
  /** A running deadline with at most this many working days left is "due soon". */
  dueSoonDays: number;
  /** Working days the applicant is given to supply missing materials (一次性补正告知书). */
  supplementDays: number;
  /** E-mail notifications; null (off) when SMTP_HOST is not set. */
  smtp: { host: string; port: number; secure: boolean; user?: string; password?: string; from: string } | null;
  /** Caps on open live-status streams: total, per client IP, per case. */
  liveLimits: { total: number; perIp: number; perCase: number };
  /** Folder of uploaded forms and samples (files get server-generated names). */
  uploadDir: string;
  /** Largest accepted upload, in bytes. */
  uploadMaxBytes: number;
  /** Working days a 差评 rectification task (整改) has, 国办发〔2019〕51号 leaves it to local rules. */
  rectificationDays: number;
  /** Value for Express's `trust proxy` setting. */
  trustProxy: boolean | number | string;
  centerName: string;
  /** 统一社会信用代码 of the center, 前段码 of generated 索引号. */
  centerCreditCode: string;
  /** 公开指南 contact details. */
  centerContact: { address: string; hours: string; phone: string; email: string };
  /** 组配分类 of the disclosure catalog, in display order. */
  disclosureCategories: string[];
  /** 组配分类 of the published annual report: DISCLOSURE_REPORT_CATEGORY, else 其他, else the last category. */
  disclosureReportCategory: string;
  /** Public base URL printed on receipts; when unset, the staff request's own origin. */
  publicUrl: string | undefined;
  /** Longest graceful shutdown before the process exits anyway (non-zero). */
  shutdownTimeoutMs: number;
  /** Scheduled online backups into `dir`, keeping the newest `keep`; null when BACKUP_DIR is unset. */
  backup: { dir: string; intervalMs: number; keep: number } | null;
  /** Login attempts per 15 minutes per client IP. */
  /** pino level; `silent` by default under NODE_ENV=test. */
  logLevel: LogLevel;
  /** Whether each request gets an access line (at info level). */
  accessLog: boolean;
  /** Wrong phone-digit checks (detail tier) per 15 minutes per client IP and per case. */
  loginRateLimit: number;
  /** Posts of the public 政府信息公开申请 form per hour per client IP. */
  requestRateLimit: number;
}

export class ConfigError extends Error {}

/** Reads the environment once; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankToUndefined = Object.fromEntries(
    Object.keys(schema.shape ?? {}).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = schema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    env: c.NODE_ENV,
    port: c.PORT,
    host: c.HOST,
    databaseFile: path.resolve(ROOT, c.DATABASE_FILE),
    databaseUrl: c.DATABASE_URL ?? null,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    demoData: c.DEMO_DATA === 'on',
    demoPassword: c.DEMO_PASSWORD,
    sessionSecret: c.SESSION_SECRET,
    lookupRateLimit: c.LOOKUP_RATE_LIMIT,
    dueSoonDays: c.DUE_SOON_DAYS,
    supplementDays: c.SUPPLEMENT_DAYS,
    smtp: c.SMTP_HOST
      ? {
          host: c.SMTP_HOST,
          port: c.SMTP_PORT,
          secure: c.SMTP_SECURE === 'on',
          user: c.SMTP_USER,
          password: c.SMTP_PASSWORD,
          from: c.SMTP_FROM as string,
        }
      : null,
    liveLimits: { total: c.LIVE_MAX_CONNECTIONS, perIp: 20, perCase: 50 },
    uploadDir: path.resolve(ROOT, c.UPLOAD_DIR),
    uploadMaxBytes: c.UPLOAD_MAX_BYTES,
    rectificationDays: c.RECTIFICATION_DAYS,
    trustProxy: parseTrustProxy(c.TRUST_PROXY),
    centerName: c.CENTER_NAME,
    centerCreditCode: c.CENTER_CREDIT_CODE,
    centerContact: { address: c.CENTER_ADDRESS, hours: c.CENTER_HOURS, phone: c.CENTER_PHONE, email: c.CENTER_EMAIL },
    disclosureCategories: c.DISCLOSURE_CATEGORIES,
    disclosureReportCategory:
      c.DISCLOSURE_REPORT_CATEGORY ||
      (c.DISCLOSURE_CATEGORIES.includes('其他') ? '其他' : c.DISCLOSURE_CATEGORIES[c.DISCLOSURE_CATEGORIES.length - 1]),
    publicUrl: c.PUBLIC_URL?.replace(/\/+$/, ''),
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    backup: c.BACKUP_DIR
      ? {
          dir: path.resolve(ROOT, c.BACKUP_DIR),
          intervalMs: Math.round((c.BACKUP_INTERVAL_HOURS ?? 24) * 60 * 60 * 1000),
          keep: c.BACKUP_KEEP ?? 7,
        }
      : null,
    loginRateLimit: 10,
    logLevel: c.LOG_LEVEL ?? (c.NODE_ENV === 'test' ? 'silent' : 'info'),
    accessLog: c.ACCESS_LOG === 'on',
    requestRateLimit: c.REQUEST_RATE_LIMIT,
  };
}

function isPostgresUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && (u.hostname !== '' || u.searchParams.has('host'));
  } catch {
    return false;
  }
}

function parseTrustProxy(v: string): boolean | number | string {
  if (v === 'off') return false;
  if (v === 'on') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
