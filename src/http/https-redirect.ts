import http from 'node:http';
import type { Logger } from 'pino';

/**
 * Where a plain-HTTP request is sent: PUBLIC_URL (never the request's Host header,
 * so the redirect cannot point elsewhere) plus the request's path and query. A
 * request target that is not origin-form ("GET http://evil/ HTTP/1.1", "*") goes to /.
 */
export function httpsRedirectTarget(publicUrl: string, requestTarget: string | undefined): string {
  const base = new URL(publicUrl);
  const target = requestTarget && requestTarget.startsWith('/') ? requestTarget : '/';
  // Resolved against the base as a path only: "//evil.example" stays a path on our host.
  return `${base.origin}${target.startsWith('//') ? `/${target.replace(/^\/+/, '')}` : target}`;
}

/**
 * The second, plain listener of HTTP_REDIRECT_PORT: every request gets 308 to the
 * HTTPS address (308 keeps the method and body of a POST). It reads no body and
 * serves nothing else.
 */
export async function startHttpsRedirect(opts: {
  host: string;
  port: number;
  publicUrl: string;
  logger: Logger;
  headersTimeoutMs?: number;
}): Promise<http.Server> {
  const server = http.createServer(
    { headersTimeout: opts.headersTimeoutMs ?? 10_000, requestTimeout: 15_000 },
    (req, res) => {
      const location = httpsRedirectTarget(opts.publicUrl, req.url);
      res.writeHead(308, {
        location,
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        connection: 'close',
      });
      res.end(`Moved to ${location}\n`);
      req.resume();
    },
  );
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  opts.logger.info({ port: opts.port }, 'redirecting plain HTTP to https');
  return server;
}
