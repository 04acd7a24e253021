import fs from 'node:fs';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import {
  openapiTransform,
  requestIdGenerator,
  storableValidatorCompiler,
  registerErrorHandling,
  registerSecurityHeaders,
  registerAccountBlindTiming,
  registerAccountRateLimits,
  registerRateLimits,
  tierLimitsOf,
  registerMetrics,
  TLS_POLICY,
  serverTimeouts,
} from './http/index.ts';
import { ERROR_TABLES } from './error-catalog.ts';
import { registerErrorTables } from './platform/errors.ts';
import type { AppContext } from './context/index.ts';
import { healthRoutes } from './health/index.ts';
import { securityTxtRoutes } from './disclosure/index.ts';
import { registerRouteAccess, type PrincipalResolver } from './access/index.ts';
import { auditRoutes, legalHoldRoutes, registerApiCallLog } from './audit-trail/index.ts';
import { auditStreamRoutes } from './siem/index.ts';
import { authRoutes, captchaRoutes } from './auth/index.ts';
import { registerIdempotency } from './idempotency/index.ts';
import { mattersRoutes } from './matters/index.ts';
import { documentsRoutes, retentionPreviewRoutes } from './documents/index.ts';
import { aiRoutes, aiToolRoutes } from './ai/index.ts';
import { privacyRoutes } from './privacy/index.ts';
import { shareLinksRoutes } from './share-links/index.ts';
import { sealExpiryReadiness, signaturesRoutes } from './signatures/index.ts';
import { onboardingRoutes, orgsRoutes } from './orgs/index.ts';
import { createEnrollmentResolver, mfaRoutes, TRUSTED_DEVICE_TTL_MS, webauthnRoutes } from './mfa/index.ts';
import { portalHandoffRoutes } from './sessions/index.ts';
import { setupRoutes } from './setup/index.ts';
import { webhooksRoutes } from './webhooks/index.ts';
import { API_KEY_SECURITY_SCHEME, developerRoutes, registerApiKeyOperations } from './developer/index.ts';
import { judicialRoutes } from './judicial/index.ts';
import { clientPrivacyRoutes, clientsRoutes } from './clients/index.ts';
import { searchRoutes } from './search/index.ts';
import { matterWorkRoutes } from './matter-work/index.ts';
import { calendarRoutes } from './calendar/index.ts';
import { orgRetentionRoutes } from './retention/index.ts';
import { WEB_DIST_DIR, webAppPageNotFound, webAppRoutes, webConfigRoutes } from './spa/index.ts';

export type BuildOptions = {
  /** How a request's caller is established (access tokens in production). */
  resolvePrincipal: PrincipalResolver;
};

/**
 * Builds the HTTP application. Plugins go in a fixed order: transport and
 * parsing, headers and errors, the route guard, then the domain routes.
 */
export async function buildApp(ctx: AppContext, opts: BuildOptions): Promise<FastifyInstance> {
  const { config } = ctx;
  const serverOptions: FastifyServerOptions & { http: ReturnType<typeof serverTimeouts> } = {
    loggerInstance: ctx.logger,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy === false ? false : config.trustProxy,
    // Slow clients (slowloris on headers, trickled or stalled bodies) are cut off: see config.httpTimeouts.
    requestTimeout: config.httpTimeouts.requestMs,
    connectionTimeout: config.httpTimeouts.idleMs,
    keepAliveTimeout: 10_000,
    http: serverTimeouts(config),
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
    // Keep a well-formed request id from a trusted proxy only; make our own otherwise.
    requestIdHeader: false,
    genReqId: requestIdGenerator(config.trustProxy),
  };
  const app = (config.tls
    ? Fastify({
        ...(serverOptions as object),
        https: {
          ...serverTimeouts(config),
          ...TLS_POLICY,
          cert: fs.readFileSync(config.tls.certFile),
          key: fs.readFileSync(config.tls.keyFile),
        },
      })
    : Fastify(serverOptions)) as unknown as FastifyInstance;

  app.setValidatorCompiler(storableValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body is how cross-site forms smuggle requests past CORS.
  app.removeContentTypeParser('text/plain');

  registerSecurityHeaders(app);
  registerErrorTables(ERROR_TABLES);
  registerErrorHandling(app, webAppPageNotFound(WEB_DIST_DIR));
  registerAccountBlindTiming(app, config.authResponseGridMs);

  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins,
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'x-csrf-token',
        'x-chambers-client',
        'idempotency-key',
        'x-request-id',
        'x-api-key',
      ],
      exposedHeaders: [
        'x-request-id',
        'retry-after',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
        'idempotent-replayed',
      ],
      maxAge: 600,
    });
  }

  await app.register(cookie);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Chambers API', version: '1' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: API_KEY_SECURITY_SCHEME,
        },
      },
    },
    transform: openapiTransform,
  });

  registerMetrics(app, ctx.metrics, config.metricsToken);
  const rateLimitOptions = {
    store: ctx.rateLimitStore,
    clock: ctx.clock,
    tierLimits: tierLimitsOf(config),
    logger: ctx.logger,
    observer: ctx.metrics.rateLimits,
  };
  registerRateLimits(app, rateLimitOptions);
  // Before the route guard: API-key scopes join each route's access declaration as it is declared.
  registerApiKeyOperations(app);
  registerRouteAccess(app, opts.resolvePrincipal, {
    resolveEnrollment: createEnrollmentResolver(ctx),
    now: () => ctx.clock.now(),
  });
  registerAccountRateLimits(app, rateLimitOptions);
  registerIdempotency(app, ctx);
  registerApiCallLog(app, ctx);

  app.get('/api/openapi.json', { config: { access: { public: true } }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  await healthRoutes(app, ctx, [sealExpiryReadiness(ctx)]);
  await securityTxtRoutes(app, ctx);
  await setupRoutes(app, ctx);
  await authRoutes(app, ctx);
  await captchaRoutes(app, ctx);
  await orgsRoutes(app, ctx);
  await onboardingRoutes(app, ctx);
  await mfaRoutes(app, ctx);
  await webauthnRoutes(app, ctx);
  await portalHandoffRoutes(app, ctx);
  await mattersRoutes(app, ctx);
  await documentsRoutes(app, ctx);
  await retentionPreviewRoutes(app, ctx);
  await aiRoutes(app, ctx);
  await aiToolRoutes(app, ctx);
  await shareLinksRoutes(app, ctx);
  await signaturesRoutes(app, ctx);
  await privacyRoutes(app, ctx);
  await auditRoutes(app, ctx);
  await webhooksRoutes(app, ctx);
  await developerRoutes(app, ctx);
  await judicialRoutes(app, ctx);
  await clientsRoutes(app, ctx);
  await clientPrivacyRoutes(app, ctx);
  await searchRoutes(app, ctx);
  await matterWorkRoutes(app, ctx);
  await calendarRoutes(app, ctx);
  await webConfigRoutes(app, ctx, { trustedDeviceMs: TRUSTED_DEVICE_TTL_MS });
  await webAppRoutes(app, ctx);
  await legalHoldRoutes(app, ctx);
  await orgRetentionRoutes(app, ctx);
  await auditStreamRoutes(app, ctx);

  await app.ready();
  return app;
}
