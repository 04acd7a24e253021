import type { FastifyInstance } from 'fastify';
import { AppError } from '../platform/errors.ts';
import type { AppContext } from '../context/index.ts';
import { securityTxtRoute } from './security-txt.schemas.ts';
import { securityTxt } from './security-txt.service.ts';

/** RFC 9116: where a researcher finds whom to tell. 404 until SECURITY_CONTACT is set. */
export async function securityTxtRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/.well-known/security.txt', securityTxtRoute, async (_request, reply) => {
    const text = securityTxt(ctx.config, ctx.clock.now());
    if (!text) throw new AppError('NOT_FOUND');
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=86400').send(text);
  });
}
