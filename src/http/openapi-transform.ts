import { jsonSchemaTransform } from 'fastify-type-provider-zod';

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/**
 * jsonSchemaTransform, plus one fact OpenAPI would otherwise lose: a query string
 * is flattened into separate parameters, so whether it refuses unknown fields
 * (`additionalProperties: false`) is kept as `x-query-additional-properties` on
 * the operation, where the schema-walking test checks it.
 */
export function openapiTransform(document: TransformInput): ReturnType<typeof jsonSchemaTransform> {
  const result = jsonSchemaTransform(document);
  const query = (result.schema as { querystring?: { additionalProperties?: unknown } } | undefined)?.querystring;
  if (query && result.schema) {
    (result.schema as Record<string, unknown>)['x-query-additional-properties'] = query.additionalProperties ?? true;
  }
  return result;
}
