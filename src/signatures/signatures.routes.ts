import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { actorOf, inRequestTenant, requestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { startPeriodicJob } from '../platform/jobs/index.ts';
import * as envelopes from './envelopes.service.ts';
import * as sealing from './seal.service.ts';
import * as signer from './signer.service.ts';
import {
  certificateRoute,
  completeRoute,
  consentRoute,
  createEnvelopeRoute,
  declineRoute,
  envelopeDocumentRoute,
  envelopeEvidenceRoute,
  getEnvelopeRoute,
  listEnvelopesRoute,
  sendEnvelopeRoute,
  signerDocumentRoute,
  getSigningSettingsRoute,
  rootCertificateRoute,
  updateSigningSettingsRoute,
  signerViewRoute,
  uploadCertificateRoute,
  verifyRoute,
  voidEnvelopeRoute,
} from './signatures.schemas.ts';
import { verifyUpload } from './verify.service.ts';

const MAX_VERIFY_BYTES = 50 * 1024 * 1024;

/** An ASCII fallback name and the exact one (RFC 6266 filename*), so "Müller (sealed)" arrives as it is. */
const pdfHeaders = (name: string, size: number) => {
  const exact = `${name.slice(0, 100) || 'document'}.pdf`;
  const ascii = `${name.replace(/[^A-Za-z0-9 ._()-]/g, '_').slice(0, 100) || 'document'}.pdf`;
  return {
    'content-type': 'application/pdf',
    'content-length': String(size),
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(exact).replace(/['()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    'x-content-type-options': 'nosniff',
  };
};

export async function signaturesRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Sealing that did not finish in its request (a crash, a TSA outage) is taken up here.
  const job = startPeriodicJob({
    name: 'seal-envelopes',
    everyMs: 60_000,
    logger: ctx.logger,
    run: () => sealing.sealDue(ctx),
  });
  // Recipients who have not acted are reminded (a fresh link) every few days.
  const reminders = startPeriodicJob({
    name: 'envelope-reminders',
    everyMs: 60 * 60_000,
    logger: ctx.logger,
    run: async () => {
      await sealing.unsafeRemind(ctx);
    },
  });
  app.addHook('onClose', async () => {
    await Promise.all([job.stop(), reminders.stop()]);
  });

  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/envelopes', createEnvelopeRoute, async (request, reply) => {
    const actor = actorOf(request);
    const created = await inRequestTenant(ctx.db, request, (tx) =>
      envelopes.createEnvelope(tx, ctx, actor, request.body),
    );
    await ctx.audit.record({
      action: 'envelope.create',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: created.id,
      details: { recipients: request.body.recipients.length, fields: request.body.fields.length },
      ...requestFacts(request),
    });
    return reply.code(201).send(created);
  });

  r.post('/api/v1/envelopes/:id/send', sendEnvelopeRoute, async (request) => {
    const actor = actorOf(request);
    const mails = await inRequestTenant(ctx.db, request, (tx) =>
      envelopes.sendEnvelope(tx, ctx, actor, request.params.id),
    );
    for (const m of mails) ctx.mailer.send(m);
    await ctx.audit.record({
      action: 'envelope.send',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: request.params.id,
      details: { mailed: mails.length },
      ...requestFacts(request),
    });
    return { status: 'sent' as const };
  });

  r.get('/api/v1/envelopes', listEnvelopesRoute, async (request) => ({
    envelopes: await inRequestTenant(ctx.db, request, (tx) =>
      envelopes.listEnvelopes(tx, ctx, request.query.documentId),
    ),
  }));

  r.get('/api/v1/envelopes/:id', getEnvelopeRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => envelopes.getEnvelope(tx, ctx, request.params.id)),
  );

  r.post('/api/v1/envelopes/:id/void', voidEnvelopeRoute, async (request) => {
    const actor = actorOf(request);
    const res = await inRequestTenant(ctx.db, request, (tx) =>
      envelopes.voidEnvelope(tx, ctx, actor, request.params.id, request.body.reason),
    );
    await ctx.audit.record({
      action: 'envelope.void',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: request.params.id,
      ...requestFacts(request),
    });
    return res;
  });

  r.get('/api/v1/envelopes/:id/document', envelopeDocumentRoute, async (request, reply) => {
    const file = await inRequestTenant(ctx.db, request, (tx) => envelopes.sealedFile(tx, ctx, request.params.id));
    return reply.headers(pdfHeaders(`${file.title} (sealed)`, file.bytes.length)).send(file.bytes);
  });

  r.get('/api/v1/envelopes/:id/evidence', envelopeEvidenceRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => envelopes.evidence(tx, request.params.id)),
  );

  r.get('/api/v1/signing/certificate', certificateRoute, async (request) => {
    const actor = actorOf(request);
    const existing = await inRequestTenant(ctx.db, request, (tx) => envelopes.certificate(tx, actor.orgId));
    if (existing) return existing;
    // Made on first use, on the owner path (the runtime role never sees the key boxes).
    await sealing.unsafeEnsureCertificate(ctx, actor.orgId);
    const made = await inRequestTenant(ctx.db, request, (tx) => envelopes.certificate(tx, actor.orgId));
    if (!made) throw new AppError('INTERNAL_ERROR');
    return made;
  });

  r.put('/api/v1/signing/certificate', uploadCertificateRoute, async (request) => {
    const actor = actorOf(request);
    const made = await sealing.unsafeUploadCertificate(
      ctx,
      actor.orgId,
      Buffer.from(request.body.pkcs12, 'base64'),
      request.body.password,
    );
    await ctx.audit.record({
      action: 'envelope.seal_certificate_upload',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: made.fingerprintSha256,
      details: { fingerprintSha256: made.fingerprintSha256, notAfter: made.notAfter.toISOString() },
      ...requestFacts(request),
    });
    const row = await inRequestTenant(ctx.db, request, (tx) => envelopes.certificate(tx, actor.orgId));
    if (!row) throw new AppError('INTERNAL_ERROR');
    return row;
  });

  r.get('/api/v1/signing/root-certificate', rootCertificateRoute, async (request, reply) => {
    const actor = actorOf(request);
    let root = await inRequestTenant(ctx.db, request, (tx) => envelopes.rootCertificate(tx, actor.orgId));
    if (!root) {
      await sealing.unsafeEnsureCertificate(ctx, actor.orgId);
      root = await inRequestTenant(ctx.db, request, (tx) => envelopes.rootCertificate(tx, actor.orgId));
    }
    if (!root) throw new AppError('INTERNAL_ERROR');
    return reply
      .headers({
        'content-type': 'application/x-pem-file',
        'content-disposition': 'attachment; filename="chambers-seal-root.pem"',
      })
      .send(root.pem);
  });

  r.get('/api/v1/signing/settings', getSigningSettingsRoute, async (request) => {
    const actor = actorOf(request);
    return inRequestTenant(ctx.db, request, (tx) => envelopes.signingSettings(tx, actor.orgId));
  });

  r.patch('/api/v1/signing/settings', updateSigningSettingsRoute, async (request) => {
    const actor = actorOf(request);
    const res = await inRequestTenant(ctx.db, request, (tx) =>
      envelopes.updateSigningSettings(tx, actor.orgId, request.body.allowBaselineB),
    );
    await ctx.audit.record({
      action: 'envelope.settings_change',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: actor.orgId,
      details: { allowBaselineB: res.allowBaselineB },
      ...requestFacts(request),
    });
    return res;
  });

  // ---- The signer's side: no account, the link's token is the credential. ----

  const audited = async (
    request: FastifyRequest,
    action: 'envelope.view' | 'envelope.consent' | 'envelope.sign' | 'envelope.decline',
    step: signer.StepResult | null,
    details: Record<string, string> = {},
  ) => {
    if (!step) return;
    for (const m of step.mails) ctx.mailer.send(m);
    await ctx.audit.record({
      action,
      outcome: 'success',
      orgId: step.orgId,
      actorId: null,
      target: step.envelopeId,
      details: { recipientId: step.recipientId, ...details },
      ...requestFacts(request),
    } as Parameters<typeof ctx.audit.record>[0]);
    if (step.seal) {
      try {
        await sealing.sealNow(ctx, step.envelopeId);
      } catch (err) {
        // The signature is recorded; the seal job retries. The signer is not told of our failure.
        ctx.logger.error(
          { envelopeId: step.envelopeId, err: { message: (err as Error).message } },
          'sealing failed; the job retries',
        );
      }
    }
  };

  r.get('/api/v1/sign/:token', signerViewRoute, async (request) => {
    const { view, firstView } = await signer.openLink(ctx, request.params.token, requestFacts(request));
    await audited(request, 'envelope.view', firstView);
    return view;
  });

  r.get(
    '/api/v1/sign/:token/document',
    signerDocumentRoute,
    async (request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) => {
      const file = await signer.linkDocument(ctx, request.params.token);
      return reply
        .headers({
          ...pdfHeaders(file.title, file.bytes.length),
          'content-disposition': 'inline; filename="document.pdf"',
        })
        .send(file.bytes);
    },
  );

  r.post('/api/v1/sign/:token/consent', consentRoute, async (request, reply) => {
    const step = await signer.consent(ctx, request.params.token, request.body.disclosureVersion, requestFacts(request));
    await audited(request, 'envelope.consent', step, { disclosureVersion: request.body.disclosureVersion });
    return reply.code(204).send();
  });

  r.post('/api/v1/sign/:token/complete', completeRoute, async (request) => {
    const step = await signer.complete(ctx, request.params.token, request.body, requestFacts(request));
    await audited(request, 'envelope.sign', step, { method: request.body.signature?.kind ?? 'approval' });
    return { status: 'signed' as const };
  });

  r.post('/api/v1/sign/:token/decline', declineRoute, async (request) => {
    const step = await signer.decline(ctx, request.params.token, request.body.reason, requestFacts(request));
    await audited(request, 'envelope.decline', step);
    return { status: 'declined' as const };
  });

  // ---- The public verifier, in its own scope for the multipart parser. ----
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: MAX_VERIFY_BYTES, files: 1, fields: 5, fieldNameSize: 100 },
    });
    scope.withTypeProvider<ZodTypeProvider>().post('/api/v1/verify', verifyRoute, async (request) => {
      if (!request.isMultipart()) throw new AppError('VERIFY_FILE_MISSING');
      let bytes: Buffer | null = null;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file' && part.fieldname === 'file' && !bytes) {
            bytes = await part.toBuffer();
            if (part.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE');
          } else if (part.type === 'file') await part.toBuffer();
        }
      } catch (err) {
        if (err instanceof AppError) throw err;
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('PAYLOAD_TOO_LARGE');
        throw new AppError('VERIFY_FILE_MISSING');
      }
      if (!bytes?.length) throw new AppError('VERIFY_FILE_MISSING');
      return verifyUpload(ctx, bytes);
    });
  });
}
