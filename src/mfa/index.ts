/**
 * Second factors: TOTP, passkeys, backup codes, trusted devices, enrollment.
 * The module's public face: other modules import from here, never from its files.
 */
export { createEnrollmentResolver } from './enrollment-resolver.ts';
export { MFA_ERRORS } from './mfa.errors.ts';
export * as mfaRepository from './mfa.repository.ts';
export { mfaRoutes } from './mfa.routes.ts';
export {
  createEnrollmentChallenge,
  createLoginChallenge,
  pendingSignInFor,
  type PendingSignIn,
} from './mfa.service.ts';
export { trustedDeviceFromRequest } from './trusted-device.ts';
export { trustedDeviceIsValid } from './trusted-devices.service.ts';
export { webauthnRoutes } from './webauthn.routes.ts';
export { TRUSTED_DEVICE_TTL_MS } from './trusted-device.ts';
