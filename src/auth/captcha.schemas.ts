import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import type { RateLimitRule } from '../http/index.ts';

export const captchaChallengeResponse = z.discriminatedUnion('provider', [
  z.object({
    provider: z.literal('altcha'),
    challenge: z.object({
      algorithm: z.literal('SHA-256'),
      challenge: z.string(),
      maxnumber: z.number().int(),
      salt: z.string(),
      signature: z.string(),
    }),
  }),
  z.object({ provider: z.enum(['turnstile', 'hcaptcha']), siteKey: z.string() }),
  z.object({ provider: z.literal('off') }),
]);

/** GET /api/v1/auth/captcha */
export const captchaChallengeRoute = (authTier: RateLimitRule) =>
  ({
    config: { access: { public: true }, rateLimits: [authTier] },
    schema: {
      tags: ['auth'],
      summary: 'A captcha challenge to solve (ALTCHA) or the widget to show, for a request answered CAPTCHA_REQUIRED',
      response: { 200: captchaChallengeResponse },
    },
  }) satisfies RouteShorthandOptions;
