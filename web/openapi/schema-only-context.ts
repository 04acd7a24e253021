import pino from 'pino';
import type { AppContext } from '../../src/context/app-context.ts';
import { createMetrics } from '../../src/http/metrics.ts';
import { createMemoryRateLimitStore } from '../../src/http/rate-limit.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';

/**
 * A service the OpenAPI dump never calls: building the routes only keeps a reference
 * to it. Any use throws, so a route that starts needing it at registration fails loudly.
 */
function unavailable<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, prop) {
      throw new Error(
        `ctx.${name}.${String(prop)} was used while building the app for the OpenAPI dump; it has no ${name} (see web/openapi/schema-only-context.ts)`,
      );
    },
  });
}

/**
 * Just enough of an AppContext for buildApp to register every route: no database,
 * keys, data directory or mail. The configuration comes from a fixed, empty
 * environment so the document does not depend on the shell it was made in.
 */
export function schemaOnlyContext(): AppContext {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  return {
    config,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics({ auditQueueDepth: async () => 0 }),
    rateLimitStore: createMemoryRateLimitStore(),
    captcha: unavailable('captcha'),
    db: unavailable('db'),
    keys: unavailable('keys'),
    mailer: unavailable('mailer'),
    audit: unavailable('audit'),
    auditSealer: unavailable('auditSealer'),
    checkpointMirror: undefined,
    blobStore: unavailable('blobStore'),
    orgKeyring: unavailable('orgKeyring'),
    scanner: null,
  };
}
