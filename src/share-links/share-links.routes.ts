import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { documentHeaders } from '../documents/index.ts';
import { actorOf, inRequestTenant, requestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import {
  createShareLinkRoute,
  listShareLinksRoute,
  openProtectedShareLinkRoute,
  openShareLinkRoute,
  revokeShareLinkRoute,
} from './share-links.schemas.ts';
import * as service from './share-links.service.ts';

export async function shareLinksRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/documents/:id/share-links', createShareLinkRoute, async (request, reply) => {
    const actor = actorOf(request);
    const prepared = await service.prepareShareLink(ctx, request.body);
    const link = await inRequestTenant(ctx.db, request, (tx) =>
      service.createShareLink(tx, ctx, actor, request.params.id, prepared),
    );
    await ctx.audit.record({
      action: 'document.share',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: request.params.id,
      details: { linkId: link.id, expiresAt: link.expiresAt, protected: Boolean(request.body.passcode) },
      ...requestFacts(request),
    });
    return reply.code(201).send(link);
  });

  r.get('/api/v1/documents/:id/share-links', listShareLinksRoute, async (request) => ({
    shareLinks: await inRequestTenant(ctx.db, request, (tx) => service.listShareLinks(tx, request.params.id)),
  }));

  r.delete('/api/v1/share-links/:id', revokeShareLinkRoute, async (request, reply) => {
    const actor = actorOf(request);
    const { documentId } = await inRequestTenant(ctx.db, request, (tx) =>
      service.revokeShareLink(tx, request.params.id),
    );
    await ctx.audit.record({
      action: 'document.share_revoke',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: documentId,
      details: { linkId: request.params.id },
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });

  const serve = async (request: FastifyRequest, reply: FastifyReply, token: string, passcode: string | null) => {
    let access: service.ShareAccess = { linkId: null, orgId: null };
    try {
      const doc = await service.openSharedDocument(ctx, token, passcode, (a) => (access = a));
      await ctx.audit.record({
        action: 'share_link.access',
        outcome: 'success',
        orgId: access.orgId,
        actorId: null,
        target: access.linkId,
        ...requestFacts(request),
      });
      // The recipient's page says who shared what until when (names percent-encoded: headers are ASCII).
      return reply
        .headers(documentHeaders(doc.name, doc.contentType, doc.size))
        .header('x-shared-by', encodeURIComponent(doc.sharedBy.name))
        .header('x-shared-by-organization', encodeURIComponent(doc.sharedBy.organization))
        .header('x-share-expires-at', doc.expiresAt.toISOString())
        .send(doc.body);
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'INTERNAL_ERROR';
      await ctx.audit.record({
        action: 'share_link.access',
        outcome: code === 'NOT_FOUND' ? 'failure' : 'denied',
        orgId: access.orgId,
        actorId: null,
        target: access.linkId,
        details: { reason: code },
        ...requestFacts(request),
      });
      throw err;
    }
  };

  r.get('/s/:token', openShareLinkRoute, async (request, reply) => serve(request, reply, request.params.token, null));

  r.post('/s/:token', openProtectedShareLinkRoute, async (request, reply) =>
    serve(request, reply, request.params.token, request.body.passcode),
  );
}
