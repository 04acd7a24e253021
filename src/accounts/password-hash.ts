import { hash, parseOptions, verify, type Algorithm, type Options, type Version } from '@node-rs/argon2';

/**
 * Password hashing with argon2id (RFC 9106), at the OWASP Password Storage
 * Cheat Sheet's first recommended setting: 19 MiB, 2 passes, 1 lane.
 *
 * @node-rs/argon2's `hash` and `verify` run as napi AsyncTasks on the libuv
 * thread pool, not on the event loop (see the test "runs off the event loop").
 * That pool has UV_THREADPOOL_SIZE threads (4 by default), shared with fs,
 * dns.lookup and crypto: at most that many hashes run at once, the rest queue.
 *
 * Passwords are NFKC-normalised before hashing and verifying (SP 800-63B
 * §5.1.1.2), the same normalisation the password policy applies, so the same
 * password typed on another keyboard or OS still matches.
 */

// `Algorithm` and `Version` are ambient const enums, which `verbatimModuleSyntax`
// forbids reading (and the native module exports them as empty objects at
// runtime), so the values are spelled out here.
const ARGON2ID = 2 as Algorithm;
const VERSION_0X13 = 1 as Version;

export const PASSWORD_HASH_PARAMS = Object.freeze({
  algorithm: 'argon2id',
  /** m, in KiB (19 MiB). */
  memoryCost: 19456,
  /** t, passes over memory. */
  timeCost: 2,
  /** p, lanes. */
  parallelism: 1,
  /** Hash length in bytes. */
  outputLen: 32,
} as const);

const HASH_OPTIONS: Options = {
  algorithm: ARGON2ID,
  version: VERSION_0X13,
  memoryCost: PASSWORD_HASH_PARAMS.memoryCost,
  timeCost: PASSWORD_HASH_PARAMS.timeCost,
  parallelism: PASSWORD_HASH_PARAMS.parallelism,
  outputLen: PASSWORD_HASH_PARAMS.outputLen,
};

/** Salts shorter than this (bytes) call for a rehash; the library makes 16-byte salts. */
const MIN_SALT_LENGTH = 16;

/**
 * An argon2id hash, at PASSWORD_HASH_PARAMS, of a random password that was
 * thrown away. Verifying against it costs what verifying a real hash costs.
 * A test checks that its parameters still equal PASSWORD_HASH_PARAMS.
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$pt4WhACA+XRjixaYu8zlEA$+jYamlUObp9OAtigm7e/VIfSHMdi5rukpCs4fbNfIC0';

/** Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), with a fresh random salt. */
export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), HASH_OPTIONS);
}

/**
 * Whether the password matches the stored PHC string. Resolves false, never
 * rejects, when the stored string is malformed or not an argon2 hash (after
 * spending the time of a dummy verification, so that case is not faster).
 */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  if (typeof storedHash !== 'string' || typeof password !== 'string' || !storedHash.startsWith('$argon2')) {
    return verifyAgainstDummy(password);
  }
  try {
    return await verify(storedHash, password.normalize('NFKC'));
  } catch {
    return verifyAgainstDummy(password);
  }
}

/**
 * Whether a stored hash should be replaced (after a successful sign-in, with
 * the password just verified): true when it is not argon2id v1.3, when its m,
 * t or p, hash length or salt length are below the current ones, or when it
 * cannot be parsed. Stronger parameters than the current ones are kept.
 */
export function needsRehash(storedHash: string): boolean {
  if (typeof storedHash !== 'string' || !storedHash.startsWith('$argon2id$')) return true;
  let stored: ReturnType<typeof parseOptions>;
  try {
    stored = parseOptions(storedHash);
  } catch {
    return true;
  }
  return (
    stored.algorithm !== ARGON2ID ||
    stored.version !== VERSION_0X13 ||
    stored.memoryCost < PASSWORD_HASH_PARAMS.memoryCost ||
    stored.timeCost < PASSWORD_HASH_PARAMS.timeCost ||
    stored.parallelism < PASSWORD_HASH_PARAMS.parallelism ||
    stored.outputLen < PASSWORD_HASH_PARAMS.outputLen ||
    stored.saltLen < MIN_SALT_LENGTH
  );
}

/**
 * For a sign-in with an unknown email: spends the time a real verification
 * would, so response time does not tell which accounts exist. Always false.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  try {
    await verify(DUMMY_PASSWORD_HASH, typeof password === 'string' ? password.normalize('NFKC') : '');
  } catch {
    // nothing to learn here
  }
  return false;
}
