import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkAddress } from './address-policy.ts';
import { SsrfError, checkHostName, parseTargetUrl, type TargetUrl } from './target-url.ts';

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Name → every address it resolves to. Injected by tests to simulate hostile DNS. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export type SsrfPolicy = {
  /**
   * Host names (exact, case-insensitive) exempt from the name and address policy,
   * for tests and development against local receivers (env SSRF_ALLOW_HOSTS).
   */
  allowHosts?: readonly string[];
  /** Replaces the system resolver (tests only). */
  resolve?: Resolver;
};

export type SafeFetchOptions = {
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Largest response body accepted; default 1 MiB. */
  maxBytes?: number;
  /** Budget for the whole exchange, redirects included; default 10 s. */
  timeoutMs?: number;
  /** Redirects followed (each hop re-checked); default 3. */
  maxRedirects?: number;
  policy?: SsrfPolicy;
};

export type SafeResponse = {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  url: string;
  redirects: number;
};

const DEFAULTS = { maxBytes: 1024 * 1024, timeoutMs: 10_000, maxRedirects: 3 } as const;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers the caller may not set (the transport owns them) and those never carried to another origin. */
const TRANSPORT_HEADERS = [
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
];
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];
/** Connection errors after which the next vetted address of the same name may be tried (nothing was sent). */
const CONNECT_PHASE_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

const systemResolve: Resolver = async (hostname) => {
  const answers = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * The one way the server contacts a URL it was given (outbound webhooks,
 * document-by-URL): checks the URL, resolves the name once, refuses if ANY
 * answer is not a public unicast address, then connects to exactly that vetted
 * address (a custom `lookup`, so no second DNS query can rebind it) while SNI and
 * Host keep the name. Redirects are followed by hand and every hop is checked
 * again; the response size and the total time are capped. Throws SsrfError.
 *
 * @example
 *   const res = await safeFetch('https://hooks.example.com/in', { method: 'POST', body, policy: { allowHosts: config.ssrfAllowHosts } });
 */
export async function safeFetch(rawUrl: string, opts: SafeFetchOptions = {}): Promise<SafeResponse> {
  const maxBytes = opts.maxBytes ?? DEFAULTS.maxBytes;
  const maxRedirects = opts.maxRedirects ?? DEFAULTS.maxRedirects;
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const allowHosts = new Set((opts.policy?.allowHosts ?? []).map((h) => h.toLowerCase()));
  const resolve = opts.policy?.resolve ?? systemResolve;

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let method = opts.method ?? 'GET';
  let body = opts.body;
  let headers = cleanHeaders(opts.headers ?? {});
  let current = rawUrl;
  try {
    for (let hop = 0; ; hop++) {
      const target = parseTargetUrl(current);
      const addresses = await vetDestination(target, allowHosts, resolve, controller.signal);
      const res = await exchangeWithFallback(target, addresses, {
        method,
        headers,
        body,
        maxBytes,
        signal: controller.signal,
      });
      const location = res.headers.location;
      if (!REDIRECTS.has(res.status) || typeof location !== 'string') {
        return { status: res.status, headers: res.headers, body: res.body, url: target.url.toString(), redirects: hop };
      }
      if (hop >= maxRedirects) throw new SsrfError('SSRF_TOO_MANY_REDIRECTS', `over-${maxRedirects}`);
      // An absolute Location is checked as written (so obfuscated hosts are caught); a relative one is resolved first.
      current = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location) ? location : resolveRelative(location, target.url);
      const nextOrigin = safeOrigin(current);
      if (nextOrigin !== target.url.origin) headers = withoutHeaders(headers, CREDENTIAL_HEADERS);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = withoutHeaders(headers, ['content-type']);
      }
    }
  } catch (err) {
    if (controller.signal.aborted && !(err instanceof SsrfError && err.code !== 'SSRF_CONNECT_FAILED'))
      throw new SsrfError('SSRF_TIMEOUT', 'deadline');
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Every address the destination may be reached at, all of them vetted. */
async function vetDestination(
  target: TargetUrl,
  allowHosts: Set<string>,
  resolve: Resolver,
  signal: AbortSignal,
): Promise<ResolvedAddress[]> {
  const exempt = allowHosts.has(target.hostname);
  if (target.isIpLiteral) {
    if (!exempt) refuseUnlessPublic(target.hostname);
    return [{ address: target.hostname, family: target.hostname.includes(':') ? 6 : 4 }];
  }
  if (!exempt) checkHostName(target.hostname);
  let answers: ResolvedAddress[];
  try {
    answers = await resolve(target.hostname);
  } catch {
    if (signal.aborted) throw new SsrfError('SSRF_TIMEOUT', 'dns');
    throw new SsrfError('SSRF_DNS_FAILED', 'lookup-failed');
  }
  if (answers.length === 0) throw new SsrfError('SSRF_DNS_FAILED', 'no-answer');
  // One bad answer refuses the name: a resolver may hand out any of them, and attackers mix public and private records.
  if (!exempt) for (const a of answers) refuseUnlessPublic(a.address);
  return answers;
}

function refuseUnlessPublic(address: string): void {
  const verdict = checkAddress(address);
  if (!verdict.allowed) throw new SsrfError('SSRF_ADDRESS_FORBIDDEN', verdict.reason);
}

type Exchange = {
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  maxBytes: number;
  signal: AbortSignal;
};
type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

async function exchangeWithFallback(
  target: TargetUrl,
  addresses: ResolvedAddress[],
  req: Exchange,
): Promise<RawResponse> {
  for (const [i, address] of addresses.entries()) {
    try {
      return await exchange(target, address, req);
    } catch (err) {
      const retry =
        err instanceof SsrfError &&
        err.code === 'SSRF_CONNECT_FAILED' &&
        CONNECT_PHASE_ERRORS.has(err.reason) &&
        i < addresses.length - 1;
      if (!retry) throw err;
    }
  }
  throw new SsrfError('SSRF_CONNECT_FAILED', 'no-address');
}

/** One HTTP exchange with the socket pinned to `pinned`. A redirect's body is discarded unread. */
function exchange(target: TargetUrl, pinned: ResolvedAddress, req: Exchange): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
      else callback(null, pinned.address, pinned.family);
    };
    const isHttps = target.url.protocol === 'https:';
    const options: https.RequestOptions = {
      protocol: target.url.protocol,
      host: target.isIpLiteral ? pinned.address : target.hostname,
      port: target.url.port || (isHttps ? 443 : 80),
      path: `${target.url.pathname}${target.url.search}`,
      method: req.method,
      headers: {
        'user-agent': 'Chambers',
        ...req.headers,
        ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}),
      },
      agent: false,
      signal: req.signal,
      ...(target.isIpLiteral ? {} : { lookup, servername: target.hostname }),
    };
    const request = (isHttps ? https : http).request(options, (res) => {
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        res.resume();
        request.destroy();
        resolve({ status, headers: res.headers, body: Buffer.alloc(0) });
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > req.maxBytes) {
        request.destroy();
        reject(new SsrfError('SSRF_RESPONSE_TOO_LARGE', 'declared-length'));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > req.maxBytes) {
          request.destroy();
          reject(new SsrfError('SSRF_RESPONSE_TOO_LARGE', 'streamed-length'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (err: NodeJS.ErrnoException) => reject(connectError(err, req.signal)));
      res.on('close', () => {
        if (!res.complete)
          reject(connectError(Object.assign(new Error('response cut short'), { code: 'ECONNRESET' }), req.signal));
      });
    });
    request.on('error', (err: NodeJS.ErrnoException) => reject(connectError(err, req.signal)));
    if (req.body !== undefined) request.end(req.body);
    else request.end();
  });
}

function connectError(err: NodeJS.ErrnoException, signal: AbortSignal): SsrfError {
  if (signal.aborted) return new SsrfError('SSRF_TIMEOUT', 'deadline');
  return new SsrfError('SSRF_CONNECT_FAILED', err.code ?? 'error');
}

function cleanHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (!TRANSPORT_HEADERS.includes(key)) out[key] = value;
  }
  return out;
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !names.includes(k)));
}

function resolveRelative(location: string, base: URL): string {
  try {
    return new URL(location, base).toString();
  } catch {
    throw new SsrfError('SSRF_URL_INVALID', 'bad-location');
  }
}

function safeOrigin(raw: string): string | null {
  try {
    return new URL(raw).origin;
  } catch {
    return null;
  }
}
