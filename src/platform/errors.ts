/**
 * Every error code Chambers returns, in one place. A code is part of the HTTP
 * contract: clients branch on it, so codes are never renamed.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'This content type is not accepted here' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  FORBIDDEN: { status: 403, title: 'You may not do this' },
  PORTAL_FORBIDDEN: { status: 403, title: 'This route belongs to another portal' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'Conflict' },
  SETUP_TOKEN_INVALID: { status: 403, title: 'The setup token is invalid or already used' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'A service Chambers depends on is unavailable; try again shortly' },
  INTERNAL_ERROR: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Extra codes registered by domain modules (`<module>.errors.ts`). */
const registry = new Map<string, { status: number; title: string }>(Object.entries(ERROR_CODES));

export function registerErrorCodes(codes: Record<string, { status: number; title: string }>): void {
  for (const [code, def] of Object.entries(codes)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`error code ${code} is not UPPER_SNAKE`);
    registry.set(code, def);
  }
}

export function errorDefinition(code: string): { status: number; title: string } | undefined {
  return registry.get(code);
}

export function allErrorCodes(): string[] {
  return [...registry.keys()].sort();
}

/** The one error type services throw; the HTTP layer renders it as problem+json. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: string,
    message?: string,
    readonly extra: { headers?: Record<string, string>; body?: Record<string, unknown> } = {},
    status?: number,
  ) {
    const def = registry.get(code);
    if (!def) throw new Error(`unregistered error code ${code}`);
    super(message ?? def.title);
    this.name = 'AppError';
    this.status = status ?? def.status;
  }
}

export const notFound = (): AppError => new AppError('NOT_FOUND');
