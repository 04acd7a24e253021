import type { AppContext } from '../context/index.ts';
import type { Principal, RequestFacts } from '../access/index.ts';
import { unsafeShredPersonKey } from '../audit/index.ts';
import { verifyAgainstDummy, verifyPassword } from '../accounts/index.ts';
import { unsafeWithOwner, type Tx } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import { archiveBlobKey } from './archive-key.ts';
import * as repo from './erasure.repository.ts';
import { deleteExports } from './export.repository.ts';
import { ERASURE_PHRASE, type ErasureInput, type ErasureView } from './privacy.schemas.ts';
import { unsafeRequireRecentFactor } from './recent-factor.ts';
import { privacyMail } from './privacy-mail.ts';
import { recordShred } from './shred-ledger.ts';

/** How long the last traces of a closed account (revoked session rows, a held audit key) stay. */
export const CLOSED_ACCOUNT_DAYS = 30;
const DAY = 24 * 60 * 60 * 1000;

/**
 * Erases one person inside an owner transaction: records, exports, and the audit key
 * unless a legal hold keeps it. Shared by the erasure route and the ledger's
 * re-application after a restore; idempotent. Returns blob keys to delete after commit.
 */
export async function eraseInTx(
  ctx: AppContext,
  tx: Tx,
  userId: string,
  email: string,
  now: Date,
): Promise<{ held: string[]; sessionsEnded: number; memberships: number; blobs: string[] }> {
  const held = await repo.heldAuditOrgs(tx, userId);
  const counts = await repo.eraseRecords(tx, userId, email, now);
  const exports = await deleteExports(tx, { userId });
  await repo.insertClosedAccount(tx, {
    userId,
    now,
    purgeAfter: new Date(now.getTime() + CLOSED_ACCOUNT_DAYS * DAY),
    auditKeyHeld: held.length > 0,
  });
  await recordShred(tx, ctx.config.dataDir, 'person', userId, now);
  if (held.length === 0) {
    await unsafeShredPersonKey(tx, userId, now);
    await recordShred(tx, ctx.config.dataDir, 'person_key', userId, now);
  }
  for (const e of exports) await recordShred(tx, ctx.config.dataDir, 'export', e.id, now);
  return { held, ...counts, blobs: exports.map((e) => e.blob_key ?? archiveBlobKey(e.id)) };
}

/**
 * "Delete my account": password, the confirmation phrase and a recent factor. The
 * sole org_admin of an organization with other members is refused (409 LAST_ADMIN).
 * Then, in one transaction, every session ends, the person's data is erased and the
 * audit key destroyed (kept while a legal hold covers their events, and the answer
 * says so); records the organization must keep stay under a pseudonym.
 */
export async function unsafeEraseAccount(
  ctx: AppContext,
  p: Principal,
  input: ErasureInput,
  facts: RequestFacts,
): Promise<ErasureView> {
  const person = await unsafeWithOwner(ctx.db, (tx) => repo.findPerson(tx, p.userId));
  const passwordOk = person?.password_hash
    ? await verifyPassword(person.password_hash, input.password)
    : (await verifyAgainstDummy(input.password), false);
  const refuse = async (reason: string) =>
    ctx.audit.record({
      action: 'privacy.erasure',
      outcome: 'denied',
      orgId: p.orgId,
      actorId: p.userId,
      target: p.userId,
      details: { reason },
      ...facts,
    });
  if (!person || !passwordOk) {
    await refuse('wrong_password');
    throw new AppError('INVALID_CREDENTIALS');
  }
  if (input.confirmation !== ERASURE_PHRASE) {
    await refuse('confirmation');
    throw new AppError('CONFIRMATION_MISMATCH');
  }
  await unsafeRequireRecentFactor(ctx, p);
  const now = ctx.clock.now();
  const result = await unsafeWithOwner(ctx.db, async (tx) => {
    const sole = await repo.soleAdminOrgs(tx, p.userId);
    if (sole.length > 0)
      throw new AppError(
        'LAST_ADMIN',
        'You are the only administrator of an organization with other members: make another member org_admin first',
        { body: { orgIds: sole } },
      );
    return eraseInTx(ctx, tx, p.userId, person.email, now);
  }).catch(async (err: unknown) => {
    if (err instanceof AppError && err.code === 'LAST_ADMIN') await refuse('last_admin');
    throw err;
  });
  for (const key of result.blobs) await ctx.blobStore.delete(key).catch(() => undefined);
  ctx.mailer.send(privacyMail.accountErased(person.email));
  await ctx.audit.record({
    action: 'privacy.erasure',
    outcome: 'success',
    orgId: null,
    actorId: p.userId,
    target: p.userId,
    details: {
      memberships: result.memberships,
      sessionsEnded: result.sessionsEnded,
      auditKeyHeld: result.held.length > 0,
    },
    ...facts,
  });
  return { status: 'erased', held: result.held.map((orgId) => ({ kind: 'audit_log' as const, orgId })) };
}
