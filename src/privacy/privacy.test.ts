import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, pdf } from '../../test/helpers/documents.ts';
import {
  createMember,
  login,
  signedInMember,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../../test/helpers/test-app.ts';
import { unsafeVerifyDatabaseLog } from '../cli/audit.cli.ts';
import { unsafeRevealPersonalData } from '../audit/index.ts';
import { manualClock } from '../platform/clock.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { verifyConsistency, verifyInclusion } from '../transparency/merkle/index.ts';
import { unsafeReapplyShredLedger, unsafeRunRetentionClasses } from './index.ts';

const clock = manualClock(new Date());
let t: TestApp;
type Headers = Record<string, string>;

beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(async () => t?.close());

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const owner = <T>(fn: Parameters<typeof unsafeWithOwner<T>>[1]) => unsafeWithOwner(t.ctx.db, fn);

async function uploadFile(headers: Headers, marker: string, filename: string) {
  const matter = await t.inject({ method: 'POST', url: '/api/v1/matters', headers, payload: { title: `M ${marker}` } });
  const content = pdf(marker);
  const body = multipart([{ filename, content }]);
  const res = await t.inject({
    method: 'POST',
    url: `/api/v1/matters/${matter.json().id}/documents`,
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return { documentId: res.json().id as string, content };
}

async function waitForExport(headers: Headers, id: string) {
  for (let i = 0; i < 400; i++) {
    const res = await t.inject({ method: 'GET', url: `/api/v1/me/exports/${id}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { status: string; downloadUrl?: string; expiresAt: string };
    if (body.status !== 'pending') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('export never finished');
}

const pathOf = (url: string) => `${new URL(url).pathname}${new URL(url).search}`;

function readZip(res: LightMyRequestResponse): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(res.rawPayload, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        }),
      );
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const erase = (headers: Headers, body: Record<string, unknown> = {}) =>
  t.inject({
    method: 'DELETE',
    url: '/api/v1/me',
    headers,
    payload: { password: TEST_PASSWORD, confirmation: 'DELETE MY ACCOUNT', ...body },
  });

describe('download my data', () => {
  it('should build a ZIP with account.json and the decrypted uploads, and never a secret', async () => {
    const m = await signedInMember(t, { role: 'org_admin' });
    const lawyer = await createMember(t, { role: 'lawyer', orgId: m.orgId });
    const lawyerHeaders = { authorization: `Bearer ${(await login(t, lawyer.email)).accessToken}` };
    const mine = await uploadFile(m.headers, 'MY-OWN-UPLOAD', 'Schriftsatz Müller.pdf');
    const theirs = await uploadFile(lawyerHeaders, 'SOMEONE-ELSES', 'other.pdf');

    const started = await t.inject({ method: 'POST', url: '/api/v1/me/export', headers: m.headers });
    expect(started.statusCode, started.body).toBe(202);
    const { id } = started.json();
    const ready = await waitForExport(m.headers, id);
    expect(ready.status).toBe('ready');
    expect(new Date(ready.expiresAt).getTime()).toBeGreaterThan(clock.now().getTime() + 23 * HOUR);

    // At rest, only ciphertext: the blob does not contain the ZIP's plain bytes.
    const stored = await owner(
      async (tx) =>
        (await sql<{ blob_key: string }>`SELECT blob_key FROM chambers.privacy_exports WHERE id = ${id}`.execute(tx))
          .rows[0],
    );
    const chunks: Buffer[] = [];
    for await (const c of await t.ctx.blobStore.get(stored!.blob_key)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).includes(Buffer.from('account.json'))).toBe(false);

    const download = await t.inject({ method: 'GET', url: pathOf(ready.downloadUrl!), headers: m.headers });
    expect(download.statusCode, download.body).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    const files = await readZip(download);
    const account = JSON.parse(files.get('account.json')!.toString('utf8'));
    expect(account.profile).toMatchObject({ id: m.userId, email: m.email, secondFactors: { totp: true } });
    expect(account.memberships).toEqual([expect.objectContaining({ orgId: m.orgId, role: 'org_admin' })]);
    expect(account.sessions.length).toBeGreaterThan(0);
    expect(account.securityEvents.map((e: { action: string }) => e.action)).toContain('auth.login');
    // The person's own IP, revealed from the audit log's sealed form.
    expect(account.securityEvents.find((e: { action: string }) => e.action === 'auth.login').ip).toBe('127.0.0.1');
    for (const k of ['shareLinks', 'trustedDevices', 'envelopes', 'aiUsage']) expect(account).toHaveProperty(k);
    const path = account.files[0].path as string;
    expect(account.files).toHaveLength(1);
    expect(files.get(path)).toEqual(mine.content);
    expect(path).toContain(mine.documentId);

    // Absent: other people's files and every secret.
    const all = [...files.values()].map((b) => b.toString('latin1')).join('\n');
    expect(all).not.toContain('SOMEONE-ELSES');
    expect(all).not.toContain(theirs.documentId);
    const secrets = await owner(async (tx) => {
      const u = await tx
        .selectFrom('chambers.users')
        .select('password_hash')
        .where('id', '=', m.userId)
        .executeTakeFirst();
      const totp = await tx
        .selectFrom('chambers.mfa_totp')
        .select('secret_ciphertext')
        .where('user_id', '=', m.userId)
        .executeTakeFirst();
      const codes = await tx
        .selectFrom('chambers.mfa_backup_codes')
        .select('code_hash')
        .where('user_id', '=', m.userId)
        .execute();
      return [u!.password_hash!, totp!.secret_ciphertext, ...codes.map((c) => c.code_hash)];
    });
    for (const s of secrets) expect(all).not.toContain(s);
    expect(all).not.toMatch(/argon2|password_hash|passwordHash|secret_ciphertext|code_hash|wrapped/i);
    expect(all).not.toContain(t.ctx.keys.masterKey.toString('base64'));

    // Single use: the same link again, and the blob is gone.
    const again = await t.inject({ method: 'GET', url: pathOf(ready.downloadUrl!), headers: m.headers });
    expect(again.statusCode).toBe(410);
    expect(again.json().code).toBe('EXPORT_LINK_INVALID');
    expect((await t.inject({ method: 'GET', url: `/api/v1/me/exports/${id}`, headers: m.headers })).json().status).toBe(
      'expired',
    );
    await expect(t.ctx.blobStore.get(stored!.blob_key)).rejects.toThrow();
  });

  it('should let only the newest link work, only for its owner, and none after 24 h', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    const other = await signedInMember(t, { role: 'lawyer' });
    const { id } = (await t.inject({ method: 'POST', url: '/api/v1/me/export', headers: m.headers })).json();
    const first = await waitForExport(m.headers, id);
    const second = await waitForExport(m.headers, id);
    expect(second.downloadUrl).not.toBe(first.downloadUrl);
    expect((await t.inject({ method: 'GET', url: pathOf(first.downloadUrl!), headers: m.headers })).statusCode).toBe(
      410,
    );
    // Another user: not their export (404 on status, 410 on the link).
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/me/exports/${id}`, headers: other.headers })).statusCode,
    ).toBe(404);
    expect(
      (await t.inject({ method: 'GET', url: pathOf(second.downloadUrl!), headers: other.headers })).statusCode,
    ).toBe(410);
    const third = await waitForExport(m.headers, id);
    clock.advance(24 * HOUR + 1000);
    // Signed in again (the old access token expired too): the link is still dead.
    const fresh = { authorization: `Bearer ${(await login(t, m.email)).accessToken}` };
    const late = await t.inject({ method: 'GET', url: pathOf(third.downloadUrl!), headers: fresh });
    expect(late.statusCode).toBe(410);
    expect((await t.inject({ method: 'GET', url: `/api/v1/me/exports/${id}`, headers: fresh })).json().status).toBe(
      'expired',
    );
    // The exports retention class removes the row and the blob.
    await unsafeRunRetentionClasses(t.ctx);
    const left = await owner(
      async (tx) => (await sql`SELECT 1 FROM chambers.privacy_exports WHERE id = ${id}`.execute(tx)).rows.length,
    );
    expect(left).toBe(0);
  });

  it('should need a factor within 10 minutes when the account has one', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    clock.advance(11 * 60 * 1000);
    const res = await t.inject({ method: 'POST', url: '/api/v1/me/export', headers: admin.headers });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('STEP_UP_REQUIRED');
  });
});

describe('delete my account', () => {
  it('should end every session, erase personal data, keep the org records under a pseudonym, and keep every proof valid', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const m = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const tokens = await login(t, m.email);
    const headers = { authorization: `Bearer ${tokens.accessToken}`, 'user-agent': 'Erasable-Browser/1.0' };
    const doc = await uploadFile(headers, 'KEPT-BY-THE-FIRM', 'filed.pdf');
    await t.ctx.auditSealer.sealNow({ checkpoint: true });
    const before = (await t.inject({ method: 'GET', url: '/api/v1/audit/checkpoint', headers })).json();

    // In the log: commitments, never the plain address or user agent of this person.
    const stored = await owner(
      async (tx) =>
        (
          await sql<{ seq: number; ip: string | null; user_agent: string | null }>`
            SELECT seq, ip, user_agent FROM audit.events WHERE actor_id = ${m.userId} AND seq IS NOT NULL ORDER BY seq`.execute(
            tx,
          )
        ).rows,
    );
    expect(stored.length).toBeGreaterThan(0);
    for (const e of stored) {
      expect(e.ip ?? '').toMatch(/^pii1:/);
      expect(JSON.stringify(e)).not.toContain('Erasable-Browser');
    }
    const readable = await owner((tx) =>
      unsafeRevealPersonalData(
        tx,
        t.ctx.keys.masterKey,
        stored.map((e) => e.ip),
      ),
    );
    expect([...readable.values()]).toContain('127.0.0.1');

    const res = await erase(headers);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ status: 'erased', held: [] });

    // Sessions and tokens end at once; the password no longer signs in.
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', headers })).statusCode).toBe(401);
    const refresh = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: tokens.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    const relogin = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: m.email, password: m.password },
    });
    expect(relogin.statusCode).toBe(401);
    // The confirmation mail went to the old address.
    expect((await t.mail()).some((mail) => mail.to === m.email && /deleted/.test(mail.subject))).toBe(true);

    // Personal data gone; the firm's document stays, pointing to the pseudonym.
    const user = await owner((tx) =>
      tx
        .selectFrom('chambers.users')
        .select(['email', 'name', 'password_hash'])
        .where('id', '=', m.userId)
        .executeTakeFirstOrThrow(),
    );
    expect(user).toEqual({
      email: `erased-${m.userId}@erased.invalid`,
      name: `Former member ${m.userId.slice(0, 8)}`,
      password_hash: null,
    });
    const kept = await t.inject({ method: 'GET', url: `/api/v1/documents/${doc.documentId}`, headers: admin.headers });
    expect(kept.statusCode).toBe(200);
    const sessions = await owner(
      async (tx) =>
        (
          await sql<{ n: number }>`SELECT count(*)::int AS n FROM chambers.sessions WHERE user_id = ${m.userId}
            AND (revoked_at IS NULL OR ip IS NOT NULL OR user_agent IS NOT NULL)`.execute(tx)
        ).rows[0]!.n,
    );
    expect(sessions).toBe(0);
    // The audit key is destroyed: every commitment of this person now reveals nothing.
    const after = await owner((tx) =>
      unsafeRevealPersonalData(
        tx,
        t.ctx.keys.masterKey,
        stored.map((e) => e.ip),
      ),
    );
    expect([...after.values()].every((v) => v === null)).toBe(true);

    // Every proof still verifies: the whole log, inclusion of the person's events, consistency old → new.
    await t.ctx.auditSealer.sealNow({ checkpoint: true });
    expect(await unsafeVerifyDatabaseLog(t.ctx.db, t.dataDir, t.ctx.keys.auditKey.publicKeyRaw)).toMatchObject({
      ok: true,
    });
    const cp = (await t.inject({ method: 'GET', url: '/api/v1/audit/checkpoint', headers: admin.headers })).json();
    const b64 = (s: string) => Buffer.from(s, 'base64');
    for (const e of stored) {
      const p = (
        await t.inject({
          method: 'GET',
          url: `/api/v1/audit/proof/inclusion?seq=${e.seq}&treeSize=${cp.treeSize}`,
          headers: admin.headers,
        })
      ).json();
      expect(verifyInclusion(e.seq, cp.treeSize, b64(p.leafHash), p.path.map(b64), b64(cp.rootHash))).toBe(true);
    }
    const consistency = (
      await t.inject({
        method: 'GET',
        url: `/api/v1/audit/proof/consistency?from=${before.treeSize}&to=${cp.treeSize}`,
        headers: admin.headers,
      })
    ).json();
    expect(
      verifyConsistency(
        before.treeSize,
        cp.treeSize,
        b64(before.rootHash),
        b64(cp.rootHash),
        consistency.path.map(b64),
      ),
    ).toBe(true);
  });

  it('should refuse a wrong password, a wrong phrase, and the sole admin of an organization with other members', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    expect((await erase(admin.headers, { password: 'not-the-password-at-all' })).json().code).toBe(
      'INVALID_CREDENTIALS',
    );
    const phrase = await erase(admin.headers, { confirmation: 'delete my account' });
    expect(phrase.statusCode).toBe(422);
    expect(phrase.json().code).toBe('CONFIRMATION_MISMATCH');
    const sole = await erase(admin.headers);
    expect(sole.statusCode).toBe(409);
    expect(sole.json().code).toBe('LAST_ADMIN');
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', headers: admin.headers })).statusCode).toBe(200);
    // Alone in the organization, the admin may leave.
    const alone = await signedInMember(t, { role: 'org_admin' });
    expect((await erase(alone.headers)).statusCode).toBe(202);
  });

  it('should keep the audit key while a legal hold covers the events, say so, and destroy it 30 days after the hold is lifted', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const m = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const headers = { authorization: `Bearer ${(await login(t, m.email)).accessToken}` };
    const hold = await t.inject({
      method: 'PUT',
      url: `/api/v1/orgs/${admin.orgId}/audit/legal-hold`,
      headers: admin.headers,
      payload: { reason: 'Litigation 2025-17' },
    });
    expect(hold.statusCode, hold.body).toBeLessThan(300);
    const commitments = await owner(
      async (tx) =>
        (
          await sql<{
            ip: string;
          }>`SELECT ip FROM audit.events WHERE actor_id = ${m.userId} AND ip IS NOT NULL`.execute(tx)
        ).rows,
    );
    const res = await erase(headers);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().held).toEqual([{ kind: 'audit_log', orgId: admin.orgId }]);
    const reveal = () =>
      owner((tx) =>
        unsafeRevealPersonalData(
          tx,
          t.ctx.keys.masterKey,
          commitments.map((c) => c.ip),
        ),
      );
    expect([...(await reveal()).values()]).toContain('127.0.0.1');

    await t.inject({ method: 'DELETE', url: `/api/v1/orgs/${admin.orgId}/audit/legal-hold`, headers: admin.headers });
    clock.advance(31 * DAY);
    await unsafeRunRetentionClasses(t.ctx);
    expect([...(await reveal()).values()].every((v) => v === null)).toBe(true);
    await unsafeRunRetentionClasses(t.ctx); // idempotent: nothing left to do
  });
});

describe('retention classes', () => {
  it('should purge share links 7 days after they end, API calls after 30 days, and audit each purge', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    const doc = await uploadFile(m.headers, 'SHARED', 'shared.pdf');
    const now = clock.now();
    await owner(async (tx) => {
      await tx
        .insertInto('chambers.share_links')
        .values([
          {
            org_id: m.orgId,
            document_id: doc.documentId,
            token_hash: 'a'.repeat(64),
            expires_at: new Date(now.getTime() + DAY),
            created_by: m.userId,
          },
          {
            org_id: m.orgId,
            document_id: doc.documentId,
            token_hash: 'b'.repeat(64),
            expires_at: new Date(now.getTime() - 8 * DAY),
            created_by: m.userId,
          },
        ])
        .execute();
      await sql`INSERT INTO audit.api_calls (at, org_id, api_key_id, method, route, status)
        VALUES (${new Date(now.getTime() - 31 * DAY)}, ${m.orgId}, 'k1', 'GET', '/x', 200), (${now}, ${m.orgId}, 'k1', 'GET', '/y', 200)`.execute(
        tx,
      );
    });
    const removed = await unsafeRunRetentionClasses(t.ctx);
    expect(removed.share_links).toBeGreaterThanOrEqual(1);
    expect(removed.system_logs).toBeGreaterThanOrEqual(1);
    const left = await owner(async (tx) => ({
      links: (
        await sql<{
          token_hash: string;
        }>`SELECT token_hash FROM chambers.share_links WHERE document_id = ${doc.documentId}`.execute(tx)
      ).rows.map((r) => r.token_hash),
      calls: (
        await sql<{ route: string }>`SELECT route FROM audit.api_calls WHERE org_id = ${m.orgId}`.execute(tx)
      ).rows.map((r) => r.route),
    }));
    expect(left).toEqual({ links: ['a'.repeat(64)], calls: ['/y'] });
    // Idempotent: a second run removes nothing more.
    const again = await unsafeRunRetentionClasses(t.ctx);
    expect(again.share_links).toBe(0);
    expect(again.system_logs).toBe(0);
    const purges = await owner(async (tx) =>
      (
        await sql<{ target: string }>`SELECT target FROM audit.events WHERE action = 'retention.class_purge'`.execute(
          tx,
        )
      ).rows.map((r) => r.target),
    );
    expect(purges).toEqual(expect.arrayContaining(['share_links', 'system_logs']));
  });
});

describe('restore, then re-apply the shred ledger', () => {
  it('should erase again a person a restored backup brought back', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    // The "backup": the person's row and audit key as they were before the erasure.
    const backup = await owner(async (tx) => ({
      user: await tx.selectFrom('chambers.users').selectAll().where('id', '=', m.userId).executeTakeFirstOrThrow(),
      key: (
        await sql<{
          wrapped_key: Uint8Array;
        }>`SELECT wrapped_key FROM chambers.person_keys WHERE user_id = ${m.userId}`.execute(tx)
      ).rows[0]!,
    }));
    expect((await erase(m.headers)).statusCode).toBe(202);
    expect(await unsafeReapplyShredLedger(t.ctx)).toBe(0);

    // Restore: the old rows come back and the database's copy of the ledger is the backup's (without the entries).
    await owner(async (tx) => {
      await tx
        .updateTable('chambers.users')
        .set({
          email: backup.user.email,
          name: backup.user.name,
          password_hash: backup.user.password_hash,
          email_verified_at: backup.user.email_verified_at,
        })
        .where('id', '=', m.userId)
        .execute();
      await sql`UPDATE chambers.person_keys SET wrapped_key = ${Buffer.from(backup.key.wrapped_key)}, shredded_at = NULL WHERE user_id = ${m.userId}`.execute(
        tx,
      );
      await tx
        .insertInto('chambers.memberships')
        .values({ org_id: m.orgId, user_id: m.userId, role: 'lawyer' })
        .execute();
      await sql`DELETE FROM chambers.shred_ledger WHERE subject_id = ${m.userId}`.execute(tx);
      await sql`DELETE FROM chambers.closed_accounts WHERE user_id = ${m.userId}`.execute(tx);
    });
    expect(
      (await t.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: m.email, password: m.password } }))
        .statusCode,
    ).toBe(200);

    expect(await unsafeReapplyShredLedger(t.ctx)).toBe(2);
    const state = await owner(async (tx) => ({
      email: (
        await tx.selectFrom('chambers.users').select('email').where('id', '=', m.userId).executeTakeFirstOrThrow()
      ).email,
      key: (
        await sql<{
          wrapped_key: Uint8Array | null;
        }>`SELECT wrapped_key FROM chambers.person_keys WHERE user_id = ${m.userId}`.execute(tx)
      ).rows[0]!.wrapped_key,
      memberships: (await sql`SELECT 1 FROM chambers.memberships WHERE user_id = ${m.userId}`.execute(tx)).rows.length,
      ledger: (await sql`SELECT 1 FROM chambers.shred_ledger WHERE subject_id = ${m.userId}`.execute(tx)).rows.length,
    }));
    expect(state).toEqual({ email: `erased-${m.userId}@erased.invalid`, key: null, memberships: 0, ledger: 2 });
    expect(
      (await t.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: m.email, password: m.password } }))
        .statusCode,
    ).toBe(401);
    expect(await unsafeReapplyShredLedger(t.ctx)).toBe(0);
  });
});
