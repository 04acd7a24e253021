import type { paths } from './schema.d.ts';

/**
 * Response types read off the generated OpenAPI schema (schema.d.ts), so a change to a
 * route's declared response shows up here as a type error instead of at run time.
 */
export type ApiPath = keyof paths;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type JsonOf<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;
type SuccessOf<Responses> = Responses extends { 200: infer R }
  ? JsonOf<R>
  : Responses extends { 201: infer R }
    ? JsonOf<R>
    : never;

/**
 * The methods of a path that declare a JSON success body. Others are not accepted, so
 * a route that loses its response schema fails to compile rather than typing as never.
 */
export type JsonMethodOf<P extends ApiPath> = {
  [M in Method]: paths[P][M] extends { responses: infer Responses }
    ? [SuccessOf<Responses>] extends [never]
      ? never
      : M
    : never;
}[Method];

/** The JSON body `method path` answers with on success (its 200, else its 201). */
export type ResponseOf<P extends ApiPath, M extends JsonMethodOf<P>> = paths[P][M] extends {
  responses: infer Responses;
}
  ? SuccessOf<Responses>
  : never;
