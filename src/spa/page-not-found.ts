import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Paths that belong to the API and machines: their 404 stays problem+json. */
const MACHINE_PATHS = /^\/(api|s|assets|\.well-known|metrics|healthz|readyz)(\/|$)/;

/**
 * A browser asking for a page nothing serves (a mistyped or stale link) gets the web
 * app with status 404, which shows its "Page not found" page, instead of raw JSON.
 */
export function webAppPageNotFound(distDir: string) {
  return (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const pathname = request.url.split('?')[0] ?? '';
    if (MACHINE_PATHS.test(pathname) || !/\btext\/html\b/.test(request.headers.accept ?? '')) return false;
    const index = path.join(distDir, 'index.html');
    if (!fs.existsSync(index)) return false;
    reply.code(404).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(fs.readFileSync(index));
    return true;
  };
}
