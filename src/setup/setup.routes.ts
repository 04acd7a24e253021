import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { completeSetupRoute } from './setup.schemas.ts';
import { unsafeCompleteSetup } from './setup.service.ts';

export async function setupRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post('/api/v1/setup', completeSetupRoute, async (request, reply) => {
    const result = await unsafeCompleteSetup(ctx.db, request.body);
    return reply.code(201).send(result);
  });
}
