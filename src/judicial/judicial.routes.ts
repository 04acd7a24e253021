import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, inRequestTenant, principalOf, requestFacts, type Actor } from '../access/index.ts';
import type { AppContext } from '../context/index.ts';
import { documentHeaders, uploadFailure } from '../documents/index.ts';
import { AppError } from '../platform/errors.ts';
import * as documents from './judicial-documents.service.ts';
import * as oversight from './judicial-oversight.service.ts';
import {
  addHearingRoute,
  addDeadlineRoute,
  addNoteRoute,
  causeListRoute,
  deleteDocumentRoute,
  documentContentRoute,
  draftOrderRoute,
  getCaseRoute,
  getDocumentRoute,
  issueOrderRoute,
  listCasesRoute,
  listDeadlinesRoute,
  listDocumentsRoute,
  listNotesRoute,
  listOrdersRoute,
  openCaseRoute,
  oversightRoute,
  setClerksRoute,
  updateOrderRoute,
  uploadDocumentRoute,
} from './judicial.schemas.ts';
import * as service from './judicial.service.ts';
import type { JudicialStoreHandle } from './judicial.service.ts';

type JudicialAction = Parameters<AppContext['audit']['record']>[0]['action'] & `judicial.${string}`;

/**
 * Judges' chambers: every route is in the judge portal (a lawyer's token gets 403
 * PORTAL_FORBIDDEN from the access layer) and runs its transaction on the judicial store,
 * whose policies are keyed by judge. Judges and clerks must hold a second factor.
 */
export async function judicialRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const handle = service.judicialStoreHandle(ctx);
  const kek = () => handle.current.kek.key;
  const now = () => ctx.clock.now();

  await app.register(async (scoped) => {
    // MFA is enforced at sign-in for these roles; this holds the line for any session that got past it.
    scoped.addHook('preHandler', async () => void (await handle.open()));
    scoped.addHook('preHandler', async (request) => {
      const p = principalOf(request);
      if ((p.role === 'judge' || p.role === 'clerk') && p.aal < 2) throw new AppError('JUDICIAL_MFA_REQUIRED');
    });
    // Case documents: multipart, so in a scope of their own (the hook above still applies).
    await scoped.register(async (docs) => documentRoutes(docs, ctx, handle));
    const r = scoped.withTypeProvider<ZodTypeProvider>();
    const inStore = <T>(request: FastifyRequest, fn: Parameters<typeof inRequestTenant<T>>[2]) =>
      inRequestTenant(handle.current.db, request, fn);
    const audit = (request: FastifyRequest, action: JudicialAction, target: string, details?: { clerks: number }) => {
      const actor: Actor = actorOf(request);
      return ctx.audit.record({
        action,
        outcome: 'success',
        orgId: actor.orgId,
        actorId: actor.userId,
        target,
        ...(details ? { details } : {}),
        ...requestFacts(request),
      } as Parameters<AppContext['audit']['record']>[0]);
    };

    r.post('/api/v1/judicial/cases', openCaseRoute, async (request, reply) => {
      const created = await inStore(request, (tx, actor) => service.openCase(tx, actor, request.body));
      await audit(request, 'judicial.case_create', created.id);
      return reply.code(201).send(created);
    });

    r.get('/api/v1/judicial/cases', listCasesRoute, async (request) => inStore(request, (tx) => service.listCases(tx)));

    r.get('/api/v1/judicial/cases/:id', getCaseRoute, async (request) =>
      inStore(request, (tx) => service.getCase(tx, request.params.id)),
    );

    r.put('/api/v1/judicial/cases/:id/clerks', setClerksRoute, async (request) => {
      const { userIds } = request.body;
      // Memberships live in the main database; the case in the judicial store (maybe another database).
      const strangers = await inRequestTenant(ctx.db, request, (tx) => service.notClerksOfCourt(tx, userIds));
      if (strangers.length > 0) throw new AppError('NOT_A_CLERK');
      const result = await inStore(request, (tx, actor) => service.setClerks(tx, actor, request.params.id, userIds));
      await audit(request, 'judicial.clerks_set', result.caseId, { clerks: result.clerkIds.length });
      return result;
    });

    r.post('/api/v1/judicial/cases/:id/hearings', addHearingRoute, async (request, reply) => {
      const hearing = await inStore(request, (tx, actor) =>
        service.addHearing(tx, actor, request.params.id, request.body, now()),
      );
      await audit(request, 'judicial.hearing_create', hearing.caseId);
      return reply.code(201).send(hearing);
    });

    r.get('/api/v1/judicial/cause-list', causeListRoute, async (request) =>
      inStore(request, (tx) => service.causeList(tx, request.query.date, now())),
    );

    r.post('/api/v1/judicial/cases/:id/deadlines', addDeadlineRoute, async (request, reply) => {
      const deadline = await inStore(request, (tx, actor) =>
        service.addDeadline(tx, actor, request.params.id, request.body),
      );
      return reply.code(201).send(deadline);
    });

    r.get('/api/v1/judicial/cases/:id/deadlines', listDeadlinesRoute, async (request) =>
      inStore(request, (tx) => service.listDeadlines(tx, request.params.id)),
    );

    r.post('/api/v1/judicial/cases/:id/notes', addNoteRoute, async (request, reply) => {
      const note = await inStore(request, (tx, actor) =>
        service.addNote(tx, kek(), actor, request.params.id, request.body.body),
      );
      await audit(request, 'judicial.note_create', note.caseId);
      return reply.code(201).send(note);
    });

    r.get('/api/v1/judicial/cases/:id/notes', listNotesRoute, async (request) =>
      inStore(request, (tx) => service.listNotes(tx, kek(), request.params.id)),
    );

    r.post('/api/v1/judicial/cases/:id/orders', draftOrderRoute, async (request, reply) => {
      const order = await inStore(request, (tx, actor) =>
        service.draftOrder(tx, kek(), actor, request.params.id, request.body),
      );
      await audit(request, 'judicial.order_draft', order.id);
      return reply.code(201).send(order);
    });

    r.get('/api/v1/judicial/cases/:id/orders', listOrdersRoute, async (request) =>
      inStore(request, (tx) => service.listOrders(tx, kek(), request.params.id)),
    );

    r.put('/api/v1/judicial/cases/:id/orders/:orderId', updateOrderRoute, async (request) =>
      inStore(request, (tx) =>
        service.updateDraft(tx, kek(), request.params.id, request.params.orderId, request.body, now()),
      ),
    );

    r.post('/api/v1/judicial/cases/:id/orders/:orderId/issue', issueOrderRoute, async (request) => {
      const order = await inStore(request, (tx, actor) =>
        service.issueOrder(tx, kek(), actor, request.params.id, request.params.orderId, now()),
      );
      await audit(request, 'judicial.order_issue', order.id);
      return order;
    });

    r.get('/api/v1/judicial/oversight', oversightRoute, async (request) => {
      const actor = actorOf(request);
      const view = await oversight.unsafeCourtOverview(handle.current.db, actor.orgId, now());
      await audit(request, 'judicial.oversight_view', actor.orgId);
      return view;
    });
  });
}

/**
 * Case documents, in a scope of their own so the multipart parser exists only here and every
 * other judicial route keeps refusing anything but JSON. The vault's rules, under the judicial key.
 */
async function documentRoutes(app: FastifyInstance, ctx: AppContext, handle: JudicialStoreHandle): Promise<void> {
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fieldNameSize: 100, headerPairs: 50 } });
  const r = app.withTypeProvider<ZodTypeProvider>();
  const kek = () => handle.current.kek.key;
  const inStore = <T>(request: FastifyRequest, fn: Parameters<typeof inRequestTenant<T>>[2]) =>
    inRequestTenant(handle.current.db, request, fn);
  const audit = (request: FastifyRequest, target: string, event: DocumentEvent) => {
    const actor = actorOf(request);
    return ctx.audit.record({
      ...event,
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target,
      ...requestFacts(request),
    });
  };

  r.post('/api/v1/judicial/cases/:id/documents', uploadDocumentRoute, async (request, reply) => {
    try {
      if (!request.isMultipart()) throw new AppError('MULTIPART_REQUIRED');
      const view = await documents.receiveCaseDocument(
        ctx,
        {
          actor: actorOf(request),
          facts: requestFacts(request),
          kek: kek(),
          inStore: (fn) => inStore(request, fn),
          inMain: (fn) => inRequestTenant(ctx.db, request, fn),
          parts: (options) => request.parts(options),
        },
        request.params.id,
      );
      await audit(request, view.id, { action: 'judicial.document_upload', details: { size: view.size } });
      return reply.code(201).send(view);
    } catch (err) {
      throw uploadFailure(request, reply, err);
    }
  });

  r.get('/api/v1/judicial/cases/:id/documents', listDocumentsRoute, async (request) =>
    inStore(request, (tx) => documents.listDocuments(tx, request.params.id)),
  );

  r.get('/api/v1/judicial/documents/:id', getDocumentRoute, async (request) =>
    inStore(request, (tx) => documents.getDocument(tx, request.params.id)),
  );

  r.get('/api/v1/judicial/documents/:id/content', documentContentRoute, async (request, reply) => {
    // The key is unwrapped in a short transaction; the bytes stream after it has committed.
    const unlocked = await inStore(request, (tx) => documents.unlockDocument(tx, kek(), request.params.id));
    const body = await documents.openDocument(ctx, unlocked);
    await audit(request, unlocked.id, { action: 'judicial.document_download' });
    return reply.headers(documentHeaders(unlocked.name, unlocked.contentType, unlocked.size)).send(body);
  });

  r.delete('/api/v1/judicial/documents/:id', deleteDocumentRoute, async (request, reply) => {
    const gone = await inStore(request, (tx) => documents.removeDocument(tx, request.params.id));
    // Only once the row (and the wrapped key with it) is gone for good is the blob deleted.
    await documents.deleteBlob(ctx, gone.blobKey);
    await audit(request, request.params.id, { action: 'judicial.document_delete' });
    return reply.code(204).send();
  });
}

type DocumentEvent =
  | { action: 'judicial.document_upload'; details: { size: number } }
  | { action: 'judicial.document_download' }
  | { action: 'judicial.document_delete' };
