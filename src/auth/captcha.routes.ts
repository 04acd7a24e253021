import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { captchaChallengeRoute } from './captcha.schemas.ts';

/** The captcha a client solves after CAPTCHA_REQUIRED (3 failed sign-ins, or a risky sign-up). */
export async function captchaRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const authTier = { bucket: 'auth', limit: ctx.config.rateLimits.authPerMinute, windowMs: 60_000 } as const;
  r.get('/api/v1/auth/captcha', captchaChallengeRoute(authTier), async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return ctx.captcha.challenge();
  });
}
