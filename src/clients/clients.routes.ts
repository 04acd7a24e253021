import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { actorOf, inRequestTenant, requestFacts } from '../access/index.ts';
import { searchQueryDetails } from '../audit/index.ts';
import * as service from './clients.service.ts';
import { checkConflicts } from './conflict-check.service.ts';
import {
  conflictCheckRoute,
  createClientRoute,
  createContactRoute,
  createPartyRoute,
  deleteContactRoute,
  getClientRoute,
  listClientsRoute,
  listPartiesRoute,
  updateClientRoute,
} from './clients.schemas.ts';

/**
 * Clients, their contacts, matter parties and the conflict check. Names and contact details
 * never reach the audit log: events carry ids, the fields that changed, counts and keyed hashes.
 */
export async function clientsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  /** Who did it, from where: recorded after the transaction committed. */
  const by = (request: FastifyRequest) => {
    const actor = actorOf(request);
    return { outcome: 'success' as const, orgId: actor.orgId, actorId: actor.userId, ...requestFacts(request) };
  };

  r.post('/api/v1/clients', createClientRoute, async (request, reply) => {
    const client = await inRequestTenant(ctx.db, request, (tx, actor) => service.createClient(tx, actor, request.body));
    await ctx.audit.record({ action: 'client.create', target: client.id, ...by(request) });
    return reply.code(201).send(client);
  });

  r.get('/api/v1/clients', listClientsRoute, async (request) => {
    const page = await inRequestTenant(ctx.db, request, (tx) => service.listClients(tx, request.query));
    // A search names a client as surely as a record does: its length and keyed hash only.
    const { q } = request.query;
    if (q !== undefined)
      await ctx.audit.record({
        action: 'client.search',
        target: null,
        details: searchQueryDetails(ctx.keys.masterKey, actorOf(request).orgId, q, page.clients.length),
        ...by(request),
      });
    return page;
  });

  r.get('/api/v1/clients/:id', getClientRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.getClient(tx, request.params.id)),
  );

  r.patch('/api/v1/clients/:id', updateClientRoute, async (request) => {
    const client = await inRequestTenant(ctx.db, request, (tx) =>
      service.updateClient(tx, request.params.id, request.body),
    );
    const fields = Object.keys(request.body).sort().join(',');
    await ctx.audit.record({ action: 'client.update', target: client.id, details: { fields }, ...by(request) });
    return client;
  });

  r.post('/api/v1/clients/:id/contacts', createContactRoute, async (request, reply) => {
    const contact = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.addContact(tx, actor, request.params.id, request.body),
    );
    await ctx.audit.record({ action: 'client.contact_add', target: request.params.id, ...by(request) });
    return reply.code(201).send(contact);
  });

  r.delete('/api/v1/clients/:id/contacts/:contactId', deleteContactRoute, async (request, reply) => {
    await inRequestTenant(ctx.db, request, (tx) =>
      service.removeContact(tx, request.params.id, request.params.contactId),
    );
    await ctx.audit.record({ action: 'client.contact_remove', target: request.params.id, ...by(request) });
    return reply.code(204).send();
  });

  r.post('/api/v1/matters/:id/parties', createPartyRoute, async (request, reply) => {
    const party = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.addParty(tx, actor, request.params.id, request.body),
    );
    await ctx.audit.record({
      action: 'matter.party_add',
      target: request.params.id,
      details: { client: party.clientId !== null },
      ...by(request),
    });
    return reply.code(201).send(party);
  });

  r.get('/api/v1/matters/:id/parties', listPartiesRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.listParties(tx, request.params.id)),
  );

  r.post('/api/v1/conflict-check', conflictCheckRoute, async (request) => {
    const result = await inRequestTenant(ctx.db, request, (tx) => checkConflicts(tx, request.body));
    // Every check is on record, with the names as one keyed hash (never the names) and what it found.
    const { queryHash, queryLength } = searchQueryDetails(
      ctx.keys.masterKey,
      actorOf(request).orgId,
      request.body.names.join('\n'),
    );
    await ctx.audit.record({
      action: 'conflict.check',
      target: request.body.matterId ?? null,
      details: {
        names: request.body.names.length,
        hits: result.hits.length,
        exactHits: result.hits.filter((h) => h.score === 1).length,
        queryHash,
        queryLength,
      },
      ...by(request),
    });
    return result;
  });
}
