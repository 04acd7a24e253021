import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import type { AppContext } from '../../src/context/app-context.ts';
import { hashPassword } from '../../src/accounts/password-hash.ts';
import { boot, type BootOptions } from '../../src/boot.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { MemberRole } from '../../src/platform/db/schema.ts';
import { unsafeWithOwner } from '../../src/platform/db/tenant.ts';
import { enrollFactorsDirectly, oathtoolCode, type EnrolledFactors } from './mfa.ts';
import { loadSnapshot } from './pglite-snapshot.ts';
import { createScratchDatabase, testDatabaseKind } from './test-db.ts';

export type TestApp = {
  app: FastifyInstance;
  ctx: AppContext;
  config: Config;
  setupToken: string | null;
  dataDir: string;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** Mail written to the outbox so far (after the queue drained). */
  mail(): Promise<Array<{ file: string; to: string; subject: string; text: string }>>;
  /** The newest 6-digit code mailed to an address. */
  latestCode(email: string): Promise<string>;
  close(): Promise<void>;
};

export type TestAppOptions = {
  env?: Record<string, string>;
  clock?: Clock;
  resolvePrincipal?: BootOptions['resolvePrincipal'];
};

/**
 * A whole Chambers on the database this run targets (PGlite in memory, or a
 * fresh PostgreSQL database that is dropped afterwards), with its own data dir.
 */
export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-test-'));
  const scratch = testDatabaseKind() === 'postgres' ? await createScratchDatabase({ migrated: true }) : null;
  const config = loadConfig({
    CHAMBERS_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    RATE_LIMIT_REGISTER_PER_HOUR: '100000',
    RATE_LIMIT_FORGOT_PER_HOUR: '100000',
    RATE_LIMIT_VERIFY_PER_HOUR: '100000',
    RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
    RATE_LIMIT_LAWYER_PER_MINUTE: '100000',
    RATE_LIMIT_JUDICIAL_PER_MINUTE: '100000',
    RATE_LIMIT_ADMIN_PER_MINUTE: '100000',
    // A short grid keeps the suite fast; the enumeration test sets its own.
    AUTH_RESPONSE_GRID_MS: '25',
    // Many suites sign people up through /api/v1/auth/register; the production default (invite-only) has its own test.
    REGISTRATION: 'open',
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    ...opts.env,
  });
  const runtime = await boot(config, {
    logger: pino({ level: 'silent' }),
    clock: opts.clock,
    resolvePrincipal: opts.resolvePrincipal,
    mailRetry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
    ...(scratch ? {} : { pglite: { inMemory: true as const, loadDataDir: loadSnapshot() } }),
  });
  const outbox = path.join(dataDir, 'outbox');
  const mail = async () => {
    await runtime.ctx.mailer.flush(5_000);
    if (!fs.existsSync(outbox)) return [];
    return fs
      .readdirSync(outbox)
      .filter((f) => f.endsWith('.eml'))
      .sort()
      .map((file) => {
        const raw = fs.readFileSync(path.join(outbox, file), 'utf8');
        const [head = '', ...body] = raw.split(/\r?\n\r?\n/);
        const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
        return { file, to: header('To'), subject: header('Subject'), text: body.join('\n\n').replace(/=\r?\n/g, '') };
      });
  };
  return {
    app: runtime.app,
    ctx: runtime.ctx,
    config,
    setupToken: runtime.setupToken,
    dataDir,
    inject: (o) => runtime.app.inject(o),
    mail,
    latestCode: async (email) => {
      const messages = (await mail()).filter((m) => m.to.toLowerCase().includes(email.toLowerCase()));
      for (const m of messages.reverse()) {
        const code = /code is (\d{6})/.exec(m.text)?.[1];
        if (code) return code;
      }
      throw new Error(`no code mailed to ${email}`);
    },
    close: async () => {
      await runtime.close();
      await scratch?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const hashCache = new Map<string, Promise<string>>();
export const TEST_PASSWORD = 'violet-harbour-quietly-47';

/**
 * A verified user who is a member of a new organization, made directly in the
 * database. Roles that require MFA (org_admin, api_admin, judge, clerk, super_admin) get an
 * authenticator and backup codes, as a real user of those roles must have.
 */
export async function createMember(
  t: TestApp,
  opts: {
    kind?: 'firm' | 'court';
    role?: MemberRole;
    email?: string;
    orgId?: string;
    superAdmin?: boolean;
    orgName?: string;
    /** false: no second factor even for privileged roles (tests of enrollment). */ factors?: boolean;
  } = {},
): Promise<{ orgId: string; userId: string; email: string; password: string }> {
  const email = opts.email ?? `user-${Math.random().toString(36).slice(2, 10)}@example.com`;
  let hash = hashCache.get(TEST_PASSWORD);
  if (!hash) hashCache.set(TEST_PASSWORD, (hash = hashPassword(TEST_PASSWORD)));
  const passwordHash = await hash;
  return unsafeWithOwner(t.ctx.db, async (tx) => {
    const orgId =
      opts.orgId ??
      (
        await tx
          .insertInto('chambers.organizations')
          .values({ name: opts.orgName ?? 'Org', kind: opts.kind ?? 'firm' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const user = await tx
      .insertInto('chambers.users')
      .values({
        email,
        name: 'Test User',
        password_hash: passwordHash,
        email_verified_at: new Date(),
        is_super_admin: opts.superAdmin ?? false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('chambers.memberships')
      .values({ org_id: orgId, user_id: user.id, role: opts.role ?? 'lawyer' })
      .execute();
    return { orgId, userId: user.id, email, password: TEST_PASSWORD };
  }).then(async (member) => {
    const role = opts.role ?? 'lawyer';
    const privileged = ['org_admin', 'api_admin', 'judge', 'clerk'].includes(role);
    if (opts.factors !== false && (opts.superAdmin || privileged)) {
      const factors = await enrollFactorsDirectly(t, member.userId);
      factorsByEmail.set(email, { ...factors, lastStep: 0, nextBackup: 0 });
    }
    return member;
  });
}

export type Tokens = { accessToken: string; refreshToken: string };

/** Second factors the fixtures gave to privileged members, so login() can answer the MFA step like a user would. */
const factorsByEmail = new Map<string, EnrolledFactors & { lastStep: number; nextBackup: number }>();

/** The authenticator secret and backup codes createMember gave a privileged member. */
export function factorsOf(email: string): EnrolledFactors {
  const f = factorsByEmail.get(email);
  if (!f) throw new Error(`${email} has no fixture factors`);
  return f;
}

/** Signs in over HTTP; for users with factors from createMember it answers the MFA step (TOTP via oathtool, then backup codes). */
export async function login(
  t: TestApp,
  email: string,
  password = TEST_PASSWORD,
  extra: Record<string, unknown> = {},
): Promise<Tokens> {
  const res = await t.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password, ...extra } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as Tokens & { mfaRequired?: boolean; mfaToken?: string; mfaEnrollmentRequired?: boolean };
  if (body.mfaEnrollmentRequired)
    throw new Error(`login for ${email} needs MFA enrollment: create privileged users with createMember`);
  if (!body.mfaRequired) return body;
  const factors = factorsByEmail.get(email);
  if (!factors) throw new Error(`login for ${email} needs a second factor the test helpers do not know`);
  const now = t.ctx.clock.now();
  const step = Math.floor(now.getTime() / 30_000);
  // The previous step's code is only safe early in a step: on a loaded machine the step can
  // roll over before the server checks it, and step - 2 is outside the server's window.
  const early = now.getTime() % 30_000 < 15_000;
  const offset = (early ? [-1, 0, 1] : [0, 1]).find((o) => step + o > factors.lastStep);
  let payload: Record<string, unknown>;
  if (offset !== undefined) {
    factors.lastStep = step + offset;
    payload = { mfaToken: body.mfaToken, totp: oathtoolCode(factors.secret, now, offset) };
  } else {
    // Three sign-ins inside one TOTP window: fall back to a backup code, as a person would.
    payload = { mfaToken: body.mfaToken, backupCode: factors.backupCodes[factors.nextBackup++] };
  }
  const verified = await t.inject({ method: 'POST', url: '/api/v1/auth/mfa/verify', payload });
  if (verified.statusCode !== 200) throw new Error(`MFA step failed: ${verified.statusCode} ${verified.body}`);
  return verified.json() as Tokens;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A member plus a signed-in token, in one call. */
export async function signedInMember(t: TestApp, opts: Parameters<typeof createMember>[1] = {}) {
  const m = await createMember(t, opts);
  const tokens = await login(t, m.email);
  return { ...m, ...tokens, headers: bearer(tokens.accessToken) };
}
