import type { FastifyInstance } from 'fastify';
import type { ApiScope } from '../access/index.ts';

/**
 * The operations an API key may call, and the scope each needs: one reviewed list for
 * the whole API, so what an integration can do is read in one place (and feature
 * modules need not know about keys). Anything not listed refuses every key with 403
 * SCOPE_MISSING; administration, step-up and destructive routes refuse keys even if
 * listed (access/api-key-access.ts).
 */
export const API_KEY_OPERATIONS: Readonly<Record<string, ApiScope>> = {
  'GET /api/v1/matters': 'matters:read',
  'POST /api/v1/matters': 'matters:write',
  'GET /api/v1/matters/:id': 'matters:read',
  'PATCH /api/v1/matters/:id': 'matters:write',
  'POST /api/v1/matters/:id/archive': 'matters:write',
  'POST /api/v1/matters/:id/unarchive': 'matters:write',
  'POST /api/v1/matters/:id/close': 'matters:write',
  'POST /api/v1/matters/:id/reopen': 'matters:write',
  'GET /api/v1/matters/:id/documents': 'documents:read',
  'POST /api/v1/matters/:id/documents': 'documents:write',
  'GET /api/v1/documents': 'documents:read',
  'GET /api/v1/documents/:id': 'documents:read',
  'PATCH /api/v1/documents/:id': 'documents:write',
  'DELETE /api/v1/documents/:id': 'documents:write',
  'GET /api/v1/documents/:id/content': 'documents:read',
  'GET /api/v1/documents/:id/versions': 'documents:read',
  'POST /api/v1/documents/:id/versions': 'documents:write',
  'GET /api/v1/documents/:id/versions/:n/content': 'documents:read',
  'GET /api/v1/envelopes': 'envelopes:read',
  'POST /api/v1/envelopes': 'envelopes:write',
  'GET /api/v1/envelopes/:id': 'envelopes:read',
  'POST /api/v1/envelopes/:id/send': 'envelopes:write',
  'POST /api/v1/envelopes/:id/void': 'envelopes:write',
  'GET /api/v1/envelopes/:id/document': 'envelopes:read',
  'GET /api/v1/envelopes/:id/evidence': 'envelopes:read',
};

/** The OpenAPI security scheme of API keys, registered beside `bearer`. */
export const API_KEY_SECURITY_SCHEME = {
  type: 'apiKey',
  in: 'header',
  name: 'X-Api-Key',
  description:
    'An API key (chk_live_… or chk_test_…) from the developer portal; each operation lists the scope it needs.',
} as const;

/**
 * Copies each listed operation's scope into its access declaration (`access.apiKey`)
 * and its OpenAPI operation (`security` with the scope, and `x-api-key-scope`), as the
 * routes are declared. Register before the route guard and before any feature route.
 */
export function registerApiKeyOperations(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access || access.public) return;
    for (const method of [route.method].flat()) {
      const scope = API_KEY_OPERATIONS[`${method} ${route.url}`];
      if (!scope) continue;
      // New objects, never a mutation: several routes may share one declaration object.
      route.config = { ...route.config, access: { ...access, apiKey: scope } };
      route.schema = {
        ...route.schema,
        security: [{ bearer: [] }, { apiKey: [scope] }],
        'x-api-key-scope': scope,
      } as typeof route.schema;
    }
  });
}
