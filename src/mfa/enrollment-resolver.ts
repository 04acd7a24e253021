import type { AppContext } from '../context/index.ts';
import type { EnrollmentResolver } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { unsafeLiveEnrollment } from './mfa.service.ts';

/** An enrollmentToken names a live enrollment challenge; it is good for the enrollment routes only. */
export function createEnrollmentResolver(ctx: AppContext): EnrollmentResolver {
  return async (token) => {
    try {
      const c = await unsafeLiveEnrollment(ctx, token);
      return { userId: c.user_id, orgId: c.org_id, challengeId: c.id, token };
    } catch (err) {
      if (err instanceof AppError) return null;
      throw err;
    }
  };
}
