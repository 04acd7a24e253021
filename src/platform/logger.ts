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

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'chambers' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    serializers: {
      // Only the request line, never the query string: share-link and setup tokens travel there.
      req: (req: { id?: string; method?: string; url?: string; ip?: string }) => ({
        id: req.id,
        method: req.method,
        path: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
        ip: req.ip,
      }),
    },
  };
}
