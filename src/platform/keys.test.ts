import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StartupError } from './data-dir.ts';
import { activeSigningKey, keyPaths, loadOrCreateKeys, rotateSigningKey, type KeyRing } from './keys.ts';

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const isRoot = process.getuid?.() === 0;

/** The StartupError a call throws (fails the test when it throws something else or nothing). */
function startupErrorOf(fn: () => unknown): StartupError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StartupError);
    return err as StartupError;
  }
  throw new Error('expected a StartupError');
}

const publicKeyOf = (ring: KeyRing) => ring.jwtKeys.map((k) => `${k.kid}:${k.publicJwk.n}`);

describe('loadOrCreateKeys', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-keys-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should create the master key, the signing keys and the audit key, readable by the owner only, on the first start', () => {
    const ring = loadOrCreateKeys(dataDir, { hasExistingData: false });
    const p = keyPaths(dataDir);
    expect(mode(p.dir)).toBe(0o700);
    for (const file of [p.master, p.jwt, p.audit]) expect(mode(file)).toBe(0o600);
    expect(fs.readdirSync(p.dir).sort()).toEqual(['audit-ed25519.pem', 'jwt-signing.json', 'master.key']);

    expect(ring.masterKeySource).toBe('file');
    expect(ring.masterKey).toHaveLength(32);
    expect(Buffer.from(fs.readFileSync(p.master, 'utf8').trim(), 'base64').equals(ring.masterKey)).toBe(true);
    expect(ring.jwtKeys).toHaveLength(1);
    expect(ring.jwtKeys[0]).toMatchObject({ retiredAt: null, publicJwk: { kty: 'RSA', alg: 'RS256', use: 'sig' } });
    expect(ring.jwtKeys[0]?.publicJwk).not.toHaveProperty('d');
    expect(ring.auditKey.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(ring.auditKey.publicKeyRaw).toHaveLength(32);
  });

  it('should return the very same keys on the next start', () => {
    const first = loadOrCreateKeys(dataDir, { hasExistingData: false });
    const second = loadOrCreateKeys(dataDir, { hasExistingData: true });
    expect(second.masterKey.equals(first.masterKey)).toBe(true);
    expect(publicKeyOf(second)).toEqual(publicKeyOf(first));
    expect(second.auditKey.keyId).toBe(first.auditKey.keyId);
    expect(second.auditKey.publicKeyRaw.equals(first.auditKey.publicKeyRaw)).toBe(true);
  });

  it('should sign with the loaded key so that the created key verifies', () => {
    const ring = loadOrCreateKeys(dataDir, { hasExistingData: false });
    const key = activeSigningKey(loadOrCreateKeys(dataDir, { hasExistingData: true }));
    const signature = crypto.sign('sha256', Buffer.from('chambers'), key.privateKey);
    const verifier = crypto.createPublicKey({ key: ring.jwtKeys[0]!.publicJwk, format: 'jwk' });
    expect(crypto.verify('sha256', Buffer.from('chambers'), verifier, signature)).toBe(true);
  });

  it('should refuse a key file that other users can read, and say how to fix it', () => {
    loadOrCreateKeys(dataDir, { hasExistingData: false });
    const p = keyPaths(dataDir);
    for (const file of [p.master, p.jwt, p.audit]) {
      fs.chmodSync(file, 0o644);
      const err = startupErrorOf(() => loadOrCreateKeys(dataDir, { hasExistingData: true }));
      expect(err.message).toContain(file);
      expect(err.message).toContain('chmod 600');
      expect(err.message).toContain('mode 644');
      fs.chmodSync(file, 0o600);
    }
    expect(() => loadOrCreateKeys(dataDir, { hasExistingData: true })).not.toThrow();
  });

  it.skipIf(isRoot)('should refuse a key file this user cannot read', () => {
    loadOrCreateKeys(dataDir, { hasExistingData: false });
    const p = keyPaths(dataDir);
    fs.chmodSync(p.jwt, 0o000);
    try {
      const err = startupErrorOf(() => loadOrCreateKeys(dataDir, { hasExistingData: true }));
      expect(err.message).toContain(`cannot read ${p.jwt}`);
      expect(err.message).toContain('EACCES');
    } finally {
      fs.chmodSync(p.jwt, 0o600);
    }
  });

  it('should refuse a key path that cannot be read as a file (works as root too)', () => {
    loadOrCreateKeys(dataDir, { hasExistingData: false });
    const p = keyPaths(dataDir);
    fs.rmSync(p.audit);
    fs.mkdirSync(p.audit, { mode: 0o700 });
    const err = startupErrorOf(() => loadOrCreateKeys(dataDir, { hasExistingData: true }));
    expect(err.message).toContain(`cannot read ${p.audit}`);
  });

  it('should refuse a key file that is not a key', () => {
    loadOrCreateKeys(dataDir, { hasExistingData: false });
    const p = keyPaths(dataDir);
    fs.writeFileSync(p.audit, 'not a pem');
    expect(startupErrorOf(() => loadOrCreateKeys(dataDir, { hasExistingData: true })).message).toContain(
      `${p.audit} is not a valid Ed25519 key`,
    );
    fs.writeFileSync(p.jwt, '{"keys": []}');
    expect(startupErrorOf(() => loadOrCreateKeys(dataDir, { hasExistingData: true })).message).toContain(
      `${p.jwt} is not a valid signing key file`,
    );
  });

  it('should refuse to create keys over existing data that lost its keys, and write nothing', () => {
    const err = startupErrorOf(() => loadOrCreateKeys(dataDir, { hasExistingData: true }));
    expect(err.message).toContain('holds a database but no keys');
    expect(err.message).toContain('restore the keys from your backup');
    expect(fs.existsSync(keyPaths(dataDir).dir) ? fs.readdirSync(keyPaths(dataDir).dir) : []).toEqual([]);

    // An empty keys/ directory is the same situation.
    fs.mkdirSync(keyPaths(dataDir).dir, { mode: 0o700 });
    startupErrorOf(() => loadOrCreateKeys(dataDir, { hasExistingData: true }));
    expect(fs.readdirSync(keyPaths(dataDir).dir)).toEqual([]);
  });

  it.each(['master', 'jwt', 'audit'] as const)(
    'should refuse to start when the %s key file alone is missing, naming it, and not regenerate it',
    (which) => {
      loadOrCreateKeys(dataDir, { hasExistingData: false });
      const file = keyPaths(dataDir)[which];
      fs.rmSync(file);
      const err = startupErrorOf(() => loadOrCreateKeys(dataDir, { hasExistingData: true }));
      expect(err.message).toContain(`${file} is missing`);
      expect(err.message).toContain('Restore it from your backup');
      expect(fs.existsSync(file)).toBe(false);
      // Even a start that believes there is no data must not paper over it.
      startupErrorOf(() => loadOrCreateKeys(dataDir, { hasExistingData: false }));
      expect(fs.existsSync(file)).toBe(false);
    },
  );

  it('should take the master key from CHAMBERS_MASTER_KEY and never write master.key', () => {
    const fromEnv = crypto.randomBytes(32);
    const ring = loadOrCreateKeys(dataDir, { masterKeyFromEnv: fromEnv, hasExistingData: false });
    expect(ring.masterKeySource).toBe('env');
    expect(ring.masterKey.equals(fromEnv)).toBe(true);
    const p = keyPaths(dataDir);
    expect(fs.existsSync(p.master)).toBe(false);
    expect(fs.readdirSync(p.dir).sort()).toEqual(['audit-ed25519.pem', 'jwt-signing.json']);

    const again = loadOrCreateKeys(dataDir, { masterKeyFromEnv: fromEnv, hasExistingData: true });
    expect(again.masterKey.equals(fromEnv)).toBe(true);
    expect(fs.existsSync(p.master)).toBe(false);
  });
});

describe('rotateSigningKey', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-keys-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should add a new active key and keep the old one, retired, so its tokens still verify', () => {
    const before = loadOrCreateKeys(dataDir, { hasExistingData: false });
    const old = activeSigningKey(before);
    const now = new Date('2030-01-01T12:00:00Z');
    const fresh = rotateSigningKey(dataDir, now);

    const after = loadOrCreateKeys(dataDir, { hasExistingData: true });
    expect(after.jwtKeys.map((k) => k.kid)).toEqual([old.kid, fresh.kid]);
    expect(fresh.kid).not.toBe(old.kid);
    expect(after.jwtKeys[0]).toMatchObject({ kid: old.kid, retiredAt: now.toISOString() });
    expect(after.jwtKeys[0]?.publicJwk.n).toBe(old.publicJwk.n);
    expect(after.jwtKeys[1]).toMatchObject({ kid: fresh.kid, retiredAt: null });
    expect(activeSigningKey(after).kid).toBe(fresh.kid);
    expect(mode(keyPaths(dataDir).jwt)).toBe(0o600);
    expect(after.masterKey.equals(before.masterKey)).toBe(true);
  });

  it('should drop retired keys once their tokens can no longer be valid', () => {
    loadOrCreateKeys(dataDir, { hasExistingData: false });
    const t0 = new Date('2030-01-01T00:00:00Z');
    const second = rotateSigningKey(dataDir, t0);
    const third = rotateSigningKey(dataDir, new Date(t0.getTime() + 3 * 60 * 60 * 1000));
    const ring = loadOrCreateKeys(dataDir, { hasExistingData: true });
    // The first key was retired at t0, more than two hours before: gone. The second was retired just now.
    expect(ring.jwtKeys.map((k) => k.kid)).toEqual([second.kid, third.kid]);
    expect(activeSigningKey(ring).kid).toBe(third.kid);
  });
});
