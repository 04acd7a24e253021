import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StartupError, readPrivateFile, replacePrivateFile, writePrivateFile } from './data-dir.ts';
import { randomBytes } from './crypto-basics.ts';

export type SigningKey = {
  kid: string;
  createdAt: string;
  retiredAt: string | null;
  privateKey: crypto.KeyObject;
  publicJwk: crypto.JsonWebKey & { kid: string; alg: 'RS256'; use: 'sig' };
};

export type KeyRing = {
  /** Key-encryption key that wraps organization keys and derives secrets-at-rest keys. */
  masterKey: Buffer;
  masterKeySource: 'env' | 'file';
  /** RS256 keys for access tokens; the last one signs, every one listed still verifies. */
  jwtKeys: SigningKey[];
  auditKey: { privateKey: crypto.KeyObject; publicKeyRaw: Buffer; keyId: string };
};

type StoredJwtKey = { kid: string; createdAt: string; retiredAt: string | null; privateKeyPem: string };

export const keyPaths = (dataDir: string) => {
  const dir = path.join(dataDir, 'keys');
  return {
    dir,
    master: path.join(dir, 'master.key'),
    jwt: path.join(dir, 'jwt-signing.json'),
    audit: path.join(dir, 'audit-ed25519.pem'),
  };
};

/**
 * Loads the key ring, creating it on the very first start. Keys are never made
 * anew over existing data: a data directory with a database but without its keys
 * is an error a person has to look at, not something to paper over.
 */
export function loadOrCreateKeys(
  dataDir: string,
  opts: { masterKeyFromEnv?: Buffer; hasExistingData: boolean },
): KeyRing {
  const p = keyPaths(dataDir);
  const exists = (f: string) => fs.existsSync(f);
  const firstStart = !exists(p.dir) || fs.readdirSync(p.dir).length === 0;
  if (firstStart && opts.hasExistingData) {
    throw new StartupError(
      `the data directory ${dataDir} holds a database but no keys in ${p.dir}; restore the keys from your backup ` +
        '(without them the encrypted data cannot be read). Chambers will not create new keys over existing data.',
    );
  }
  if (firstStart) {
    fs.mkdirSync(p.dir, { recursive: true, mode: 0o700 });
    if (!opts.masterKeyFromEnv) writePrivateFile(p.master, `${randomBytes(32).toString('base64')}\n`);
    writePrivateFile(p.jwt, JSON.stringify({ keys: [newJwtKey()] }, null, 2));
    writePrivateFile(p.audit, newAuditKeyPem());
  }
  for (const [file, what] of [
    [p.jwt, 'the access-token signing keys'],
    [p.audit, 'the audit checkpoint key'],
    ...(opts.masterKeyFromEnv ? [] : [[p.master, 'the master key (or set CHAMBERS_MASTER_KEY)']]),
  ] as const) {
    if (!exists(file)) {
      throw new StartupError(
        `${file} is missing: ${what}. Restore it from your backup; Chambers will not regenerate keys over existing data.`,
      );
    }
  }
  const masterKey = opts.masterKeyFromEnv ?? parseMasterKey(readPrivateFile(p.master).toString('utf8'), p.master);
  return {
    masterKey,
    masterKeySource: opts.masterKeyFromEnv ? 'env' : 'file',
    jwtKeys: parseJwtKeys(readPrivateFile(p.jwt).toString('utf8'), p.jwt),
    auditKey: parseAuditKey(readPrivateFile(p.audit), p.audit),
  };
}

/**
 * Adds a new RS256 signing key. The previous keys stay listed (retired) so the
 * access tokens they signed keep verifying until they expire.
 */
export function rotateSigningKey(dataDir: string, now = new Date(), keepRetiredForMs = 2 * 60 * 60 * 1000): SigningKey {
  const p = keyPaths(dataDir);
  const stored = JSON.parse(readPrivateFile(p.jwt).toString('utf8')) as { keys: StoredJwtKey[] };
  const cutoff = now.getTime() - keepRetiredForMs;
  const kept = stored.keys
    .map((k) => (k.retiredAt ? k : { ...k, retiredAt: now.toISOString() }))
    .filter((k) => k.retiredAt && Date.parse(k.retiredAt) > cutoff);
  const fresh = newJwtKey(now);
  replacePrivateFile(p.jwt, JSON.stringify({ keys: [...kept, fresh] }, null, 2));
  const parsed = parseJwtKeys(JSON.stringify({ keys: [fresh] }), p.jwt)[0];
  if (!parsed) throw new Error('rotation produced no key');
  return parsed;
}

function newJwtKey(now = new Date()): StoredJwtKey {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid: `${now.toISOString().slice(0, 10)}-${randomBytes(6).toString('hex')}`,
    createdAt: now.toISOString(),
    retiredAt: null,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function newAuditKeyPem(): string {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function parseMasterKey(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32)
    throw new StartupError(`${file} does not hold a 32-byte base64 key; restore it from your backup`);
  return key;
}

function parseJwtKeys(text: string, file: string): SigningKey[] {
  try {
    const stored = JSON.parse(text) as { keys: StoredJwtKey[] };
    const keys = stored.keys.map((k) => {
      const privateKey = crypto.createPrivateKey(k.privateKeyPem);
      if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
      const jwk = crypto.createPublicKey(privateKey).export({ format: 'jwk' });
      return {
        kid: k.kid,
        createdAt: k.createdAt,
        retiredAt: k.retiredAt,
        privateKey,
        publicJwk: { ...jwk, kid: k.kid, alg: 'RS256' as const, use: 'sig' as const },
      };
    });
    if (!keys.some((k) => k.retiredAt === null)) throw new Error('no active key');
    return keys;
  } catch (err) {
    throw new StartupError(
      `${file} is not a valid signing key file (${(err as Error).message}); restore it from your backup`,
    );
  }
}

function parseAuditKey(pem: Buffer, file: string): KeyRing['auditKey'] {
  try {
    const privateKey = crypto.createPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
    const spki = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const publicKeyRaw = spki.subarray(spki.length - 32);
    const keyId = crypto.createHash('sha256').update(publicKeyRaw).digest('hex').slice(0, 16);
    return { privateKey, publicKeyRaw, keyId };
  } catch (err) {
    throw new StartupError(
      `${file} is not a valid Ed25519 key (${(err as Error).message}); restore it from your backup`,
    );
  }
}

export const activeSigningKey = (ring: KeyRing): SigningKey => {
  const active = ring.jwtKeys.filter((k) => k.retiredAt === null).at(-1);
  if (!active) throw new Error('no active signing key');
  return active;
};
