import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { principalOf, requestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { noteBody } from '../transparency/index.ts';
import { streamAuditExport } from './audit-export.service.ts';
import {
  ADMIN_READ,
  AUDIT_ADMIN,
  AUDIT_EXPORTER,
  auditStatusResponse,
  checkpointResponse,
  consistencyQuery,
  consistencyResponse,
  eventListResponse,
  eventParams,
  exportQuery,
  inclusionQuery,
  inclusionResponse,
  listEventsQuery,
  publicKeyResponse,
  sealedEventResponse,
  SIGNED_IN,
} from './audit-trail.schemas.ts';
import * as service from './audit-trail.service.ts';

/** The audit API (API.md "Audit"); who may call what is in audit-trail.schemas.ts. */
export async function auditRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit'];

  r.get(
    '/api/v1/audit/events',
    {
      config: { access: ADMIN_READ },
      schema: { tags, summary: 'List audit events (org_admin: own organization; super_admin: all)', querystring: listEventsQuery, response: { 200: eventListResponse } },
    },
    async (request) => service.unsafeReadAs(ctx, principalOf(request), (tx) => service.listEvents(tx, request.query)),
  );

  r.get(
    '/api/v1/audit/events/:seq',
    {
      config: { access: ADMIN_READ },
      schema: { tags, summary: 'One sealed event with its leaf bytes (canonical JSON)', params: eventParams, response: { 200: sealedEventResponse } },
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
    { config: { access: SIGNED_IN }, schema: { tags, summary: 'The Ed25519 key that signs checkpoints', response: { 200: publicKeyResponse } } },
    async () => service.publicKeyOf(ctx),
  );

  r.get(
    '/api/v1/audit/proof/inclusion',
    { config: { access: SIGNED_IN }, schema: { tags, summary: 'RFC 9162 inclusion proof of one leaf', querystring: inclusionQuery, response: { 200: inclusionResponse } } },
    async (request) => service.inclusionProof(ctx, request.query.seq, request.query.treeSize),
  );

  r.get(
    '/api/v1/audit/proof/consistency',
    { config: { access: SIGNED_IN }, schema: { tags, summary: 'RFC 9162 consistency proof between two tree sizes', querystring: consistencyQuery, response: { 200: consistencyResponse } } },
    async (request) => service.consistencyProof(ctx, request.query.from, request.query.to),
  );

  r.get(
    '/api/v1/audit/status',
    {
      // Polled by the admin banner: no step-up, so the banner shows without a fresh second factor.
      config: { access: AUDIT_ADMIN },
      schema: { tags, summary: 'Is the audit log consistent with its signed checkpoints? (the admin banner polls this)', response: { 200: auditStatusResponse } },
    },
    async () => service.unsafeAuditStatus(ctx),
  );

  r.get(
    '/api/v1/audit/export',
    {
      config: { access: AUDIT_EXPORTER },
      schema: { tags, summary: 'A bundle (events, proofs, checkpoint, public key) that `chambers audit verify` checks offline', querystring: exportQuery },
    },
    async (request, reply) => {
      const bundle = await streamAuditExport(ctx, principalOf(request), request.query, requestFacts(request));
      return reply.header('content-disposition', 'attachment; filename="chambers-audit.json"').type('application/json; charset=utf-8').send(bundle);
    },
  );
}
