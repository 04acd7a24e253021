import type { AppContext } from '../context/index.ts';
import { AppError } from '../platform/errors.ts';
import { unsafeWithOwner, type Tx } from '../platform/db/index.ts';
import * as repo from './mfa.repository.ts';
import { type FactorHolder, unsafeFactorRequired } from './mfa.service.ts';

/** A user's own passkeys: list, rename, remove. Registering and using them is webauthn.service.ts. */

export async function listPasskeys(tx: Tx, userId: string) {
  const rows = await repo.listCredentialViews(tx, userId);
  return {
    credentials: rows.map((c) => ({
      id: c.id,
      name: c.name,
      deviceType: c.device_type,
      backedUp: c.backed_up,
      createdAt: new Date(c.created_at).toISOString(),
      lastUsedAt: c.last_used_at ? new Date(c.last_used_at).toISOString() : null,
    })),
  };
}

/** Row-level security limits the rename to the user's own passkeys: another's is NOT_FOUND. */
export async function renamePasskey(tx: Tx, id: string, name: string): Promise<void> {
  if (!(await repo.renameCredential(tx, id, name))) throw new AppError('NOT_FOUND');
}

/** Removes one of the user's passkeys, unless it is the last factor of a role that needs one. */
export async function unsafeRemovePasskey(ctx: AppContext, who: FactorHolder, id: string): Promise<void> {
  const mfaRequired = await unsafeFactorRequired(ctx, who);
  await unsafeWithOwner(ctx.db, async (tx) => {
    const summary = await repo.factorSummary(tx, who.userId);
    const own = await repo.findUserCredential(tx, id, who.userId);
    if (!own) throw new AppError('NOT_FOUND');
    if (mfaRequired && !summary.totp && summary.webauthn <= 1) {
      throw new AppError('CONFLICT', 'your role requires a second factor: keep at least one');
    }
    await repo.deleteCredential(tx, own.id);
  });
}
