import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { enrollFactorsDirectly } from '../../test/helpers/mfa.ts';
import { createScratchDatabase, testDatabaseKind } from '../../test/helpers/test-db.ts';
import { createMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { boot } from '../boot.ts';
import { loadConfig } from '../platform/config.ts';
import { unsafeWithOwner, withTenant } from '../platform/db/tenant.ts';
import { openSecret } from './secrets.ts';
import { keyPaths } from '../platform/keys.ts';
import { localBlobDirectory } from '../platform/storage/index.ts';
import { unsafeVerifyDeploymentKey } from '../setup/setup.service.ts';
import { createDecryptStream, createEncryptStream } from './chunked-aead.ts';
import { KeyUnwrapError } from './key-wrap.ts';
import { MasterKeyMismatchError, unsafeRotateMasterKey } from './master-key-rotation.ts';
import { createOrgKeyring } from './org-keyring.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const sha256File = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const readAll = async (r: NodeJS.ReadableStream) => {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

/** "Upload": a document's plaintext sealed under a fresh data key from the keyring, into the app's blob store. */
async function uploadEquivalent(t: TestApp, masterKey: Buffer, orgId: string, userId: string, plaintext: Buffer) {
  const keyring = createOrgKeyring(masterKey);
  const issued = await withTenant(t.ctx.db, { orgId, userId }, (tx) => keyring.newDataKey(tx, orgId));
  const docId = crypto.randomUUID();
  const sealing = createEncryptStream(issued.dataKey, Buffer.from(docId));
  const [, stored] = await Promise.all([
    pipeline(Readable.from([plaintext]), sealing),
    t.ctx.blobStore.put(`${orgId}/${docId}`, sealing),
  ]);
  expect(stored.bytes).toBeGreaterThan(plaintext.length);
  return {
    docId,
    wrappedDataKey: issued.wrappedDataKey,
    orgKeyVersion: issued.orgKeyVersion,
    file: path.join(localBlobDirectory(t.config.dataDir), orgId, docId),
  };
}

async function download(
  t: TestApp,
  masterKey: Buffer,
  orgId: string,
  userId: string,
  doc: { docId: string; wrappedDataKey: Buffer; orgKeyVersion: number },
) {
  const dataKey = await withTenant(t.ctx.db, { orgId, userId }, (tx) =>
    createOrgKeyring(masterKey).unwrapDataKey(tx, orgId, doc.wrappedDataKey, doc.orgKeyVersion),
  );
  return readAll(
    (await t.ctx.blobStore.get(`${orgId}/${doc.docId}`)).pipe(createDecryptStream(dataKey, Buffer.from(doc.docId))),
  );
}

describe('master key rotation', () => {
  it('re-wraps organization keys and re-seals TOTP seeds without touching any blob', async () => {
    const t = await startTestApp();
    cleanups.push(() => t.close());
    const oldKey = t.ctx.keys.masterKey;
    const newKey = crypto.randomBytes(32);
    const a = await createMember(t, { role: 'org_admin' });
    const b = await createMember(t);
    const totp = await enrollFactorsDirectly(t, b.userId);
    const plaintext = crypto.randomBytes(200_000);
    const docA = await uploadEquivalent(t, oldKey, a.orgId, a.userId, plaintext);
    const docB = await uploadEquivalent(t, oldKey, b.orgId, b.userId, Buffer.from('second organization'));
    const hashBefore = sha256File(docA.file);

    await expect(unsafeRotateMasterKey(t.ctx.db, crypto.randomBytes(32), newKey)).rejects.toBeInstanceOf(
      MasterKeyMismatchError,
    );
    const result = await unsafeRotateMasterKey(t.ctx.db, oldKey, newKey);
    expect(result?.orgKeys).toBe(2);
    expect(result?.sealedSecrets).toBeGreaterThanOrEqual(2);
    expect(result?.invalidated.backupCodeUsers).toBeGreaterThanOrEqual(2);

    expect(sha256File(docA.file)).toBe(hashBefore);
    expect((await download(t, newKey, a.orgId, a.userId, docA)).equals(plaintext)).toBe(true);
    expect((await download(t, newKey, b.orgId, b.userId, docB)).toString()).toBe('second organization');
    // The old master key opens nothing any more: not the organization keys, not the seeds, not the deployment check.
    await expect(download(t, oldKey, a.orgId, a.userId, docA)).rejects.toBeInstanceOf(KeyUnwrapError);
    const sealed = await unsafeWithOwner(
      t.ctx.db,
      async (tx) =>
        (
          await sql<{
            s: string;
          }>`SELECT secret_ciphertext AS s FROM chambers.mfa_totp WHERE user_id = ${b.userId}`.execute(tx)
        ).rows[0]?.s ?? '',
    );
    expect(openSecret(newKey, 'totp', sealed, b.userId)).toBe(totp.secret);
    expect(() => openSecret(oldKey, 'totp', sealed, b.userId)).toThrow();
    await unsafeVerifyDeploymentKey(t.ctx.db, newKey);
    await expect(unsafeVerifyDeploymentKey(t.ctx.db, oldKey)).rejects.toThrow(/does not match/);
    // Running it again (an interrupted rotation being finished) changes nothing.
    expect(await unsafeRotateMasterKey(t.ctx.db, oldKey, newKey)).toBeNull();
    expect((await download(t, newKey, a.orgId, a.userId, docA)).equals(plaintext)).toBe(true);
  });

  it('`chambers keys rotate-master` replaces master.key, and the next start reads the old documents', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-rotate-'));
    cleanups.push(() => fs.rmSync(base, { recursive: true, force: true }));
    const env: Record<string, string> = { CHAMBERS_DATA_DIR: path.join(base, 'data'), LOG_LEVEL: 'silent' };
    if (testDatabaseKind() === 'postgres') {
      const scratch = await createScratchDatabase();
      cleanups.push(scratch.drop);
      env.DATABASE_URL = scratch.url;
    }
    const start = async () => {
      const runtime = await boot(loadConfig(env), { logger: pino({ level: 'silent' }) });
      const t = { ctx: runtime.ctx, config: runtime.ctx.config } as unknown as TestApp;
      return { runtime, t };
    };

    const first = await start();
    const m = await createMember(first.t);
    const oldKey = first.runtime.ctx.keys.masterKey;
    const doc = await uploadEquivalent(first.t, oldKey, m.orgId, m.userId, Buffer.from('before rotation'));
    const hashBefore = sha256File(doc.file);
    await first.runtime.close();

    const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'bin/chambers.js'), 'keys', 'rotate-master'],
      {
        env: { ...process.env, ...env },
        timeout: 120_000,
      },
    );
    expect(stdout).toMatch(/re-wrapped 1 organization key/);
    const master = keyPaths(env.CHAMBERS_DATA_DIR as string).master;
    expect(fs.statSync(master).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${master}.next`)).toBe(false);
    const newKey = Buffer.from(fs.readFileSync(master, 'utf8').trim(), 'base64');
    expect(newKey.equals(oldKey)).toBe(false);

    const second = await start();
    cleanups.push(() => second.runtime.close());
    expect(second.runtime.ctx.keys.masterKey.equals(newKey)).toBe(true);
    expect(sha256File(doc.file)).toBe(hashBefore);
    expect((await download(second.t, newKey, m.orgId, m.userId, doc)).toString()).toBe('before rotation');
    await expect(download(second.t, oldKey, m.orgId, m.userId, doc)).rejects.toBeInstanceOf(KeyUnwrapError);
  }, 240_000);
});
