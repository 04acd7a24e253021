import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/** SQL of second factors. Functions touching secrets or verifiers run in owner transactions (unsafe… services). */

export async function findTotp(tx: Tx, userId: string) {
  return tx.selectFrom('chambers.mfa_totp').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
}

export async function upsertPendingTotp(tx: Tx, userId: string, secretCiphertext: string): Promise<void> {
  await tx
    .insertInto('chambers.mfa_totp')
    .values({ user_id: userId, secret_ciphertext: secretCiphertext })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        secret_ciphertext: secretCiphertext,
        confirmed_at: null,
        last_used_step: null,
        created_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

export async function confirmTotp(tx: Tx, userId: string, step: number, at: Date): Promise<void> {
  await tx
    .updateTable('chambers.mfa_totp')
    .set({ confirmed_at: at, last_used_step: step })
    .where('user_id', '=', userId)
    .execute();
}

export async function recordTotpStep(tx: Tx, userId: string, step: number): Promise<void> {
  await tx.updateTable('chambers.mfa_totp').set({ last_used_step: step }).where('user_id', '=', userId).execute();
}

export async function deleteTotp(tx: Tx, userId: string): Promise<void> {
  await tx.deleteFrom('chambers.mfa_totp').where('user_id', '=', userId).execute();
  await tx.deleteFrom('chambers.mfa_backup_codes').where('user_id', '=', userId).execute();
}

export async function replaceBackupCodes(tx: Tx, userId: string, hashes: string[]): Promise<void> {
  await tx.deleteFrom('chambers.mfa_backup_codes').where('user_id', '=', userId).execute();
  await tx
    .insertInto('chambers.mfa_backup_codes')
    .values(hashes.map((code_hash) => ({ user_id: userId, code_hash })))
    .execute();
}

export async function unusedBackupCodes(tx: Tx, userId: string) {
  return tx
    .selectFrom('chambers.mfa_backup_codes')
    .select(['id', 'code_hash'])
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .forUpdate()
    .execute();
}

export async function markBackupCodeUsed(tx: Tx, id: string, at: Date): Promise<boolean> {
  const res = await tx
    .updateTable('chambers.mfa_backup_codes')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

/** Which factors a user has, as the sign-in needs to know. */
export async function factorSummary(
  tx: Tx,
  userId: string,
): Promise<{ totp: boolean; webauthn: number; backupCodesLeft: number }> {
  const { rows } = await sql<{ totp: boolean; webauthn: number; backup: number }>`
    SELECT EXISTS (SELECT 1 FROM chambers.mfa_totp WHERE user_id = ${userId} AND confirmed_at IS NOT NULL) AS totp,
           (SELECT count(*)::int FROM chambers.webauthn_credentials WHERE user_id = ${userId}) AS webauthn,
           (SELECT count(*)::int FROM chambers.mfa_backup_codes WHERE user_id = ${userId} AND used_at IS NULL) AS backup`.execute(
    tx,
  );
  const r = rows[0];
  return { totp: Boolean(r?.totp), webauthn: Number(r?.webauthn ?? 0), backupCodesLeft: Number(r?.backup ?? 0) };
}

// --- users ---

/** The user a factor is being set up for; they exist, as the session or enrollment naming them does. */
export async function userIdentity(tx: Tx, userId: string) {
  return tx
    .selectFrom('chambers.users')
    .select(['id', 'email', 'name'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
}

export async function findUserEmail(tx: Tx, userId: string) {
  return tx.selectFrom('chambers.users').select('email').where('id', '=', userId).executeTakeFirst();
}

// --- challenges ---

export async function insertChallenge(
  tx: Tx,
  c: {
    purpose: 'login' | 'enrollment' | 'webauthn_register' | 'passkey_login' | 'step_up';
    userId: string | null;
    orgId: string | null;
    tokenHash: string | null;
    webauthnChallenge?: string | null;
    expiresAt: Date;
  },
): Promise<string> {
  const row = await tx
    .insertInto('chambers.mfa_challenges')
    .values({
      purpose: c.purpose,
      user_id: c.userId,
      org_id: c.orgId,
      token_hash: c.tokenHash,
      webauthn_challenge: c.webauthnChallenge ?? null,
      expires_at: c.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function lockChallengeByToken(tx: Tx, tokenHash: string) {
  return tx
    .selectFrom('chambers.mfa_challenges')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .forUpdate()
    .executeTakeFirst();
}

export async function lockChallengeById(tx: Tx, id: string) {
  return tx.selectFrom('chambers.mfa_challenges').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function countChallengeFailure(tx: Tx, id: string): Promise<number> {
  const row = await tx
    .updateTable('chambers.mfa_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirstOrThrow();
  return row.attempts;
}

export async function setChallengeWebauthn(tx: Tx, id: string, challenge: string): Promise<void> {
  await tx.updateTable('chambers.mfa_challenges').set({ webauthn_challenge: challenge }).where('id', '=', id).execute();
}

export async function consumeChallenge(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.updateTable('chambers.mfa_challenges').set({ consumed_at: at }).where('id', '=', id).execute();
}

// --- trusted devices ---

export async function insertTrustedDevice(
  tx: Tx,
  d: { userId: string; expiresAt: Date; ip: string | null; userAgent: string | null },
): Promise<string> {
  const row = await tx
    .insertInto('chambers.trusted_devices')
    .values({ user_id: d.userId, expires_at: d.expiresAt, ip: d.ip, user_agent: d.userAgent })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findTrustedDevice(tx: Tx, id: string) {
  return tx.selectFrom('chambers.trusted_devices').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function touchTrustedDevice(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.updateTable('chambers.trusted_devices').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function revokeTrustedDevices(tx: Tx, userId: string, at: Date, id?: string): Promise<number> {
  let q = tx
    .updateTable('chambers.trusted_devices')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (id) q = q.where('id', '=', id);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function listTrustedDevices(tx: Tx, userId: string, now: Date) {
  return tx
    .selectFrom('chambers.trusted_devices')
    .select(['id', 'created_at', 'expires_at', 'last_used_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
}

// --- sessions ---

export async function markSessionVerified(tx: Tx, sessionId: string, at: Date, method: string): Promise<void> {
  await sql`UPDATE chambers.sessions SET mfa_verified_at = ${at}, aal = 2,
              amr = CASE WHEN ${method} = ANY(amr) THEN amr ELSE array_append(amr, ${method}) END
            WHERE id = ${sessionId}`.execute(tx);
}

export async function orgMfaRoles(tx: Tx, orgId: string): Promise<string[]> {
  const row = await tx
    .selectFrom('chambers.organizations')
    .select('settings')
    .where('id', '=', orgId)
    .executeTakeFirst();
  const roles = row?.settings?.['mfaRequiredRoles'];
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
}

// --- passkeys ---

export async function listCredentials(tx: Tx, userId: string) {
  return tx
    .selectFrom('chambers.webauthn_credentials')
    .select([
      'id',
      'credential_id',
      'public_key',
      'counter',
      'transports',
      'name',
      'device_type',
      'backed_up',
      'created_at',
      'last_used_at',
    ])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

/** A user's passkeys as they see them, in their tenant transaction: only the columns chambers_app may read. */
export async function listCredentialViews(tx: Tx, userId: string) {
  return tx
    .selectFrom('chambers.webauthn_credentials')
    .select(['id', 'name', 'device_type', 'backed_up', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

/** Renames a passkey row-level security lets this transaction see; false when there is none. */
export async function renameCredential(tx: Tx, id: string, name: string): Promise<boolean> {
  const res = await tx
    .updateTable('chambers.webauthn_credentials')
    .set({ name })
    .where('id', '=', id)
    .executeTakeFirst();
  return res.numUpdatedRows !== 0n;
}

export async function findUserCredential(tx: Tx, id: string, userId: string) {
  return tx
    .selectFrom('chambers.webauthn_credentials')
    .select('id')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function deleteCredential(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom('chambers.webauthn_credentials').where('id', '=', id).execute();
}

export async function findCredentialByCredentialId(tx: Tx, credentialId: string) {
  return tx
    .selectFrom('chambers.webauthn_credentials')
    .selectAll()
    .where('credential_id', '=', credentialId)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertCredential(
  tx: Tx,
  c: {
    userId: string;
    credentialId: string;
    publicKey: Uint8Array;
    counter: number;
    transports: string[];
    deviceType: string;
    backedUp: boolean;
    name: string;
  },
): Promise<string> {
  const row = await tx
    .insertInto('chambers.webauthn_credentials')
    .values({
      user_id: c.userId,
      credential_id: c.credentialId,
      public_key: Buffer.from(c.publicKey),
      counter: c.counter,
      transports: c.transports,
      device_type: c.deviceType,
      backed_up: c.backedUp,
      name: c.name,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function recordCredentialUse(tx: Tx, id: string, counter: number, at: Date): Promise<void> {
  await tx
    .updateTable('chambers.webauthn_credentials')
    .set({ counter, last_used_at: at })
    .where('id', '=', id)
    .execute();
}
