import type { FastifyRequest } from 'fastify';
import type { RequestFacts } from '../audit/audit.ts';

/** Where a request came from, for audit events and session records. */
export function requestFacts(request: FastifyRequest): RequestFacts {
  const ua = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null, requestId: String(request.id) };
}
