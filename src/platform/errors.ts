/**
 * Error codes and the one error type services throw. A code is part of the HTTP
 * contract: clients branch on it, so codes are never renamed.
 *
 * Each module keeps its own `as const` table in `<module>.errors.ts` and merges its
 * codes into `ErrorCatalog` by declaration, so `ErrorCode` is the union of every
 * table and an unknown code is a compile error. The app registers every table once
 * at start (`src/error-catalog.ts`); the registry only supplies status and title.
 */
export type ErrorDefinition = { readonly status: number; readonly title: string };
export type ErrorTable = Readonly<Record<string, ErrorDefinition>>;

export const PLATFORM_ERRORS = {
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
} as const satisfies ErrorTable;

type PlatformErrors = typeof PLATFORM_ERRORS;

/** Every code of every module; `<module>.errors.ts` files extend it with `declare module`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- extended by declaration merging
export interface ErrorCatalog extends PlatformErrors {}

export type ErrorCode = keyof ErrorCatalog & string;

const registry = new Map<string, ErrorDefinition>(Object.entries(PLATFORM_ERRORS));

/** Registers tables of codes; called once at start with every module's table. A code defined twice differently is a bug. */
export function registerErrorTables(tables: readonly ErrorTable[]): void {
  for (const table of tables) {
    for (const [code, def] of Object.entries(table)) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`error code ${code} is not UPPER_SNAKE`);
      const known = registry.get(code);
      if (known && (known.status !== def.status || known.title !== def.title))
        throw new Error(`error code ${code} is defined twice`);
      registry.set(code, def);
    }
  }
}

export function errorDefinition(code: string): ErrorDefinition | undefined {
  return registry.get(code);
}

export function allErrorCodes(): string[] {
  return [...registry.keys()].sort();
}

/** The one error type services throw; the HTTP layer renders it as problem+json. */
export class AppError extends Error {
  /** The caller's own words for this occurrence, shown as the problem's `detail`; absent = the code's title only. */
  readonly detail: string | undefined;
  readonly #status: number | undefined;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly extra: { headers?: Record<string, string>; body?: Record<string, unknown> } = {},
    status?: number,
  ) {
    super(message ?? registry.get(code)?.title ?? code);
    this.name = 'AppError';
    this.detail = message;
    this.#status = status;
  }

  /** Read from the registry when asked, so an error made before the tables are registered still renders right. */
  get status(): number {
    return this.#status ?? registry.get(this.code)?.status ?? 500;
  }
}

export const notFound = (): AppError => new AppError('NOT_FOUND');
