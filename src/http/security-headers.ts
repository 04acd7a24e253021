import type { FastifyInstance } from 'fastify';

/** The whole browser-facing header policy in one object, so a reviewer reads it at a glance. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // worker-src: the PDF preview's pdf.js worker, a hashed file of our own build. It is what script-src 'self' already
  // allows (worker-src falls back to it), written out so the preview does not depend on that fallback; no blob:, no eval.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "worker-src 'self'; font-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-dns-prefetch-control': 'off',
  'x-permitted-cross-domain-policies': 'none',
};

export const HSTS_HEADER = 'max-age=63072000; includeSubDomains';

/**
 * Sets the headers on every response, errors and 404s included. HSTS only when
 * the request arrived over HTTPS (directly, or via a trusted proxy).
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS_HEADER);
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
    return payload;
  });
}
