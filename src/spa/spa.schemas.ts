import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

/** Route options of spa.routes.ts and web-config.routes.ts (access declaration and OpenAPI schema). */

export const webConfigResponse = z.object({
  /** Seconds without a request after which the web app signs the user out. */
  idleTimeoutSeconds: z.number(),
  /** How long before that the "Stay signed in" banner appears. */
  idleWarningSeconds: z.number(),
  /** How long "trust this device" skips the second factor, in days. */
  trustedDeviceDays: z.number(),
  /** Whether uploads go through a virus scanner (what the upload panel may promise). */
  uploadsScanned: z.boolean(),
  /** Whether "Create an account" is offered (REGISTRATION=open); otherwise accounts come by invitation. */
  registrationOpen: z.boolean(),
});

/** GET /api/v1/web/config */
export const webConfigRoute = {
  config: { access: { public: true } },
  schema: { tags: ['web'], summary: 'Settings of the web app', response: { 200: webConfigResponse } },
} satisfies RouteShorthandOptions;

/** The web app's files (index.html for each client-side route, /assets/*, /favicon.svg): public, and kept out of the OpenAPI document. */
export const webAppFileRoute = {
  config: { access: { public: true as const } },
  schema: { hide: true },
} satisfies RouteShorthandOptions;
