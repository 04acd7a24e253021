import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, testDatabaseKind } from '../../test/helpers/test-db.ts';
import { bearer, login, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { seedCase, seedCourt } from '../../test/rls/judicial-court.ts';
import { boot } from '../boot.ts';
import { runRotateJudicial } from '../cli/rotate-judicial.cli.ts';
import { loadConfig } from '../platform/config.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { judicialKeyFile, openText, unwrapDataKey } from './judicial-keys.ts';
import { JudicialKeyMismatchError, unsafeRotateJudicialKey } from './judicial-key-rotation.ts';
import { judicialStoreOf } from './judicial-store.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/**
 * `chambers keys rotate-judicial`: every note, order (issued ones included) and case
 * document gets its data key re-wrapped under a new judicial key, in one transaction; the
 * firm keys are not involved. After a restart the judge reads everything as before, and
 * the old judicial key opens nothing.
 */
describe('judicial key rotation', () => {
  it('should re-wrap every judicial data key, refuse a wrong current key, and finish an interrupted run', async () => {
    const t = await startTestApp();
    cleanups.push(() => t.close());
    const court = await seedCourt(t);
    const a = await seedCase(t, court.judgeA, 'A');
    const store = judicialStoreOf(t.ctx);
    const oldKek = Buffer.from(store.kek.key);
    const newKek = crypto.randomBytes(32);

    await expect(unsafeRotateJudicialKey(store.db, crypto.randomBytes(32), newKek)).rejects.toBeInstanceOf(
      JudicialKeyMismatchError,
    );
    expect(await unsafeRotateJudicialKey(store.db, oldKek, newKek)).toEqual({ notes: 1, orders: 2, documents: 1 });
    // Run again (a crash after the commit): the store is already under the new key.
    expect(await unsafeRotateJudicialKey(store.db, oldKek, newKek)).toBeNull();

    const note = await unsafeWithOwner(store.db, (tx) =>
      sql<{ body_ciphertext: Uint8Array; wrapped_key: Uint8Array }>`
        SELECT body_ciphertext, wrapped_key FROM judicial.notes WHERE id = ${a.noteId}`.execute(tx),
    );
    const row = note.rows[0]!;
    const [ciphertext, wrapped] = [Buffer.from(row.body_ciphertext), Buffer.from(row.wrapped_key)];
    expect(openText(newKek, 'note', a.noteId, ciphertext, wrapped)).toBe('Private note of A: lean acquit');
    expect(() => openText(oldKek, 'note', a.noteId, ciphertext, wrapped)).toThrow();

    const issued = await unsafeWithOwner(store.db, (tx) =>
      sql<{ wrapped_key: Uint8Array; status: string }>`
        SELECT wrapped_key, status FROM judicial.orders WHERE id = ${a.issuedId}`.execute(tx),
    );
    expect(issued.rows[0]?.status).toBe('issued');
    expect(unwrapDataKey(newKek, 'order', a.issuedId, Buffer.from(issued.rows[0]!.wrapped_key))).toHaveLength(32);
    // The one change an issued order admits is that re-wrap: its content stays final.
    const rewrite = await unsafeWithOwner(store.db, (tx) =>
      sql`UPDATE judicial.orders SET body_ciphertext = wrapped_key WHERE id = ${a.issuedId}`.execute(tx),
    ).then(
      () => null,
      (err: { code?: string }) => err.code,
    );
    expect(rewrite).toBe('23514');
  }, 180_000);

  const stores: Array<'main' | 'separate'> = testDatabaseKind() === 'postgres' ? ['main', 'separate'] : ['main'];
  it.each(stores)(
    '`chambers keys rotate-judicial` replaces the key file, and the next start reads the case file as before (%s database)',
    async (mode) => {
      const base = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-judicial-rotate-'));
      cleanups.push(() => fs.rmSync(base, { recursive: true, force: true }));
      const env: Record<string, string> = {
        CHAMBERS_DATA_DIR: path.join(base, 'data'),
        LOG_LEVEL: 'silent',
        RATE_LIMIT_AUTH_PER_MINUTE: '100000',
        RATE_LIMIT_JUDICIAL_PER_MINUTE: '100000',
        AUTH_RESPONSE_GRID_MS: '25',
      };
      if (testDatabaseKind() === 'postgres') {
        const scratch = await createScratchDatabase();
        cleanups.push(scratch.drop);
        env.DATABASE_URL = scratch.url;
      }
      if (mode === 'separate') {
        const judicial = await createScratchDatabase();
        cleanups.push(judicial.drop);
        env.JUDICIAL_DATABASE_URL = judicial.url;
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
      const court = await seedCourt(first.t);
      const a = await seedCase(first.t, court.judgeA, 'A');
      const keyFile = judicialKeyFile(env.CHAMBERS_DATA_DIR!);
      const oldKeyText = fs.readFileSync(keyFile, 'utf8');
      const masterBefore = fs.readFileSync(path.join(env.CHAMBERS_DATA_DIR!, 'keys', 'master.key'), 'utf8');
      await first.runtime.close();

      const lines: string[] = [];
      await runRotateJudicial(loadConfig(env), [], (l) => lines.push(l));
      expect(lines.join('\n')).toMatch(/re-wrapped the keys of 1 note\(s\), 2 order\(s\) and 1 case document\(s\)/);
      expect(fs.readFileSync(keyFile, 'utf8')).not.toBe(oldKeyText);
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(fs.existsSync(`${keyFile}.next`)).toBe(false);
      // The firm keys are not involved.
      expect(fs.readFileSync(path.join(env.CHAMBERS_DATA_DIR!, 'keys', 'master.key'), 'utf8')).toBe(masterBefore);

      const second = await start();
      cleanups.push(() => second.runtime.close());
      const headers = bearer((await login(second.t, court.judgeA.email)).accessToken);
      const get = (url: string) => second.t.inject({ method: 'GET', url, headers });
      const notes = (await get(`/api/v1/judicial/cases/${a.caseId}/notes`)).json().notes;
      expect(notes.map((n: { body: string }) => n.body)).toEqual(['Private note of A: lean acquit']);
      const orders = (await get(`/api/v1/judicial/cases/${a.caseId}/orders`)).json().orders;
      expect(orders.map((o: { body: string }) => o.body)).toEqual(['Draft of A', 'Bail granted (A)']);
      const content = await get(`/api/v1/judicial/documents/${a.documentId}/content`);
      expect(content.statusCode, content.body.slice(0, 200)).toBe(200);
      expect(content.body).toContain('Exhibit of A: sealed');
    },
    240_000,
  );

  it('should refuse, with CHAMBERS_JUDICIAL_MASTER_KEY set, to rotate without a new key file', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-judicial-env-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const key = crypto.randomBytes(32).toString('base64');
    const config = loadConfig({ CHAMBERS_DATA_DIR: dataDir, CHAMBERS_JUDICIAL_MASTER_KEY: key, LOG_LEVEL: 'silent' });
    await expect(runRotateJudicial(config, [], () => undefined)).rejects.toThrow(/--new-key-file/);
    await expect(runRotateJudicial(config, ['--new-key-file'], () => undefined)).rejects.toThrow(/--new-key-file/);
  });
});
