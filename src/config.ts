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
    RECTIFICATION_DAYS: z.coerce.number().int().min(1).max(60).default(15),
    CENTER_NAME: z.string().trim().min(2).max(60).default('衢州市行政服务中心'),
    PUBLIC_URL: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://zwfw.example.gov.cn' })
      .optional(),
    TRUST_PROXY: z
      .string()
      .default('off')
      .refine((v) => /^(off|on|\d{1,2}|loopback|linklocal|uniquelocal|[0-9a-fA-F:.,/ ]+)$/.test(v), {
        message: 'use off, on, a hop count, or a list of proxy addresses',
      }),
  })
  .superRefine((c, ctx) => {
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
