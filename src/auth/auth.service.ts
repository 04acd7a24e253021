import type { AppContext } from '../context/index.ts';
import type { RequestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { unsafeReadAsOwner, unsafeWithOwner } from '../platform/db/index.ts';
import {
  accountRepository as accounts,
  accountMail,
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
  checkPasswordPolicy,
} from '../accounts/index.ts';
import { checkEmailCode, issueEmailCode } from './email-codes.ts';
import { CAPTCHA_THRESHOLD, scoreRegistration } from './registration-risk.ts';
import {
  sessionRepository as sessions,
  mintSession,
  type MintOutcome,
  type SignedInUser,
  lookupSessionOwner,
  pickOrganization,
  refreshMaxAge,
  type LoginResult,
} from '../sessions/index.ts';
import { mfaRepository as mfaRepo, pendingSignInFor, trustedDeviceIsValid, type PendingSignIn } from '../mfa/index.ts';

export const LOCKOUT = { threshold: 5, durationMs: 15 * 60 * 1000, captchaFrom: 3 } as const;

/** A password sign-in either opens a session or stops at the second factor (challenge or forced enrollment). */
export type PasswordSignIn =
  | ({ kind: 'session' } & LoginResult)
  | { kind: 'pending'; pending: PendingSignIn; userId: string; orgId: string | null };

/** A switch-org answers like login: tokens for the organization, or its second-factor step first. */
export type OrganizationSwitch = ({ kind: 'session' } & LoginResult) | { kind: 'pending'; pending: PendingSignIn };

/** Only a carried session can have ended under a mint; a sign-in that meets it is a bug, answered with 500. */
function notCarried(outcome: Extract<MintOutcome, { kind: 'source_ended' }>): never {
  throw new Error(`mintSession answered ${outcome.kind} to a sign-in that carries no session`);
}

function requireStrongPassword(password: string, email: string): void {
  const policy = checkPasswordPolicy(password, email);
  if (!policy.ok) throw new AppError('PASSWORD_WEAK', undefined, { body: { reason: policy.reason } });
}

/**
 * Sign-up. The answer is the same whether or not the address has an account:
 * a new address gets a code, an unverified one a fresh code (the mailbox decides
 * who owns it), a verified one a warning mail.
 */
export async function unsafeRegister(
  ctx: AppContext,
  input: { email: string; password: string; name: string; website?: string; captchaToken?: string },
  facts: RequestFacts,
): Promise<void> {
  if (input.website) {
    // A filled honeypot: answer exactly like a sign-up (same work, same 202) but create and send nothing.
    await hashPassword(input.password);
    ctx.logger.warn({ requestId: facts.requestId }, 'registration honeypot filled; nothing created');
    await ctx.audit.record({
      action: 'auth.register',
      outcome: 'denied',
      orgId: null,
      actorId: null,
      details: { reason: 'honeypot' },
      ...facts,
    });
    return;
  }
  const risk = scoreRegistration(input);
  if (risk.score >= CAPTCHA_THRESHOLD) {
    const details = { reason: 'risk', riskScore: risk.score, signals: risk.signals.join(',') };
    // Without a configured captcha there is nothing to ask for: the sign-up goes on, and the audit log keeps the score.
    if (ctx.captcha.enabled && !(await ctx.captcha.verify(input.captchaToken, facts.ip))) {
      await ctx.audit.record({
        action: 'auth.register',
        outcome: 'denied',
        orgId: null,
        actorId: null,
        details,
        ...facts,
      });
      throw new AppError('CAPTCHA_REQUIRED', undefined, { body: { captchaRequired: true } });
    }
  }
  requireStrongPassword(input.password, input.email);
  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock.now();
  const outcome = await unsafeWithOwner(ctx.db, async (tx) => {
    const existing = await accounts.findUserByEmail(tx, input.email);
    const verified = Boolean(existing?.email_verified_at);
    if (existing && !verified) await accounts.updateUnverifiedUser(tx, existing.id, { name: input.name, passwordHash });
    else if (!existing) await accounts.insertUnverifiedUser(tx, { email: input.email, name: input.name, passwordHash });
    // A verified address gets a decoy code, so verify-email answers it exactly as a new one.
    const code = await issueEmailCode(tx, ctx.keys.masterKey, {
      email: input.email,
      purpose: 'verify_email',
      now,
      deliver: !verified,
    });
    return code ?? ('existing' as const);
  });
  if (outcome === 'existing') ctx.mailer.send(accountMail.registrationAttempt(input.email));
  else ctx.mailer.send(accountMail.verifyEmail(input.email, outcome));
  const riskDetails = risk.score > 0 ? { details: { riskScore: risk.score, signals: risk.signals.join(',') } } : {};
  await ctx.audit.record({
    action: 'auth.register',
    outcome: 'success',
    orgId: null,
    actorId: null,
    ...riskDetails,
    ...facts,
  });
}

export async function unsafeVerifyEmail(
  ctx: AppContext,
  input: { email: string; code: string },
  facts: RequestFacts,
): Promise<void> {
  const now = ctx.clock.now();
  const result = await unsafeWithOwner(ctx.db, async (tx) => {
    const check = await checkEmailCode(tx, ctx.keys.masterKey, { ...input, purpose: 'verify_email', now });
    const userId = check === 'ok' ? await accounts.markEmailVerified(tx, input.email) : undefined;
    return { check, userId };
  });
  await ctx.audit.record({
    action: 'auth.email_verified',
    outcome: result.check === 'ok' ? 'success' : 'failure',
    orgId: null,
    actorId: result.userId ?? null,
    details: { reason: result.check },
    ...facts,
  });
  if (result.check === 'invalid') throw new AppError('CODE_INVALID');
  if (result.check === 'expired') throw new AppError('CODE_EXPIRED');
}

function lockedError(lockedUntil: Date, now: Date): AppError {
  const seconds = Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
  return new AppError('ACCOUNT_LOCKED', undefined, {
    headers: { 'retry-after': String(seconds) },
    body: { retryAfter: seconds },
  });
}

/**
 * Password sign-in with lockout. Unknown address and wrong password take the
 * same path: a full argon2 verification (against a dummy hash), one failure
 * counted, one body. The count is per address, so it also protects addresses
 * that have no account.
 */
export async function unsafeLogin(
  ctx: AppContext,
  input: { email: string; password: string; orgId?: string; captchaToken?: string },
  facts: RequestFacts,
  /** Reads the trusted-device cookie for the user being signed in (its signature binds it to them). */
  trustedDeviceFor: (userId: string) => string | null = () => null,
): Promise<PasswordSignIn> {
  const now = ctx.clock.now();
  const before = await unsafeReadAsOwner(ctx.db, (tx) => accounts.findSignInState(tx, input.email));
  const lockedUntil = before.failures?.locked_until ? new Date(before.failures.locked_until) : null;
  if (lockedUntil && lockedUntil > now) {
    await ctx.audit.record({
      action: 'auth.login',
      outcome: 'denied',
      orgId: null,
      actorId: before.user?.id ?? null,
      details: { reason: 'locked' },
      ...facts,
    });
    throw lockedError(lockedUntil, now);
  }
  if (
    ctx.captcha.enabled &&
    (before.failures?.failures ?? 0) >= LOCKOUT.captchaFrom &&
    !(await ctx.captcha.verify(input.captchaToken, facts.ip))
  ) {
    // No password is checked without the captcha. The answer is the one a wrong password gets (it tells a guesser
    // nothing) and it counts as a failure, so the lockout comes all the same.
    const after = await unsafeWithOwner(ctx.db, (tx) =>
      accounts.recordLoginFailure(tx, input.email, now, LOCKOUT.threshold, LOCKOUT.durationMs),
    );
    await ctx.audit.record({
      action: 'auth.login',
      outcome: 'denied',
      orgId: null,
      actorId: before.user?.id ?? null,
      details: { reason: 'captcha', failures: after.failures },
      ...facts,
    });
    throw new AppError('INVALID_CREDENTIALS', undefined, { body: { captchaRequired: true } });
  }

  const user = before.user;
  const passwordOk = user?.password_hash
    ? await verifyPassword(user.password_hash, input.password)
    : await verifyAgainstDummy(input.password);
  if (!user || !passwordOk) {
    const after = await unsafeWithOwner(ctx.db, (tx) =>
      accounts.recordLoginFailure(tx, input.email, now, LOCKOUT.threshold, LOCKOUT.durationMs),
    );
    const lockedNow = after.locked_until && new Date(after.locked_until) > now;
    await ctx.audit.record({
      action: 'auth.login',
      outcome: 'failure',
      orgId: null,
      actorId: user?.id ?? null,
      details: { reason: user ? 'wrong_password' : 'unknown_user', failures: after.failures },
      ...facts,
    });
    if (lockedNow)
      await ctx.audit.record({
        action: 'auth.lockout',
        outcome: 'success',
        orgId: null,
        actorId: user?.id ?? null,
        ...facts,
      });
    throw new AppError(
      'INVALID_CREDENTIALS',
      undefined,
      after.failures >= LOCKOUT.captchaFrom ? { body: { captchaRequired: true } } : {},
    );
  }

  if (!user.email_verified_at) throw new AppError('EMAIL_NOT_VERIFIED');
  const rehash = needsRehash(user.password_hash ?? '') ? await hashPassword(input.password) : null;
  const signedIn: SignedInUser = { id: user.id, email: user.email, name: user.name, isSuperAdmin: user.is_super_admin };

  const deviceId = trustedDeviceFor(user.id);
  const result = await unsafeWithOwner(ctx.db, async (tx) => {
    // Nothing to clear in the common case: a sign-in without earlier failures writes nothing for them.
    if (before.failures) await accounts.clearLoginFailures(tx, input.email);
    if (rehash) await accounts.setPasswordHash(tx, user.id, rehash);
    // Two independent reads, sent together (the connection pipelines them: one round trip).
    const [org, knownDevice] = await Promise.all([
      pickOrganization(tx, user.id, input.orgId),
      sessions.knownDevice(tx, user.id, facts.userAgent?.slice(0, 512) ?? null),
    ]);
    const newDevice = !knownDevice;
    // A remembered device stands in for the second factor, and only for a user who has one
    // (asked only when a device cookie came: most sign-ins carry none).
    const hasFactor = async () => {
      const factors = await mfaRepo.factorSummary(tx, user.id);
      return factors.totp || factors.webauthn > 0;
    };
    const trusted =
      deviceId !== null && (await hasFactor()) && (await trustedDeviceIsValid(ctx, tx, deviceId, user.id));
    // The organization's and role's policy (factor step, enrollment, single session) is mintSession's.
    const minted = await mintSession(ctx, tx, {
      user: signedIn,
      org,
      facts,
      assurance: trusted
        ? { basis: 'password', aal: 2, amr: ['pwd', 'trusted_device'] }
        : { basis: 'password', aal: 1, amr: ['pwd'] },
    });
    if (minted.kind === 'source_ended') return notCarried(minted);
    if (minted.kind !== 'session')
      return {
        kind: 'pending' as const,
        pending: await pendingSignInFor(ctx, tx, user.id, org?.id ?? null, minted),
        org,
        newDevice,
      };
    return { kind: 'session' as const, pair: minted.pair, org, newDevice };
  });
  if (result.newDevice)
    ctx.mailer.send(accountMail.newDevice(user.email, { ip: facts.ip, userAgent: facts.userAgent, at: now }));
  if (result.kind === 'pending') {
    await ctx.audit.record({
      action: 'auth.login',
      outcome: 'success',
      orgId: result.org?.id ?? null,
      actorId: user.id,
      details: { step: result.pending.kind === 'mfa' ? 'mfa_required' : 'mfa_enrollment_required' },
      ...facts,
    });
    return { kind: 'pending', pending: result.pending, userId: user.id, orgId: result.org?.id ?? null };
  }
  await ctx.audit.record({
    action: 'auth.login',
    outcome: 'success',
    orgId: result.org?.id ?? null,
    actorId: user.id,
    target: `session:${result.pair.sessionId}`,
    details: { trustedDevice: Boolean(deviceId) },
    ...facts,
  });
  return {
    kind: 'session',
    pair: result.pair,
    user: signedIn,
    org: result.org,
    refreshMaxAgeSeconds: refreshMaxAge(signedIn, result.org),
  };
}

export async function unsafeForgotPassword(ctx: AppContext, email: string, facts: RequestFacts): Promise<void> {
  const now = ctx.clock.now();
  const code = await unsafeWithOwner(ctx.db, async (tx) => {
    const user = await accounts.findUserByEmail(tx, email);
    // No account (or an unverified one): a decoy code, so reset answers the same sequence for every address.
    return issueEmailCode(tx, ctx.keys.masterKey, {
      email,
      purpose: 'password_reset',
      now,
      deliver: Boolean(user?.email_verified_at),
    });
  });
  if (code) ctx.mailer.send(accountMail.passwordReset(email, code));
  await ctx.audit.record({ action: 'auth.password_forgot', outcome: 'success', orgId: null, actorId: null, ...facts });
}

export async function unsafeResetPassword(
  ctx: AppContext,
  input: { email: string; code: string; newPassword: string },
  facts: RequestFacts,
): Promise<void> {
  requireStrongPassword(input.newPassword, input.email);
  const passwordHash = await hashPassword(input.newPassword);
  const now = ctx.clock.now();
  const result = await unsafeWithOwner(ctx.db, async (tx) => {
    const check = await checkEmailCode(tx, ctx.keys.masterKey, {
      email: input.email,
      code: input.code,
      purpose: 'password_reset',
      now,
    });
    if (check !== 'ok') return { check, userId: null };
    const user = await accounts.findUserByEmail(tx, input.email);
    if (!user) return { check: 'invalid' as const, userId: null };
    await accounts.setPasswordHash(tx, user.id, passwordHash);
    await sessions.revokeUserSessions(tx, user.id, 'password_reset', now);
    await mfaRepo.revokeTrustedDevices(tx, user.id, now);
    await accounts.clearLoginFailures(tx, input.email);
    return { check, userId: user.id };
  });
  await ctx.audit.record({
    action: 'auth.password_reset',
    outcome: result.check === 'ok' ? 'success' : 'failure',
    orgId: null,
    actorId: result.userId,
    ...facts,
  });
  if (result.check === 'invalid') throw new AppError('CODE_INVALID');
  if (result.check === 'expired') throw new AppError('CODE_EXPIRED');
  ctx.mailer.send(accountMail.passwordChanged(input.email, 'reset'));
}

/** Needs the current password; ends every other session of the user. */
export async function unsafeChangePassword(
  ctx: AppContext,
  who: { userId: string; sessionId: string; orgId: string | null },
  input: { currentPassword: string; newPassword: string },
  facts: RequestFacts,
): Promise<void> {
  const now = ctx.clock.now();
  const user = await unsafeWithOwner(ctx.db, (tx) => accounts.findUserById(tx, who.userId));
  if (!user?.password_hash) throw new AppError('INVALID_CREDENTIALS');
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    await unsafeWithOwner(ctx.db, (tx) =>
      accounts.recordLoginFailure(tx, user.email, now, LOCKOUT.threshold, LOCKOUT.durationMs),
    );
    await ctx.audit.record({
      action: 'auth.password_change',
      outcome: 'failure',
      orgId: who.orgId,
      actorId: who.userId,
      details: { reason: 'wrong_password' },
      ...facts,
    });
    throw new AppError('INVALID_CREDENTIALS');
  }
  requireStrongPassword(input.newPassword, user.email);
  const passwordHash = await hashPassword(input.newPassword);
  const ended = await unsafeWithOwner(ctx.db, async (tx) => {
    await accounts.setPasswordHash(tx, user.id, passwordHash);
    await mfaRepo.revokeTrustedDevices(tx, user.id, now);
    return sessions.revokeUserSessions(tx, user.id, 'password_change', now, who.sessionId);
  });
  await ctx.audit.record({
    action: 'auth.password_change',
    outcome: 'success',
    orgId: who.orgId,
    actorId: who.userId,
    details: { sessionsEnded: ended },
    ...facts,
  });
  ctx.mailer.send(accountMail.passwordChanged(user.email, 'changed'));
}

/**
 * Moves a signed-in user to another of their organizations: the session that asked
 * ends, and the target organization's policy decides as at login — a new session
 * (carrying this one's factors, parent and end time), or its factor step first.
 */
export async function unsafeSwitchOrganization(
  ctx: AppContext,
  who: { userId: string; sessionId: string },
  orgId: string,
  facts: RequestFacts,
): Promise<OrganizationSwitch> {
  const result = await unsafeWithOwner(ctx.db, async (tx) => {
    const owner = await lookupSessionOwner(tx, who.userId, orgId);
    if (!owner?.org) throw new AppError('NOT_FOUND');
    const minted = await mintSession(ctx, tx, {
      user: owner.user,
      org: owner.org,
      facts,
      assurance: { basis: 'session', sessionId: who.sessionId, binding: 'replace' },
    });
    if (minted.kind === 'source_ended') throw new AppError('SESSION_REVOKED');
    if (minted.kind === 'session') return { kind: 'session' as const, pair: minted.pair, ...owner };
    return { kind: 'pending' as const, pending: await pendingSignInFor(ctx, tx, who.userId, orgId, minted), ...owner };
  });
  if (result.kind === 'pending') {
    await ctx.audit.record({
      action: 'auth.switch_org',
      outcome: 'success',
      orgId,
      actorId: who.userId,
      target: `session:${who.sessionId}`,
      details: { step: result.pending.kind === 'mfa' ? 'mfa_required' : 'mfa_enrollment_required' },
      ...facts,
    });
    return { kind: 'pending', pending: result.pending };
  }
  await ctx.audit.record({
    action: 'auth.switch_org',
    outcome: 'success',
    orgId,
    actorId: who.userId,
    target: `session:${result.pair.sessionId}`,
    ...facts,
  });
  return {
    kind: 'session',
    pair: result.pair,
    user: result.user,
    org: result.org,
    refreshMaxAgeSeconds: refreshMaxAge(result.user, result.org),
  };
}
