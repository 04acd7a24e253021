import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { webConfigRoute } from './spa.schemas.ts';

/** Settings the SPA needs before anyone signs in (nothing secret), so what the pages say is what the server does. */
export async function webConfigRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  facts: { trustedDeviceMs: number },
): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get('/api/v1/web/config', webConfigRoute, async () => ({
    idleTimeoutSeconds: ctx.config.web.idleTimeoutSeconds,
    idleWarningSeconds: ctx.config.web.idleWarningSeconds,
    trustedDeviceDays: Math.round(facts.trustedDeviceMs / 86_400_000),
    uploadsScanned: ctx.scanner !== null,
    registrationOpen: ctx.config.registration === 'open',
  }));
}
