import type { LoggerOptions } from 'pino';

/**
 * Paths pino blanks out before a line is written. Secrets must never reach a log:
 * credentials, tokens, one-time codes, keys, cookies.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.mfaToken',
  '*.enrollmentToken',
  '*.code',
  '*.backupCode',
  '*.totp',
  '*.secret',
  '*.passcode',
  '*.masterKey',
  '*.privateKey',
  '*.secretAccessKey',
  '*.dataKey',
  '*.authorization',
  '*.cookie',
  'password',
  'token',
  'code',
  'secret',
  // The same names at the top level, e.g. logger.info({ refreshToken }, …).
  'currentPassword',
  'newPassword',
  'accessToken',
  'refreshToken',
  'mfaToken',
  'enrollmentToken',
  'backupCode',
  'totp',
  'passcode',
  'masterKey',
  'privateKey',
  'secretAccessKey',
  'dataKey',
];

/**
 * Path parameters that carry a secret. A route declares that a segment of its path is a
 * secret by naming the parameter so (`/s/:token`, and signer, invitation, reset and
 * export links to come); the request log then shows that segment as `[redacted]`.
 */
export const SECRET_PATH_PARAMS: readonly string[] = ['token', 'code', 'secret', 'key', 'signature'];

type LoggedRequest = { id?: string; method?: string; url?: string; ip?: string; routeOptions?: { url?: string } };

/** The request's path, without its query string and with every secret path parameter blanked out. */
export function loggablePath(req: LoggedRequest): string | undefined {
  if (typeof req.url !== 'string') return undefined;
  const path = req.url.split('?')[0] ?? '';
  const pattern = req.routeOptions?.url;
  if (!pattern) return path;
  const names = pattern.split('/').map((seg) => (seg.startsWith(':') ? seg.slice(1) : null));
  if (!names.some((n) => n !== null && SECRET_PATH_PARAMS.includes(n))) return path;
  // A wildcard route cannot be lined up segment by segment: log its pattern, which holds no value.
  if (pattern.includes('*')) return pattern;
  const parts = path.split('/');
  return parts.map((seg, i) => (names[i] && SECRET_PATH_PARAMS.includes(names[i]) ? '[redacted]' : seg)).join('/');
}

type LoggedError = { type: string; message: string; code?: string; stack?: string; cause?: LoggedError };

/**
 * What a log line keeps of an error: its type, message, code and stack, never the other
 * properties drivers attach (SQL parameters, row values, the failing query's detail),
 * which would carry argon2 hashes, matter titles or client names into the log.
 */
export function loggableError(err: unknown, depth = 0): LoggedError {
  if (!(err instanceof Error)) {
    // Callers often log { err: { message, code } } themselves: keep just those two fields.
    const plain =
      typeof err === 'object' && err !== null ? (err as { message?: unknown; code?: unknown }) : { message: err };
    const out: LoggedError = { type: 'Error', message: String(plain.message ?? '').slice(0, 500) };
    if (typeof plain.code === 'string' || typeof plain.code === 'number') out.code = String(plain.code);
    return out;
  }
  const code = (err as { code?: unknown }).code;
  const out: LoggedError = { type: err.name, message: err.message.slice(0, 500) };
  if (typeof code === 'string' || typeof code === 'number') out.code = String(code);
  if (err.stack) out.stack = err.stack;
  if (err.cause !== undefined && depth < 3) out.cause = loggableError(err.cause, depth + 1);
  return out;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'chambers' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    serializers: {
      // Only the request line, never the query string, and no secret path segment.
      req: (req: LoggedRequest) => ({ id: req.id, method: req.method, path: loggablePath(req), ip: req.ip }),
      err: loggableError,
    },
  };
}
