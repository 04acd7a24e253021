import type { AppContext } from '../context/index.ts';
import { RECENT_FACTOR, type Principal } from '../access/index.ts';
import { mfaRepository } from '../mfa/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';

/**
 * Export and erasure need a second factor verified within 10 minutes when the
 * account has one (the email change's rule). Checked here rather than declared on
 * the route: a declaration would refuse every account without a factor outright.
 */
export async function unsafeRequireRecentFactor(ctx: AppContext, p: Principal): Promise<void> {
  const factors = await unsafeWithOwner(ctx.db, (tx) => mfaRepository.factorSummary(tx, p.userId));
  if (!factors.totp && factors.webauthn === 0) return;
  const verified = p.mfaVerifiedAt?.getTime();
  if (verified === undefined || ctx.clock.now().getTime() - verified > RECENT_FACTOR.sensitive)
    throw new AppError('STEP_UP_REQUIRED', undefined, { body: { stepUp: '/api/v1/auth/step-up' } });
}
