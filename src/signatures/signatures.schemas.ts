import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { RECENT_FACTOR } from '../access/index.ts';

const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be an email address' }));

export const createEnvelopeBody = z.strictObject({
  title: z.string().trim().min(1).max(300),
  documentId: z.uuid(),
  message: z.string().trim().max(2000).optional(),
  order: z.enum(['sequential', 'parallel']),
  expiresInDays: z.number().int().min(1).max(90).default(30),
  recipients: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1).max(200),
        email,
        role: z.enum(['signer', 'approver', 'viewer']),
      }),
    )
    .min(1)
    .max(50),
  fields: z
    .array(
      z.strictObject({
        recipient: z.number().int().min(0).max(49),
        type: z.enum(['signature', 'initials', 'date', 'text', 'checkbox']),
        page: z.number().int().min(1).max(100_000),
        x: z.number().min(0).max(100_000),
        y: z.number().min(0).max(100_000),
        width: z.number().positive().max(100_000),
        height: z.number().positive().max(100_000),
        required: z.boolean().default(true),
      }),
    )
    .max(500)
    .default([]),
});
export type CreateEnvelopeInput = z.infer<typeof createEnvelopeBody>;

export const envelopeIdParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });
export const listEnvelopesQuery = z.strictObject({ documentId: z.uuid().optional() });
export const voidBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const tokenParams = z.strictObject({ token: z.string().max(100) });
export const consentBody = z.strictObject({ disclosureVersion: z.string().min(1).max(50) });
export const completeBody = z.strictObject({
  fields: z
    .array(z.strictObject({ id: z.uuid(), value: z.union([z.string().max(1000), z.boolean()]) }))
    .max(500)
    .default([]),
  signature: z.strictObject({ kind: z.enum(['typed', 'drawn']), value: z.string().min(1).max(400_000) }).optional(),
});
export type CompleteInput = z.infer<typeof completeBody>;
export const declineBody = z.strictObject({ reason: z.string().trim().min(1).max(1000) });

const statusEnum = z.enum(['draft', 'sent', 'completed', 'declined', 'voided', 'expired']);
export const recipientView = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: z.enum(['signer', 'approver', 'viewer']),
  position: z.number(),
  status: z.enum(['waiting', 'sent', 'viewed', 'signed', 'declined']),
  consentedAt: z.string().nullable(),
  viewedAt: z.string().nullable(),
  signedAt: z.string().nullable(),
  declinedAt: z.string().nullable(),
  declineReason: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export const envelopeView = z.object({
  id: z.uuid(),
  title: z.string(),
  documentId: z.uuid(),
  status: statusEnum,
  /** 'delayed' while no time-stamp authority answers: the envelope is signed but not sealed yet. */
  sealing: z.enum(['pending', 'delayed', 'done']).nullable(),
  order: z.enum(['sequential', 'parallel']),
  documentSha256: z.string(),
  finalSha256: z.string().nullable(),
  expiresAt: z.string(),
  createdAt: z.string(),
  recipients: z.array(recipientView),
});
export type EnvelopeView = z.infer<typeof envelopeView>;

const fieldView = z.object({
  id: z.uuid(),
  type: z.enum(['signature', 'initials', 'date', 'text', 'checkbox']),
  page: z.number(),
  x: z.number(),
  y: z.number(),
  width: z.number(),
  height: z.number(),
  required: z.boolean(),
});
export const signerView = z.object({
  envelope: z.object({ title: z.string(), organization: z.string(), message: z.string().nullable() }),
  recipient: z.object({ name: z.string(), email: z.string(), role: z.enum(['signer', 'approver', 'viewer']) }),
  disclosure: z.object({ version: z.string(), text: z.string(), sha256: z.string() }),
  fields: z.array(fieldView),
  consented: z.boolean(),
  status: z.enum(['waiting', 'sent', 'viewed', 'signed', 'declined']),
});

const evidenceRecipient = z.object({
  name: z.string(),
  email: z.string(),
  role: z.string(),
  consent: z
    .object({
      disclosureVersion: z.string().nullable(),
      disclosureSha256: z.string().nullable(),
      at: z.string().nullable(),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
    })
    .nullable(),
  viewedAt: z.string().nullable(),
  signedAt: z.string().nullable(),
  declinedAt: z.string().nullable(),
  declineReason: z.string().nullable(),
  method: z.string().nullable(),
});
export const evidenceView = z.object({
  envelopeId: z.uuid(),
  documentSha256: z.string(),
  finalSha256: z.string(),
  sealedAt: z.string(),
  timestamp: z.object({ genTime: z.string(), tsa: z.string() }).nullable(),
  recipients: z.array(evidenceRecipient),
});
export const certificateView = z.object({
  certificatePem: z.string(),
  chainPem: z.string(),
  fingerprintSha256: z.string(),
  notAfter: z.string(),
});
export const uploadCertificateBody = z.strictObject({
  /** The PKCS#12 file (.p12 / .pfx), base64. */
  pkcs12: z.base64().max(400_000),
  password: z.string().max(1000),
});
export const signingSettingsView = z.object({
  /** When every time-stamp authority fails: seal B-B now (true) or wait and retry (false, the default). */
  allowBaselineB: z.boolean(),
});
export const signingSettingsBody = z.strictObject({ allowBaselineB: z.boolean() });
export const verdictView = z.object({
  verdict: z.enum(['valid', 'invalid']),
  reasons: z.array(z.string()),
  signedAt: z.string().nullable(),
  sealedBy: z.object({ subject: z.string(), fingerprintSha256: z.string() }).nullable(),
  timestamp: z.object({ genTime: z.string(), tsa: z.string() }).nullable(),
  envelopeId: z.string().nullable(),
  knownToChambers: z.boolean(),
});

/*
 * Route options: each route's access declaration and OpenAPI schema; the routes file maps paths to handlers.
 */
const tags = ['signatures'];
const WRITERS = { portal: 'lawyer' as const, roles: ['org_admin' as const, 'lawyer' as const] };
const READERS = { portal: 'lawyer' as const };
const ADMIN = { portal: 'lawyer' as const, roles: ['org_admin' as const], recentFactorMs: RECENT_FACTOR.admin };
/** Per client IP: enough for a person signing, too few to guess 256-bit tokens. */
const SIGNER_LIMITS = [{ bucket: 'signer-link', limit: 120, windowMs: 60_000 }];
const VERIFY_LIMITS = [{ bucket: 'verify-pdf', limit: 30, windowMs: 60_000 }];

export const createEnvelopeRoute = {
  config: { access: WRITERS },
  schema: {
    tags,
    summary: 'Prepare an envelope from a PDF of the vault',
    body: createEnvelopeBody,
    response: { 201: z.object({ id: z.uuid(), status: z.literal('draft') }) },
  },
} satisfies RouteShorthandOptions;
export const sendEnvelopeRoute = {
  config: { access: WRITERS },
  schema: {
    tags,
    summary: 'Send an envelope: mail the recipients whose turn it is',
    params: envelopeIdParams,
    response: { 200: z.object({ status: z.literal('sent') }) },
  },
} satisfies RouteShorthandOptions;
export const listEnvelopesRoute = {
  config: { access: READERS },
  schema: {
    tags,
    summary: 'Envelopes (optionally of one document)',
    querystring: listEnvelopesQuery,
    response: { 200: z.object({ envelopes: z.array(envelopeView) }) },
  },
} satisfies RouteShorthandOptions;
export const getEnvelopeRoute = {
  config: { access: READERS },
  schema: {
    tags,
    summary: 'One envelope with its recipients',
    params: envelopeIdParams,
    response: { 200: envelopeView },
  },
} satisfies RouteShorthandOptions;
export const voidEnvelopeRoute = {
  config: { access: WRITERS },
  schema: {
    tags,
    summary: 'Void an open envelope: every link stops working',
    params: envelopeIdParams,
    body: voidBody,
    response: { 200: z.object({ status: z.literal('voided') }) },
  },
} satisfies RouteShorthandOptions;
export const envelopeDocumentRoute = {
  config: { access: READERS },
  schema: { tags, summary: 'The sealed PDF of a completed envelope', params: envelopeIdParams },
} satisfies RouteShorthandOptions;
export const envelopeEvidenceRoute = {
  config: { access: READERS },
  schema: {
    tags,
    summary: 'The evidence record of a completed envelope',
    params: envelopeIdParams,
    response: { 200: evidenceView },
  },
} satisfies RouteShorthandOptions;
export const certificateRoute = {
  config: { access: READERS },
  schema: {
    tags,
    summary: "The organization's seal certificate and its chain (made on first use)",
    response: { 200: certificateView },
  },
} satisfies RouteShorthandOptions;
export const uploadCertificateRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: "Replace the organization's seal with a CA-issued certificate (PKCS#12)",
    body: uploadCertificateBody,
    response: { 200: certificateView },
  },
} satisfies RouteShorthandOptions;
export const getSigningSettingsRoute = {
  config: { access: READERS },
  schema: { tags, summary: "The organization's signature settings", response: { 200: signingSettingsView } },
} satisfies RouteShorthandOptions;
export const updateSigningSettingsRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: 'Allow sealing B-B (without a time-stamp) when every time-stamp authority fails',
    body: signingSettingsBody,
    response: { 200: signingSettingsView },
  },
} satisfies RouteShorthandOptions;
export const rootCertificateRoute = {
  config: { access: READERS },
  schema: {
    tags,
    summary: "The root certificate of the organization's seal, as a PEM file to add to a PDF reader's trust store",
  },
} satisfies RouteShorthandOptions;
export const signerViewRoute = {
  config: { access: { public: true }, rateLimits: SIGNER_LIMITS },
  schema: { tags, summary: 'Open a signing link', params: tokenParams, response: { 200: signerView } },
} satisfies RouteShorthandOptions;
export const signerDocumentRoute = {
  config: { access: { public: true }, rateLimits: SIGNER_LIMITS },
  schema: { tags, summary: 'The PDF to sign', params: tokenParams },
} satisfies RouteShorthandOptions;
export const consentRoute = {
  config: { access: { public: true }, rateLimits: SIGNER_LIMITS },
  schema: { tags, summary: 'Accept the electronic records disclosure', params: tokenParams, body: consentBody },
} satisfies RouteShorthandOptions;
export const completeRoute = {
  config: { access: { public: true }, rateLimits: SIGNER_LIMITS },
  schema: {
    tags,
    summary: 'Sign (or approve) with the fields filled in',
    params: tokenParams,
    body: completeBody,
    response: { 200: z.object({ status: z.literal('signed') }) },
  },
} satisfies RouteShorthandOptions;
export const declineRoute = {
  config: { access: { public: true }, rateLimits: SIGNER_LIMITS },
  schema: {
    tags,
    summary: 'Decline to sign, with a reason',
    params: tokenParams,
    body: declineBody,
    response: { 200: z.object({ status: z.literal('declined') }) },
  },
} satisfies RouteShorthandOptions;
export const verifyRoute = {
  config: { access: { public: true }, rateLimits: VERIFY_LIMITS },
  schema: { tags, summary: 'Verify a sealed PDF (multipart field "file")', response: { 200: verdictView } },
} satisfies RouteShorthandOptions;
