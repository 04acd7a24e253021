import type { FastifyRequest } from 'fastify';

/** Where a request came from: client address, user agent and request id, as audit events and sessions record them. */
export type RequestFacts = { ip: string | null; userAgent: string | null; requestId: string | null };

/** Where a request came from, for audit events and session records. */
export function requestFacts(request: FastifyRequest): RequestFacts {
  const ua = request.headers['user-agent'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null,
    requestId: String(request.id),
  };
}
