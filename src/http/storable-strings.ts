import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';

/**
 * Characters PostgreSQL text cannot store: NUL, and a UTF-16 surrogate without its
 * pair (it has no UTF-8 form). Either would reach the database and fail there as a 500.
 */
// eslint-disable-next-line no-control-regex -- finding NUL is the point of this expression
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (value or object key) that PostgreSQL could not store, or null. */
export function findUnstorableString(value: unknown, at = ''): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? at : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findUnstorableString(item, `${at}/${i}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) return `${at}/${key.replace(UNSTORABLE, '?')}`;
      const found = findUnstorableString(item, `${at}/${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * The app's one validator compiler: the zod schema of every route, after one rule that
 * holds for every string of every body, query, path and header — nothing PostgreSQL
 * cannot store gets past validation. The refusal is an ordinary 400 VALIDATION_FAILED.
 */
export const storableValidatorCompiler: FastifySchemaCompiler<ZodType> = (routeSchema) => {
  const validate = validatorCompiler(routeSchema);
  return (data: unknown) => {
    const where = findUnstorableString(data);
    if (where !== null) {
      return {
        error: [
          {
            keyword: 'storable',
            instancePath: where,
            schemaPath: '#',
            params: {},
            message: 'contains a character that cannot be stored (NUL or an unpaired surrogate)',
          },
        ],
      };
    }
    return validate(data);
  };
};
