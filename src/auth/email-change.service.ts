import type { AppContext } from '../context/index.ts';
import { type RequestFacts, type Principal, RECENT_FACTOR } from '../access/index.ts';
import { mfaRepository as mfaRepo } from '../mfa/index.ts';
import { AppError } from '../platform/errors.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { accountRepository as accounts, accountMail, verifyPassword } from '../accounts/index.ts';
import { LOCKOUT } from './auth.service.ts';
import { checkEmailCode, issueEmailCode } from './email-codes.ts';
import { sessionRepository as sessions } from '../sessions/index.ts';

/**
 * Changing the sign-in address needs the current password and, for an account
 * with a second factor, a factor verified within 10 minutes; the new address
 * proves itself with a mailed code. The answer does not say whether the new
 * address is taken: its owner gets a notice instead of a code.
 */
export async function unsafeRequestEmailChange(
  ctx: AppContext,
  p: Principal,
  input: { newEmail: string; currentPassword: string },
  facts: RequestFacts,
): Promise<void> {
  const now = ctx.clock.now();
  const { user, factors } = await unsafeWithOwner(ctx.db, async (tx) => ({
    user: await accounts.findUserById(tx, p.userId),
    factors: await mfaRepo.factorSummary(tx, p.userId),
  }));
  if (!user?.password_hash || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    if (user)
      await unsafeWithOwner(ctx.db, (tx) =>
        accounts.recordLoginFailure(tx, user.email, now, LOCKOUT.threshold, LOCKOUT.durationMs),
      );
    await ctx.audit.record({
      action: 'auth.email_change_requested',
      outcome: 'failure',
      orgId: p.orgId,
      actorId: p.userId,
      details: { reason: 'wrong_password' },
      ...facts,
    });
    throw new AppError('INVALID_CREDENTIALS');
  }
  const hasFactor = factors.totp || factors.webauthn > 0;
  if (hasFactor && (!p.mfaVerifiedAt || now.getTime() - p.mfaVerifiedAt.getTime() > RECENT_FACTOR.sensitive)) {
    throw new AppError('STEP_UP_REQUIRED', undefined, { body: { stepUp: '/api/v1/auth/step-up' } });
  }
  const code = await unsafeWithOwner(ctx.db, async (tx) => {
    // An address someone already holds gets a decoy code: confirming answers the same sequence either way.
    const taken = Boolean(await accounts.findUserByEmail(tx, input.newEmail));
    return issueEmailCode(tx, ctx.keys.masterKey, {
      email: input.newEmail,
      purpose: 'email_change',
      userId: p.userId,
      now,
      deliver: !taken,
    });
  });
  ctx.mailer.send(
    code ? accountMail.emailChangeCode(input.newEmail, code) : accountMail.registrationAttempt(input.newEmail),
  );
  await ctx.audit.record({
    action: 'auth.email_change_requested',
    outcome: 'success',
    orgId: p.orgId,
    actorId: p.userId,
    ...facts,
  });
}

export async function unsafeConfirmEmailChange(
  ctx: AppContext,
  p: Principal,
  input: { newEmail: string; code: string },
  facts: RequestFacts,
): Promise<string> {
  const now = ctx.clock.now();
  const result = await unsafeWithOwner(ctx.db, async (tx) => {
    const check = await checkEmailCode(tx, ctx.keys.masterKey, {
      email: input.newEmail,
      code: input.code,
      purpose: 'email_change',
      now,
      userId: p.userId,
    });
    if (check !== 'ok') return { check, oldEmail: null };
    const user = await accounts.findUserById(tx, p.userId);
    if (!user || (await accounts.findUserByEmail(tx, input.newEmail)))
      throw new AppError('CONFLICT', 'that address is no longer available');
    await accounts.setEmail(tx, p.userId, input.newEmail);
    await sessions.revokeUserSessions(tx, p.userId, 'email_change', now, p.sessionId);
    return { check, oldEmail: user.email };
  });
  await ctx.audit.record({
    action: 'auth.email_change',
    outcome: result.check === 'ok' ? 'success' : 'failure',
    orgId: p.orgId,
    actorId: p.userId,
    ...facts,
  });
  if (result.check === 'invalid') throw new AppError('CODE_INVALID');
  if (result.check === 'expired') throw new AppError('CODE_EXPIRED');
  if (result.oldEmail) ctx.mailer.send(accountMail.emailChanged(result.oldEmail, input.newEmail));
  return input.newEmail;
}
