import path from 'node:path';
import { z } from 'zod';
import { ROOT } from './paths';

export const DEFAULT_DEMO_PASSWORD = 'Banjiantong-2026';

const onOff = z.enum(['on', 'off']);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_FILE: z.string().min(1).default(path.join('db', 'tracker.sqlite')),
    DEMO_DATA: onOff.default('on'),
    DEMO_PASSWORD: z.string().min(8, '至少 8 个字符').default(DEFAULT_DEMO_PASSWORD),
    SESSION_SECRET: z.string().min(32, '至少 32 个字符').optional(),
    LOOKUP_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(120),
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
    if (c.NODE_ENV === 'production' && !c.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'required when NODE_ENV=production' });
    }
  });

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseFile: string;
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
  /** Public base URL printed on receipts; when unset, the staff request's own origin. */
  publicUrl: string | undefined;
  /** Login attempts per 15 minutes per client IP. */
  loginRateLimit: number;
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
    publicUrl: c.PUBLIC_URL?.replace(/\/+$/, ''),
    loginRateLimit: 10,
  };
}

function parseTrustProxy(v: string): boolean | number | string {
  if (v === 'off') return false;
  if (v === 'on') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
