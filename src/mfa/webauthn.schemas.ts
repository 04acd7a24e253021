import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { RECENT_FACTOR } from '../access/index.ts';
import type { RateLimitRule } from '../http/index.ts';
import { tokensResponse } from '../sessions/index.ts';

const b64url = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/, 'base64url');
/** The extension outputs browsers report today; anything else is refused like any unknown field. */
const extensionResults = z.strictObject({
  credProps: z.strictObject({ rk: z.boolean().optional() }).optional(),
  appid: z.boolean().optional(),
  hmacCreateSecret: z.boolean().optional(),
  largeBlob: z.strictObject({ supported: z.boolean().optional(), written: z.boolean().optional() }).optional(),
});

/** The JSON a browser's PublicKeyCredential serializes to (WebAuthn L3 toJSON), bounded. */
export const registrationResponse = z.strictObject({
  id: b64url,
  rawId: b64url,
  type: z.literal('public-key'),
  response: z.strictObject({
    clientDataJSON: b64url,
    attestationObject: b64url,
    transports: z
      .array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']))
      .max(8)
      .optional(),
    authenticatorData: b64url.optional(),
    publicKey: b64url.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
  }),
  clientExtensionResults: extensionResults,
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

export const authenticationResponse = z.strictObject({
  id: b64url,
  rawId: b64url,
  type: z.literal('public-key'),
  response: z.strictObject({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
  clientExtensionResults: extensionResults,
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

export const registerVerifyBody = z.strictObject({
  challengeId: z.uuid(),
  response: registrationResponse,
  name: z.string().trim().min(1).max(100).optional(),
});
export const mfaTokenBody = z.strictObject({ mfaToken: z.string().min(10).max(200) });
export const secondFactorVerifyBody = z.strictObject({
  mfaToken: z.string().min(10).max(200),
  response: authenticationResponse,
  trustDevice: z.boolean().optional(),
});
export const stepUpVerifyBody = z.strictObject({ challengeId: z.uuid(), response: authenticationResponse });
export const passkeyVerifyBody = z.strictObject({
  challengeId: z.uuid(),
  response: authenticationResponse,
  orgId: z.uuid().optional(),
});
export const credentialParams = z.strictObject({ id: z.uuid() });
export const renameBody = z.strictObject({ name: z.string().trim().min(1).max(100) });
export const ceremonyResponse = z.object({ challengeId: z.uuid(), options: z.looseObject({ challenge: z.string() }) });
export const credentialsResponse = z.object({
  credentials: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      deviceType: z.string().nullable(),
      backedUp: z.boolean(),
      createdAt: z.string(),
      lastUsedAt: z.string().nullable(),
    }),
  ),
});

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 * `satisfies RouteShorthandOptions` checks the shape without widening it, so the zod types still type request.body/params/query.
 */
const tags = ['passkeys'];
const enrollAccess = { access: { orgOptional: true, allowEnrollment: true } };

/** POST /api/v1/mfa/webauthn/register/options */
export const registerOptionsRoute = {
  config: enrollAccess,
  schema: { tags, summary: 'Start registering a passkey', response: { 200: ceremonyResponse } },
} satisfies RouteShorthandOptions;

/** POST /api/v1/mfa/webauthn/register/verify */
export const registerVerifyRoute = {
  config: enrollAccess,
  schema: {
    tags,
    summary: 'Finish registering a passkey',
    body: registerVerifyBody,
    response: { 201: z.object({ id: z.uuid(), name: z.string() }).and(tokensResponse.partial()) },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/mfa/webauthn/credentials */
export const listPasskeysRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'Your passkeys', response: { 200: credentialsResponse } },
} satisfies RouteShorthandOptions;

/** PATCH /api/v1/mfa/webauthn/credentials/:id */
export const renamePasskeyRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'Rename a passkey', params: credentialParams, body: renameBody },
} satisfies RouteShorthandOptions;

/** DELETE /api/v1/mfa/webauthn/credentials/:id */
export const removePasskeyRoute = {
  config: { access: { orgOptional: true, recentFactorMs: RECENT_FACTOR.sensitive } },
  schema: { tags, summary: 'Remove a passkey', params: credentialParams },
} satisfies RouteShorthandOptions;

/** POST /api/v1/auth/mfa/webauthn/options */
export const mfaOptionsRoute = (authTier: RateLimitRule) =>
  ({
    config: { access: { public: true }, rateLimits: [authTier] },
    schema: { tags, summary: 'Answer an mfaToken with a passkey: options', body: mfaTokenBody },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/mfa/webauthn/verify */
export const mfaVerifyRoute = (authTier: RateLimitRule) =>
  ({
    config: { access: { public: true }, rateLimits: [authTier] },
    schema: {
      tags,
      summary: 'Answer an mfaToken with a passkey',
      body: secondFactorVerifyBody,
      response: { 200: tokensResponse },
    },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/step-up/webauthn/options */
export const stepUpOptionsRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'Re-verify with a passkey: options', response: { 200: ceremonyResponse } },
} satisfies RouteShorthandOptions;

/** POST /api/v1/auth/step-up/webauthn/verify */
export const stepUpVerifyRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'Re-verify with a passkey in this session', body: stepUpVerifyBody },
} satisfies RouteShorthandOptions;

/** POST /api/v1/auth/passkey/options */
export const passkeyOptionsRoute = (authTier: RateLimitRule) =>
  ({
    config: { access: { public: true }, rateLimits: [authTier] },
    schema: { tags, summary: 'Passwordless sign-in: options', response: { 200: ceremonyResponse } },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/passkey/verify */
export const passkeyVerifyRoute = (authTier: RateLimitRule) =>
  ({
    config: { access: { public: true }, rateLimits: [authTier] },
    schema: {
      tags,
      summary: 'Passwordless sign-in with a passkey',
      body: passkeyVerifyBody,
      response: { 200: tokensResponse },
    },
  }) satisfies RouteShorthandOptions;
