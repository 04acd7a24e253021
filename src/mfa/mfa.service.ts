import type { AppContext } from '../context/index.ts';
import { mfaRequiredFor, type Principal, type RequestFacts } from '../access/index.ts';
import { accountMail } from '../accounts/index.ts';
import { SECRET_PURPOSE, openSecret, sealSecret } from '../crypto/index.ts';
import { AppError } from '../platform/errors.ts';
import { randomToken, sha256Hex } from '../platform/crypto-basics.ts';
import { unsafeWithOwner, type Tx } from '../platform/db/index.ts';
import { mintSession, type OrgMembership, type SignedInUser, type TokenPair } from '../sessions/index.ts';
import * as repo from './mfa.repository.ts';
import { findBackupCode, hashBackupCode, newBackupCodes } from './backup-codes.ts';
import { matchTotpStep, newTotpSecret, totpUrl } from './totp.ts';
import { TRUSTED_DEVICE_TTL_MS, trustedDeviceCookieValue } from './trusted-device.ts';

export const MFA_TOKEN_TTL_MS = 5 * 60 * 1000;
export const ENROLLMENT_TOKEN_TTL_MS = 15 * 60 * 1000;
export const MFA_MAX_ATTEMPTS = 5;
export const MFA_VERIFICATIONS_PER_HOUR = 15;
const TOTP_PURPOSE = SECRET_PURPOSE.totp;

export type SecondFactor = { totp?: string; backupCode?: string };
type FactorResult = { ok: true; method: 'otp' | 'backup_code' } | { ok: false };

/** Refuses the 16th verification of an account within an hour, whatever the outcome of the earlier ones. */
async function countVerification(ctx: AppContext, userId: string): Promise<void> {
  const { count, resetAt } = await ctx.rateLimitStore.hit(
    `mfa-verify:${userId}`,
    60 * 60 * 1000,
    ctx.clock.now().getTime(),
  );
  if (count > MFA_VERIFICATIONS_PER_HOUR) {
    const retry = Math.max(1, Math.ceil((resetAt - ctx.clock.now().getTime()) / 1000));
    throw new AppError('RATE_LIMITED', 'too many second-factor attempts for this account; wait and try again', {
      headers: { 'retry-after': String(retry) },
    });
  }
}

/**
 * Checks a TOTP code (once per time step: a replayed step is refused) or an unused
 * backup code (then spent). Runs in the caller's owner transaction.
 */
async function checkFactor(ctx: AppContext, tx: Tx, userId: string, factor: SecondFactor): Promise<FactorResult> {
  const now = ctx.clock.now();
  if (factor.totp !== undefined) {
    const totp = await repo.findTotp(tx, userId);
    if (!totp?.confirmed_at) return { ok: false };
    const step = matchTotpStep(
      openSecret(ctx.keys.masterKey, TOTP_PURPOSE, totp.secret_ciphertext, userId),
      factor.totp,
      now,
    );
    if (step === null || (totp.last_used_step !== null && step <= totp.last_used_step)) return { ok: false };
    await repo.recordTotpStep(tx, userId, step);
    return { ok: true, method: 'otp' };
  }
  if (factor.backupCode !== undefined) {
    const match = findBackupCode(
      await repo.unusedBackupCodes(tx, userId),
      ctx.keys.masterKey,
      userId,
      factor.backupCode,
    );
    if (!match || !(await repo.markBackupCodeUsed(tx, match.id, now))) return { ok: false };
    return { ok: true, method: 'backup_code' };
  }
  return { ok: false };
}

// --- the sign-in's second step ---

export type PendingSignIn =
  { kind: 'mfa'; mfaToken: string; methods: string[] } | { kind: 'enroll'; enrollmentToken: string };

/** After the password: a challenge the client answers with a factor. */
export async function createLoginChallenge(
  ctx: AppContext,
  tx: Tx,
  userId: string,
  orgId: string | null,
  factors: { totp: boolean; webauthn: number },
): Promise<PendingSignIn> {
  const mfaToken = `mfa_${randomToken(32)}`;
  await repo.insertChallenge(tx, {
    purpose: 'login',
    userId,
    orgId,
    tokenHash: sha256Hex(mfaToken),
    expiresAt: new Date(ctx.clock.now().getTime() + MFA_TOKEN_TTL_MS),
  });
  const methods = [...(factors.totp ? ['totp', 'backup_code'] : []), ...(factors.webauthn > 0 ? ['webauthn'] : [])];
  return { kind: 'mfa', mfaToken, methods };
}

/** After the password, for a role that needs a factor the user does not have yet. */
export async function createEnrollmentChallenge(
  ctx: AppContext,
  tx: Tx,
  userId: string,
  orgId: string | null,
): Promise<PendingSignIn> {
  const enrollmentToken = `enr_${randomToken(32)}`;
  await repo.insertChallenge(tx, {
    purpose: 'enrollment',
    userId,
    orgId,
    tokenHash: sha256Hex(enrollmentToken),
    expiresAt: new Date(ctx.clock.now().getTime() + ENROLLMENT_TOKEN_TTL_MS),
  });
  return { kind: 'enroll', enrollmentToken };
}

/**
 * The login-shaped answer when the session policy (sessions' mintSession) wants a factor
 * first: a challenge for a user who has one, an enrollment for one who has none.
 */
export async function pendingSignInFor(
  ctx: AppContext,
  tx: Tx,
  userId: string,
  orgId: string | null,
  step: { kind: 'verify_factor'; factors: { totp: boolean; webauthn: number } } | { kind: 'enroll_factor' },
): Promise<PendingSignIn> {
  return step.kind === 'verify_factor'
    ? createLoginChallenge(ctx, tx, userId, orgId, step.factors)
    : createEnrollmentChallenge(ctx, tx, userId, orgId);
}

/** A live challenge for this token and purpose, or MFA_TOKEN_INVALID. */
export async function liveChallenge(ctx: AppContext, tx: Tx, token: string, purpose: 'login' | 'enrollment') {
  const c = await repo.lockChallengeByToken(tx, sha256Hex(token));
  if (
    !c ||
    c.purpose !== purpose ||
    c.consumed_at ||
    new Date(c.expires_at) <= ctx.clock.now() ||
    c.attempts >= MFA_MAX_ATTEMPTS ||
    !c.user_id
  ) {
    throw new AppError('MFA_TOKEN_INVALID');
  }
  return { ...c, user_id: c.user_id };
}

/** The live enrollment challenge an enrollmentToken names (MFA_TOKEN_INVALID otherwise): what the enrollment routes act for. */
export async function unsafeLiveEnrollment(ctx: AppContext, token: string) {
  return unsafeWithOwner(ctx.db, (tx) => liveChallenge(ctx, tx, token, 'enrollment'));
}

export type SessionOwnerLookup = (
  tx: Tx,
  userId: string,
  orgId: string | null,
) => Promise<{ user: SignedInUser; org: OrgMembership | null } | null>;

/** A sign-in whose second factor is done: the session, and the trusted-device cookie value when the device is now remembered. */
export type FinishedSignIn = {
  pair: TokenPair;
  user: SignedInUser;
  org: OrgMembership | null;
  trustedDeviceCookie: string | null;
};
export type VerifiedSignIn = FinishedSignIn & { method: string };

/**
 * POST /auth/mfa/verify. A wrong code counts against the mfaToken (5 and it is
 * dead) and against the account's hourly budget; the count is committed before
 * the refusal is thrown.
 */
export async function unsafeVerifyLoginFactor(
  ctx: AppContext,
  input: { mfaToken: string; factor: SecondFactor; trustDevice: boolean },
  facts: RequestFacts,
  lookupOwner: SessionOwnerLookup,
): Promise<VerifiedSignIn> {
  const userId = await unsafeWithOwner(
    ctx.db,
    async (tx) => (await liveChallenge(ctx, tx, input.mfaToken, 'login')).user_id,
  );
  await countVerification(ctx, userId);
  const outcome = await unsafeWithOwner(ctx.db, async (tx) => {
    const challenge = await liveChallenge(ctx, tx, input.mfaToken, 'login');
    const result = await checkFactor(ctx, tx, userId, input.factor);
    if (!result.ok) {
      const attempts = await repo.countChallengeFailure(tx, challenge.id);
      return { ok: false as const, attempts, orgId: challenge.org_id };
    }
    await repo.consumeChallenge(tx, challenge.id, ctx.clock.now());
    const owner = await lookupOwner(tx, userId, challenge.org_id);
    if (!owner) throw new AppError('MFA_TOKEN_INVALID');
    const signedIn = await finishSignIn(ctx, tx, owner, facts, ['pwd', result.method], input.trustDevice);
    return { ok: true as const, ...signedIn, method: result.method };
  });
  if (!outcome.ok) {
    await ctx.audit.record({
      action: 'mfa.verify',
      outcome: 'failure',
      orgId: outcome.orgId,
      actorId: userId,
      details: { attempts: outcome.attempts },
      ...facts,
    });
    throw new AppError('MFA_CODE_INVALID');
  }
  await ctx.audit.record({
    action: 'mfa.verify',
    outcome: 'success',
    orgId: outcome.org?.id ?? null,
    actorId: userId,
    details: { method: outcome.method },
    ...facts,
  });
  if (outcome.method === 'backup_code') await noteBackupCodeUse(ctx, outcome.user, outcome.org?.id ?? null, facts);
  if (outcome.trustedDeviceCookie)
    await ctx.audit.record({
      action: 'mfa.trusted_device_granted',
      outcome: 'success',
      orgId: outcome.org?.id ?? null,
      actorId: userId,
      ...facts,
    });
  return outcome;
}

/** Opens the session of a sign-in whose second factor is verified; optionally remembers the device for 7 days. */
export async function finishSignIn(
  ctx: AppContext,
  tx: Tx,
  owner: { user: SignedInUser; org: OrgMembership | null },
  facts: RequestFacts,
  amr: string[],
  trustDevice: boolean,
): Promise<FinishedSignIn> {
  const minted = await mintSession(ctx, tx, {
    user: owner.user,
    org: owner.org,
    facts,
    assurance: { basis: 'factor', amr },
  });
  // A verified factor meets every policy; anything else here is a bug, and no session is better than a wrong one.
  if (minted.kind !== 'session') throw new AppError('MFA_TOKEN_INVALID');
  const { pair } = minted;
  let trustedDeviceCookie: string | null = null;
  if (trustDevice) {
    const deviceId = await repo.insertTrustedDevice(tx, {
      userId: owner.user.id,
      expiresAt: new Date(ctx.clock.now().getTime() + TRUSTED_DEVICE_TTL_MS),
      ip: facts.ip,
      userAgent: facts.userAgent?.slice(0, 512) ?? null,
    });
    trustedDeviceCookie = trustedDeviceCookieValue(ctx.keys.masterKey, deviceId, owner.user.id);
  }
  return { pair, user: owner.user, org: owner.org, trustedDeviceCookie };
}

/** Enrolling a factor was the last step of a sign-in: spend the enrollment challenge and open the session. */
export async function finishEnrollmentSignIn(
  ctx: AppContext,
  tx: Tx,
  enrollment: { token: string; userId: string },
  facts: RequestFacts,
  amr: string[],
  lookupOwner: SessionOwnerLookup,
): Promise<FinishedSignIn> {
  const challenge = await liveChallenge(ctx, tx, enrollment.token, 'enrollment');
  await repo.consumeChallenge(tx, challenge.id, ctx.clock.now());
  const owner = await lookupOwner(tx, enrollment.userId, challenge.org_id);
  if (!owner) throw new AppError('MFA_TOKEN_INVALID');
  return finishSignIn(ctx, tx, owner, facts, amr, false);
}

async function noteBackupCodeUse(
  ctx: AppContext,
  user: SignedInUser,
  orgId: string | null,
  facts: RequestFacts,
): Promise<void> {
  await ctx.audit.record({ action: 'mfa.backup_code_used', outcome: 'success', orgId, actorId: user.id, ...facts });
  ctx.mailer.send({
    to: user.email,
    kind: 'mfa.backup-code-used',
    subject: 'A Chambers backup code was used',
    text: 'One of your backup codes was just used to sign in. If this was not you, change your password and regenerate your backup codes now.\n',
  });
}

// --- enrollment ---

export async function unsafeEnrollTotp(
  ctx: AppContext,
  userId: string,
): Promise<{ secret: string; otpauthUrl: string }> {
  const user = await unsafeWithOwner(ctx.db, (tx) => repo.userIdentity(tx, userId));
  const secret = newTotpSecret();
  await unsafeWithOwner(ctx.db, async (tx) => {
    const existing = await repo.findTotp(tx, user.id);
    if (existing?.confirmed_at) throw new AppError('MFA_ALREADY_ENROLLED');
    await repo.upsertPendingTotp(tx, user.id, sealSecret(ctx.keys.masterKey, TOTP_PURPOSE, secret, user.id));
  });
  return { secret, otpauthUrl: totpUrl(secret, user.email) };
}

/**
 * One valid code confirms the pending secret; the answer carries ten fresh backup
 * codes, shown once. Under an enrollmentToken it also finishes the sign-in.
 */
export async function unsafeConfirmTotp(
  ctx: AppContext,
  input: { userId: string; code: string; enrollmentToken: string | null },
  facts: RequestFacts,
  lookupOwner: SessionOwnerLookup,
): Promise<{ backupCodes: string[]; signedIn: FinishedSignIn | null }> {
  return unsafeWithOwner(ctx.db, async (tx) => {
    const backupCodes = await confirmTotp(ctx, tx, input.userId, input.code);
    if (!input.enrollmentToken) return { backupCodes, signedIn: null };
    return {
      backupCodes,
      signedIn: await finishEnrollmentSignIn(
        ctx,
        tx,
        { token: input.enrollmentToken, userId: input.userId },
        facts,
        ['pwd', 'otp'],
        lookupOwner,
      ),
    };
  });
}

async function confirmTotp(ctx: AppContext, tx: Tx, userId: string, code: string): Promise<string[]> {
  const totp = await repo.findTotp(tx, userId);
  if (!totp) throw new AppError('MFA_NOT_ENROLLED');
  if (totp.confirmed_at) throw new AppError('MFA_ALREADY_ENROLLED');
  const step = matchTotpStep(
    openSecret(ctx.keys.masterKey, TOTP_PURPOSE, totp.secret_ciphertext, userId),
    code,
    ctx.clock.now(),
  );
  if (step === null) throw new AppError('MFA_CODE_INVALID');
  await repo.confirmTotp(tx, userId, step, ctx.clock.now());
  const codes = newBackupCodes();
  await repo.replaceBackupCodes(
    tx,
    userId,
    codes.map((c) => hashBackupCode(ctx.keys.masterKey, userId, c)),
  );
  return codes;
}

export async function unsafeRegenerateBackupCodes(ctx: AppContext, userId: string): Promise<string[]> {
  const codes = newBackupCodes();
  await unsafeWithOwner(ctx.db, async (tx) => {
    const totp = await repo.findTotp(tx, userId);
    const summary = await repo.factorSummary(tx, userId);
    if (!totp?.confirmed_at && summary.webauthn === 0) throw new AppError('MFA_NOT_ENROLLED');
    await repo.replaceBackupCodes(
      tx,
      userId,
      codes.map((c) => hashBackupCode(ctx.keys.masterKey, userId, c)),
    );
  });
  return codes;
}

/** Re-verifies a factor in a live session (step-up): admin routes and sensitive actions look at this time. */
export async function unsafeStepUp(
  ctx: AppContext,
  who: { userId: string; sessionId: string; orgId: string | null },
  factor: SecondFactor,
  facts: RequestFacts,
): Promise<void> {
  await countVerification(ctx, who.userId);
  const result = await unsafeWithOwner(ctx.db, async (tx) => {
    const r = await checkFactor(ctx, tx, who.userId, factor);
    if (r.ok) await repo.markSessionVerified(tx, who.sessionId, ctx.clock.now(), r.method);
    return r;
  });
  await ctx.audit.record({
    action: 'mfa.step_up',
    outcome: result.ok ? 'success' : 'failure',
    orgId: who.orgId,
    actorId: who.userId,
    target: `session:${who.sessionId}`,
    ...facts,
  });
  if (!result.ok) throw new AppError('MFA_CODE_INVALID');
}

/** The signed-in user whose factors a route manages, and what decides whether their role needs one. */
export type FactorHolder = Pick<Principal, 'userId' | 'orgId' | 'role' | 'isSuperAdmin'>;

/** Whether the user's role (or their organization's settings) requires a second factor. */
export async function unsafeFactorRequired(ctx: AppContext, who: FactorHolder): Promise<boolean> {
  const orgId = who.orgId;
  const extraRoles = orgId ? await unsafeWithOwner(ctx.db, (tx) => repo.orgMfaRoles(tx, orgId)) : [];
  return mfaRequiredFor(who, who.role, extraRoles);
}

/** GET /mfa: the user's factors, and whether they must keep one. */
export async function unsafeFactorStatus(
  ctx: AppContext,
  who: FactorHolder,
): Promise<{ totp: boolean; webauthn: number; backupCodesLeft: number; required: boolean }> {
  const summary = await unsafeWithOwner(ctx.db, async (tx) => ({
    ...(await repo.factorSummary(tx, who.userId)),
    extraRoles: who.orgId ? await repo.orgMfaRoles(tx, who.orgId) : [],
  }));
  return {
    totp: summary.totp,
    webauthn: summary.webauthn,
    backupCodesLeft: summary.backupCodesLeft,
    required: mfaRequiredFor(who, who.role, summary.extraRoles),
  };
}

/** Removes the authenticator app and its backup codes, unless it is the last factor of a role that needs one. */
export async function unsafeDisableTotp(ctx: AppContext, who: FactorHolder): Promise<void> {
  const mfaRequired = await unsafeFactorRequired(ctx, who);
  await unsafeWithOwner(ctx.db, async (tx) => {
    const summary = await repo.factorSummary(tx, who.userId);
    if (mfaRequired && summary.webauthn === 0)
      throw new AppError(
        'CONFLICT',
        'your role requires a second factor: add a passkey before removing the authenticator app',
      );
    await repo.deleteTotp(tx, who.userId);
  });
}

/** Mails the account owner about a change to their sign-in factors. */
export async function unsafeNotifySecurityChange(ctx: AppContext, userId: string, what: string): Promise<void> {
  const user = await unsafeWithOwner(ctx.db, (tx) => repo.findUserEmail(tx, userId));
  if (user) ctx.mailer.send(accountMail.securityChange(user.email, what));
}
