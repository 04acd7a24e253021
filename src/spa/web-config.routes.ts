import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context/index.ts';

const webConfigResponse = z.object({
  /** Seconds without a request after which the web app signs the user out. */
  idleTimeoutSeconds: z.number(),
  /** How long before that the "Stay signed in" banner appears. */
  idleWarningSeconds: z.number(),
});

/** Settings the SPA needs before anyone signs in (nothing secret). */
export async function webConfigRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/web/config',
    { config: { access: { public: true } }, schema: { tags: ['web'], summary: 'Settings of the web app', response: { 200: webConfigResponse } } },
    async () => ({ idleTimeoutSeconds: ctx.config.web.idleTimeoutSeconds, idleWarningSeconds: ctx.config.web.idleWarningSeconds }),
  );
}
