import type { AppContext } from '../context/index.ts';
import { ReadinessAlarm, type ReadinessCheck } from '../health/index.ts';
import { unsafeSealsExpiringBefore } from './signatures.repository.ts';

/** How early an expiring seal certificate is reported (readiness and `chambers doctor`). */
export const SEAL_EXPIRY_WARNING_DAYS = 30;

/**
 * /readyz: an organization's seal certificate that ends within 30 days (or has ended) is an
 * alarm, not an outage: the instance keeps serving, and monitoring sees "alarm" in time to
 * upload a new certificate.
 */
export function sealExpiryReadiness(ctx: AppContext): ReadinessCheck {
  return {
    name: 'seal-certificates',
    check: async () => {
      const now = ctx.clock.now();
      const soon = await unsafeSealsExpiringBefore(
        ctx.db,
        new Date(now.getTime() + SEAL_EXPIRY_WARNING_DAYS * 86_400_000),
      );
      if (soon.length)
        throw new ReadinessAlarm(
          `${soon.length} organization seal certificate(s) expire within ${SEAL_EXPIRY_WARNING_DAYS} days`,
        );
    },
  };
}
