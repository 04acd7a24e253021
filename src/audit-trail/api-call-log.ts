import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context/index.ts';
import { withTenant } from '../platform/db/index.ts';

/**
 * The per-call log of API keys: every request authenticated by an API key (the
 * principal carries `apiKeyId`) leaves one row in audit.api_calls — key, org,
 * method, route pattern (never the concrete URL with its ids and query), status,
 * ip and time. Written after the response, as the runtime role under RLS; a failed
 * write is logged and never fails the call.
 */
export function registerApiCallLog(app: FastifyInstance, ctx: Pick<AppContext, 'db' | 'logger'>): void {
  app.addHook('onResponse', async (request, reply) => {
    const p = request.principal;
    if (!p?.apiKeyId || !p.orgId) return;
    const orgId = p.orgId;
    const apiKeyId = p.apiKeyId;
    try {
      await withTenant(ctx.db, { orgId, userId: p.userId }, (tx) =>
        tx
          .insertInto('audit.api_calls')
          .values({
            org_id: orgId,
            api_key_id: apiKeyId.slice(0, 100),
            user_id: p.userId,
            method: request.method.slice(0, 10),
            route: (request.routeOptions.url ?? '(unmatched)').slice(0, 300),
            status: reply.statusCode,
            ip: request.ip?.slice(0, 100) ?? null,
            request_id: String(request.id).slice(0, 100),
            duration_ms: Math.round(reply.elapsedTime),
          })
          .execute(),
      );
    } catch (err) {
      ctx.logger.error({ err: { message: (err as Error).message }, apiKeyId }, 'API call log write failed');
    }
  });
}
