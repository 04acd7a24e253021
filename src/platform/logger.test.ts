import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import pino from 'pino';
import { memoryLog } from '../../test/helpers/memory-log.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, testDatabaseKind } from '../../test/helpers/test-db.ts';
import { boot, type Runtime } from '../boot.ts';
import { loadConfig } from './config.ts';
import { loggerOptions } from './logger.ts';

describe('loggerOptions', () => {
  const secrets = {
    password: 'Pw-hunter2-top-level',
    token: 'tok-top-level-9f8e7d',
    refreshToken: 'rt-top-level-1a2b3c',
    accessToken: 'at-top-level-4d5e6f',
    code: '918273',
    secret: 'JBSWY3DPEHPK3PXP-top',
  };

  function logged(write: (logger: pino.Logger) => void): string {
    const mem = memoryLog();
    write(pino(loggerOptions('info'), mem.stream));
    return mem.text();
  }

  it('should blank out secrets logged at the top level', () => {
    const out = logged((l) => l.info(secrets, 'top level'));
    for (const value of Object.values(secrets)) expect(out).not.toContain(value);
    expect(out).toContain('[redacted]');
    expect(out).toContain('top level');
  });

  it('should blank out secrets one level down, as in a logged body or input', () => {
    const nested = {
      body: {
        email: 'visible@example.com',
        password: 'Pw-in-body',
        currentPassword: 'Pw-current',
        newPassword: 'Pw-new',
      },
      input: {
        token: 'invite-token-abc',
        refreshToken: 'rt-nested-xyz',
        accessToken: 'at-nested-xyz',
        mfaToken: 'mfa-nested',
        enrollmentToken: 'enroll-nested',
      },
      mfa: {
        code: '564738',
        backupCode: 'bk-1234-5678',
        totp: '019283',
        secret: 'TOTPSECRETBASE32',
        passcode: 'share-pass',
      },
      keys: { masterKey: 'bWFzdGVyLWtleQ==', privateKey: '-----BEGIN PRIVATE KEY-----' },
    };
    const out = logged((l) => l.info(nested, 'nested'));
    for (const group of Object.values(nested)) {
      for (const [name, value] of Object.entries(group)) {
        if (name === 'email') continue;
        expect(out, name).not.toContain(value);
      }
    }
    expect(out).toContain('visible@example.com');
  });

  it('should never log authorization or cookie headers, nor a query string', () => {
    const req = {
      id: 'req-1',
      method: 'POST',
      url: '/api/v1/invitations/accept?token=query-token-secret',
      ip: '203.0.113.9',
      headers: {
        authorization: 'Bearer eyJhbGciOi.header-secret',
        cookie: '__Host-chambers_rt=cookie-secret',
        'x-csrf-token': 'csrf-secret',
      },
    };
    const out = logged((l) => {
      l.info({ req }, 'incoming request');
      l.info(
        { res: { statusCode: 200, headers: { 'set-cookie': '__Host-chambers_at=set-cookie-secret' } } },
        'request completed',
      );
    });
    for (const value of ['header-secret', 'cookie-secret', 'csrf-secret', 'query-token-secret', 'set-cookie-secret'])
      expect(out).not.toContain(value);
    // Headers logged on their own, e.g. those of an outgoing call.
    const outgoing = logged((l) =>
      l.warn(
        { headers: { authorization: 'Basic b3V0Z29pbmctc2VjcmV0', cookie: 'sid=outgoing-cookie' } },
        'webhook failed',
      ),
    );
    expect(outgoing).not.toContain('b3V0Z29pbmctc2VjcmV0');
    expect(outgoing).not.toContain('outgoing-cookie');
    const line = JSON.parse(out.split('\n')[0] ?? '{}') as { req: unknown };
    expect(line.req).toEqual({ id: 'req-1', method: 'POST', path: '/api/v1/invitations/accept', ip: '203.0.113.9' });
  });

  it('should keep the level and the service name', () => {
    const mem = memoryLog();
    const logger = pino(loggerOptions('warn'), mem.stream);
    logger.info('not shown');
    logger.warn('shown');
    expect(mem.lines()).toEqual([
      expect.objectContaining({
        level: 40,
        service: 'chambers',
        msg: 'shown',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);
  });
});

describe('the request log of a running app', () => {
  const mem = memoryLog();
  let runtime: Runtime;
  let dataDir: string;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-log-'));
    const scratch = testDatabaseKind() === 'postgres' ? await createScratchDatabase() : null;
    drop = scratch?.drop;
    // The most talkative level: a secret must not appear in any line, debug and trace included.
    const config = loadConfig({
      CHAMBERS_DATA_DIR: dataDir,
      LOG_LEVEL: 'trace',
      REGISTRATION: 'open',
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    });
    runtime = await boot(config, {
      logger: pino(loggerOptions('trace'), mem.stream),
      mailRetry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      ...(scratch ? {} : { pglite: { inMemory: true as const } }),
    });
  });
  afterAll(async () => {
    await runtime?.close();
    await drop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const inject = (opts: InjectOptions) => runtime.app.inject(opts);

  async function mailedCode(email: string): Promise<string> {
    await runtime.ctx.mailer.flush(5_000);
    const outbox = path.join(dataDir, 'outbox');
    const texts = fs
      .readdirSync(outbox)
      .sort()
      .map((f) => fs.readFileSync(path.join(outbox, f), 'utf8').replace(/=\r?\n/g, ''));
    const code = texts
      .filter((t) => t.includes(email))
      .map((t) => /code is (\d{6})/.exec(t)?.[1])
      .filter(Boolean)
      .at(-1);
    if (!code) throw new Error(`no code mailed to ${email}`);
    return code;
  }

  it('should not write the password, the mailed code, the tokens or the setup token into any line', async () => {
    const setupToken = runtime.setupToken;
    expect(setupToken).toBeTruthy();
    const email = 'logged.user@example.com';
    const password = 'amber-lantern-drifts-slowly-93';
    const secrets: Record<string, string> = { setupToken: setupToken!, password };

    // The setup link carries its token in the query string.
    await inject({ method: 'GET', url: `/setup?token=${setupToken}` });
    await inject({ method: 'GET', url: `/api/v1/no-such-route?token=${setupToken}&code=123987` });

    expect(
      (
        await inject({
          method: 'POST',
          url: '/api/v1/auth/register',
          payload: { email, password, name: 'Logged User' },
        })
      ).statusCode,
    ).toBe(202);
    secrets.code = await mailedCode(email);
    expect(
      (await inject({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { email, code: secrets.code } }))
        .statusCode,
    ).toBe(200);

    const login = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    expect(login.statusCode).toBe(200);
    const tokens = login.json() as { accessToken: string; refreshToken: string };
    secrets.accessToken = tokens.accessToken;
    secrets.refreshToken = tokens.refreshToken;

    const wrong = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'not-my-password-but-secret-too' },
    });
    expect(wrong.statusCode).toBe(401);
    secrets.wrongPassword = 'not-my-password-but-secret-too';

    const me = await inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${tokens.accessToken}`, cookie: `__Host-chambers_rt=${tokens.refreshToken}` },
    });
    expect(me.statusCode).toBe(200);
    const refreshed = await inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: tokens.refreshToken },
    });
    expect(refreshed.statusCode).toBe(200);
    secrets.newAccessToken = refreshed.json().accessToken;
    secrets.newRefreshToken = refreshed.json().refreshToken;

    // The first administrator: setup consumes the token, and their login answers with an enrollment token.
    const admin = { email: 'first.admin@example.com', password: 'copper-kettle-hums-at-dawn-71' };
    secrets.adminPassword = admin.password;
    const setup = await inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { token: setupToken, ...admin, name: 'Admin', organization: { name: 'Firm', kind: 'firm' } },
    });
    expect(setup.statusCode).toBe(201);
    const adminLogin = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: admin });
    expect(adminLogin.statusCode).toBe(200);
    const enrollmentToken = (adminLogin.json() as { enrollmentToken?: string }).enrollmentToken;
    if (enrollmentToken) secrets.enrollmentToken = enrollmentToken;

    await runtime.ctx.mailer.flush(5_000);
    const log = mem.text();
    const lines = mem.lines();
    // The log did record these requests, so its silence about the secrets means something.
    expect(
      lines.filter((l) => (l.req as { path?: string } | undefined)?.path === '/api/v1/auth/login').length,
    ).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => (l.req as { path?: string } | undefined)?.path === '/setup')).toBe(true);
    expect(log).toContain(email.split('@')[1]);
    for (const [what, value] of Object.entries(secrets)) {
      expect(log.includes(value), `${what} appears in the log`).toBe(false);
    }
    // No piece of a JWT either (header.payload.signature): the signature alone is a secret-bearing suffix.
    for (const jwt of [secrets.accessToken, secrets.newAccessToken]) {
      for (const part of jwt!.split('.').slice(1)) expect(log).not.toContain(part);
    }
  });
});
