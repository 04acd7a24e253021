import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, testDatabaseKind } from '../../test/helpers/test-db.ts';
import { login, signedInMember, type TestApp } from '../../test/helpers/test-app.ts';
import { boot } from '../boot.ts';
import { runRotateMaster } from '../cli/rotate-master.cli.ts';
import { unwrapUnderMaster } from '../crypto/index.ts';
import { loadConfig } from '../platform/config.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

type Headers = Record<string, string>;
const UA = 'Rotation-Browser/3.1';
const pathOf = (url: string) => `${new URL(url).pathname}${new URL(url).search}`;

/**
 * `chambers keys rotate-master` re-wraps the keys the privacy lifecycle wraps directly
 * under the master key (each person's audit key, each pending export's key): after the
 * rotation and a restart, an admin still reads a person's IP address and user agent,
 * and an archive built before the rotation still downloads. The old key opens neither.
 */
describe('master-key rotation and the privacy keys', () => {
  it("should keep people's audit data readable and pending exports downloadable under the new master key", async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-privacy-rotate-'));
    cleanups.push(() => fs.rmSync(base, { recursive: true, force: true }));
    const env: Record<string, string> = {
      CHAMBERS_DATA_DIR: path.join(base, 'data'),
      LOG_LEVEL: 'silent',
      RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      AUTH_RESPONSE_GRID_MS: '25',
    };
    if (testDatabaseKind() === 'postgres') {
      const scratch = await createScratchDatabase();
      cleanups.push(scratch.drop);
      env.DATABASE_URL = scratch.url;
    }
    const start = async () => {
      const runtime = await boot(loadConfig(env), { logger: pino({ level: 'silent' }) });
      const t = {
        app: runtime.app,
        ctx: runtime.ctx,
        config: runtime.ctx.config,
        dataDir: env.CHAMBERS_DATA_DIR,
        inject: (o: Parameters<TestApp['inject']>[0]) => runtime.app.inject(o),
      } as unknown as TestApp;
      return { runtime, t };
    };

    const first = await start();
    const admin = await signedInMember(first.t, { role: 'org_admin' });
    const withUa: Headers = { ...admin.headers, 'user-agent': UA };
    const created = await first.t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: withUa,
      payload: { title: 'Before rotation' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const started = await first.t.inject({ method: 'POST', url: '/api/v1/me/export', headers: admin.headers });
    expect(started.statusCode, started.body).toBe(202);
    const exportId = (started.json() as { id: string }).id;
    expect((await waitForExport(first.t, admin.headers, exportId)).status).toBe('ready');
    await first.runtime.ctx.auditSealer.sealNow({ checkpoint: true });
    const oldKey = Buffer.from(first.runtime.ctx.keys.masterKey);
    await first.runtime.close();

    // Two keys wrapped directly under the master key: the admin's audit key and the export's key.
    const lines: string[] = [];
    await runRotateMaster(loadConfig(env), [], (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/re-wrapped \d+ organization key\(s\) and 2 personal audit\/export key\(s\)/);

    const second = await start();
    cleanups.push(() => second.runtime.close());
    const newKey = second.runtime.ctx.keys.masterKey;
    expect(newKey.equals(oldKey)).toBe(false);

    // The admin reads their own IP address and user agent in the audit log, through the new key.
    const headers = { authorization: `Bearer ${(await login(second.t, admin.email)).accessToken}` };
    const res = await second.t.inject({
      method: 'GET',
      url: `/api/v1/audit/events?actor=${admin.userId}&action=matter.create`,
      headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().events).toEqual([expect.objectContaining({ ip: '127.0.0.1', userAgent: UA })]);

    // The archive built before the rotation downloads and is a ZIP.
    const ready = await waitForExport(second.t, headers, exportId);
    expect(ready.status).toBe('ready');
    const download = await second.t.inject({ method: 'GET', url: pathOf(ready.downloadUrl!), headers });
    expect(download.statusCode, download.body.slice(0, 200)).toBe(200);
    expect(download.rawPayload.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))).toBe(true);

    // The person's key is now wrapped under the new master key only.
    const wrapped = await unsafeWithOwner(second.runtime.ctx.db, async (tx) => {
      const { rows } = await sql<{ wrapped_key: Uint8Array }>`
        SELECT wrapped_key FROM chambers.person_keys WHERE user_id = ${admin.userId}`.execute(tx);
      return Buffer.from(rows[0]!.wrapped_key);
    });
    expect(unwrapUnderMaster(newKey, 'audit-person-key-wrap', wrapped, admin.userId)).toHaveLength(32);
    expect(() => unwrapUnderMaster(oldKey, 'audit-person-key-wrap', wrapped, admin.userId)).toThrow();
  }, 240_000);
});

async function waitForExport(t: TestApp, headers: Headers, id: string) {
  for (let i = 0; i < 400; i++) {
    const res = await t.inject({ method: 'GET', url: `/api/v1/me/exports/${id}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { status: string; downloadUrl?: string };
    if (body.status !== 'pending') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('export never finished');
}
