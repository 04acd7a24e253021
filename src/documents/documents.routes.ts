import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import type { LooseDetails } from '../audit/index.ts';
import { actorOf, inRequestTenant, principalOf, requestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import {
  documentHeaders,
  documentIdParams,
  documentListResponse,
  documentPolicyBody,
  documentPolicyResponse,
  documentResponse,
  legalHoldBody,
  matterDocumentsParams,
  searchDocumentsQuery,
  updateDocumentBody,
  versionListResponse,
  versionParams,
} from './documents.schemas.ts';
import * as service from './documents.service.ts';
import { receiveUpload, type UploadRequest, type UploadTarget } from './upload.service.ts';

const READERS = { portal: 'lawyer' } as const;
const WRITERS = { portal: 'lawyer', roles: ['org_admin', 'lawyer'] } as const;
const ADMINS = { portal: 'lawyer', roles: ['org_admin'] } as const;
const tags = ['documents'];

/**
 * The document vault over HTTP. Registered in its own scope so the multipart parser
 * exists only here; the rest of the API keeps refusing anything but JSON.
 */
export async function documentsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, { throwFileSizeLimit: false, limits: { fieldNameSize: 100, headerPairs: 50 } });
    registerRoutes(scope, ctx);
  });
}

/**
 * What makes two uploads "the same request" for Idempotency-Key, known before the body
 * streams in: its length and, when the client sends one, its RFC 9530 Content-Digest.
 * Without a digest a different file of the same length under a reused key is replayed,
 * not refused; clients that want that refusal send Content-Digest.
 */
const uploadFingerprint = (request: FastifyRequest): string =>
  `${request.headers['content-length'] ?? 'chunked'}\n${String(request.headers['content-digest'] ?? '').slice(0, 512)}`;

/** The document actions recorded through the route-level helper below. */
type DocumentAuditAction = 'document.view' | 'document.download' | 'document.delete' | 'document.update' | 'document.policy_change' | 'document.legal_hold_set' | 'document.legal_hold_lift';

function registerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const audit = (request: FastifyRequest, action: DocumentAuditAction, target: string, details?: LooseDetails) => {
    const p = principalOf(request);
    return ctx.audit.record({ action, outcome: 'success', orgId: p.orgId, actorId: p.userId, target, details, ...requestFacts(request) });
  };

  /** The Fastify request as the upload service sees it: who, from where, its tenant transactions and its parts. */
  const uploadRequest = (request: FastifyRequest): UploadRequest => ({
    actor: actorOf(request),
    facts: requestFacts(request),
    inTenant: (fn) => inRequestTenant(ctx.db, request, fn),
    parts: (options) => request.parts(options),
  });

  const upload = async (request: FastifyRequest, reply: FastifyReply, target: UploadTarget) => {
    try {
      if (!request.isMultipart()) throw new AppError('MULTIPART_REQUIRED');
      const { documentId } = await receiveUpload(ctx, uploadRequest(request), target);
      const view = await inRequestTenant(ctx.db, request, (tx, actor) => service.getDocument(tx, ctx, actor.orgId, documentId));
      return reply.code(201).send(view);
    } catch (err) {
      throw uploadFailure(request, reply, err);
    }
  };

  r.post(
    '/api/v1/matters/:id/documents',
    { config: { access: { ...WRITERS, roles: [...WRITERS.roles] }, idempotent: { fingerprint: uploadFingerprint } }, schema: { tags, summary: 'Upload a document (multipart, field "file")', params: matterDocumentsParams, response: { 201: documentResponse } } },
    async (request, reply) => upload(request, reply, { kind: 'new', matterId: request.params.id }),
  );

  r.post(
    '/api/v1/documents/:id/versions',
    { config: { access: { ...WRITERS, roles: [...WRITERS.roles] }, idempotent: { fingerprint: uploadFingerprint } }, schema: { tags, summary: 'Upload a new version of a document (multipart, field "file")', params: documentIdParams, response: { 201: documentResponse } } },
    async (request, reply) => upload(request, reply, { kind: 'version', documentId: request.params.id }),
  );

  r.get(
    '/api/v1/matters/:id/documents',
    { config: { access: READERS }, schema: { tags, summary: "A matter's documents (current versions)", params: matterDocumentsParams, response: { 200: documentListResponse } } },
    async (request) => ({ documents: await inRequestTenant(ctx.db, request, (tx, actor) => service.listMatterDocuments(tx, ctx, actor.orgId, request.params.id)) }),
  );

  r.get(
    '/api/v1/documents',
    { config: { access: READERS }, schema: { tags, summary: 'Search documents by name, tag or matter reference/title (never by content)', querystring: searchDocumentsQuery, response: { 200: documentListResponse } } },
    async (request) => ({ documents: await inRequestTenant(ctx.db, request, (tx, actor) => service.searchDocuments(tx, ctx, actor.orgId, request.query)) }),
  );

  r.get(
    '/api/v1/documents/:id',
    { config: { access: READERS }, schema: { tags, summary: "A document's metadata", params: documentIdParams, response: { 200: documentResponse } } },
    async (request) => {
      const view = await inRequestTenant(ctx.db, request, (tx, actor) => service.getDocument(tx, ctx, actor.orgId, request.params.id));
      await audit(request, 'document.view', view.id);
      return view;
    },
  );

  r.patch(
    '/api/v1/documents/:id',
    { config: { access: { ...WRITERS, roles: [...WRITERS.roles] } }, schema: { tags, summary: "Set a document's tags", params: documentIdParams, body: updateDocumentBody, response: { 200: documentResponse } } },
    async (request) => {
      const view = await inRequestTenant(ctx.db, request, (tx, actor) => service.setTags(tx, ctx, actor.orgId, request.params.id, request.body.tags));
      await audit(request, 'document.update', view.id);
      return view;
    },
  );

  r.put(
    '/api/v1/documents/:id/legal-hold',
    { config: { access: { ...ADMINS, roles: [...ADMINS.roles] } }, schema: { tags, summary: 'Place or lift a legal hold on one document', params: documentIdParams, body: legalHoldBody, response: { 200: documentResponse } } },
    async (request) => {
      const view = await inRequestTenant(ctx.db, request, (tx, actor) => service.setLegalHold(tx, ctx, actor.orgId, request.params.id, request.body.hold));
      await audit(request, request.body.hold ? 'document.legal_hold_set' : 'document.legal_hold_lift', view.id);
      return view;
    },
  );

  const sendDocument = async (request: FastifyRequest, reply: FastifyReply, id: string, version?: number) => {
    // The key is unwrapped in a short transaction; the bytes stream after it has committed.
    const unlocked = await inRequestTenant(ctx.db, request, (tx) => service.unlockVersion(tx, ctx, id, version));
    const doc = await service.openDownload(ctx, unlocked);
    await audit(request, 'document.download', id, { version: doc.version });
    return reply.headers(documentHeaders(doc.name, doc.contentType, doc.size)).send(doc.body);
  };

  r.get(
    '/api/v1/documents/:id/content',
    { config: { access: READERS }, schema: { tags, summary: 'The bytes of the current version (streamed, decrypted on the fly)', params: documentIdParams } },
    async (request, reply) => sendDocument(request, reply, request.params.id),
  );

  r.get(
    '/api/v1/documents/:id/versions',
    { config: { access: READERS }, schema: { tags, summary: 'Every version of a document, newest first', params: documentIdParams, response: { 200: versionListResponse } } },
    async (request) => ({ versions: await inRequestTenant(ctx.db, request, (tx) => service.listVersions(tx, request.params.id)) }),
  );

  r.get(
    '/api/v1/documents/:id/versions/:n/content',
    { config: { access: READERS }, schema: { tags, summary: 'The bytes of one version', params: versionParams } },
    async (request, reply) => sendDocument(request, reply, request.params.id, request.params.n),
  );

  r.delete(
    '/api/v1/documents/:id',
    { config: { access: { ...WRITERS, roles: [...WRITERS.roles] } }, schema: { tags, summary: 'Delete for good: erase the keys (crypto-shredding) and the blobs, keep a nameless tombstone', params: documentIdParams } },
    async (request, reply) => {
      const p = principalOf(request);
      try {
        const blobKeys = await inRequestTenant(ctx.db, request, (tx, actor) => service.eraseDocument(tx, { ...actor, role: p.role }, request.params.id));
        // Only once the keys are gone for good (committed) are the blobs deleted.
        await service.deleteBlobs(ctx, blobKeys);
      } catch (err) {
        if (err instanceof AppError && err.code === 'LEGAL_HOLD') {
          await ctx.audit.record({ action: 'document.delete', outcome: 'denied', orgId: p.orgId, actorId: p.userId, target: request.params.id, details: { reason: 'legal_hold' }, ...requestFacts(request) });
        }
        throw err;
      }
      await audit(request, 'document.delete', request.params.id);
      return reply.code(204).send();
    },
  );

  r.get(
    '/api/v1/document-policy',
    { config: { access: { ...ADMINS, roles: [...ADMINS.roles] } }, schema: { tags, summary: "The organization's document policy (limits, ZIP, scanner fallback, retention)", response: { 200: documentPolicyResponse } } },
    async (request) => inRequestTenant(ctx.db, request, (tx, actor) => service.getPolicy(tx, ctx, actor.orgId)),
  );

  r.put(
    '/api/v1/document-policy',
    { config: { access: { ...ADMINS, roles: [...ADMINS.roles] } }, schema: { tags, summary: "Change the organization's document policy", body: documentPolicyBody, response: { 200: documentPolicyResponse } } },
    async (request) => {
      const policy = await inRequestTenant(ctx.db, request, (tx, actor) => service.changePolicy(tx, ctx, actor.orgId, request.body));
      await audit(request, 'document.policy_change', actorOf(request).orgId, { fields: Object.keys(request.body).join(',') });
      return policy;
    },
  );
}

/**
 * Turns what can go wrong mid-upload into a clear 4xx. A stalled client also loses its
 * connection once the answer is sent, so it cannot hold a socket open.
 */
function uploadFailure(request: FastifyRequest, reply: FastifyReply, err: unknown): unknown {
  if (err instanceof AppError) {
    if (err.code === 'UPLOAD_TIMEOUT') {
      reply.header('connection', 'close');
      reply.raw.once('finish', () => request.raw.destroy());
    }
    return err;
  }
  const message = err instanceof Error ? err.message : '';
  if (/multipart|part terminated|unexpected end|boundary/i.test(message)) return new AppError('MULTIPART_MALFORMED');
  return err;
}
