import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context/index.ts';
import { AppError } from '../platform/errors.ts';
import { claimKey, completeKey, releaseKey, type Actor } from './idempotency.repository.ts';

/**
 * Idempotency-Key for POST routes that create things (IETF draft
 * "The Idempotency-Key HTTP Header Field"). A route opts in with
 * `config.idempotent: true`; the header stays optional for clients.
 *
 * - same key, same request → the first response, replayed, with `Idempotent-Replayed: true`;
 * - same key, different request → 422 IDEMPOTENCY_KEY_REUSED;
 * - same key while the first is still running → 409 IDEMPOTENCY_KEY_IN_USE;
 * - a malformed key → 400 IDEMPOTENCY_KEY_INVALID.
 *
 * Keys are scoped to the caller (user) in the current organization and kept 24 h.
 * Responses below 500 are kept; a 5xx gives the key back so a retry runs again.
 * The request fingerprint is SHA-256 over method, route, params and the validated
 * body as canonical JSON (key order does not matter). A route whose body is not
 * JSON (multipart upload) passes `{ fingerprint }` computing its own stable text.
 */
export type IdempotencyConfig = true | { fingerprint: (request: FastifyRequest) => string };

declare module 'fastify' {
  interface FastifyContextConfig {
    idempotent?: IdempotencyConfig;
  }
  interface FastifyRequest {
    idempotency: { actor: Actor; key: string } | null;
  }
}

export const IDEMPOTENCY = {
  ttlMs: 24 * 60 * 60 * 1000,
  /** An in-flight claim older than this belongs to a request that died with its process (requests time out at 120 s). */
  staleAfterMs: 5 * 60 * 1000,
  /** Replayed headers: enough to reproduce a creation response, nothing per-request (ids, cookies, limits). */
  keptHeaders: ['content-type', 'location', 'etag'],
  maxStoredBytes: 1024 * 1024,
} as const;

const KEY_FORMAT = /^[\x20-\x7e]{1,255}$/;
const HEADER = 'idempotency-key';

export function registerIdempotency(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('idempotency', null);

  // preHandler: the caller is known (onRequest) and the body validated, so the fingerprint sees what the handler will.
  app.addHook('preHandler', async (request, reply) => {
    const config = request.routeOptions.config.idempotent;
    const raw = request.headers[HEADER];
    if (!config || raw === undefined) return;
    if (typeof raw !== 'string' || !KEY_FORMAT.test(raw)) throw new AppError('IDEMPOTENCY_KEY_INVALID');
    const p = request.principal;
    // A key is scoped to a user in an organization; without one there is nothing to scope it to.
    if (!p?.orgId) return;
    const actor = { orgId: p.orgId, userId: p.userId };
    const requestHash = fingerprint(request, config);
    const claim = await claimKey(ctx.db, actor, {
      key: raw,
      requestHash,
      now: ctx.clock.now(),
      ttlMs: IDEMPOTENCY.ttlMs,
      staleAfterMs: IDEMPOTENCY.staleAfterMs,
    });
    if (claim.kind === 'mismatch') throw new AppError('IDEMPOTENCY_KEY_REUSED');
    if (claim.kind === 'in_flight')
      throw new AppError('IDEMPOTENCY_KEY_IN_USE', undefined, { headers: { 'retry-after': '1' } });
    if (claim.kind === 'replay') {
      const { status, headers, body } = claim.response;
      return reply.code(status).headers(headers).header('idempotent-replayed', 'true').send(Buffer.from(body, 'utf8'));
    }
    request.idempotency = { actor, key: raw };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const held = request.idempotency;
    if (!held) return payload;
    request.idempotency = null;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    try {
      if (reply.statusCode >= 500 || body === null || Buffer.byteLength(body) > IDEMPOTENCY.maxStoredBytes) {
        await releaseKey(ctx.db, held.actor, held.key);
      } else {
        const headers: Record<string, string> = {};
        for (const name of IDEMPOTENCY.keptHeaders) {
          const v = reply.getHeader(name);
          if (v !== undefined) headers[name] = String(v);
        }
        await completeKey(ctx.db, held.actor, held.key, { status: reply.statusCode, headers, body }, ctx.clock.now());
      }
    } catch (err) {
      // The response itself succeeded; a key left in flight turns stale after staleAfterMs.
      request.log.error({ err: { message: (err as Error).message } }, 'idempotency record could not be written');
    }
    return payload;
  });
}

function fingerprint(request: FastifyRequest, config: IdempotencyConfig): string {
  const subject = config === true ? canonicalJson(request.body ?? null) : config.fingerprint(request);
  return requestFingerprint(request.method, request.routeOptions.url ?? '', request.params ?? {}, subject);
}

/** SHA-256 (hex) of what makes two requests "the same": method, route pattern, path parameters and body. */
export function requestFingerprint(method: string, route: string, params: unknown, subject: string): string {
  return crypto
    .createHash('sha256')
    .update([method, route, canonicalJson(params), subject].join('\n'))
    .digest('hex');
}

/** JSON with object keys sorted at every depth, so `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
