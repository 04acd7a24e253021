import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { testDatabaseKind } from '../../test/helpers/test-db.ts';
import { boot } from '../boot.ts';
import { loadConfig } from '../platform/config.ts';
import { StartupError } from '../platform/data-dir.ts';

const onPostgres = testDatabaseKind() === 'postgres';

/** A request that failed because the database went away must say so (503), never 500. */
function expectServedOrUnavailable(res: LightMyRequestResponse, ok: number[]): void {
  if (ok.includes(res.statusCode)) return;
  expect(res.statusCode, res.body).toBe(503);
  expect(res.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  expect(res.headers['retry-after']).toBe('5');
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('when the database fails under the app', () => {
  describe('PostgreSQL connections terminated by the server', () => {
    let t: TestApp;
    let admin: pg.Client;
    let headers: Record<string, string>;
    beforeAll(async () => {
      if (!onPostgres) return;
      t = await startTestApp();
      admin = new pg.Client({ connectionString: t.config.databaseUrl });
      await admin.connect();
      ({ headers } = await signedInMember(t, { role: 'lawyer' }));
    });
    afterAll(async () => {
      await admin?.end();
      await t?.close();
    });

    const terminateAppConnections = async (): Promise<number> => {
      const { rows } = await admin.query<{ ok: boolean }>(
        'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      return rows.filter((r) => r.ok).length;
    };

    it.skipIf(!onPostgres)(
      'should answer 503 (or succeed) while connections die, never 500, and recover on its own',
      async () => {
        let terminated = 0;
        for (let round = 0; round < 6; round++) {
          const requests = Array.from({ length: 12 }, (_, i) =>
            i % 3 === 0
              ? t
                  .inject({
                    method: 'POST',
                    url: '/api/v1/matters',
                    headers,
                    payload: { title: `Round ${round} matter ${i}` },
                  })
                  .then((r) => expectServedOrUnavailable(r, [201]))
              : t
                  .inject({ method: 'GET', url: i % 3 === 1 ? '/api/v1/matters' : '/api/v1/me', headers })
                  .then((r) => expectServedOrUnavailable(r, [200])),
          );
          await new Promise((r) => setTimeout(r, round * 3));
          terminated += await terminateAppConnections();
          await Promise.all(requests);
          const ready = await t.inject({ method: 'GET', url: '/readyz' });
          expect([200, 503]).toContain(ready.statusCode);
        }
        expect(terminated).toBeGreaterThan(0);

        await eventually('recovery', async () => {
          const [ready, list, me] = await Promise.all([
            t.inject({ method: 'GET', url: '/readyz' }),
            t.inject({ method: 'GET', url: '/api/v1/matters', headers }),
            t.inject({ method: 'GET', url: '/api/v1/me', headers }),
          ]);
          return ready.statusCode === 200 && list.statusCode === 200 && me.statusCode === 200;
        });
        const created = await t.inject({
          method: 'POST',
          url: '/api/v1/matters',
          headers,
          payload: { title: 'After the storm' },
        });
        expect(created.statusCode).toBe(201);
      },
    );

    it.skipIf(!onPostgres)('should recover when every connection is terminated while idle', async () => {
      expect((await t.inject({ method: 'GET', url: '/api/v1/matters', headers })).statusCode).toBe(200);
      expect(await terminateAppConnections()).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 100));
      await eventually(
        'recovery',
        async () => (await t.inject({ method: 'GET', url: '/api/v1/matters', headers })).statusCode === 200,
      );
      expect((await t.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    });
  });

  it('should refuse to boot with a StartupError naming the database when DATABASE_URL points at a closed port', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-faults-'));
    try {
      const config = loadConfig({
        CHAMBERS_DATA_DIR: dataDir,
        DATABASE_URL: 'postgres://postgres:Sekr1t-pw@127.0.0.1:1/nope',
        LOG_LEVEL: 'silent',
      });
      let caught: unknown;
      try {
        const runtime = await boot(config, { logger: pino({ level: 'silent' }) });
        await runtime.close();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(StartupError);
      const message = (caught as Error).message;
      expect(message).toContain('cannot reach the database at 127.0.0.1:1/nope');
      expect(message).not.toContain('Sekr1t-pw');
      // Nothing was created for a database that was never reached.
      expect(fs.existsSync(path.join(dataDir, 'keys'))).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('the embedded database closed under the app', () => {
    let t: TestApp;
    let headers: Record<string, string>;
    beforeAll(async () => {
      if (onPostgres) return;
      t = await startTestApp();
      ({ headers } = await signedInMember(t, { role: 'lawyer' }));
    });
    afterAll(async () => t?.close());

    it.skipIf(onPostgres)(
      'should report not ready and answer data routes with 503 SERVICE_UNAVAILABLE, not 500',
      async () => {
        expect((await t.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
        await t.ctx.db.close();

        const ready = await t.inject({ method: 'GET', url: '/readyz' });
        expect(ready.statusCode).toBe(503);
        expect(ready.json()).toEqual({
          status: 'unavailable',
          checks: {
            database: 'unavailable',
            storage: 'ok',
            keys: 'ok',
            audit: 'ok',
            'seal-certificates': 'unavailable',
          },
        });
        expect((await t.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

        for (const req of [
          { method: 'GET' as const, url: '/api/v1/matters', headers },
          { method: 'POST' as const, url: '/api/v1/matters', headers, payload: { title: 'Lost' } },
          {
            method: 'POST' as const,
            url: '/api/v1/auth/login',
            payload: { email: 'someone@example.com', password: 'whatever-it-is-12' },
          },
        ]) {
          const res = await t.inject(req);
          expect(res.statusCode, `${req.method} ${req.url}: ${res.body}`).toBe(503);
          expect(res.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
          expect(res.json().requestId).toBe(res.headers['x-request-id']);
        }
      },
    );
  });
});
