import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { searchQueryDetails, type LooseDetails } from '../audit/index.ts';
import { actorOf, inRequestTenant, principalOf, readInRequestTenant, requestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import {
  changeDocumentPolicyRoute,
  deleteDocumentRoute,
  documentContentRoute,
  documentHeaders,
  documentLegalHoldRoute,
  getDocumentPolicyRoute,
  getDocumentRoute,
  listMatterDocumentsRoute,
  listVersionsRoute,
  searchDocumentsRoute,
  updateDocumentRoute,
  uploadDocumentRoute,
  uploadVersionRoute,
  versionContentRoute,
} from './documents.schemas.ts';
import * as service from './documents.service.ts';
import { receiveUpload, type UploadRequest, type UploadTarget } from './upload.service.ts';

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

/** The document actions recorded through the route-level helper below. */
type DocumentAuditAction =
  | 'document.view'
  | 'document.download'
  | 'document.delete'
  | 'document.update'
  | 'document.policy_change'
  | 'document.legal_hold_set'
  | 'document.legal_hold_lift';

function registerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const audit = (request: FastifyRequest, action: DocumentAuditAction, target: string, details?: LooseDetails) => {
    const p = principalOf(request);
    return ctx.audit.record({
      action,
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      target,
      details,
      ...requestFacts(request),
    });
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
      const view = await inRequestTenant(ctx.db, request, (tx, actor) =>
        service.getDocument(tx, ctx, actor.orgId, documentId),
      );
      return reply.code(201).send(view);
    } catch (err) {
      throw uploadFailure(request, reply, err);
    }
  };

  r.post('/api/v1/matters/:id/documents', uploadDocumentRoute, async (request, reply) =>
    upload(request, reply, { kind: 'new', matterId: request.params.id }),
  );

  r.post('/api/v1/documents/:id/versions', uploadVersionRoute, async (request, reply) =>
    upload(request, reply, { kind: 'version', documentId: request.params.id }),
  );

  r.get('/api/v1/matters/:id/documents', listMatterDocumentsRoute, async (request) => ({
    documents: await service.listMatterDocuments((fn) => readInRequestTenant(ctx.db, request, fn), request.params.id),
  }));

  r.get('/api/v1/documents', searchDocumentsRoute, async (request) => {
    const documents = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.searchDocuments(tx, ctx, actor.orgId, request.query),
    );
    // A search is recorded as its length and keyed hash, never its words (audit/search-query.ts).
    const { q } = request.query;
    if (q !== undefined) {
      const p = principalOf(request);
      await ctx.audit.record({
        action: 'document.search',
        outcome: 'success',
        orgId: p.orgId,
        actorId: p.userId,
        target: null,
        details: searchQueryDetails(ctx.keys.masterKey, actorOf(request).orgId, q, documents.length),
        ...requestFacts(request),
      });
    }
    return { documents };
  });

  r.get('/api/v1/documents/:id', getDocumentRoute, async (request) => {
    const view = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.getDocument(tx, ctx, actor.orgId, request.params.id),
    );
    await audit(request, 'document.view', view.id);
    return view;
  });

  r.patch('/api/v1/documents/:id', updateDocumentRoute, async (request) => {
    const view = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.setTags(tx, ctx, actor.orgId, request.params.id, request.body.tags),
    );
    // How many tags, not which: tags can name people and stay out of the log.
    await audit(request, 'document.update', view.id, { tags: view.tags.length });
    return view;
  });

  r.put('/api/v1/documents/:id/legal-hold', documentLegalHoldRoute, async (request) => {
    const view = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.setLegalHold(tx, ctx, actor.orgId, request.params.id, request.body.hold),
    );
    await audit(request, request.body.hold ? 'document.legal_hold_set' : 'document.legal_hold_lift', view.id);
    return view;
  });

  const sendDocument = async (request: FastifyRequest, reply: FastifyReply, id: string, version?: number) => {
    // The key is unwrapped in a short transaction; the bytes stream after it has committed.
    const unlocked = await inRequestTenant(ctx.db, request, (tx) => service.unlockVersion(tx, ctx, id, version));
    const doc = await service.openDownload(ctx, unlocked);
    await audit(request, 'document.download', id, { version: doc.version });
    return reply.headers(documentHeaders(doc.name, doc.contentType, doc.size)).send(doc.body);
  };

  r.get('/api/v1/documents/:id/content', documentContentRoute, async (request, reply) =>
    sendDocument(request, reply, request.params.id),
  );

  r.get('/api/v1/documents/:id/versions', listVersionsRoute, async (request) => ({
    versions: await inRequestTenant(ctx.db, request, (tx) => service.listVersions(tx, request.params.id)),
  }));

  r.get('/api/v1/documents/:id/versions/:n/content', versionContentRoute, async (request, reply) =>
    sendDocument(request, reply, request.params.id, request.params.n),
  );

  r.delete('/api/v1/documents/:id', deleteDocumentRoute, async (request, reply) => {
    const p = principalOf(request);
    try {
      const blobKeys = await inRequestTenant(ctx.db, request, (tx, actor) =>
        service.eraseDocument(tx, { ...actor, role: p.role }, request.params.id),
      );
      // Only once the keys are gone for good (committed) are the blobs deleted.
      await service.deleteBlobs(ctx, blobKeys);
    } catch (err) {
      if (err instanceof AppError && err.code === 'LEGAL_HOLD') {
        await ctx.audit.record({
          action: 'document.delete',
          outcome: 'denied',
          orgId: p.orgId,
          actorId: p.userId,
          target: request.params.id,
          details: { reason: 'legal_hold' },
          ...requestFacts(request),
        });
      }
      throw err;
    }
    await audit(request, 'document.delete', request.params.id);
    return reply.code(204).send();
  });

  r.get('/api/v1/document-policy', getDocumentPolicyRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx, actor) => service.getPolicy(tx, ctx, actor.orgId)),
  );

  r.put('/api/v1/document-policy', changeDocumentPolicyRoute, async (request) => {
    const policy = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.changePolicy(tx, ctx, actor.orgId, request.body),
    );
    await audit(request, 'document.policy_change', actorOf(request).orgId, {
      fields: Object.keys(request.body).join(','),
    });
    return policy;
  });
}

/**
 * Turns what can go wrong mid-upload into a clear 4xx. A stalled client also loses its
 * connection once the answer is sent, so it cannot hold a socket open.
 */
export function uploadFailure(request: FastifyRequest, reply: FastifyReply, err: unknown): unknown {
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
