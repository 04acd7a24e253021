import { z } from 'zod';

const b64url = z.string().max(16_384).regex(/^[A-Za-z0-9_-]*$/, 'base64url');
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
    transports: z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])).max(8).optional(),
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

export const registerVerifyBody = z.strictObject({ challengeId: z.uuid(), response: registrationResponse, name: z.string().trim().min(1).max(100).optional() });
export const mfaTokenBody = z.strictObject({ mfaToken: z.string().min(10).max(200) });
export const secondFactorVerifyBody = z.strictObject({ mfaToken: z.string().min(10).max(200), response: authenticationResponse, trustDevice: z.boolean().optional() });
export const stepUpVerifyBody = z.strictObject({ challengeId: z.uuid(), response: authenticationResponse });
export const passkeyVerifyBody = z.strictObject({ challengeId: z.uuid(), response: authenticationResponse, orgId: z.uuid().optional() });
export const credentialParams = z.strictObject({ id: z.uuid() });
export const renameBody = z.strictObject({ name: z.string().trim().min(1).max(100) });
export const ceremonyResponse = z.object({ challengeId: z.uuid(), options: z.looseObject({ challenge: z.string() }) });
export const credentialsResponse = z.object({
  credentials: z.array(z.object({ id: z.uuid(), name: z.string(), deviceType: z.string().nullable(), backedUp: z.boolean(), createdAt: z.string(), lastUsedAt: z.string().nullable() })),
});
