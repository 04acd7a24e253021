import type { AppContext } from '../context/index.ts';
import { unsafeShredPersonKey } from '../audit/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { archiveBlobKey } from './archive-key.ts';
import { CLOSED_ACCOUNT_DAYS } from './erasure.service.ts';
import * as erasure from './erasure.repository.ts';
import { deleteExportById } from './retention.repository.ts';
import { insertLedgerRow, readLedger } from './shred-ledger.ts';

/**
 * Re-applies the shred ledger: after an older backup was restored, a person erased
 * since is erased again, their audit key destroyed again, and archives deleted again.
 * Runs at every start and by hand; idempotent (an entry already applied changes
 * nothing). Returns the number of entries that had to be applied.
 */
export async function unsafeReapplyShredLedger(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const { applied, blobs } = await unsafeWithOwner(ctx.db, async (tx) => {
    const { entries, missingInDb } = await readLedger(tx, ctx.config.dataDir);
    for (const e of missingInDb) await insertLedgerRow(tx, e);
    let count = 0;
    const gone: string[] = [];
    for (const e of entries) {
      if (e.kind === 'person') {
        const person = await erasure.findPerson(tx, e.subjectId);
        if (!person || person.email === erasure.erasedEmailOf(e.subjectId)) continue;
        await erasure.eraseRecords(tx, e.subjectId, person.email, now);
        await erasure.insertClosedAccount(tx, {
          userId: e.subjectId,
          now,
          purgeAfter: new Date(now.getTime() + CLOSED_ACCOUNT_DAYS * 24 * 60 * 60 * 1000),
          auditKeyHeld: (await erasure.heldAuditOrgs(tx, e.subjectId)).length > 0,
        });
        count += 1;
      } else if (e.kind === 'person_key') {
        if (await erasure.personKeyShredded(tx, e.subjectId)) continue;
        await unsafeShredPersonKey(tx, e.subjectId, now);
        count += 1;
      } else {
        const blob = await deleteExportById(tx, e.subjectId);
        if (blob === undefined) continue;
        gone.push(blob ?? archiveBlobKey(e.subjectId));
        count += 1;
      }
    }
    return { applied: count, blobs: gone };
  });
  for (const key of blobs) await ctx.blobStore.delete(key).catch(() => undefined);
  if (applied > 0) {
    ctx.logger.warn({ entries: applied }, 'shred ledger re-applied: the database had data erased after its backup');
    await ctx.audit.record({
      action: 'privacy.shred_reapplied',
      outcome: 'success',
      orgId: null,
      actorId: null,
      details: { entries: applied },
    });
  }
  return applied;
}
