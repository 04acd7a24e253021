import path from 'node:path';
import { z } from 'zod';

/** Turns an env var into a typed value with a message a person understands. */
const port = (name: string, fallback: number) =>
  z.string().optional().transform((raw, ctx) => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 1 || n > 65535) {
      ctx.addIssue({ code: 'custom', message: `${name} must be an integer 1-65535, got "${raw}"` });
      return z.NEVER;
    }
    return n;
  });

const count = (name: string, fallback: number) =>
  z.string().optional().transform((raw, ctx) => {
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a whole number of at least 1, got "${raw}"` });
      return z.NEVER;
    }
    return Number(raw);
  });

const bytes = (name: string, fallback: number) =>
  z.string().optional().transform((raw, ctx) => {
    if (raw === undefined || raw === '') return fallback;
    const m = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(raw.trim());
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a size such as 15mb or 1048576, got "${raw}"` });
      return z.NEVER;
    }
    const unit = (m[2] ?? 'b').toLowerCase();
    const mult = unit === 'gb' ? 1024 ** 3 : unit === 'mb' ? 1024 ** 2 : unit === 'kb' ? 1024 : 1;
    return Number(m[1]) * mult;
  });

const url = (name: string, protocols: string[]) =>
  z.string().optional().transform((raw, ctx) => {
    if (raw === undefined || raw === '') return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      return u.toString().replace(/\/$/, '');
    } catch {
      ctx.addIssue({ code: 'custom', message: `${name} must be a ${protocols.join(' or ')} URL, got "${redactUrl(raw)}"` });
      return z.NEVER;
    }
  });

function redactUrl(raw: string): string {
  // Up to the last @: a password may itself contain / or @.
  return raw.replace(/\/\/([^:@/]*):.*@/, '//$1:***@');
}

const masterKey = z.string().optional().transform((raw, ctx) => {
  if (raw === undefined || raw === '') return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || key.toString('base64') !== raw.trim()) {
    ctx.addIssue({ code: 'custom', message: 'CHAMBERS_MASTER_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)' });
    return z.NEVER;
  }
  return key;
});

const trustProxy = z.string().optional().transform((raw, ctx) => {
  if (raw === undefined || raw === '' || raw === 'false') return false as const;
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const cidr = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-f:]+(\/\d{1,3})?|loopback|linklocal|uniquelocal)$/i;
  const bad = list.find((entry) => !cidr.test(entry));
  if (bad) {
    ctx.addIssue({ code: 'custom', message: `TRUST_PROXY must be a comma-separated list of proxy IPs or CIDRs, got "${bad}"` });
    return z.NEVER;
  }
  return list;
});

const origins = (name: string) => z.string().optional().transform((raw, ctx) => {
  if (raw === undefined || raw === '') return [] as string[];
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of list) {
    let ok = false;
    try {
      const u = new URL(o);
      ok = (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o;
    } catch { /* reported below */ }
    if (!ok) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a comma-separated list of origins like https://app.example.com, got "${o}"` });
      return z.NEVER;
    }
  }
  return list;
});

const logLevel = z.string().optional().transform((raw, ctx) => {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (raw === undefined || raw === '') return 'info';
  if (!levels.includes(raw)) {
    ctx.addIssue({ code: 'custom', message: `LOG_LEVEL must be one of ${levels.join(', ')}, got "${raw}"` });
    return z.NEVER;
  }
  return raw as 'info';
});

const envSchema = z.object({
  HOST: z.string().optional().transform((v) => v || '127.0.0.1'),
  PORT: port('PORT', 3000),
  PUBLIC_URL: url('PUBLIC_URL', ['http:', 'https:']),
  CHAMBERS_DATA_DIR: z.string().optional(),
  DATABASE_URL: url('DATABASE_URL', ['postgres:', 'postgresql:']),
  DATABASE_APP_URL: url('DATABASE_APP_URL', ['postgres:', 'postgresql:']),
  CHAMBERS_MASTER_KEY: masterKey,
  CORS_ORIGINS: origins('CORS_ORIGINS'),
  TRUST_PROXY: trustProxy,
  BODY_LIMIT: bytes('BODY_LIMIT', 15 * 1024 * 1024),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  LOG_LEVEL: logLevel,
  SMTP_URL: url('SMTP_URL', ['smtp:', 'smtps:']),
  PORTAL_ORIGINS: origins('PORTAL_ORIGINS'),
  MAIL_FROM: z.string().optional().transform((v) => v || 'Chambers <noreply@chambers.invalid>'),
  RATE_LIMIT_AUTH_PER_MINUTE: count('RATE_LIMIT_AUTH_PER_MINUTE', 60),
  RATE_LIMIT_REGISTER_PER_HOUR: count('RATE_LIMIT_REGISTER_PER_HOUR', 5),
  RATE_LIMIT_FORGOT_PER_HOUR: count('RATE_LIMIT_FORGOT_PER_HOUR', 5),
  RATE_LIMIT_VERIFY_PER_HOUR: count('RATE_LIMIT_VERIFY_PER_HOUR', 15),
  AUDIT_CHECKPOINT_EVERY: count('AUDIT_CHECKPOINT_EVERY', 1000),
  AUDIT_CHECKPOINT_SECONDS: count('AUDIT_CHECKPOINT_SECONDS', 60),
});

export type Config = {
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databaseAppUrl: string | undefined;
  masterKey: Buffer | undefined;
  corsOrigins: string[];
  trustProxy: string[] | false;
  bodyLimit: number;
  tls: { certFile: string; keyFile: string } | undefined;
  logLevel: string;
  smtpUrl: string | undefined;
  /** Origins of the other portals (e.g. a judges' host) a signed-in user may be handed to. */
  portalOrigins: string[];
  mailFrom: string;
  rateLimits: { authPerMinute: number; registerPerHour: number; forgotPerHour: number; verifyPerHour: number };
  /** Sign an audit checkpoint after this many new events, or after this many seconds with any new event. */
  audit: { checkpointEvery: number; checkpointSeconds: number };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => i.message));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE)) {
    problems.push('TLS_CERT_FILE and TLS_KEY_FILE must be set together (HTTPS needs both the certificate and its key)');
  }
  if (e.DATABASE_APP_URL && !e.DATABASE_URL) {
    problems.push('DATABASE_APP_URL needs DATABASE_URL too (migrations run over DATABASE_URL)');
  }
  if (problems.length) throw new ConfigError(problems);
  const tls = e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : undefined;
  const scheme = tls ? 'https' : 'http';
  const shownHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  return {
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL ?? `${scheme}://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${e.PORT}`,
    dataDir: path.resolve(cwd, e.CHAMBERS_DATA_DIR || 'data'),
    databaseUrl: e.DATABASE_URL,
    databaseAppUrl: e.DATABASE_APP_URL,
    masterKey: e.CHAMBERS_MASTER_KEY,
    corsOrigins: e.CORS_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    bodyLimit: e.BODY_LIMIT,
    tls,
    logLevel: e.LOG_LEVEL,
    smtpUrl: e.SMTP_URL,
    portalOrigins: e.PORTAL_ORIGINS,
    mailFrom: e.MAIL_FROM,
    rateLimits: {
      authPerMinute: e.RATE_LIMIT_AUTH_PER_MINUTE,
      registerPerHour: e.RATE_LIMIT_REGISTER_PER_HOUR,
      forgotPerHour: e.RATE_LIMIT_FORGOT_PER_HOUR,
      verifyPerHour: e.RATE_LIMIT_VERIFY_PER_HOUR,
    },
    audit: { checkpointEvery: e.AUDIT_CHECKPOINT_EVERY, checkpointSeconds: e.AUDIT_CHECKPOINT_SECONDS },
  };
}
