import path from 'node:path';
import { z } from 'zod';

/** Turns an env var into a typed value with a message a person understands. */
const port = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || n < 1 || n > 65535) {
        ctx.addIssue({ code: 'custom', message: `${name} must be an integer 1-65535, got "${raw}"` });
        return z.NEVER;
      }
      return n;
    });

const count = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      if (!/^\d+$/.test(raw) || Number(raw) < 1) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number of at least 1, got "${raw}"` });
        return z.NEVER;
      }
      return Number(raw);
    });

const bytes = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
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
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return undefined;
      try {
        const u = new URL(raw);
        if (!protocols.includes(u.protocol)) throw new Error('protocol');
        return u.toString().replace(/\/$/, '');
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a ${protocols.join(' or ')} URL, got "${redactUrl(raw)}"`,
        });
        return z.NEVER;
      }
    });

function redactUrl(raw: string): string {
  // Up to the last @: a password may itself contain / or @.
  return raw.replace(/\/\/([^:@/]*):.*@/, '//$1:***@');
}

const masterKey = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return undefined;
    const key = Buffer.from(raw, 'base64');
    if (key.length !== 32 || key.toString('base64') !== raw.trim()) {
      ctx.addIssue({
        code: 'custom',
        message: 'CHAMBERS_MASTER_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)',
      });
      return z.NEVER;
    }
    return key;
  });

/** CHAMBERS_JUDICIAL_MASTER_KEY: the judicial key-encryption key, separate from the firm keys (32 bytes, base64). */
const judicialMasterKey = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return undefined;
    const key = Buffer.from(raw, 'base64');
    if (key.length !== 32 || key.toString('base64') !== raw.trim()) {
      ctx.addIssue({
        code: 'custom',
        message: 'CHAMBERS_JUDICIAL_MASTER_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)',
      });
      return z.NEVER;
    }
    return key;
  });

const trustProxy = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '' || raw === 'false') return false as const;
    const list = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const cidr = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-f:]+(\/\d{1,3})?|loopback|linklocal|uniquelocal)$/i;
    const bad = list.find((entry) => !cidr.test(entry));
    if (bad) {
      ctx.addIssue({
        code: 'custom',
        message: `TRUST_PROXY must be a comma-separated list of proxy IPs or CIDRs, got "${bad}"`,
      });
      return z.NEVER;
    }
    return list;
  });

const origins = (name: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return [] as string[];
      const list = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const o of list) {
        let ok = false;
        try {
          const u = new URL(o);
          ok = (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o;
        } catch {
          /* reported below */
        }
        if (!ok) {
          ctx.addIssue({
            code: 'custom',
            message: `${name} must be a comma-separated list of origins like https://app.example.com, got "${o}"`,
          });
          return z.NEVER;
        }
      }
      return list;
    });

/** Host names exempt from the SSRF guard's address policy (tests and development only). */
const hostList = (name: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return [] as string[];
      const list = raw
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      const bad = list.find((h) => !/^[a-z0-9.-]{1,253}$|^[0-9a-f:]{2,39}$/.test(h));
      if (bad) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a comma-separated list of host names, got "${bad}"` });
        return z.NEVER;
      }
      return list;
    });

/** RFC 3161 time-stamp authorities for sealed signatures (TSA_URLS), tried in order; http: or https: only. */
const tsaUrls = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return [] as string[];
    const list = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = list.find((u) => !URL.canParse(u) || !['http:', 'https:'].includes(new URL(u).protocol));
    if (bad) {
      ctx.addIssue({ code: 'custom', message: `TSA_URLS must be comma-separated http(s) URLs, got "${bad}"` });
      return z.NEVER;
    }
    return list;
  });

const logLevel = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
    if (raw === undefined || raw === '') return 'info';
    if (!levels.includes(raw)) {
      ctx.addIssue({ code: 'custom', message: `LOG_LEVEL must be one of ${levels.join(', ')}, got "${raw}"` });
      return z.NEVER;
    }
    return raw as 'info';
  });

const storageBackend = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return 'local' as const;
    if (raw !== 'local' && raw !== 's3') {
      ctx.addIssue({ code: 'custom', message: `STORAGE_BACKEND must be local or s3, got "${raw}"` });
      return z.NEVER;
    }
    return raw;
  });

const captchaProvider = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return 'altcha' as const;
    if (raw !== 'altcha' && raw !== 'turnstile' && raw !== 'hcaptcha' && raw !== 'off') {
      ctx.addIssue({
        code: 'custom',
        message: `CAPTCHA_PROVIDER must be altcha, turnstile, hcaptcha or off, got "${raw}"`,
      });
      return z.NEVER;
    }
    return raw;
  });

const registration = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return 'invite-only' as const;
    if (raw !== 'invite-only' && raw !== 'open') {
      ctx.addIssue({ code: 'custom', message: `REGISTRATION must be invite-only or open, got "${raw}"` });
      return z.NEVER;
    }
    return raw;
  });

const flag = (name: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
      if (raw === 'true' || raw === '1') return true;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false, got "${raw}"` });
      return z.NEVER;
    });

const s3Prefix = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return '';
    if (!/^([A-Za-z0-9_-][A-Za-z0-9._-]{0,63}\/){1,4}$/.test(raw)) {
      ctx.addIssue({
        code: 'custom',
        message: `S3_PREFIX must be path segments ending in "/", such as chambers/, got "${raw}"`,
      });
      return z.NEVER;
    }
    return raw;
  });

/** RFC 9116 contacts: mailto:, https: or tel: URIs, comma-separated. */
const securityContacts = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (!raw) return [];
    const list = raw
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    const bad = list.find((c) => !/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+|tel:\+?[0-9-]+)$/.test(c));
    if (bad !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `SECURITY_CONTACT must be mailto:, https: or tel: URIs, comma-separated, got "${bad}"`,
      });
      return z.NEVER;
    }
    return list;
  });

const envSchema = z.object({
  HOST: z
    .string()
    .optional()
    .transform((v) => v || '127.0.0.1'),
  PORT: port('PORT', 3000),
  PUBLIC_URL: url('PUBLIC_URL', ['http:', 'https:']),
  CHAMBERS_DATA_DIR: z.string().optional(),
  DATABASE_URL: url('DATABASE_URL', ['postgres:', 'postgresql:']),
  DATABASE_APP_URL: url('DATABASE_APP_URL', ['postgres:', 'postgresql:']),
  CHAMBERS_MASTER_KEY: masterKey,
  CHAMBERS_JUDICIAL_MASTER_KEY: judicialMasterKey,
  JUDICIAL_DATABASE_URL: url('JUDICIAL_DATABASE_URL', ['postgres:', 'postgresql:']),
  CORS_ORIGINS: origins('CORS_ORIGINS'),
  TRUST_PROXY: trustProxy,
  BODY_LIMIT: bytes('BODY_LIMIT', 15 * 1024 * 1024),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  LOG_LEVEL: logLevel,
  SMTP_URL: url('SMTP_URL', ['smtp:', 'smtps:']),
  PORTAL_ORIGINS: origins('PORTAL_ORIGINS'),
  MAIL_FROM: z
    .string()
    .optional()
    .transform((v) => v || 'Chambers <noreply@chambers.invalid>'),
  SECURITY_CONTACT: securityContacts,
  SECURITY_POLICY_URL: url('SECURITY_POLICY_URL', ['https:']),
  RATE_LIMIT_AUTH_PER_MINUTE: count('RATE_LIMIT_AUTH_PER_MINUTE', 60),
  RATE_LIMIT_REGISTER_PER_HOUR: count('RATE_LIMIT_REGISTER_PER_HOUR', 5),
  RATE_LIMIT_FORGOT_PER_HOUR: count('RATE_LIMIT_FORGOT_PER_HOUR', 5),
  RATE_LIMIT_VERIFY_PER_HOUR: count('RATE_LIMIT_VERIFY_PER_HOUR', 15),
  RATE_LIMIT_PUBLIC_PER_MINUTE: count('RATE_LIMIT_PUBLIC_PER_MINUTE', 500),
  RATE_LIMIT_LAWYER_PER_MINUTE: count('RATE_LIMIT_LAWYER_PER_MINUTE', 200),
  RATE_LIMIT_JUDICIAL_PER_MINUTE: count('RATE_LIMIT_JUDICIAL_PER_MINUTE', 100),
  RATE_LIMIT_ADMIN_PER_MINUTE: count('RATE_LIMIT_ADMIN_PER_MINUTE', 120),
  REDIS_URL: url('REDIS_URL', ['redis:', 'rediss:']),
  RATE_LIMIT_REDIS_PREFIX: z
    .string()
    .optional()
    .transform((v) => v || 'chambers:rl:'),
  METRICS_TOKEN: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return undefined;
      if (raw.length < 24) {
        ctx.addIssue({
          code: 'custom',
          message: 'METRICS_TOKEN must be at least 24 characters (e.g. `openssl rand -hex 32`)',
        });
        return z.NEVER;
      }
      return raw;
    }),
  HTTP_REDIRECT_PORT: port('HTTP_REDIRECT_PORT', 0),
  HTTP_REQUEST_TIMEOUT_SECONDS: count('HTTP_REQUEST_TIMEOUT_SECONDS', 120),
  HTTP_HEADERS_TIMEOUT_SECONDS: count('HTTP_HEADERS_TIMEOUT_SECONDS', 10),
  HTTP_IDLE_TIMEOUT_SECONDS: count('HTTP_IDLE_TIMEOUT_SECONDS', 30),
  AUDIT_CHECKPOINT_EVERY: count('AUDIT_CHECKPOINT_EVERY', 1000),
  AUDIT_CHECKPOINT_SECONDS: count('AUDIT_CHECKPOINT_SECONDS', 60),
  WEB_IDLE_TIMEOUT_SECONDS: count('WEB_IDLE_TIMEOUT_SECONDS', 30 * 60),
  WEB_IDLE_WARNING_SECONDS: count('WEB_IDLE_WARNING_SECONDS', 60),
  UPLOAD_IDLE_TIMEOUT_MS: count('UPLOAD_IDLE_TIMEOUT_MS', 30_000),
  AUTH_RESPONSE_GRID_MS: count('AUTH_RESPONSE_GRID_MS', 300),
  RETENTION_JOB_SECONDS: count('RETENTION_JOB_SECONDS', 3600),
  ORPHAN_SWEEP_SECONDS: count('ORPHAN_SWEEP_SECONDS', 3600),
  WEBHOOK_DISPATCH_MS: count('WEBHOOK_DISPATCH_MS', 1000),
  WEBHOOK_RETRY_BASE_MS: count('WEBHOOK_RETRY_BASE_MS', 5000),
  STORAGE_BACKEND: storageBackend,
  S3_ENDPOINT: url('S3_ENDPOINT', ['http:', 'https:']),
  S3_REGION: z
    .string()
    .optional()
    .transform((v) => v || 'us-east-1'),
  S3_BUCKET: z.string().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: flag('S3_FORCE_PATH_STYLE'),
  S3_PREFIX: s3Prefix,
  AUDIT_S3_BUCKET: z.string().optional(),
  AUDIT_S3_PREFIX: z
    .string()
    .optional()
    .transform((v) => v || 'audit/'),
  CLAMD_HOST: z.string().optional(),
  CLAMD_PORT: port('CLAMD_PORT', 3310),
  SSRF_ALLOW_HOSTS: hostList('SSRF_ALLOW_HOSTS'),
  CAPTCHA_PROVIDER: captchaProvider,
  REGISTRATION: registration,
  CAPTCHA_SITE_KEY: z.string().optional(),
  CAPTCHA_SECRET: z.string().optional(),
  CAPTCHA_VERIFY_URL: url('CAPTCHA_VERIFY_URL', ['https:', 'http:']),
  CAPTCHA_ALTCHA_MAX_NUMBER: count('CAPTCHA_ALTCHA_MAX_NUMBER', 50_000),
  TSA_URLS: tsaUrls,
  AUDIT_RETENTION_GENERAL_DAYS: count('AUDIT_RETENTION_GENERAL_DAYS', 730),
  AUDIT_RETENTION_JUDICIAL_DAYS: count('AUDIT_RETENTION_JUDICIAL_DAYS', 3650),
  AUDIT_PURGE_INTERVAL_MINUTES: count('AUDIT_PURGE_INTERVAL_MINUTES', 1440),
  AUDIT_SYSLOG_URL: url('AUDIT_SYSLOG_URL', ['tcp:', 'tls:']),
  AUDIT_SYSLOG_CA_FILE: z.string().optional(),
  AI_PROVIDER: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .enum(['local', 'anthropic', 'openai-compatible'], {
        message: 'AI_PROVIDER must be local, anthropic or openai-compatible',
      })
      .default('local'),
  ),
  AI_BASE_URL: url('AI_BASE_URL', ['http:', 'https:']),
  AI_API_KEY: z.string().optional(),
  AI_MODEL: z.string().optional(),
  AI_TIMEOUT_MS: count('AI_TIMEOUT_MS', 60_000),
  AI_QUOTA_USER_PER_DAY: count('AI_QUOTA_USER_PER_DAY', 200),
  AI_QUOTA_ORG_PER_DAY: count('AI_QUOTA_ORG_PER_DAY', 2000),
});

/** Where document blobs go; S3 credentials fall back to the SDK's chain (env, profile, instance role) when unset. */
export type StorageConfig =
  | { backend: 'local' }
  | {
      backend: 's3';
      endpoint: string | undefined;
      region: string;
      bucket: string;
      credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
      forcePathStyle: boolean;
      prefix: string;
    };

/** Where signed audit checkpoints are mirrored (AUDIT_S3_*; the connection reuses S3_ENDPOINT, S3_REGION, the S3 keys and S3_FORCE_PATH_STYLE). */
export type AuditMirrorConfig = {
  bucket: string;
  prefix: string;
  endpoint: string | undefined;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  forcePathStyle: boolean;
};

export type Config = {
  host: string;
  port: number;
  publicUrl: string;
  /** Who receives vulnerability reports (RFC 9116 Contact lines); empty = no /.well-known/security.txt. */
  securityContacts: string[];
  /** Where the disclosure policy is published (RFC 9116 Policy), or undefined. */
  securityPolicyUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  databaseAppUrl: string | undefined;
  masterKey: Buffer | undefined;
  /** The judicial key-encryption key from CHAMBERS_JUDICIAL_MASTER_KEY; undefined: its own 0600 file in the data directory. */
  judicialMasterKey: Buffer | undefined;
  /** A database of its own for the judicial store (same migrations); undefined: schema `judicial` of the main database. */
  judicialDatabaseUrl: string | undefined;
  corsOrigins: string[];
  trustProxy: string[] | false;
  bodyLimit: number;
  tls: { certFile: string; keyFile: string } | undefined;
  logLevel: string;
  smtpUrl: string | undefined;
  /** Origins of the other portals (e.g. a judges' host) a signed-in user may be handed to. */
  portalOrigins: string[];
  mailFrom: string;
  rateLimits: {
    authPerMinute: number;
    registerPerHour: number;
    forgotPerHour: number;
    verifyPerHour: number;
    publicPerMinute: number;
    lawyerPerMinute: number;
    judicialPerMinute: number;
    adminPerMinute: number;
  };
  /** Rate-limit counters in Redis (shared by every process) instead of memory. */
  redis: { url: string; keyPrefix: string } | undefined;
  /** Bearer token that opens GET /metrics; unset → no /metrics route. */
  metricsToken: string | undefined;
  /** With TLS: a plain-HTTP port that redirects every request to PUBLIC_URL (308); 0 = none. */
  httpRedirectPort: number;
  /** Whole request (headers + body) / headers alone / a socket with no bytes moving: slow clients are cut off after these. */
  httpTimeouts: { requestMs: number; headersMs: number; idleMs: number };
  /** Sign an audit checkpoint after this many new events, or after this many seconds with any new event. */
  audit: { checkpointEvery: number; checkpointSeconds: number };
  /** The web app's idle sign-out (matches the 30-minute session idle timeout) and its warning lead. */
  web: { idleTimeoutSeconds: number; idleWarningSeconds: number };
  /** An upload that sends no byte for this long is abandoned (408 UPLOAD_TIMEOUT), nothing stored. */
  uploadIdleTimeoutMs: number;
  /** Answers of register / verify / sign-in / forgot / reset that prove nothing leave on this time grid (no account enumeration by time). */
  authResponseGridMs: number;
  /** How often the retention job and the orphan-blob sweep run. */
  documentJobs: { retentionSeconds: number; orphanSweepSeconds: number };
  storage: StorageConfig;
  /** clamd to stream every upload through; undefined: no scanning. */
  clamd: { host: string; port: number } | undefined;
  /** The captcha after 3 failed sign-ins and on risky sign-ups: ALTCHA (self-hosted, default), Turnstile, hCaptcha, or off. */
  captcha:
    | { provider: 'altcha'; maxNumber: number }
    | { provider: 'turnstile' | 'hcaptcha'; siteKey: string; secret: string; verifyUrl: string | undefined }
    | { provider: 'off' };
  /** Public self-registration (POST /api/v1/auth/register): off on a firm's server unless REGISTRATION=open. */
  registration: 'invite-only' | 'open';
  /** Host names the SSRF guard lets through to private addresses (tests and development; empty in production). */
  ssrfAllowHosts: string[];
  /** Outbound webhooks: how often the outbox is polled, and the first retry delay (doubling after each failure). */
  webhookDispatch: { intervalMs: number; retryBaseMs: number };
  /** How long audit events are kept, per category, and how often the purge job runs. */
  auditRetention: { generalDays: number; judicialDays: number; purgeIntervalMinutes: number };
  /** Copy every signed checkpoint to this bucket under Object Lock (AUDIT_S3_BUCKET); undefined: off. */
  auditMirror: AuditMirrorConfig | undefined;
  /** Forward sealed audit events as RFC 5424 syslog to tcp://host:port or tls://host:port (optional CA file for tls). */
  auditSyslog: { url: string; caFile: string | undefined } | undefined;
  /** AI analysis: the model provider (`local` = the built-in analyzer only) and the daily quotas per user and organization. */
  ai: {
    provider: 'local' | 'anthropic' | 'openai-compatible';
    baseUrl: string | undefined;
    apiKey: string | undefined;
    model: string | undefined;
    timeoutMs: number;
    quotaUserPerDay: number;
    quotaOrgPerDay: number;
  };
  /** RFC 3161 time-stamp authorities for the signature seal (TSA_URLS), tried in order; empty: no timestamp. */
  tsaUrls: string[];
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
  if (e.STORAGE_BACKEND === 's3' && !e.S3_BUCKET) problems.push('STORAGE_BACKEND=s3 needs S3_BUCKET');
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  if (e.HTTP_REDIRECT_PORT && !e.TLS_CERT_FILE) {
    problems.push(
      'HTTP_REDIRECT_PORT needs TLS_CERT_FILE and TLS_KEY_FILE (it redirects plain HTTP to the HTTPS listener)',
    );
  }
  if (e.HTTP_REDIRECT_PORT && e.PUBLIC_URL && !e.PUBLIC_URL.startsWith('https:')) {
    problems.push('HTTP_REDIRECT_PORT needs an https PUBLIC_URL (the redirect target)');
  }
  if (
    (e.CAPTCHA_PROVIDER === 'turnstile' || e.CAPTCHA_PROVIDER === 'hcaptcha') &&
    (!e.CAPTCHA_SITE_KEY || !e.CAPTCHA_SECRET)
  ) {
    problems.push(`CAPTCHA_PROVIDER=${e.CAPTCHA_PROVIDER} needs CAPTCHA_SITE_KEY and CAPTCHA_SECRET`);
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
    judicialMasterKey: e.CHAMBERS_JUDICIAL_MASTER_KEY,
    judicialDatabaseUrl: e.JUDICIAL_DATABASE_URL,
    corsOrigins: e.CORS_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    bodyLimit: e.BODY_LIMIT,
    tls,
    logLevel: e.LOG_LEVEL,
    smtpUrl: e.SMTP_URL,
    portalOrigins: e.PORTAL_ORIGINS,
    mailFrom: e.MAIL_FROM,
    securityContacts: e.SECURITY_CONTACT,
    securityPolicyUrl: e.SECURITY_POLICY_URL,
    rateLimits: {
      authPerMinute: e.RATE_LIMIT_AUTH_PER_MINUTE,
      registerPerHour: e.RATE_LIMIT_REGISTER_PER_HOUR,
      forgotPerHour: e.RATE_LIMIT_FORGOT_PER_HOUR,
      verifyPerHour: e.RATE_LIMIT_VERIFY_PER_HOUR,
      publicPerMinute: e.RATE_LIMIT_PUBLIC_PER_MINUTE,
      lawyerPerMinute: e.RATE_LIMIT_LAWYER_PER_MINUTE,
      judicialPerMinute: e.RATE_LIMIT_JUDICIAL_PER_MINUTE,
      adminPerMinute: e.RATE_LIMIT_ADMIN_PER_MINUTE,
    },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, keyPrefix: e.RATE_LIMIT_REDIS_PREFIX } : undefined,
    metricsToken: e.METRICS_TOKEN,
    httpRedirectPort: e.HTTP_REDIRECT_PORT,
    registration: e.REGISTRATION,
    httpTimeouts: {
      requestMs: e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
      headersMs: Math.min(e.HTTP_HEADERS_TIMEOUT_SECONDS, e.HTTP_REQUEST_TIMEOUT_SECONDS) * 1000,
      idleMs: e.HTTP_IDLE_TIMEOUT_SECONDS * 1000,
    },
    audit: { checkpointEvery: e.AUDIT_CHECKPOINT_EVERY, checkpointSeconds: e.AUDIT_CHECKPOINT_SECONDS },
    web: {
      idleTimeoutSeconds: e.WEB_IDLE_TIMEOUT_SECONDS,
      idleWarningSeconds: Math.min(e.WEB_IDLE_WARNING_SECONDS, e.WEB_IDLE_TIMEOUT_SECONDS),
    },
    uploadIdleTimeoutMs: e.UPLOAD_IDLE_TIMEOUT_MS,
    authResponseGridMs: e.AUTH_RESPONSE_GRID_MS,
    documentJobs: { retentionSeconds: e.RETENTION_JOB_SECONDS, orphanSweepSeconds: e.ORPHAN_SWEEP_SECONDS },
    storage:
      e.STORAGE_BACKEND === 's3'
        ? {
            backend: 's3',
            endpoint: e.S3_ENDPOINT,
            region: e.S3_REGION,
            bucket: e.S3_BUCKET ?? '',
            credentials:
              e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
                ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
                : undefined,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
            prefix: e.S3_PREFIX,
          }
        : { backend: 'local' },
    clamd: e.CLAMD_HOST ? { host: e.CLAMD_HOST, port: e.CLAMD_PORT } : undefined,
    ssrfAllowHosts: e.SSRF_ALLOW_HOSTS,
    webhookDispatch: { intervalMs: e.WEBHOOK_DISPATCH_MS, retryBaseMs: e.WEBHOOK_RETRY_BASE_MS },
    captcha:
      e.CAPTCHA_PROVIDER === 'turnstile' || e.CAPTCHA_PROVIDER === 'hcaptcha'
        ? {
            provider: e.CAPTCHA_PROVIDER,
            siteKey: e.CAPTCHA_SITE_KEY ?? '',
            secret: e.CAPTCHA_SECRET ?? '',
            verifyUrl: e.CAPTCHA_VERIFY_URL,
          }
        : e.CAPTCHA_PROVIDER === 'altcha'
          ? { provider: 'altcha', maxNumber: e.CAPTCHA_ALTCHA_MAX_NUMBER }
          : { provider: 'off' },
    tsaUrls: e.TSA_URLS,
    auditRetention: {
      generalDays: e.AUDIT_RETENTION_GENERAL_DAYS,
      judicialDays: e.AUDIT_RETENTION_JUDICIAL_DAYS,
      purgeIntervalMinutes: e.AUDIT_PURGE_INTERVAL_MINUTES,
    },
    auditMirror: e.AUDIT_S3_BUCKET
      ? {
          bucket: e.AUDIT_S3_BUCKET,
          prefix: e.AUDIT_S3_PREFIX,
          endpoint: e.S3_ENDPOINT,
          region: e.S3_REGION,
          credentials:
            e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
              ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
              : undefined,
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
        }
      : undefined,
    auditSyslog: e.AUDIT_SYSLOG_URL
      ? { url: e.AUDIT_SYSLOG_URL, caFile: e.AUDIT_SYSLOG_CA_FILE || undefined }
      : undefined,
    ai: {
      provider: e.AI_PROVIDER,
      baseUrl: e.AI_BASE_URL,
      apiKey: e.AI_API_KEY || undefined,
      model: e.AI_MODEL || undefined,
      timeoutMs: e.AI_TIMEOUT_MS,
      quotaUserPerDay: e.AI_QUOTA_USER_PER_DAY,
      quotaOrgPerDay: e.AI_QUOTA_ORG_PER_DAY,
    },
  };
}
