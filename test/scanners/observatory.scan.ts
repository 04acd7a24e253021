/*
 * The Mozilla HTTP Observatory (npm @mdn/mdn-http-observatory, installed in
 * tools/observatory by .ci/run) grades the headers of our HTTPS server: CSP,
 * HSTS, cookies, CORS, framing, referrer, CORP, SRI. Chambers must get A+ and a
 * score of at least 120 on `/`, the page a browser opens first (the Observatory scans only `/`).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, type TestCa } from '../helpers/test-ca.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

const OBSERVATORY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../tools/observatory/node_modules/@mdn/mdn-http-observatory',
);

type ScanOutput = {
  scan: { grade: string; score: number; testsFailed: number; statusCode: number };
  tests: Record<string, { pass: boolean; result: string; scoreModifier: number }>;
};

async function observatoryScan(target: string, caFile: string): Promise<ScanOutput> {
  // Run its scan entry directly: its bin wrapper replaces NODE_EXTRA_CA_CERTS with Mozilla's bundle.
  // Asynchronously: the server under scan runs in this process.
  const out = await promisify(execFile)(process.execPath, [path.join(OBSERVATORY, 'src/scan.js'), target], {
    cwd: OBSERVATORY,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
    encoding: 'utf8',
    timeout: 120_000,
  }).then(
    (r) => r.stdout,
    (err: { stdout?: string }) => err.stdout ?? JSON.stringify({ error: String(err) }),
  );
  const parsed = JSON.parse(out) as ScanOutput | { error: string };
  if ('error' in parsed) throw new Error(`observatory: ${parsed.error}`);
  return parsed;
}

describe('Mozilla HTTP Observatory against the HTTPS server', () => {
  let ca: TestCa;
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    if (!fs.existsSync(path.join(OBSERVATORY, 'src/scan.js'))) {
      throw new Error(
        'tools/observatory is not installed: (cd tools/observatory && npm ci --ignore-scripts) and an empty conf/hsts-preload.json; .ci/run does both',
      );
    }
    ca = createTestCa();
    t = await startTestApp({ env: { TLS_CERT_FILE: ca.certFile, TLS_KEY_FILE: ca.keyFile } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t?.close();
    ca?.remove();
  });

  it('should grade / A+ with a score of at least 120 and no failed test', async () => {
    const result = await observatoryScan(`127.0.0.1:${port}`, ca.caFile);
    const failed = Object.entries(result.tests)
      .filter(([, r]) => !r.pass)
      .map(([name, r]) => `${name}: ${r.result}`);
    process.stdout.write(
      `observatory /: grade ${result.scan.grade}, score ${result.scan.score}, ${Object.keys(result.tests).length} tests\n`,
    );
    expect(failed).toEqual([]);
    expect(result.scan.statusCode).toBe(200);
    expect(result.scan.grade).toBe('A+');
    expect(result.scan.score).toBeGreaterThanOrEqual(120);
  });
});
