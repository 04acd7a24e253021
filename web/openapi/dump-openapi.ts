import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../src/app.ts';
import { schemaOnlyContext } from './schema-only-context.ts';

export const OPENAPI_JSON = fileURLToPath(new URL('./openapi.json', import.meta.url));

/**
 * The server's OpenAPI document as the running server serves it, built in-process
 * from the same routes without a database or a listening port. Two-space JSON with
 * a final newline: route registration order is fixed, so the bytes are stable.
 */
export async function dumpOpenApi(): Promise<string> {
  // Nobody is signed in: the document route is public, and no other route is called.
  const app = await buildApp(schemaOnlyContext(), { resolvePrincipal: async () => null });
  try {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    if (res.statusCode !== 200)
      throw new Error(`GET /api/openapi.json answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
    return `${JSON.stringify(JSON.parse(res.body), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(OPENAPI_JSON, await dumpOpenApi());
  process.stdout.write(`wrote ${path.relative(process.cwd(), OPENAPI_JSON)}\n`);
}
