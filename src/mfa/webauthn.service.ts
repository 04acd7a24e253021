import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AppContext } from '../context/index.ts';
import type { RequestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { unsafeWithOwner, type Tx } from '../platform/db/index.ts';
import * as repo from './mfa.repository.ts';
import {
  finishEnrollmentSignIn,
  finishSignIn,
  type FinishedSignIn,
  liveChallenge,
  type SessionOwnerLookup,
  type VerifiedSignIn,
} from './mfa.service.ts';

const CEREMONY_TTL_MS = 5 * 60 * 1000;

/** RP ID and origin come from PUBLIC_URL: a passkey made for one deployment is useless on another. */
export function relyingParty(ctx: AppContext): { rpID: string; origin: string; rpName: string } {
  const u = new URL(ctx.config.publicUrl);
  return { rpID: u.hostname, origin: u.origin, rpName: 'Chambers' };
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidFromBytes = (b64url: string): string | null => {
  const hex = Buffer.from(b64url, 'base64url').toString('hex');
  return hex.length === 32
    ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    : null;
};

async function liveCeremony(
  ctx: AppContext,
  tx: Tx,
  challengeId: string,
  purpose: 'webauthn_register' | 'passkey_login' | 'step_up',
  userId: string | null,
) {
  const c = await repo.lockChallengeById(tx, challengeId);
  if (
    !c ||
    c.purpose !== purpose ||
    c.consumed_at ||
    new Date(c.expires_at) <= ctx.clock.now() ||
    !c.webauthn_challenge ||
    (userId !== null && c.user_id !== userId)
  ) {
    throw new AppError('MFA_TOKEN_INVALID');
  }
  return { ...c, webauthn_challenge: c.webauthn_challenge };
}

// --- registration ---

export async function unsafeRegistrationOptions(ctx: AppContext, userId: string) {
  const user = await unsafeWithOwner(ctx.db, (tx) => repo.userIdentity(tx, userId));
  const rp = relyingParty(ctx);
  return unsafeWithOwner(ctx.db, async (tx) => {
    const existing = await repo.listCredentials(tx, user.id);
    const options = await generateRegistrationOptions({
      rpName: rp.rpName,
      rpID: rp.rpID,
      userName: user.email,
      userDisplayName: user.name,
      userID: uuidBytes(user.id),
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({
        id: c.credential_id,
        transports: c.transports as AuthenticatorTransport[],
      })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    const challengeId = await repo.insertChallenge(tx, {
      purpose: 'webauthn_register',
      userId: user.id,
      orgId: null,
      tokenHash: null,
      webauthnChallenge: options.challenge,
      expiresAt: new Date(ctx.clock.now().getTime() + CEREMONY_TTL_MS),
    });
    return { challengeId, options: { ...options } };
  });
}

type Registration = { challengeId: string; response: RegistrationResponseJSON; name?: string };

/**
 * Stores a new passkey. Under an enrollmentToken it was the factor a sign-in
 * waited for, and the same owner transaction finishes that sign-in.
 */
export async function unsafeRegisterPasskey(
  ctx: AppContext,
  input: { userId: string; enrollmentToken: string | null; registration: Registration },
  facts: RequestFacts,
  lookupOwner: SessionOwnerLookup,
): Promise<{ credential: { id: string; name: string }; signedIn: FinishedSignIn | null }> {
  return unsafeWithOwner(ctx.db, async (tx) => {
    const credential = await registerCredential(ctx, tx, input.userId, input.registration);
    if (!input.enrollmentToken) return { credential, signedIn: null };
    return {
      credential,
      signedIn: await finishEnrollmentSignIn(
        ctx,
        tx,
        { token: input.enrollmentToken, userId: input.userId },
        facts,
        ['pwd', 'hwk'],
        lookupOwner,
      ),
    };
  });
}

/** Verifies the attestation and stores the passkey; runs in the caller's owner transaction. */
async function registerCredential(
  ctx: AppContext,
  tx: Tx,
  userId: string,
  input: Registration,
): Promise<{ id: string; name: string }> {
  const rp = relyingParty(ctx);
  const ceremony = await liveCeremony(ctx, tx, input.challengeId, 'webauthn_register', userId);
  await repo.consumeChallenge(tx, ceremony.id, ctx.clock.now());
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: ceremony.webauthn_challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: false,
    });
  } catch {
    throw new AppError('WEBAUTHN_FAILED');
  }
  if (!verification.verified || !verification.registrationInfo) throw new AppError('WEBAUTHN_FAILED');
  const info = verification.registrationInfo;
  if (await repo.findCredentialByCredentialId(tx, info.credential.id))
    throw new AppError('WEBAUTHN_FAILED', 'this passkey is already registered');
  const count = (await repo.listCredentials(tx, userId)).length;
  const id = await repo.insertCredential(tx, {
    userId,
    credentialId: info.credential.id,
    publicKey: info.credential.publicKey,
    counter: info.credential.counter,
    transports: info.credential.transports ?? [],
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    name: input.name ?? `Passkey ${count + 1}`,
  });
  return { id, name: input.name ?? `Passkey ${count + 1}` };
}

// --- authentication ---

async function checkAssertion(
  ctx: AppContext,
  tx: Tx,
  expectedChallenge: string,
  response: AuthenticationResponseJSON,
  opts: { userId: string | null; requireUserVerification: boolean },
): Promise<{ ok: true; userId: string } | { ok: false }> {
  const rp = relyingParty(ctx);
  const cred = await repo.findCredentialByCredentialId(tx, response.id);
  if (!cred || (opts.userId !== null && cred.user_id !== opts.userId)) return { ok: false };
  try {
    const v = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: opts.requireUserVerification,
      credential: {
        id: cred.credential_id,
        publicKey: new Uint8Array(cred.public_key),
        counter: Number(cred.counter),
        transports: cred.transports as AuthenticatorTransport[],
      },
    });
    if (!v.verified) return { ok: false };
    // A discoverable credential names its user; it must be the credential's owner.
    if (response.response.userHandle && uuidFromBytes(response.response.userHandle) !== cred.user_id)
      return { ok: false };
    await repo.recordCredentialUse(tx, cred.id, v.authenticationInfo.newCounter, ctx.clock.now());
    return { ok: true, userId: cred.user_id };
  } catch {
    return { ok: false };
  }
}

/** Options for answering an mfaToken with a passkey. */
export async function unsafeSecondFactorOptions(ctx: AppContext, mfaToken: string) {
  const rp = relyingParty(ctx);
  return unsafeWithOwner(ctx.db, async (tx) => {
    const challenge = await liveChallenge(ctx, tx, mfaToken, 'login');
    const creds = await repo.listCredentials(tx, challenge.user_id);
    if (creds.length === 0) throw new AppError('WEBAUTHN_FAILED', 'no passkey is registered for this account');
    const options = await generateAuthenticationOptions({
      rpID: rp.rpID,
      allowCredentials: creds.map((c) => ({
        id: c.credential_id,
        transports: c.transports as AuthenticatorTransport[],
      })),
      userVerification: 'preferred',
    });
    await repo.setChallengeWebauthn(tx, challenge.id, options.challenge);
    return options;
  });
}

export async function unsafeVerifySecondFactorPasskey(
  ctx: AppContext,
  input: { mfaToken: string; response: AuthenticationResponseJSON; trustDevice: boolean },
  facts: RequestFacts,
  lookupOwner: SessionOwnerLookup,
): Promise<VerifiedSignIn> {
  const outcome = await unsafeWithOwner(ctx.db, async (tx) => {
    const challenge = await liveChallenge(ctx, tx, input.mfaToken, 'login');
    const result = challenge.webauthn_challenge
      ? await checkAssertion(ctx, tx, challenge.webauthn_challenge, input.response, {
          userId: challenge.user_id,
          requireUserVerification: false,
        })
      : ({ ok: false } as const);
    if (!result.ok)
      return {
        ok: false as const,
        userId: challenge.user_id,
        orgId: challenge.org_id,
        attempts: await repo.countChallengeFailure(tx, challenge.id),
      };
    await repo.consumeChallenge(tx, challenge.id, ctx.clock.now());
    const owner = await lookupOwner(tx, challenge.user_id, challenge.org_id);
    if (!owner) throw new AppError('MFA_TOKEN_INVALID');
    return { ok: true as const, ...(await finishSignIn(ctx, tx, owner, facts, ['pwd', 'hwk'], input.trustDevice)) };
  });
  if (!outcome.ok) {
    await ctx.audit.record({
      action: 'mfa.verify',
      outcome: 'failure',
      orgId: outcome.orgId,
      actorId: outcome.userId,
      details: { method: 'webauthn', attempts: outcome.attempts },
      ...facts,
    });
    throw new AppError('WEBAUTHN_FAILED', undefined, {}, 401);
  }
  await ctx.audit.record({
    action: 'mfa.verify',
    outcome: 'success',
    orgId: outcome.org?.id ?? null,
    actorId: outcome.user.id,
    details: { method: 'webauthn' },
    ...facts,
  });
  return { ...outcome, method: 'hwk' };
}

/** Passwordless sign-in: a discoverable passkey with user verification is both factors at once. */
export async function unsafePasskeyLoginOptions(ctx: AppContext) {
  const rp = relyingParty(ctx);
  const options = await generateAuthenticationOptions({ rpID: rp.rpID, userVerification: 'required' });
  const challengeId = await unsafeWithOwner(ctx.db, (tx) =>
    repo.insertChallenge(tx, {
      purpose: 'passkey_login',
      userId: null,
      orgId: null,
      tokenHash: null,
      webauthnChallenge: options.challenge,
      expiresAt: new Date(ctx.clock.now().getTime() + CEREMONY_TTL_MS),
    }),
  );
  return { challengeId, options: { ...options } };
}

export async function unsafeVerifyPasskeyLogin(
  ctx: AppContext,
  input: { challengeId: string; response: AuthenticationResponseJSON; orgId?: string },
  facts: RequestFacts,
  lookupOwner: SessionOwnerLookup,
  pickOrg: (tx: Tx, userId: string, wanted: string | undefined) => Promise<string | null>,
): Promise<VerifiedSignIn> {
  const outcome = await unsafeWithOwner(ctx.db, async (tx) => {
    const ceremony = await liveCeremony(ctx, tx, input.challengeId, 'passkey_login', null);
    await repo.consumeChallenge(tx, ceremony.id, ctx.clock.now());
    const result = await checkAssertion(ctx, tx, ceremony.webauthn_challenge, input.response, {
      userId: null,
      requireUserVerification: true,
    });
    if (!result.ok) return { ok: false as const };
    const owner = await lookupOwner(tx, result.userId, await pickOrg(tx, result.userId, input.orgId));
    if (!owner) return { ok: false as const };
    return { ok: true as const, ...(await finishSignIn(ctx, tx, owner, facts, ['hwk', 'user'], false)) };
  });
  if (!outcome.ok) {
    await ctx.audit.record({ action: 'auth.passkey_login', outcome: 'failure', orgId: null, actorId: null, ...facts });
    throw new AppError('WEBAUTHN_FAILED', undefined, {}, 401);
  }
  await ctx.audit.record({
    action: 'auth.passkey_login',
    outcome: 'success',
    orgId: outcome.org?.id ?? null,
    actorId: outcome.user.id,
    target: `session:${outcome.pair.sessionId}`,
    ...facts,
  });
  return { ...outcome, method: 'passkey' };
}

/** Step-up with a passkey: the way a user whose only factor is a passkey re-verifies in a live session. */
export async function unsafeStepUpOptions(ctx: AppContext, userId: string) {
  const rp = relyingParty(ctx);
  return unsafeWithOwner(ctx.db, async (tx) => {
    const creds = await repo.listCredentials(tx, userId);
    if (creds.length === 0) throw new AppError('WEBAUTHN_FAILED', 'no passkey is registered for this account');
    const options = await generateAuthenticationOptions({
      rpID: rp.rpID,
      allowCredentials: creds.map((c) => ({
        id: c.credential_id,
        transports: c.transports as AuthenticatorTransport[],
      })),
      userVerification: 'preferred',
    });
    const challengeId = await repo.insertChallenge(tx, {
      purpose: 'step_up',
      userId,
      orgId: null,
      tokenHash: null,
      webauthnChallenge: options.challenge,
      expiresAt: new Date(ctx.clock.now().getTime() + CEREMONY_TTL_MS),
    });
    return { challengeId, options: { ...options } };
  });
}

export async function unsafeStepUpWithPasskey(
  ctx: AppContext,
  who: { userId: string; sessionId: string; orgId: string | null },
  input: { challengeId: string; response: AuthenticationResponseJSON },
  facts: RequestFacts,
): Promise<void> {
  const ok = await unsafeWithOwner(ctx.db, async (tx) => {
    const ceremony = await liveCeremony(ctx, tx, input.challengeId, 'step_up', who.userId);
    await repo.consumeChallenge(tx, ceremony.id, ctx.clock.now());
    const result = await checkAssertion(ctx, tx, ceremony.webauthn_challenge, input.response, {
      userId: who.userId,
      requireUserVerification: false,
    });
    if (result.ok) await repo.markSessionVerified(tx, who.sessionId, ctx.clock.now(), 'hwk');
    return result.ok;
  });
  await ctx.audit.record({
    action: 'mfa.step_up',
    outcome: ok ? 'success' : 'failure',
    orgId: who.orgId,
    actorId: who.userId,
    target: `session:${who.sessionId}`,
    details: { method: 'webauthn' },
    ...facts,
  });
  if (!ok) throw new AppError('WEBAUTHN_FAILED', undefined, {}, 401);
}
