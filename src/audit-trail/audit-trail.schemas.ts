import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { RECENT_FACTOR } from '../access/index.ts';

/**
 * Who may call the audit API. Events are for org_admins (own organization, through RLS)
 * and super_admins (the whole deployment, through the owner path), with a second factor
 * verified within the admin window; an export needs one within 10 minutes. Checkpoints,
 * the public key and proofs are hashes only and open to any signed-in user.
 */
// The role check (403) comes before the step-up check (401): a lawyer is told no, not asked for a second factor.
export const AUDIT_ADMIN = { orgOptional: true, roles: ['org_admin' as const], orSuperAdmin: true };
export const ADMIN_READ = { ...AUDIT_ADMIN, recentFactorMs: RECENT_FACTOR.admin };
export const AUDIT_EXPORTER = { ...AUDIT_ADMIN, recentFactorMs: RECENT_FACTOR.sensitive };
export const SIGNED_IN = { orgOptional: true };

export const seqNumber = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const apiEvent = z.object({
  seq: z.number().nullable(),
  at: z.string(),
  orgId: z.string().nullable(),
  actorId: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  outcome: z.string(),
  requestId: z.string().nullable(),
});
/** An event as the admin views list it: the actor and target by name, resolved when read (audit-names.service.ts). */
export const namedApiEvent = apiEvent.extend({ actorName: z.string().nullable(), targetLabel: z.string().nullable() });

export const listEventsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).max(40).optional(),
  to: z.iso.datetime({ offset: true }).max(40).optional(),
  actor: z.uuid().optional(),
  action: z.string().max(100).optional(),
  matter: z.uuid().optional(),
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const eventListResponse = z.object({ events: z.array(namedApiEvent), nextCursor: z.string().nullable() });
/** The CSV export takes the list's filters; it holds at most CSV_MAX_EVENTS events, newest first. */
export const csvQuery = listEventsQuery.omit({ cursor: true, limit: true });
export const CSV_MAX_EVENTS = 10_000;

export const eventParams = z.strictObject({ seq: seqNumber });
export const sealedEventResponse = namedApiEvent.extend({ leaf: z.string(), leafHash: z.string() });

export const checkpointResponse = z.object({
  treeSize: z.number(),
  rootHash: z.string(),
  signedAt: z.string(),
  signature: z.string(),
  keyId: z.string(),
  origin: z.string(),
  note: z.string(),
});

export const publicKeyResponse = z.object({
  keyId: z.string(),
  algorithm: z.literal('Ed25519'),
  publicKey: z.string(),
});

export const inclusionQuery = z.strictObject({ seq: seqNumber, treeSize: seqNumber.min(1) });
export const inclusionResponse = z.object({
  leafIndex: z.number(),
  treeSize: z.number(),
  leafHash: z.string(),
  path: z.array(z.string()),
});

export const consistencyQuery = z.strictObject({ from: seqNumber, to: seqNumber });
export const consistencyResponse = z.object({ from: z.number(), to: z.number(), path: z.array(z.string()) });

export const auditStatusResponse = z.object({
  state: z.enum(['starting', 'ok', 'alarm', 'stopped']),
  alarm: z
    .object({
      reason: z.string(),
      since: z.string().nullable(),
      treeSize: z.number(),
      checkpointSize: z.number().nullable(),
    })
    .nullable(),
  treeSize: z.number(),
  prunedBelow: z.number(),
  lastCheckpoint: z.object({ treeSize: z.number(), rootHash: z.string(), signedAt: z.string() }).nullable(),
  ddlGuard: z.boolean(),
  /** The S3 checkpoint mirror (AUDIT_S3_BUCKET); null when off. */
  mirror: z.object({ state: z.enum(['ok', 'failing']), lastTreeSize: z.number() }).nullable(),
});

export const exportQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).max(40).optional(),
  to: z.iso.datetime({ offset: true }).max(40).optional(),
});

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 * `satisfies RouteShorthandOptions` checks the shape without widening it, so the zod types still type request.body/params/query.
 */
const tags = ['audit'];

/** GET /api/v1/audit/events */
export const listEventsRoute = {
  config: { access: ADMIN_READ },
  schema: {
    tags,
    summary: 'List audit events (org_admin: own organization; super_admin: all)',
    querystring: listEventsQuery,
    response: { 200: eventListResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/audit/events/:seq */
export const getEventRoute = {
  config: { access: ADMIN_READ },
  schema: {
    tags,
    summary: 'One sealed event with its leaf bytes (canonical JSON)',
    params: eventParams,
    response: { 200: sealedEventResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/audit/checkpoint */
export const checkpointRoute = {
  config: { access: SIGNED_IN },
  schema: { tags, summary: 'The newest signed checkpoint', response: { 200: checkpointResponse } },
} satisfies RouteShorthandOptions;

/** GET /api/v1/audit/public-key */
export const publicKeyRoute = {
  config: { access: SIGNED_IN },
  schema: { tags, summary: 'The Ed25519 key that signs checkpoints', response: { 200: publicKeyResponse } },
} satisfies RouteShorthandOptions;

/** GET /api/v1/audit/proof/inclusion */
export const inclusionProofRoute = {
  config: { access: SIGNED_IN },
  schema: {
    tags,
    summary: 'RFC 9162 inclusion proof of one leaf',
    querystring: inclusionQuery,
    response: { 200: inclusionResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/audit/proof/consistency */
export const consistencyProofRoute = {
  config: { access: SIGNED_IN },
  schema: {
    tags,
    summary: 'RFC 9162 consistency proof between two tree sizes',
    querystring: consistencyQuery,
    response: { 200: consistencyResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/audit/status */
export const auditStatusRoute = {
  config: {
    access: {
      ...AUDIT_ADMIN,
      stepUpExemptBecause: 'the admin banner polls it: an alarm must show without a fresh factor',
    },
  },
  schema: {
    tags,
    summary: 'Is the audit log consistent with its signed checkpoints? (the admin banner polls this)',
    response: { 200: auditStatusResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/audit/events.csv: like the bundle, a copy of the log leaving the server, so the same fresh factor. */
export const auditCsvRoute = {
  config: { access: AUDIT_EXPORTER },
  schema: {
    tags,
    summary: 'The audit events as a CSV file with names (who, what), for people; the signed bundle is the proof',
    querystring: csvQuery,
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/audit/export */
export const auditExportRoute = {
  config: { access: AUDIT_EXPORTER },
  schema: {
    tags,
    summary: 'A bundle (events, proofs, checkpoint, public key) that `chambers audit verify` checks offline',
    querystring: exportQuery,
  },
} satisfies RouteShorthandOptions;
