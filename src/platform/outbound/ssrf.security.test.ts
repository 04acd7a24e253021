import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SsrfError, safeFetch, type ResolvedAddress, type Resolver } from './index.ts';

/**
 * Server-side request forgery: an attacker hands the server a URL (a webhook
 * target, a document to import) that points at something only the server can
 * reach — loopback services, the cloud metadata endpoint, the private network.
 * Each attempt below must be refused with a stable code before any connection.
 */

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

/** Hostile DNS: public-looking names that answer with internal addresses. */
const HOSTILE_DNS: Record<string, ResolvedAddress[]> = {
  '127.0.0.1.nip.io': [v4('127.0.0.1')],
  'mixed.example.com': [v4('93.184.216.34'), v4('10.0.0.1')],
  'v6-loopback.example.com': [v6('::1')],
  'v6-mapped.example.com': [v6('::ffff:10.0.0.1')],
  'metadata.example.com': [v4('169.254.169.254')],
  'cgnat.example.com': [v4('100.64.1.1')],
  'ula.example.com': [v6('fd12:3456::1')],
  'empty.example.com': [],
};
const hostileResolver: Resolver = async (name) => {
  const answers = HOSTILE_DNS[name];
  if (!answers) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  return answers;
};

type Attempt = [url: string, code: string, reason?: string];

const CORPUS: Attempt[] = [
  // Other schemes
  ['file:///etc/passwd', 'SSRF_SCHEME_FORBIDDEN', 'scheme-file'],
  ['gopher://127.0.0.1:6379/_INFO', 'SSRF_SCHEME_FORBIDDEN', 'scheme-gopher'],
  ['dict://127.0.0.1:11211/stats', 'SSRF_SCHEME_FORBIDDEN', 'scheme-dict'],
  ['ftp://example.com/file', 'SSRF_SCHEME_FORBIDDEN', 'scheme-ftp'],
  ['javascript:alert(1)', 'SSRF_SCHEME_FORBIDDEN', 'scheme-javascript'],
  ['data:text/plain,hello', 'SSRF_SCHEME_FORBIDDEN', 'scheme-data'],
  // Parser confusion
  ['http:example.com/', 'SSRF_URL_INVALID', 'no-authority'],
  ['//example.com/x', 'SSRF_URL_INVALID', 'not-absolute'],
  ['http://example.com\\@127.0.0.1/', 'SSRF_URL_INVALID', 'forbidden-character'],
  ['http:/\\example.com/', 'SSRF_URL_INVALID', 'forbidden-character'],
  ['http://exam ple.com/', 'SSRF_URL_INVALID', 'forbidden-character'],
  ['http://example.com/\r\nHost: 127.0.0.1', 'SSRF_URL_INVALID', 'forbidden-character'],
  [`http://example.com/${'a'.repeat(3000)}`, 'SSRF_URL_INVALID', 'length'],
  ['http://[fe80::1%25eth0]/', 'SSRF_HOST_FORBIDDEN', 'percent-encoded'],
  // Credentials in the URL
  ['http://user:pass@example.com/', 'SSRF_CREDENTIALS_IN_URL', 'userinfo'],
  ['http://example.com@127.0.0.1/', 'SSRF_CREDENTIALS_IN_URL', 'userinfo'],
  ['http://@127.0.0.1/', 'SSRF_CREDENTIALS_IN_URL', 'userinfo'],
  // Non-canonical IPv4 that parsers fold into loopback, private or metadata addresses
  ['http://2130706433/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  ['http://0x7f000001/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  ['http://0x7f.1/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  ['http://017700000001/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  ['http://0177.0.0.1/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  ['http://127.1/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  ['http://127.0.1/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  ['http://127.000.000.001/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  ['http://0/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  ['http://3232235521/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  ['http://2852039166/latest/meta-data/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  ['http://0xA9.0xFE.0xA9.0xFE/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  ['http://0x7f.0x0.0x0.0x1/', 'SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4'],
  // IPv4 literals outside public unicast
  ['http://127.0.0.1/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-loopback'],
  ['http://127.255.255.254:8080/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-loopback'],
  ['http://0.0.0.0/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-unspecified'],
  ['http://10.0.0.1/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-private'],
  ['http://172.16.0.1/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-private'],
  ['http://192.168.1.1/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-private'],
  ['http://169.254.169.254/latest/meta-data/', 'SSRF_ADDRESS_FORBIDDEN', 'metadata'],
  ['http://100.100.100.200/latest/meta-data/', 'SSRF_ADDRESS_FORBIDDEN', 'metadata'],
  ['http://168.63.129.16/', 'SSRF_ADDRESS_FORBIDDEN', 'metadata'],
  ['http://100.64.0.1/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-carrierGradeNat'],
  ['http://169.254.1.1/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-linkLocal'],
  ['http://224.0.0.1/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-multicast'],
  ['http://255.255.255.255/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-broadcast'],
  ['http://192.0.2.1/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-reserved'],
  ['http://198.51.100.7/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-reserved'],
  ['http://198.18.0.1/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-reserved'],
  ['http://240.0.0.1/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-reserved'],
  // IPv6 literals
  ['http://[::1]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-loopback'],
  ['http://[::]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-unspecified'],
  ['http://[::ffff:127.0.0.1]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-ipv4-mapped'],
  ['http://[0:0:0:0:0:ffff:169.254.169.254]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-ipv4-mapped'],
  ['http://[::ffff:7f00:1]:8080/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-ipv4-mapped'],
  ['http://[::127.0.0.1]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-not-global'],
  ['http://[fe80::1]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-linkLocal'],
  ['http://[fc00::1]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-uniqueLocal'],
  ['http://[fd00:ec2::254]/latest/meta-data/', 'SSRF_ADDRESS_FORBIDDEN', 'metadata'],
  ['http://[fec0::1]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-deprecatedSiteLocal'],
  ['http://[ff02::1]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-multicast'],
  ['http://[2001:db8::1]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-reserved'],
  ['http://[2002:7f00:1::1]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-6to4-embeds-ipv4-loopback'],
  ['http://[2002:c0a8:101::1]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-6to4-embeds-ipv4-private'],
  ['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-teredo-embeds-ipv4-loopback'],
  ['http://[64:ff9b::7f00:1]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-rfc6052-embeds-ipv4-loopback'],
  ['http://[64:ff9b::a9fe:a9fe]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-rfc6052-embeds-metadata'],
  ['http://[64:ff9b:1::a00:1]/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-rfc6052'],
  // Names that are internal by construction, and IDN / encoding tricks
  ['http://localhost/', 'SSRF_HOST_FORBIDDEN', 'localhost'],
  ['http://LOCALHOST:3000/admin', 'SSRF_HOST_FORBIDDEN', 'localhost'],
  ['http://api.localhost/', 'SSRF_HOST_FORBIDDEN', 'localhost'],
  ['http://localhost./', 'SSRF_HOST_FORBIDDEN', 'trailing-dot'],
  ['http://example.com./', 'SSRF_HOST_FORBIDDEN', 'trailing-dot'],
  ['http://127.0.0.1./', 'SSRF_HOST_FORBIDDEN', 'trailing-dot'],
  ['http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/', 'SSRF_HOST_FORBIDDEN', 'non-ascii'],
  ['http://１２７.０.０.１/', 'SSRF_HOST_FORBIDDEN', 'non-ascii'],
  ['http://exаmple.com/', 'SSRF_HOST_FORBIDDEN', 'non-ascii'],
  ['http://%6c%6f%63%61%6c%68%6f%73%74/', 'SSRF_HOST_FORBIDDEN', 'percent-encoded'],
  ['http://intranet/', 'SSRF_HOST_FORBIDDEN', 'single-label'],
  ['http://metadata.google.internal/computeMetadata/v1/', 'SSRF_HOST_FORBIDDEN', 'internal-suffix'],
  ['http://printer.local/', 'SSRF_HOST_FORBIDDEN', 'internal-suffix'],
  // Public-looking names whose DNS answers are internal (checked after resolution)
  ['http://127.0.0.1.nip.io/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-loopback'],
  ['http://mixed.example.com/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-private'],
  ['http://v6-loopback.example.com/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-loopback'],
  ['http://v6-mapped.example.com/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-ipv4-mapped'],
  ['https://metadata.example.com/', 'SSRF_ADDRESS_FORBIDDEN', 'metadata'],
  ['http://cgnat.example.com/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv4-carrierGradeNat'],
  ['http://ula.example.com/', 'SSRF_ADDRESS_FORBIDDEN', 'ipv6-uniqueLocal'],
  ['http://empty.example.com/', 'SSRF_DNS_FAILED', 'no-answer'],
  ['http://does-not-exist.example.com/', 'SSRF_DNS_FAILED', 'lookup-failed'],
];

async function refusal(url: string, opts: Parameters<typeof safeFetch>[1] = {}): Promise<SsrfError> {
  try {
    await safeFetch(url, { timeoutMs: 2000, ...opts, policy: { resolve: hostileResolver, ...opts.policy } });
  } catch (err) {
    if (err instanceof SsrfError) return err;
    throw err;
  }
  throw new Error(`${url} was fetched`);
}

describe('SSRF guard: bypass corpus', () => {
  it('should hold at least 50 distinct attempts', () => {
    expect(new Set(CORPUS.map(([url]) => url)).size).toBe(CORPUS.length);
    expect(CORPUS.length).toBeGreaterThanOrEqual(50);
  });

  it.each(CORPUS)('should refuse %s with %s (%s)', async (url, code, reason) => {
    const err = await refusal(url);
    expect({ code: err.code, reason: err.reason }).toEqual({ code, reason });
    expect(err.status).toBeGreaterThanOrEqual(400);
  });
});

describe('SSRF guard against a real local server', () => {
  let server: http.Server;
  let port: number;
  const hits: Array<{
    path: string;
    host: string | undefined;
    authorization: string | undefined;
    method: string;
    body: string;
  }> = [];
  const receiver = 'receiver.chambers.test';
  const other = 'other.chambers.test';
  const resolve: Resolver = async (name) => {
    if (name === receiver || name === other || name === 'internal.example.com') return [v4('127.0.0.1')];
    return hostileResolver(name);
  };
  const policy = { allowHosts: [receiver, other], resolve };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const path = req.url ?? '/';
        hits.push({
          path,
          host: req.headers.host,
          authorization: req.headers.authorization,
          method: req.method ?? '',
          body,
        });
        const redirect = (to: string, status = 302) => res.writeHead(status, { location: to }).end();
        if (path === '/ok') return res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
        if (path === '/echo')
          return res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ method: req.method, body }));
        if (path === '/to-relative') return redirect('/ok');
        if (path === '/to-private-name') return redirect(`http://internal.example.com:${port}/secret`);
        if (path === '/to-loopback') return redirect(`http://127.0.0.1:${port}/secret`);
        if (path === '/to-hex') return redirect(`http://0x7f.1:${port}/secret`);
        if (path === '/to-file') return redirect('file:///etc/passwd');
        if (path === '/to-metadata') return redirect('http://169.254.169.254/latest/meta-data/');
        if (path === '/to-other') return redirect(`http://${other}:${port}/ok`);
        if (path === '/see-other') return redirect('/echo', 303);
        if (path.startsWith('/loop')) return redirect(`/loop${Number(path.slice(5) || 0) + 1}`);
        if (path === '/big-declared')
          return res.writeHead(200, { 'content-length': String(2_000_000) }).end(Buffer.alloc(2_000_000));
        if (path === '/big-chunked') {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          for (let i = 0; i < 20; i++) res.write(Buffer.alloc(100_000));
          return res.end();
        }
        if (path === '/slow') return; // never answers
        return res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const secretHits = () => hits.filter((h) => h.path === '/secret').length;

  it('should fetch from an allow-listed name, keeping the name in the Host header', async () => {
    const res = await safeFetch(`http://${receiver}:${port}/ok`, { policy });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello');
    expect(hits.at(-1)?.host).toBe(`${receiver}:${port}`);
  });

  it('should reach an allow-listed localhost through the system resolver', async () => {
    const res = await safeFetch(`http://localhost:${port}/ok`, { policy: { allowHosts: ['localhost'] } });
    expect(res.status).toBe(200);
  });

  it('should refuse that same server when its name is not allow-listed', async () => {
    expect((await refusal(`http://localhost:${port}/ok`)).code).toBe('SSRF_HOST_FORBIDDEN');
    expect((await refusal(`http://127.0.0.1:${port}/ok`)).code).toBe('SSRF_ADDRESS_FORBIDDEN');
  });

  it('should send a POST body and follow a relative redirect, re-checking the hop', async () => {
    const post = await safeFetch(`http://${receiver}:${port}/echo`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
      policy,
    });
    expect(JSON.parse(post.body.toString())).toEqual({ method: 'POST', body: '{"a":1}' });
    const followed = await safeFetch(`http://${receiver}:${port}/to-relative`, { policy });
    expect(followed).toMatchObject({ status: 200, redirects: 1, url: `http://${receiver}:${port}/ok` });
    const seeOther = await safeFetch(`http://${receiver}:${port}/see-other`, { method: 'POST', body: 'x', policy });
    expect(JSON.parse(seeOther.body.toString())).toEqual({ method: 'GET', body: '' });
  });

  it('should refuse a redirect to a public-looking name that resolves to loopback, without connecting', async () => {
    const before = secretHits();
    const err = await refusal(`http://${receiver}:${port}/to-private-name`, { policy });
    expect({ code: err.code, reason: err.reason }).toEqual({ code: 'SSRF_ADDRESS_FORBIDDEN', reason: 'ipv4-loopback' });
    expect(secretHits()).toBe(before);
  });

  it('should refuse redirects to loopback, obfuscated IPs, other schemes and metadata', async () => {
    const before = secretHits();
    expect((await refusal(`http://${receiver}:${port}/to-loopback`, { policy })).code).toBe('SSRF_ADDRESS_FORBIDDEN');
    expect((await refusal(`http://${receiver}:${port}/to-hex`, { policy })).code).toBe('SSRF_IP_FORM_FORBIDDEN');
    expect((await refusal(`http://${receiver}:${port}/to-file`, { policy })).code).toBe('SSRF_SCHEME_FORBIDDEN');
    expect((await refusal(`http://${receiver}:${port}/to-metadata`, { policy })).reason).toBe('metadata');
    expect(secretHits()).toBe(before);
  });

  it('should not carry credentials to another origin on redirect', async () => {
    await safeFetch(`http://${receiver}:${port}/to-other`, { headers: { authorization: 'Bearer secret' }, policy });
    const [first, second] = hits.slice(-2);
    expect(first).toMatchObject({ path: '/to-other', authorization: 'Bearer secret' });
    expect(second).toMatchObject({ path: '/ok', host: `${other}:${port}`, authorization: undefined });
  });

  it('should stop after maxRedirects', async () => {
    const err = await refusal(`http://${receiver}:${port}/loop`, { policy, maxRedirects: 2 });
    expect(err.code).toBe('SSRF_TOO_MANY_REDIRECTS');
  });

  it('should cap the response size, declared or streamed', async () => {
    expect((await refusal(`http://${receiver}:${port}/big-declared`, { policy, maxBytes: 1000 })).reason).toBe(
      'declared-length',
    );
    expect((await refusal(`http://${receiver}:${port}/big-chunked`, { policy, maxBytes: 150_000 })).reason).toBe(
      'streamed-length',
    );
  });

  it('should give up when the whole exchange exceeds its time budget', async () => {
    const started = Date.now();
    expect((await refusal(`http://${receiver}:${port}/slow`, { policy, timeoutMs: 300 })).code).toBe('SSRF_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('should connect to the address it checked: DNS rebinding to loopback after the check never connects', async () => {
    // First answer public, every later answer loopback: a guard that resolves twice would connect to 127.0.0.1.
    let lookups = 0;
    const rebinding: Resolver = async () => (++lookups === 1 ? [v4('93.184.216.34')] : [v4('127.0.0.1')]);
    const before = secretHits();
    const err = await refusal(`http://rebind.example.com:${port}/secret`, {
      policy: { resolve: rebinding },
      timeoutMs: 1500,
    });
    expect(['SSRF_CONNECT_FAILED', 'SSRF_TIMEOUT']).toContain(err.code);
    expect(lookups).toBe(1);
    expect(secretHits()).toBe(before);
  });
});
