import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPENAPI_JSON, dumpOpenApi } from './dump-openapi.ts';
import { schemaTypesOf } from './generate-types.ts';

/**
 * `npm run api-types` regenerates web/openapi/openapi.json and web/src/api/schema.d.ts
 * from the server's routes; with --check (`npm run api-types:check`, part of lint) it
 * regenerates into a temporary directory and exits 1 when the committed files differ.
 */
const SCHEMA_TS = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));
const rel = (file: string) => path.relative(process.cwd(), file);

async function generate(): Promise<Array<{ target: string; text: string }>> {
  const openapi = await dumpOpenApi();
  return [
    { target: OPENAPI_JSON, text: openapi },
    { target: SCHEMA_TS, text: await schemaTypesOf(openapi) },
  ];
}

/** Names of the committed files that differ from a fresh generation written under `dir`. */
function staleFiles(files: Array<{ target: string; text: string }>, dir: string): string[] {
  return files
    .filter(({ target, text }) => {
      const fresh = path.join(dir, path.basename(target));
      fs.writeFileSync(fresh, text);
      return !fs.existsSync(target) || !fs.readFileSync(target).equals(fs.readFileSync(fresh));
    })
    .map(({ target }) => rel(target));
}

const files = await generate();
if (process.argv.includes('--check')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-api-types-'));
  let stale: string[];
  try {
    stale = staleFiles(files, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (stale.length > 0) {
    process.stderr.write(
      `web API types are stale: run npm run api-types\n  (differs from the server: ${stale.join(', ')})\n`,
    );
    process.exitCode = 1;
  }
} else {
  for (const { target, text } of files) {
    fs.writeFileSync(target, text);
    process.stdout.write(`wrote ${rel(target)}\n`);
  }
}
