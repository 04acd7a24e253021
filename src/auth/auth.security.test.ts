/*
 * Threat model: access tokens.
 *
 * The attacker can reach the API, read our public keys (JWKS), and hold a valid
 * token of their own; they may also have captured someone else's token (from a
 * log, a proxy, a browser history) after that session ended. They want the API to
 * accept a token it did not issue, or accept one it issued for something else:
 *   - no / malformed credentials, or another scheme (Basic);
 *   - algorithm confusion: `alg: none`, and HS256 keyed with our RSA *public* key;
 *   - their own RSA key, announced through `kid` (ours, unknown, path-like),
 *     `jku` / `x5u` (a URL we would fetch) or an embedded `jwk`;
 *   - replay outside the validity window (expired, issued in the future), or for
 *     another audience or issuer;
 *   - editing the payload (role, org) and keeping the signature;
 *   - replay after logout, or after their membership was removed;
 *   - a huge token to make the verifier fall over (500 instead of 401).
 * Every refusal is 401 problem+json with a code, never a stack and never the token.
 * The file also covers what the tokens rest on (JWKS holds only public parameters;
 * key rotation keeps old tokens verifying), the timing side channel of sign-in
 * (unknown address vs wrong password) and cross-site form posts against cookie sessions.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createMember,
  signedInMember,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/tenant.ts';
import { activeSigningKey, loadOrCreateKeys, rotateSigningKey } from '../platform/keys.ts';
import {
  ACCESS_TOKEN_AUDIENCE,
  jwks,
  signAccessToken,
  verifyAccessToken,
  type AccessClaims,
} from '../sessions/access-tokens.ts';
import { COOKIE } from '../sessions/browser-session.ts';

// ---------------------------------------------------------------- helpers

const b64json = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const decodePayload = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
const decodeHeader = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));

type Signer = { kind: 'rs256'; key: crypto.KeyObject } | { kind: 'hs256'; secret: Buffer } | { kind: 'none' };

/** Builds a JWS by hand, so every header field (alg, kid, jku, jwk…) is exactly what the attacker chooses. */
function forge(header: Record<string, unknown>, payload: Record<string, unknown>, signer: Signer): string {
  const input = `${b64json(header)}.${b64json(payload)}`;
  if (signer.kind === 'none') return `${input}.`;
  const sig =
    signer.kind === 'rs256'
      ? crypto.sign('sha256', Buffer.from(input), signer.key)
      : crypto.createHmac('sha256', signer.secret).update(input).digest();
  return `${input}.${sig.toString('base64url')}`;
}

const nowSec = () => Math.floor(Date.now() / 1000);

/** A refusal must be a 401 problem+json with the given code, carrying no stack, no internals and not the token. */
function expectRefused(res: LightMyRequestResponse, code: string, presented?: string) {
  expect(res.statusCode, res.body).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  expect(body.code).toBe(code);
  expect(body.status).toBe(401);
  for (const key of Object.keys(body))
    expect(['type', 'title', 'status', 'code', 'detail', 'requestId']).toContain(key);
  expect(res.body).not.toMatch(/stack|\.ts:\d+|at [\w.<>]+ \(|node_modules|BEGIN (RSA |)P(UBLIC|RIVATE) KEY/i);
  if (presented) {
    expect(res.body).not.toContain(presented.slice(0, 40));
    for (const segment of presented.split('.')) if (segment.length > 16) expect(res.body).not.toContain(segment);
  }
}

describe('access-token attacks on GET /api/v1/me', () => {
  let t: TestApp;
  let victim: Awaited<ReturnType<typeof signedInMember>>;
  let claims: Record<string, unknown>;
  let serverKid: string;
  let attackerKey: crypto.KeyObject;
  let attackerPublicJwk: crypto.JsonWebKey;
  const me = (headers: Record<string, string> = {}) => t.inject({ method: 'GET', url: '/api/v1/me', headers });
  const serverKey = () => activeSigningKey(t.ctx.keys).privateKey;

  beforeAll(async () => {
    t = await startTestApp();
    victim = await signedInMember(t, { role: 'lawyer' });
    claims = decodePayload(victim.accessToken);
    serverKid = String(decodeHeader(victim.accessToken).kid);
    const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    attackerKey = pair.privateKey;
    attackerPublicJwk = pair.publicKey.export({ format: 'jwk' });
  });
  afterAll(async () => t?.close());

  it('control: the genuine token, and the same claims re-signed by hand with the server key, are accepted', async () => {
    // Proves the forging helper is right, so each refusal below is caused by its attack alone.
    expect((await me(victim.headers)).statusCode).toBe(200);
    const resigned = forge({ alg: 'RS256', kid: serverKid, typ: 'at+jwt' }, claims, {
      kind: 'rs256',
      key: serverKey(),
    });
    const res = await me(bearer(resigned));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.id).toBe(victim.userId);
  });

  describe('missing or malformed credentials', () => {
    it('no token at all → 401 UNAUTHENTICATED', async () => {
      expectRefused(await me(), 'UNAUTHENTICATED');
    });

    it('"Bearer <garbage>" → 401 TOKEN_INVALID', async () => {
      for (const garbage of ['garbage', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.e30.', '...', `${victim.accessToken}x`]) {
        expectRefused(await me(bearer(garbage)), 'TOKEN_INVALID', garbage.length > 16 ? garbage : undefined);
      }
    });

    it('"Bearer" with nothing after it, or junk characters → 401 TOKEN_INVALID', async () => {
      for (const authorization of [
        'Bearer',
        'Bearer ',
        'Bearer  two spaces',
        'bearer',
        `Bearer ${victim.accessToken} extra`,
        'Bearer <script>',
      ]) {
        expectRefused(await me({ authorization }), 'TOKEN_INVALID');
      }
    });

    it('another scheme (Basic with the real password) → 401 TOKEN_INVALID, never a password check', async () => {
      const basic = Buffer.from(`${victim.email}:${TEST_PASSWORD}`).toString('base64');
      expectRefused(await me({ authorization: `Basic ${basic}` }), 'TOKEN_INVALID', basic);
      // A valid JWT under another scheme name is not accepted either.
      expectRefused(await me({ authorization: `Token ${victim.accessToken}` }), 'TOKEN_INVALID', victim.accessToken);
    });

    it('an over-long token (10 KB) → 401, not 500', async () => {
      const huge = forge(
        { alg: 'RS256', kid: serverKid },
        { ...claims, pad: 'A'.repeat(10 * 1024) },
        { kind: 'rs256', key: serverKey() },
      );
      expect(huge.length).toBeGreaterThan(10 * 1024);
      expectRefused(await me(bearer(huge)), 'TOKEN_INVALID', huge);
      const junk = 'a'.repeat(10 * 1024);
      expectRefused(await me(bearer(junk)), 'TOKEN_INVALID', junk);
    });
  });

  describe('algorithm confusion', () => {
    it('alg "none" (unsigned token with valid-looking claims) → 401 TOKEN_INVALID', async () => {
      for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
        const unsigned = forge({ alg, typ: 'JWT' }, claims, { kind: 'none' });
        expectRefused(await me(bearer(unsigned)), 'TOKEN_INVALID', unsigned);
        // The same with our kid and the original signature left dangling.
        const dangling = `${forge({ alg, kid: serverKid }, claims, { kind: 'none' })}${victim.accessToken.split('.')[2]}`;
        expectRefused(await me(bearer(dangling)), 'TOKEN_INVALID', dangling);
      }
    });

    it("HS256 keyed with the server's PUBLIC key from the JWKS (key confusion) → 401 TOKEN_INVALID", async () => {
      const published = (await t.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as {
        keys: Array<crypto.JsonWebKey & { kid: string }>;
      };
      const jwk = published.keys.find((k) => k.kid === serverKid);
      expect(jwk).toBeDefined();
      const publicKey = crypto.createPublicKey({ key: jwk as crypto.JsonWebKey, format: 'jwk' });
      // Every encoding a naive verifier might feed to HMAC as "the key".
      const secrets = [
        publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        publicKey.export({ type: 'spki', format: 'pem' }).toString().trim(),
      ].map((s) => Buffer.from(s));
      secrets.push(publicKey.export({ type: 'spki', format: 'der' }), Buffer.from(JSON.stringify(jwk)));
      for (const secret of secrets) {
        for (const header of [
          { alg: 'HS256', kid: serverKid, typ: 'at+jwt' },
          { alg: 'HS256', typ: 'JWT' },
        ]) {
          const token = forge(header, claims, { kind: 'hs256', secret });
          expectRefused(await me(bearer(token)), 'TOKEN_INVALID', token);
        }
      }
    });
  });

  describe('attacker-controlled signing keys', () => {
    it("RS256 signed with the attacker's own RSA key but the server's kid → 401 TOKEN_INVALID", async () => {
      const token = forge({ alg: 'RS256', kid: serverKid, typ: 'at+jwt' }, claims, { kind: 'rs256', key: attackerKey });
      expectRefused(await me(bearer(token)), 'TOKEN_INVALID', token);
    });

    it('an unknown kid → 401 TOKEN_INVALID', async () => {
      for (const kid of [
        'attacker-key-1',
        '',
        '0',
        serverKid.toUpperCase() === serverKid ? `${serverKid}x` : serverKid.toUpperCase(),
      ]) {
        for (const key of [attackerKey, serverKey()]) {
          const token = forge({ alg: 'RS256', kid, typ: 'at+jwt' }, claims, { kind: 'rs256', key });
          expectRefused(await me(bearer(token)), 'TOKEN_INVALID', token);
        }
      }
    });

    it('a path-like or injection kid ("../../keys/master.key", "/dev/null", SQL) → 401 TOKEN_INVALID', async () => {
      const master = fs.readFileSync(path.join(t.dataDir, 'keys', 'master.key'));
      for (const kid of [
        '../../keys/master.key',
        '../keys/jwt-signing.json',
        '/dev/null',
        "' OR '1'='1",
        'file:///etc/passwd',
      ]) {
        // Signed with an HMAC of the master key's own bytes and of empty content: what a
        // verifier that reads "the key file named by kid" would accept.
        for (const signer of [
          { kind: 'hs256', secret: master } as const,
          { kind: 'hs256', secret: Buffer.alloc(0) } as const,
          { kind: 'rs256', key: attackerKey } as const,
        ]) {
          const token = forge({ alg: signer.kind === 'rs256' ? 'RS256' : 'HS256', kid, typ: 'at+jwt' }, claims, signer);
          expectRefused(await me(bearer(token)), 'TOKEN_INVALID', token);
        }
      }
    });

    it("jku / x5u headers pointing at the attacker's key set → 401 TOKEN_INVALID, and the URL is never fetched", async () => {
      let fetched = 0;
      const attackerJwks = { keys: [{ ...attackerPublicJwk, kid: serverKid, alg: 'RS256', use: 'sig' }] };
      const server = http.createServer((_req, res) => {
        fetched += 1;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(attackerJwks));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as { port: number };
        const url = `http://127.0.0.1:${port}/jwks.json`;
        for (const header of [
          { alg: 'RS256', kid: serverKid, jku: url },
          { alg: 'RS256', jku: url },
          { alg: 'RS256', kid: serverKid, x5u: url },
          { alg: 'RS256', x5u: url },
        ]) {
          const token = forge(header, claims, { kind: 'rs256', key: attackerKey });
          expectRefused(await me(bearer(token)), 'TOKEN_INVALID', token);
        }
        expect(fetched).toBe(0);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it("an embedded jwk header carrying the attacker's public key → 401 TOKEN_INVALID", async () => {
      for (const header of [
        { alg: 'RS256', jwk: attackerPublicJwk },
        { alg: 'RS256', kid: serverKid, jwk: { ...attackerPublicJwk, kid: serverKid } },
        { alg: 'RS256', kid: 'attacker', jwk: { ...attackerPublicJwk, kid: 'attacker' } },
      ]) {
        const token = forge(header, claims, { kind: 'rs256', key: attackerKey });
        expectRefused(await me(bearer(token)), 'TOKEN_INVALID', token);
      }
    });
  });

  describe("replay outside the token's validity", () => {
    it('an expired token signed with the real server key → 401 TOKEN_EXPIRED', async () => {
      const iat = nowSec() - 2 * 3600;
      const token = forge(
        { alg: 'RS256', kid: serverKid, typ: 'at+jwt' },
        { ...claims, iat, exp: iat + 1800 },
        { kind: 'rs256', key: serverKey() },
      );
      expectRefused(await me(bearer(token)), 'TOKEN_EXPIRED', token);
      // Just past the allowed clock skew is expired too.
      const justExpired = forge(
        { alg: 'RS256', kid: serverKid },
        { ...claims, iat: nowSec() - 1800, exp: nowSec() - 30 },
        { kind: 'rs256', key: serverKey() },
      );
      expectRefused(await me(bearer(justExpired)), 'TOKEN_EXPIRED', justExpired);
    });

    it('a token issued in the future (iat one hour ahead) → 401 TOKEN_INVALID', async () => {
      const iat = nowSec() + 3600;
      const token = forge(
        { alg: 'RS256', kid: serverKid, typ: 'at+jwt' },
        { ...claims, iat, exp: iat + 1800 },
        { kind: 'rs256', key: serverKey() },
      );
      expectRefused(await me(bearer(token)), 'TOKEN_INVALID', token);
    });

    it('a token without exp, or with non-numeric times → 401', async () => {
      const { exp: _exp, ...noExp } = claims;
      for (const payload of [noExp, { ...claims, exp: String(claims.exp) }, { ...claims, iat: 'yesterday' }]) {
        const token = forge({ alg: 'RS256', kid: serverKid }, payload, { kind: 'rs256', key: serverKey() });
        const res = await me(bearer(token));
        expect(res.statusCode).toBe(401);
        expect(['TOKEN_INVALID', 'TOKEN_EXPIRED']).toContain(res.json().code);
      }
    });

    it('a token for another audience → 401 TOKEN_INVALID', async () => {
      for (const aud of ['chambers-admin', 'https://other.example', ['other-api'], `${ACCESS_TOKEN_AUDIENCE} `]) {
        const token = forge({ alg: 'RS256', kid: serverKid }, { ...claims, aud }, { kind: 'rs256', key: serverKey() });
        expectRefused(await me(bearer(token)), 'TOKEN_INVALID', token);
      }
      const { aud: _aud, ...noAud } = claims;
      const token = forge({ alg: 'RS256', kid: serverKid }, noAud, { kind: 'rs256', key: serverKey() });
      expectRefused(await me(bearer(token)), 'TOKEN_INVALID', token);
    });

    it('a token from another issuer → 401 TOKEN_INVALID', async () => {
      for (const iss of ['https://evil.example', `${String(claims.iss)}/`, String(claims.iss).toUpperCase(), '']) {
        const token = forge({ alg: 'RS256', kid: serverKid }, { ...claims, iss }, { kind: 'rs256', key: serverKey() });
        expectRefused(await me(bearer(token)), 'TOKEN_INVALID', token);
      }
    });
  });

  describe('tampering with a genuine token', () => {
    it('flipping role or org in the payload segment, keeping the signature → 401 TOKEN_INVALID', async () => {
      const other = await createMember(t, { role: 'org_admin' });
      const [head, , sig] = victim.accessToken.split('.');
      for (const change of [
        { role: 'org_admin' },
        { org: other.orgId },
        { sub: other.userId },
        { sa: true },
        { portal: 'judge' },
      ]) {
        const token = `${head}.${b64json({ ...claims, ...change })}.${sig}`;
        expectRefused(await me(bearer(token)), 'TOKEN_INVALID', token);
      }
      // Flipping a single bit of the signature is refused too.
      const sigBytes = Buffer.from(sig ?? '', 'base64url');
      sigBytes[10] = (sigBytes[10] ?? 0) ^ 1;
      const flipped = `${head}.${victim.accessToken.split('.')[1]}.${sigBytes.toString('base64url')}`;
      expectRefused(await me(bearer(flipped)), 'TOKEN_INVALID', flipped);
    });

    it('defence in depth: even a correctly signed token cannot claim a role or org its session does not have', async () => {
      // Models an attacker who obtained the signing key: the live session still decides.
      const other = await createMember(t, { role: 'org_admin' });
      const asAdmin = forge(
        { alg: 'RS256', kid: serverKid },
        { ...claims, role: 'org_admin', sa: true },
        { kind: 'rs256', key: serverKey() },
      );
      const res = await me(bearer(asAdmin));
      expect(res.statusCode).toBe(200);
      expect(res.json().role).toBe('lawyer');
      expect(res.json().org.role).toBe('lawyer');
      const otherOrg = forge(
        { alg: 'RS256', kid: serverKid },
        { ...claims, org: other.orgId },
        { kind: 'rs256', key: serverKey() },
      );
      expectRefused(await me(bearer(otherOrg)), 'SESSION_REVOKED', otherOrg);
      const otherUser = forge(
        { alg: 'RS256', kid: serverKid },
        { ...claims, sub: other.userId },
        { kind: 'rs256', key: serverKey() },
      );
      expectRefused(await me(bearer(otherUser)), 'SESSION_REVOKED', otherUser);
      const unknownSession = forge(
        { alg: 'RS256', kid: serverKid },
        { ...claims, sid: crypto.randomUUID() },
        { kind: 'rs256', key: serverKey() },
      );
      expectRefused(await me(bearer(unknownSession)), 'SESSION_REVOKED', unknownSession);
    });
  });

  describe('replay after the session or membership ended', () => {
    it('the access token of a logged-out session → 401 SESSION_REVOKED', async () => {
      const m = await signedInMember(t);
      expect((await me(m.headers)).statusCode).toBe(200);
      expect((await t.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: m.headers })).statusCode).toBe(204);
      expectRefused(await me(m.headers), 'SESSION_REVOKED', m.accessToken);
    });

    it('a token whose membership was deleted after sign-in → 401 SESSION_REVOKED', async () => {
      const m = await signedInMember(t, { role: 'org_admin' });
      expect((await me(m.headers)).statusCode).toBe(200);
      await unsafeWithOwner(t.ctx.db, (tx) =>
        tx.deleteFrom('chambers.memberships').where('user_id', '=', m.userId).where('org_id', '=', m.orgId).execute(),
      );
      expectRefused(await me(m.headers), 'SESSION_REVOKED', m.accessToken);
      expectRefused(
        await t.inject({ method: 'GET', url: '/api/v1/matters', headers: m.headers }),
        'SESSION_REVOKED',
        m.accessToken,
      );
    });
  });

  describe('the published key set', () => {
    it('GET /.well-known/jwks.json lists only public RSA parameters, each with kid and alg RS256', async () => {
      const res = await t.inject({ method: 'GET', url: '/.well-known/jwks.json' });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { keys: Array<Record<string, unknown>> };
      expect(body.keys.length).toBeGreaterThan(0);
      for (const k of body.keys) {
        expect(k).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
        expect(typeof k.kid).toBe('string');
        expect(String(k.kid).length).toBeGreaterThan(0);
        expect(typeof k.n).toBe('string');
        expect(typeof k.e).toBe('string');
        for (const privateParam of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])
          expect(k).not.toHaveProperty(privateParam);
        // Public key of at least 2048 bits.
        expect(Buffer.from(String(k.n), 'base64url').length).toBeGreaterThanOrEqual(256);
      }
      expect(body.keys.map((k) => k.kid)).toContain(serverKid);
      expect(res.body).not.toMatch(/PRIVATE/);
    });
  });
});

describe('signing-key rotation (key ring level)', () => {
  // The running app keeps the ring it loaded, so rotation is tested on the ring itself.
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const claims: AccessClaims = {
    sub: crypto.randomUUID(),
    sid: crypto.randomUUID(),
    org: crypto.randomUUID(),
    role: 'lawyer',
    portal: 'lawyer',
    amr: ['pwd'],
  };
  const issuer = 'http://127.0.0.1:3000';

  it('after rotation, the ring verifies tokens of the old key, signs with the new kid, and the JWKS lists both', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-keys-'));
    dirs.push(dir);
    const now = new Date();
    const before = loadOrCreateKeys(dir, { hasExistingData: false });
    const oldKid = activeSigningKey(before).kid;
    const oldToken = await signAccessToken(before, issuer, claims, now);

    const fresh = rotateSigningKey(dir, now);
    const after = loadOrCreateKeys(dir, { hasExistingData: true });
    expect(fresh.kid).not.toBe(oldKid);
    expect(activeSigningKey(after).kid).toBe(fresh.kid);

    await expect(verifyAccessToken(after, issuer, oldToken, now)).resolves.toMatchObject({
      sub: claims.sub,
      sid: claims.sid,
    });
    const newToken = await signAccessToken(after, issuer, claims, now);
    expect(decodeHeader(newToken).kid).toBe(fresh.kid);
    await expect(verifyAccessToken(after, issuer, newToken, now)).resolves.toMatchObject({ sub: claims.sub });
    // The old ring never learnt the new key: a token of the new key is not accepted by it.
    await expect(verifyAccessToken(before, issuer, newToken, now)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });

    const published = jwks(after).keys;
    expect(published.map((k) => k.kid).sort()).toEqual([oldKid, fresh.kid].sort());
    for (const k of published) for (const p of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(k).not.toHaveProperty(p);
  });

  it('once the retirement window has passed, the old key leaves the ring and its tokens stop verifying', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-keys-'));
    dirs.push(dir);
    const t0 = new Date();
    const first = loadOrCreateKeys(dir, { hasExistingData: false });
    const firstKid = activeSigningKey(first).kid;
    const oldToken = await signAccessToken(first, issuer, claims, t0);
    rotateSigningKey(dir, t0);
    const t1 = new Date(t0.getTime() + 3 * 60 * 60 * 1000);
    const third = rotateSigningKey(dir, t1);
    const ring = loadOrCreateKeys(dir, { hasExistingData: true });
    expect(ring.jwtKeys.map((k) => k.kid)).not.toContain(firstKid);
    expect(activeSigningKey(ring).kid).toBe(third.kid);
    // Even at a time when it would not have expired, a token whose key left the ring is refused.
    await expect(verifyAccessToken(ring, issuer, oldToken, t0)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});

describe('account enumeration by timing: unknown address vs wrong password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  };

  it('both perform one argon2 verification: medians of 8 sign-ins each are within a factor of 2', async () => {
    const N = 8;
    // One existing account per wrong-password attempt, so no lockout (which skips argon2) kicks in.
    const members = [];
    for (let i = 0; i < N + 1; i++) members.push(await createMember(t));
    const attempt = async (email: string) => {
      const start = performance.now();
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: 'wrong-but-long-enough-9' },
      });
      const ms = performance.now() - start;
      expect(res.statusCode).toBe(401);
      return { ms, body: res.json() as Record<string, unknown> };
    };
    // Warm-up (JIT, connection, argon2 memory).
    await attempt(members[N]?.email ?? 'x@example.com');
    await attempt(`warmup-${crypto.randomUUID()}@example.com`);

    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < N; i++) {
      const u = await attempt(`nobody-${crypto.randomUUID()}@example.com`);
      const w = await attempt(members[i]?.email ?? '');
      unknown.push(u.ms);
      wrong.push(w.ms);
      // Same body, apart from the request id.
      expect({ ...u.body, requestId: null }).toEqual({ ...w.body, requestId: null });
      expect(u.body.code).toBe('INVALID_CREDENTIALS');
    }
    const ratio = median(unknown) / median(wrong);
    expect(
      ratio,
      `unknown ${median(unknown).toFixed(1)} ms vs wrong password ${median(wrong).toFixed(1)} ms`,
    ).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('cross-site request forgery against a cookie session', () => {
  let t: TestApp;
  let m: Awaited<ReturnType<typeof createMember>>;
  let cookies: Record<string, string>;
  let csrfToken: string;
  beforeAll(async () => {
    t = await startTestApp();
    m = await createMember(t, { role: 'lawyer' });
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-chambers-client': 'web' },
      payload: { email: m.email, password: m.password },
    });
    expect(res.statusCode).toBe(200);
    cookies = Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
    expect(cookies[COOKIE.access]).toBeTruthy();
    csrfToken = res.json().csrfToken;
    expect(csrfToken).toBeTruthy();
  });
  afterAll(async () => t?.close());

  const listMatters = async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/matters', cookies });
    expect(res.statusCode).toBe(200);
    return (res.json() as { matters: Array<{ title: string }> }).matters.map((x) => x.title);
  };

  // What an attacker's <form action="https://chambers/…" method="post"> can send: the browser attaches the cookies.
  const forms = [
    { 'content-type': 'application/x-www-form-urlencoded', payload: 'title=Forged' },
    { 'content-type': 'text/plain', payload: '{"title":"Forged","x":"="}' },
    {
      'content-type': 'multipart/form-data; boundary=----x',
      payload: '------x\r\nContent-Disposition: form-data; name="title"\r\n\r\nForged\r\n------x--\r\n',
    },
  ];

  it('control: the cookie session works with JSON and the X-CSRF-Token header', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      cookies,
      headers: { 'x-csrf-token': csrfToken },
      payload: { title: 'Legit' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(await listMatters()).toContain('Legit');
  });

  it('a cross-site form POST creating data (urlencoded, text/plain, multipart) is refused and not processed', async () => {
    for (const form of forms) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/matters',
        cookies,
        headers: { 'content-type': form['content-type'], origin: 'https://evil.example' },
        payload: form.payload,
      });
      expect([403, 415], `${form['content-type']}: ${res.body}`).toContain(res.statusCode);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(await listMatters()).not.toContain('Forged');
  });

  it('a cross-site form POST to logout is refused and the session survives', async () => {
    for (const form of forms) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        cookies,
        headers: { 'content-type': form['content-type'] },
        payload: form.payload,
      });
      expect([403, 415], `${form['content-type']}: ${res.body}`).toContain(res.statusCode);
    }
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', cookies })).statusCode).toBe(200);
  });

  it('a cookie-authenticated JSON POST without (or with a wrong) X-CSRF-Token → 403 CSRF_TOKEN_INVALID', async () => {
    for (const headers of [{}, { 'x-csrf-token': 'forged' }, { 'x-csrf-token': csrfToken.slice(0, -2) }]) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/matters',
        cookies,
        headers,
        payload: { title: 'Forged' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('CSRF_TOKEN_INVALID');
    }
    expect(await listMatters()).not.toContain('Forged');
  });

  it('a cross-site refresh using only the refresh cookie (no web-client header, or a form body) is refused', async () => {
    for (const extra of [{}, { payload: {} }]) {
      const plain = await t.inject({ method: 'POST', url: '/api/v1/auth/refresh', cookies, ...extra });
      expect(plain.statusCode, plain.body).toBe(401);
      expect(plain.json().code).toBe('REFRESH_TOKEN_INVALID');
      expect(plain.headers['set-cookie']).toBeUndefined();
    }
    for (const form of forms) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        cookies,
        headers: { 'content-type': form['content-type'] },
        payload: 'refreshToken=x',
      });
      expect([401, 403, 415]).toContain(res.statusCode);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', cookies })).statusCode).toBe(200);
    // Control: the same cookie does refresh when the web app's own header comes with it (no body needed).
    const own = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      cookies,
      headers: { 'x-chambers-client': 'web' },
    });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).not.toHaveProperty('refreshToken');
  });
});
