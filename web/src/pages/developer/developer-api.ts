import createClient from 'openapi-fetch';
import { request } from '../../api/client.ts';
import type { paths } from '../../api/schema.d.ts';

/**
 * The developer portal's client, generated from the server's OpenAPI document
 * (openapi-fetch over schema.d.ts): paths, parameters, bodies and answers are the
 * server's own, so a change to the contract fails the web app's type check.
 *
 * Requests still go through the app's one way to the API (`request`): cookies, the
 * CSRF header, the step-up prompt and the refresh-then-retry. A refusal therefore
 * throws ApiError as everywhere else in the app, and a resolved call is a 2xx.
 */
export const developerApi = createClient<paths>({
  fetch: async (req: Request) => {
    const url = new URL(req.url, window.location.origin);
    const text = req.method === 'GET' || req.method === 'HEAD' ? '' : await req.text();
    return request(req.method, url.pathname + url.search, text ? { body: JSON.parse(text) as unknown } : {});
  },
});

/** The body of a 2xx answer that declares one (openapi-fetch types it as possibly absent). */
export function bodyOf<T>(answer: { data?: T }): T {
  if (answer.data === undefined) throw new Error('the server answered without the body its contract declares');
  return answer.data;
}
