import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context/index.ts';
import { webAppFileRoute } from './spa.schemas.ts';

/** Where `npm run build:web` (run by `npm install`'s prepare step) writes the SPA. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Client-side routes of the SPA. Each gets index.html; everything else keeps the
 * API's problem+json 404. `/s/:token` stays the share-link bytes route: the
 * public share page lives at `/share/:token` and fetches it.
 */
export const SPA_ROUTES = [
  '/',
  '/login',
  '/register',
  '/verify',
  '/forgot',
  '/reset',
  '/setup',
  '/invite',
  '/account',
  '/matters',
  '/matters/*',
  '/clients',
  '/clients/*',
  '/calendar',
  '/admin',
  '/admin/*',
  '/judge',
  '/judge/*',
  '/share/:token',
  '/sign/:token',
  '/verify-document',
] as const;

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built web app: hashed assets with a year-long immutable cache,
 * index.html with no-cache so a deploy is picked up on the next load. The
 * security headers (strict CSP) come from the global onSend hook like every response.
 */
export async function webAppRoutes(
  app: FastifyInstance,
  _ctx: AppContext,
  distDir: string = WEB_DIST_DIR,
): Promise<void> {
  // serve:false: we declare each route ourselves, so each carries its access rule.
  // preCompressed: the build wrote .br and .gz beside each asset; a browser that accepts one gets it as-is.
  await app.register(fastifyStatic, { root: distDir, serve: false, decorateReply: true, preCompressed: true });
  const hasIndex = () => fs.existsSync(path.join(distDir, 'index.html'));

  const sendIndex = (reply: FastifyReply) => {
    if (!hasIndex()) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send('The Chambers web app is not built. Run `npm run build:web` (npm install does it), then reload.\n');
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  };

  for (const url of SPA_ROUTES) {
    app.get(url, webAppFileRoute, (_request, reply) => sendIndex(reply));
  }

  app.get('/assets/*', webAppFileRoute, (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    // @fastify/send refuses traversal itself; a plain name check keeps the surface obvious.
    if (!/^[A-Za-z0-9._-]+$/.test(file)) return reply.callNotFound();
    return reply.header('cache-control', IMMUTABLE).sendFile(`assets/${file}`, { cacheControl: false });
  });

  app.get('/favicon.svg', webAppFileRoute, (_request, reply) =>
    reply.header('cache-control', 'public, max-age=86400').sendFile('favicon.svg', { cacheControl: false }),
  );
}
