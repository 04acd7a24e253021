import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context/index.ts';
import { requestFacts } from '../access/index.ts';
import { principalOf } from '../access/index.ts';
import { RECENT_FACTOR } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { prepareExport } from './audit-export.ts';
import * as service from './audit-trail.service.ts';
import { noteBody } from '../transparency/index.ts';

/**
 * The audit API (API.md "Audit"). Events are for org_admins (own organization,
 * through RLS) and super_admins (the whole deployment, through the owner path),
 * with a second factor verified within the admin window; an export needs one
 * within 10 minutes. Checkpoints, the public key and proofs are hashes only and
 * open to any signed-in user: they reveal nothing of any organization's events.
 */
// The role check (403) comes before the step-up check (401): a lawyer is told no, not asked for a second factor.
export const AUDIT_ADMIN = { orgOptional: true, roles: ['org_admin' as const], orSuperAdmin: true };
const ADMIN_READ = { ...AUDIT_ADMIN, recentFactorMs: RECENT_FACTOR.admin };
const SIGNED_IN = { orgOptional: true };

const seqNumber = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const apiEvent = z.object({
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
const checkpointResponse = z.object({
  treeSize: z.number(),
  rootHash: z.string(),
  signedAt: z.string(),
  signature: z.string(),
  keyId: z.string(),
  origin: z.string(),
  note: z.string(),
});

export async function auditRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit'];

  r.get(
    '/api/v1/audit/events',
    {
      config: { access: ADMIN_READ },
      schema: {
        tags,
        summary: 'List audit events (org_admin: own organization; super_admin: all)',
        querystring: z.strictObject({
          from: z.iso.datetime({ offset: true }).max(40).optional(),
          to: z.iso.datetime({ offset: true }).max(40).optional(),
          actor: z.uuid().optional(),
          action: z.string().max(100).optional(),
          cursor: z.string().max(40).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ events: z.array(apiEvent), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => service.unsafeReadAs(ctx, principalOf(request), (tx) => service.listEvents(tx, request.query)),
  );

  r.get(
    '/api/v1/audit/events/:seq',
    {
      config: { access: ADMIN_READ },
      schema: {
        tags,
        summary: 'One sealed event with its leaf bytes (canonical JSON)',
        params: z.strictObject({ seq: seqNumber }),
        response: { 200: apiEvent.extend({ leaf: z.string(), leafHash: z.string() }) },
      },
    },
    async (request) => service.unsafeReadAs(ctx, principalOf(request), (tx) => service.getEvent(tx, request.params.seq)),
  );

  r.get(
    '/api/v1/audit/checkpoint',
    { config: { access: SIGNED_IN }, schema: { tags, summary: 'The newest signed checkpoint', response: { 200: checkpointResponse } } },
    async () => {
      const cp = await service.unsafeLatestCheckpoint(ctx);
      if (!cp) throw new AppError('NOT_FOUND', 'no checkpoint has been signed yet');
      return { treeSize: cp.treeSize, rootHash: cp.rootHash, signedAt: cp.signedAt, signature: cp.signature, keyId: cp.keyId, origin: cp.origin, note: noteBody(cp) };
    },
  );

  r.get(
    '/api/v1/audit/public-key',
    {
      config: { access: SIGNED_IN },
      schema: { tags, summary: 'The Ed25519 key that signs checkpoints', response: { 200: z.object({ keyId: z.string(), algorithm: z.literal('Ed25519'), publicKey: z.string() }) } },
    },
    async () => service.publicKeyOf(ctx),
  );

  r.get(
    '/api/v1/audit/proof/inclusion',
    {
      config: { access: SIGNED_IN },
      schema: {
        tags,
        summary: 'RFC 9162 inclusion proof of one leaf',
        querystring: z.strictObject({ seq: seqNumber, treeSize: seqNumber.min(1) }),
        response: { 200: z.object({ leafIndex: z.number(), treeSize: z.number(), leafHash: z.string(), path: z.array(z.string()) }) },
      },
    },
    async (request) => service.inclusionProof(ctx, request.query.seq, request.query.treeSize),
  );

  r.get(
    '/api/v1/audit/proof/consistency',
    {
      config: { access: SIGNED_IN },
      schema: {
        tags,
        summary: 'RFC 9162 consistency proof between two tree sizes',
        querystring: z.strictObject({ from: seqNumber, to: seqNumber }),
        response: { 200: z.object({ from: z.number(), to: z.number(), path: z.array(z.string()) }) },
      },
    },
    async (request) => service.consistencyProof(ctx, request.query.from, request.query.to),
  );

  r.get(
    '/api/v1/audit/status',
    {
      // Polled by the admin banner: no step-up, so the banner shows without a fresh second factor.
      config: { access: AUDIT_ADMIN },
      schema: {
        tags,
        summary: 'Is the audit log consistent with its signed checkpoints? (the admin banner polls this)',
        response: {
          200: z.object({
            state: z.enum(['starting', 'ok', 'alarm', 'stopped']),
            alarm: z.object({ reason: z.string(), since: z.string().nullable(), treeSize: z.number(), checkpointSize: z.number().nullable() }).nullable(),
            treeSize: z.number(),
            prunedBelow: z.number(),
            lastCheckpoint: z.object({ treeSize: z.number(), rootHash: z.string(), signedAt: z.string() }).nullable(),
            ddlGuard: z.boolean(),
            /** The S3 checkpoint mirror (AUDIT_S3_BUCKET); null when off. */
            mirror: z.object({ state: z.enum(['ok', 'failing']), lastTreeSize: z.number() }).nullable(),
          }),
        },
      },
    },
    async () => service.unsafeAuditStatus(ctx),
  );

  r.get(
    '/api/v1/audit/export',
    {
      config: { access: { ...AUDIT_ADMIN, recentFactorMs: RECENT_FACTOR.sensitive } },
      schema: {
        tags,
        summary: 'A bundle (events, proofs, checkpoint, public key) that `chambers audit verify` checks offline',
        querystring: z.strictObject({ from: z.iso.datetime({ offset: true }).max(40).optional(), to: z.iso.datetime({ offset: true }).max(40).optional() }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const exp = await prepareExport(ctx, p, request.query);
      const facts = requestFacts(request);
      // Recorded once the last byte is handed over, with the count; an aborted download is a failure.
      async function* recorded(): AsyncGenerator<string> {
        let complete = false;
        try {
          yield* exp.chunks;
          complete = true;
        } finally {
          await ctx.audit.record({
            action: 'audit.export',
            outcome: complete ? 'success' : 'failure',
            orgId: p.orgId,
            actorId: p.userId,
            details: { events: exp.exported(), treeSize: exp.checkpoint.treeSize },
            ...facts,
          });
        }
      }
      return reply
        .header('content-disposition', 'attachment; filename="chambers-audit.json"')
        .type('application/json; charset=utf-8')
        .send(Readable.from(recorded()));
    },
  );
}
