import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { WEB_DIST_DIR } from './spa.routes.ts';

// The build writes .br and .gz beside each asset; the server hands each browser the
// smallest encoding it accepts, unchanged bytes otherwise, and says it varies by that.
const built = fs.existsSync(path.join(WEB_DIST_DIR, 'index.html'));

describe.skipIf(!built)('the web app served precompressed', () => {
  let t: TestApp;
  let asset: string;
  beforeAll(async () => {
    t = await startTestApp();
    const html = (await t.inject({ method: 'GET', url: '/login' })).body;
    asset = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)?.[1] ?? '';
  });
  afterAll(async () => t?.close());

  const fetchAsset = (acceptEncoding: string) =>
    t.inject({ method: 'GET', url: asset, headers: { 'accept-encoding': acceptEncoding } });

  it('should send Brotli to a browser that accepts it, gzip to one that accepts only gzip, and plain bytes otherwise', async () => {
    expect(asset).toMatch(/^\/assets\/index-/);
    const raw = fs.readFileSync(path.join(WEB_DIST_DIR, asset));

    const br = await fetchAsset('gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(zlib.brotliDecompressSync(br.rawPayload).equals(raw)).toBe(true);
    expect(br.rawPayload.length).toBeLessThan(raw.length / 2);

    const gz = await fetchAsset('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).equals(raw)).toBe(true);

    const plain = await fetchAsset('identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(raw)).toBe(true);
  });
});
