/*
 * Attack: downgrading or sidestepping TLS.
 *
 * With TLS_CERT_FILE / TLS_KEY_FILE Chambers speaks HTTPS itself. A network attacker
 * (or an old client) may try to negotiate TLS 1.0/1.1, a CBC or RSA-key-transport
 * cipher suite, or a weak suite the client happens to prefer; they may also catch
 * users on plain HTTP. Policy: TLS 1.2+ only, ECDHE + AEAD suites only, the server's
 * order wins; HTTP_REDIRECT_PORT answers every plain request with 308 to PUBLIC_URL
 * (never to the Host header, so it cannot be turned into an open redirect); HSTS on
 * every HTTPS response. Every refusal is checked against a control server that
 * accepts the same client, so the test proves the server refused, not the client.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/helpers/private-redis.ts';
import { createTestCa, type TestCa } from '../../test/helpers/test-ca.ts';
import { createScratchDatabase, testDatabaseKind } from '../../test/helpers/test-db.ts';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { httpsRedirectTarget, startHttpsRedirect } from './https-redirect.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Handshake = { ok: true; protocol: string | null; cipher: string } | { ok: false; error: string };

function handshake(port: number, opts: tls.ConnectionOptions): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...opts }, () => {
      resolve({ ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().name });
      socket.end();
    });
    socket.once('error', (err: Error & { code?: string }) =>
      resolve({ ok: false, error: `${err.code ?? ''} ${err.message}` }),
    );
  });
}

function request(
  url: string,
  opts: https.RequestOptions & { body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.request(url, opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end(opts.body);
  });
}

/** A TLS server that accepts what a permissive 2015 server would: the control for every refusal. */
async function permissiveServer(ca: TestCa): Promise<{ port: number; close(): void }> {
  const fs = await import('node:fs');
  const server = tls.createServer(
    {
      cert: fs.readFileSync(ca.certFile),
      key: fs.readFileSync(ca.keyFile),
      minVersion: 'TLSv1',
      ciphers: 'ALL@SECLEVEL=0',
      dhparam: 'auto',
    },
    (s) => s.end(),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

describe('HTTPS served by Chambers (TLS_CERT_FILE / TLS_KEY_FILE)', () => {
  let ca: TestCa;
  let t: TestApp;
  let port: number;
  let control: { port: number; close(): void };
  beforeAll(async () => {
    ca = createTestCa();
    t = await startTestApp({ env: { TLS_CERT_FILE: ca.certFile, TLS_KEY_FILE: ca.keyFile } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
    control = await permissiveServer(ca);
  });
  afterAll(async () => {
    control?.close();
    await t?.close();
    ca?.remove();
  });

  it('should serve a client that trusts only the test CA, over TLS 1.3, with HSTS', async () => {
    const res = await request(`https://127.0.0.1:${port}/healthz`, { ca: ca.ca, servername: 'localhost' });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(await handshake(port, { ca: ca.ca })).toMatchObject({ ok: true, protocol: 'TLSv1.3' });
    // `/` (the page a browser opens) carries the whole header set too.
    const root = await request(`https://127.0.0.1:${port}/`, { ca: ca.ca, servername: 'localhost' });
    expect(root.status).toBe(200);
    expect(root.headers['content-type']).toMatch(/^text\/html/);
    for (const name of [
      'content-security-policy',
      'strict-transport-security',
      'x-frame-options',
      'x-content-type-options',
      'referrer-policy',
      'permissions-policy',
      'cross-origin-resource-policy',
    ]) {
      expect(root.headers[name], name).toBeDefined();
    }
    // A client that does not trust the CA is refused by its own verification, as it should be.
    await expect(request(`https://127.0.0.1:${port}/healthz`, { servername: 'localhost' })).rejects.toThrow(
      /certificate/i,
    );
  });

  it('should accept TLS 1.2 with an ECDHE AEAD suite', async () => {
    expect(await handshake(port, { ca: ca.ca, maxVersion: 'TLSv1.2' })).toMatchObject({
      ok: true,
      protocol: 'TLSv1.2',
      cipher: expect.stringMatching(/^ECDHE-RSA-(AES\d+-GCM|CHACHA20-POLY1305)/),
    });
  });

  it.each(['TLSv1', 'TLSv1.1'] as const)('should refuse %s (which the control server accepts)', async (version) => {
    const client = { ca: ca.ca, minVersion: version, maxVersion: version, ciphers: 'ALL@SECLEVEL=0' };
    expect(await handshake(control.port, client)).toMatchObject({ ok: true, protocol: version });
    const refused = await handshake(port, client);
    expect(refused.ok).toBe(false);
    expect((refused as { error: string }).error).toMatch(/PROTOCOL_VERSION|unsupported protocol|wrong version/i);
  });

  it.each([
    'AES128-SHA',
    'AES256-GCM-SHA384',
    'ECDHE-RSA-AES128-SHA',
    'ECDHE-RSA-AES256-SHA384',
    'DHE-RSA-AES128-GCM-SHA256',
  ])('should refuse the weak TLS 1.2 suite %s (which the control server accepts)', async (cipher) => {
    const client = { ca: ca.ca, maxVersion: 'TLSv1.2' as const, ciphers: `${cipher}@SECLEVEL=0` };
    expect(await handshake(control.port, client)).toMatchObject({ ok: true, cipher });
    const refused = await handshake(port, client);
    expect(refused.ok).toBe(false);
    expect((refused as { error: string }).error).toMatch(/HANDSHAKE_FAILURE|no shared cipher|handshake failure/i);
  });

  it("should pick the server's preferred suite, not the client's", async () => {
    const res = await handshake(port, {
      ca: ca.ca,
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384',
    });
    expect(res).toMatchObject({ ok: true, cipher: 'ECDHE-RSA-AES256-GCM-SHA384' });
  });
});

describe('the plain-HTTP redirect listener (HTTP_REDIRECT_PORT)', () => {
  let server: http.Server;
  let port: number;
  const publicUrl = 'https://chambers.example:8443';
  beforeAll(async () => {
    port = await freePort();
    server = await startHttpsRedirect({ host: '127.0.0.1', port, publicUrl, logger: pino({ level: 'silent' }) });
  });
  afterAll(() => new Promise<void>((r) => server?.close(() => r())));

  it('should answer every method with 308 to PUBLIC_URL, same path and query', async () => {
    for (const method of ['GET', 'HEAD', 'POST', 'DELETE']) {
      const res = await request(`http://127.0.0.1:${port}/api/v1/matters?limit=5&x=%2F`, {
        method,
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(res.status, method).toBe(308);
      expect(res.headers.location).toBe('https://chambers.example:8443/api/v1/matters?limit=5&x=%2F');
    }
  });

  it('should never redirect to the Host header or an absolute target (no open redirect)', async () => {
    const spoofedHost = await request(`http://127.0.0.1:${port}/login`, { headers: { host: 'evil.example' } });
    expect(spoofedHost.headers.location).toBe('https://chambers.example:8443/login');
    expect(httpsRedirectTarget(publicUrl, 'http://evil.example/x')).toBe('https://chambers.example:8443/');
    expect(httpsRedirectTarget(publicUrl, '//evil.example/x')).toBe('https://chambers.example:8443/evil.example/x');
    expect(httpsRedirectTarget(publicUrl, '*')).toBe('https://chambers.example:8443/');
    expect(httpsRedirectTarget(publicUrl, '/\\evil.example')).toBe('https://chambers.example:8443/\\evil.example');
    for (const target of ['//evil.example/x', '/\\evil.example', '/%2F%2Fevil.example']) {
      expect(new URL(httpsRedirectTarget(publicUrl, target)).host).toBe('chambers.example:8443');
    }
  });
});

describe('`chambers start` with TLS and HTTP_REDIRECT_PORT', () => {
  it('should serve HTTPS with HSTS and redirect plain HTTP to PUBLIC_URL', async () => {
    const ca = createTestCa();
    const scratch = testDatabaseKind() === 'postgres' ? await createScratchDatabase() : null;
    const [httpsPort, redirectPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['bin/chambers.js', 'start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOST: '127.0.0.1',
        PORT: String(httpsPort),
        HTTP_REDIRECT_PORT: String(redirectPort),
        PUBLIC_URL: `https://localhost:${httpsPort}`,
        TLS_CERT_FILE: ca.certFile,
        TLS_KEY_FILE: ca.keyFile,
        CHAMBERS_DATA_DIR: path.join(ca.dir, 'data'),
        LOG_LEVEL: 'warn',
        ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no setup line; stderr: ${stderr}`)), 150_000);
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('/setup?token=')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      const redirected = await request(`http://127.0.0.1:${redirectPort}/setup?token=abc`, {
        headers: { host: 'evil.example' },
      });
      expect(redirected.status).toBe(308);
      expect(redirected.headers.location).toBe(`https://localhost:${httpsPort}/setup?token=abc`);
      const served = await request(`https://127.0.0.1:${httpsPort}/healthz`, { ca: ca.ca, servername: 'localhost' });
      expect(served.status).toBe(200);
      expect(served.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      await scratch?.drop();
      ca.remove();
    }
  }, 240_000);
});
