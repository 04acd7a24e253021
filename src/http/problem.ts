import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, errorDefinition } from '../platform/errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

type Problem = {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  requestId?: string;
} & Record<string, unknown>;

export function sendProblem(
  reply: FastifyReply,
  code: string,
  opts: { status?: number; detail?: string; extra?: Record<string, unknown> } = {},
): FastifyReply {
  const def = errorDefinition(code) ?? { status: 500, title: 'Internal error' };
  const status = opts.status ?? def.status;
  const body: Problem = {
    type: `urn:chambers:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: def.title,
    status,
    code,
    ...(opts.detail ? { detail: opts.detail } : {}),
    ...opts.extra,
    requestId: String(reply.request.id),
  };
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** PostgreSQL / driver failures that mean "the database is not there right now", not "the request is wrong". */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTFOUND',
      'EAI_AGAIN',
      '57P01',
      '57P02',
      '57P03',
      '53300',
    ].includes(code)
  )
    return true;
  if (code.startsWith('08')) return true; // connection exceptions
  const msg = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|PGlite is closed|Cannot use a pool after calling end/i.test(
    msg,
  );
}

function validationDetail(err: FastifyError): string {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const ctx = err.validationContext ?? 'request';
    return err.validation
      .slice(0, 10)
      .map((v) => {
        const where = v.instancePath ? v.instancePath.replace(/^\//, '').replaceAll('/', '.') : '';
        const unknown = (v.params as { issue?: { code?: string; keys?: string[] } } | undefined)?.issue;
        if (unknown?.code === 'unrecognized_keys' && unknown.keys)
          return `${ctx}: unknown field(s) ${unknown.keys.join(', ')}`;
        return `${ctx}${where ? `.${where}` : ''}: ${v.message}`;
      })
      .join('; ');
  }
  return err.message;
}

/** Answers a browser's page request for a path nothing serves (the web app's own 404 page), or returns false. */
export type PageNotFound = (request: FastifyRequest, reply: FastifyReply) => boolean;

export function registerErrorHandling(app: FastifyInstance, pageNotFound?: PageNotFound): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      if (error.extra.headers) reply.headers(error.extra.headers);
      return sendProblem(reply, error.code, {
        status: error.status,
        detail: error.detail,
        extra: error.extra.body,
      });
    }
    if (error.validation) {
      return sendProblem(reply, 'VALIDATION_FAILED', { detail: validationDetail(error) });
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendProblem(reply, 'MALFORMED_JSON', {
          detail:
            error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the body is empty' : 'the body could not be parsed as JSON',
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendProblem(reply, 'UNSUPPORTED_MEDIA_TYPE', { detail: 'send application/json' });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(reply, 'PAYLOAD_TOO_LARGE');
      case 'FST_ERR_CTP_INVALID_TYPE':
        return sendProblem(reply, 'VALIDATION_FAILED', { detail: 'invalid content type' });
    }
    if (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400) {
      return sendProblem(reply, 'MALFORMED_JSON');
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: { message: error.message, code: error.code } }, 'database unavailable');
      reply.header('retry-after', '5');
      return sendProblem(reply, 'SERVICE_UNAVAILABLE');
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code =
        status === 404
          ? 'NOT_FOUND'
          : status === 405
            ? 'METHOD_NOT_ALLOWED'
            : status === 413
              ? 'PAYLOAD_TOO_LARGE'
              : status === 415
                ? 'UNSUPPORTED_MEDIA_TYPE'
                : 'VALIDATION_FAILED';
      return sendProblem(reply, code, { status: status === 429 ? 429 : undefined });
    }
    // Unknown failure: the log gets the error; the client gets only the request id.
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, 'INTERNAL_ERROR');
  });

  // A person who mistypes an address gets the web app's 404 page; an API client gets problem+json.
  app.setNotFoundHandler((request, reply) => {
    if (pageNotFound?.(request, reply)) return reply;
    return sendProblem(reply, 'NOT_FOUND');
  });
}
