import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { unwrapUnderMaster, wrapUnderMaster } from '../crypto/index.ts';
import { randomBytes } from '../platform/crypto-basics.ts';
import { unsafeWithOwner, type Database, type Tx } from '../platform/db/index.ts';

/**
 * Personal data inside audit events (the IP address and user agent of a person's
 * requests) is never written to the log in the clear. The event row holds a
 * commitment `pii1:<keyId>:<digest>`, where digest = HMAC-SHA256 under that person's
 * key; the Merkle leaf hashes that string like any other field, so sealing,
 * checkpoints, proofs and `audit verify` are unchanged. The value itself is stored
 * AES-256-GCM encrypted under the same person's key in audit.personal_data.
 * Erasure destroys the key: the commitment stays verifiable, and what it commits
 * to can neither be decrypted nor brute-forced (an IPv4 address would be, under a
 * plain hash).
 *
 * An event without an actor (a failed sign-in for an unknown address, an anonymous
 * share-link visit) has no person to key it to and keeps its values as they are.
 */
export const COMMITMENT_PREFIX = 'pii1:';
const COMMITMENT = /^pii1:([0-9a-f-]{36}):([A-Za-z0-9_-]{43})$/;

export type PersonalDataSealer = {
  /** The values as the event row stores them: commitments, or null when the person's key is gone. */
  seal(
    userId: string,
    values: { ip: string | null; userAgent: string | null },
  ): Promise<{ ip: string | null; userAgent: string | null }>;
  /** Drops a person's cached key (erasure); other processes drop theirs within the cache TTL. */
  forget(userId: string): void;
};

type PersonKey = { keyId: string; macKey: Buffer; encKey: Buffer } | 'shredded';

const CACHE_TTL_MS = 60_000;
/** Every sealer of this process, so a shred drops the key from each cache at once (other processes: within the TTL). */
const sealers = new Set<PersonalDataSealer>();
const CACHE_MAX = 5_000;

// Wrapped under the master key (bound to the user id): master-key rotation re-wraps these (crypto/sealed-columns.ts).
const wrap = (masterKey: Buffer, key: Buffer, userId: string): Buffer =>
  wrapUnderMaster(masterKey, 'audit-person-key-wrap', key, userId);
const unwrap = (masterKey: Buffer, wrapped: Buffer, userId: string): Buffer =>
  unwrapUnderMaster(masterKey, 'audit-person-key-wrap', wrapped, userId);

const subkeys = (keyId: string, key: Buffer): Exclude<PersonKey, 'shredded'> => ({
  keyId,
  macKey: Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), 'chambers:audit-pii-mac', 32)),
  encKey: Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), 'chambers:audit-pii-enc', 32)),
});

const digestOf = (macKey: Buffer, field: string, value: string): string =>
  crypto.createHmac('sha256', macKey).update(`${field}\0${value}`).digest('base64url');

/** The person's key, created on first use; 'shredded' once erased (no new key is ever made for them). */
async function unsafeLoadPersonKey(db: Database, masterKey: Buffer, userId: string): Promise<PersonKey> {
  return unsafeWithOwner(db, async (tx) => {
    const fresh = randomBytes(32);
    await sql`INSERT INTO chambers.person_keys (user_id, wrapped_key) VALUES (${userId}, ${wrap(masterKey, fresh, userId)})
      ON CONFLICT (user_id) DO NOTHING`.execute(tx);
    const { rows } = await sql<{ key_id: string; wrapped_key: Uint8Array | null }>`
      SELECT key_id, wrapped_key FROM chambers.person_keys WHERE user_id = ${userId}`.execute(tx);
    const row = rows[0];
    if (!row?.wrapped_key) return 'shredded';
    return subkeys(row.key_id, unwrap(masterKey, Buffer.from(row.wrapped_key), userId));
  });
}

async function unsafeStoreCiphertexts(
  db: Database,
  keyId: string,
  rows: readonly { digest: string; ciphertext: Buffer }[],
): Promise<void> {
  if (rows.length === 0) return;
  await unsafeWithOwner(db, async (tx) => {
    const values = rows.map((r) => sql`(${keyId}, ${r.digest}, ${r.ciphertext})`);
    await sql`INSERT INTO audit.personal_data (key_id, digest, ciphertext) VALUES ${sql.join(values)}
      ON CONFLICT DO NOTHING`.execute(tx);
  });
}

/** Digests remembered per person (a person has a handful of addresses and browsers). */
const STORED_DIGESTS_MAX = 64;

export function createPersonalDataSealer(db: Database, masterKey: Buffer, logger: Logger): PersonalDataSealer {
  // Per person: the key, and the digests this process has already stored under it. The same address and browser
  // signing in again need no write (the row is there; it is only ever deleted with the key, on erasure).
  const cache = new Map<string, { key: PersonKey; until: number; stored: Set<string> }>();
  const entryOf = async (userId: string) => {
    const hit = cache.get(userId);
    if (hit && hit.until > Date.now()) return hit;
    const key = await unsafeLoadPersonKey(db, masterKey, userId);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    const entry = { key, until: Date.now() + CACHE_TTL_MS, stored: new Set<string>() };
    cache.set(userId, entry);
    return entry;
  };
  const sealer: PersonalDataSealer = {
    async seal(userId, values) {
      if (values.ip === null && values.userAgent === null) return values;
      try {
        const entry = await entryOf(userId);
        const key = entry.key;
        if (key === 'shredded') return { ip: null, userAgent: null };
        const rows: { digest: string; ciphertext: Buffer }[] = [];
        const commit = (field: string, value: string | null): string | null => {
          if (value === null) return null;
          const digest = digestOf(key.macKey, field, value);
          const iv = randomBytes(12);
          const c = crypto.createCipheriv('aes-256-gcm', key.encKey, iv);
          c.setAAD(Buffer.from(`${key.keyId}:${digest}`));
          rows.push({ digest, ciphertext: Buffer.concat([iv, c.update(value, 'utf8'), c.final(), c.getAuthTag()]) });
          return `${COMMITMENT_PREFIX}${key.keyId}:${digest}`;
        };
        const out = { ip: commit('ip', values.ip), userAgent: commit('userAgent', values.userAgent) };
        const fresh = rows.filter((r) => !entry.stored.has(r.digest));
        await unsafeStoreCiphertexts(db, key.keyId, fresh);
        for (const r of fresh) if (entry.stored.size < STORED_DIGESTS_MAX) entry.stored.add(r.digest);
        return out;
      } catch (err) {
        // Never fall back to the plain value: the event is kept, without where it came from.
        logger.error({ err: { message: (err as Error).message } }, 'audit personal data could not be sealed; dropped');
        return { ip: null, userAgent: null };
      }
    },
    forget(userId) {
      cache.delete(userId);
    },
  };
  sealers.add(sealer);
  return sealer;
}

/**
 * The plain values behind commitments, for the person's own export and the admin
 * audit view. A commitment whose key was destroyed reveals nothing (null); a value
 * that is not a commitment (an event without an actor, or from before this
 * scheme) is returned as it is.
 */
export async function unsafeRevealPersonalData(
  tx: Tx,
  masterKey: Buffer,
  values: readonly (string | null)[],
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const wanted = new Map<string, { keyId: string; digest: string }>();
  for (const v of values) {
    if (v === null || out.has(v)) continue;
    const m = COMMITMENT.exec(v);
    if (!m) out.set(v, v);
    else wanted.set(v, { keyId: m[1]!, digest: m[2]! });
  }
  if (wanted.size === 0) return out;
  const keyIds = [...new Set([...wanted.values()].map((w) => w.keyId))];
  const { rows: keys } = await sql<{ user_id: string; key_id: string; wrapped_key: Uint8Array | null }>`
    SELECT user_id, key_id, wrapped_key FROM chambers.person_keys WHERE key_id = ANY(${keyIds}::uuid[])`.execute(tx);
  const byId = new Map(
    keys
      .filter((k) => k.wrapped_key)
      .map((k) => [k.key_id, subkeys(k.key_id, unwrap(masterKey, Buffer.from(k.wrapped_key!), k.user_id))]),
  );
  const digests = [...wanted.values()].map((w) => w.digest);
  const { rows: data } = await sql<{ key_id: string; digest: string; ciphertext: Uint8Array }>`
    SELECT key_id, digest, ciphertext FROM audit.personal_data
     WHERE key_id = ANY(${keyIds}::uuid[]) AND digest = ANY(${digests}::text[])`.execute(tx);
  const cipherOf = new Map(data.map((d) => [`${d.key_id}:${d.digest}`, Buffer.from(d.ciphertext)]));
  for (const [v, { keyId, digest }] of wanted) {
    const key = byId.get(keyId);
    const ct = cipherOf.get(`${keyId}:${digest}`);
    if (!key || !ct) {
      out.set(v, null);
      continue;
    }
    try {
      const d = crypto.createDecipheriv('aes-256-gcm', key.encKey, ct.subarray(0, 12));
      d.setAAD(Buffer.from(`${keyId}:${digest}`));
      d.setAuthTag(ct.subarray(ct.length - 16));
      out.set(v, Buffer.concat([d.update(ct.subarray(12, ct.length - 16)), d.final()]).toString('utf8'));
    } catch {
      out.set(v, null);
    }
  }
  return out;
}

/**
 * Crypto-shreds a person's audit key inside the caller's owner transaction and
 * deletes the ciphertexts it protected. Idempotent. Returns the key id (for the
 * shred ledger), or null when the person never had one.
 */
export async function unsafeShredPersonKey(tx: Tx, userId: string, now: Date): Promise<string | null> {
  // A key row is made even for a person who never had one, so no later event can create a readable key for them.
  await sql`INSERT INTO chambers.person_keys (user_id, wrapped_key, shredded_at) VALUES (${userId}, NULL, ${now})
    ON CONFLICT (user_id) DO UPDATE SET wrapped_key = NULL, shredded_at = coalesce(chambers.person_keys.shredded_at, ${now})`.execute(
    tx,
  );
  const { rows } = await sql<{
    key_id: string;
  }>`SELECT key_id FROM chambers.person_keys WHERE user_id = ${userId}`.execute(tx);
  const keyId = rows[0]?.key_id ?? null;
  if (keyId) await sql`DELETE FROM audit.personal_data WHERE key_id = ${keyId}`.execute(tx);
  for (const s of sealers) s.forget(userId);
  return keyId;
}
