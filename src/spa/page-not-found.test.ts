import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { WEB_DIST_DIR } from './spa.routes.ts';

// A person who follows a broken link sees the web app's "Page not found" (status 404,
// under the same CSP); a program calling a missing API path still gets problem+json.
describe.skipIf(!fs.existsSync(path.join(WEB_DIST_DIR, 'index.html')))('unknown addresses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('should answer a browser page request with the web app and status 404', async () => {
    const res = await t.inject({ method: 'GET', url: '/no/such/page?x=1', headers: { accept: 'text/html,*/*' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.body).toContain('<div id="root">');
  });

  it('should keep problem+json for API paths, share links, assets and non-browser clients', async () => {
    for (const [url, accept] of [
      ['/api/v1/nothing-here', 'text/html'],
      ['/s/not-a-token', 'text/html'],
      ['/assets/missing.js', 'text/html'],
      ['/no/such/page', 'application/json'],
    ] as const) {
      const res = await t.inject({ method: 'GET', url, headers: { accept } });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/problem\+json/);
    }
    const post = await t.inject({ method: 'POST', url: '/no/such/page', headers: { accept: 'text/html' } });
    expect(post.headers['content-type']).toMatch(/problem\+json/);
  });
});
