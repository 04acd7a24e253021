import { hash as argon2Hash, parseOptions, type Algorithm } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
  DUMMY_PASSWORD_HASH,
  PASSWORD_HASH_PARAMS,
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
} from './password-hash.ts';

const PASSWORD = 'correct horse battery staple 9';
const ARGON2I = 1 as Algorithm;
const ARGON2ID = 2 as Algorithm;

describe('hashPassword / verifyPassword', () => {
  it('uses argon2id at m=19456 KiB, t=2, p=1', async () => {
    expect(PASSWORD_HASH_PARAMS).toMatchObject({
      algorithm: 'argon2id',
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
    });
    const stored = await hashPassword(PASSWORD);
    expect(stored.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(parseOptions(stored)).toMatchObject({
      algorithm: ARGON2ID,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
      outputLen: 32,
      saltLen: 16,
    });
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword(PASSWORD);
    expect(await verifyPassword(stored, PASSWORD)).toBe(true);
    expect(await verifyPassword(stored, PASSWORD.toUpperCase())).toBe(false);
    expect(await verifyPassword(stored, PASSWORD + ' ')).toBe(false);
    expect(await verifyPassword(stored, '')).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
    expect(a).not.toBe(b);
  });

  it('normalises with NFKC, so composed and decomposed spellings match', async () => {
    const composed = 'caf\u00e9 au lait sans sucre';
    const decomposed = 'cafe\u0301 au lait sans sucre';
    expect(composed).not.toBe(decomposed);
    const stored = await hashPassword(composed);
    expect(await verifyPassword(stored, decomposed)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not a hash'],
    ['bcrypt', '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'],
    ['truncated', '$argon2id$v=19$m=19456,t=2,p=1$abc'],
    ['missing hash', '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$'],
    ['bad base64', '$argon2id$v=19$m=19456,t=2,p=1$!!!!$!!!!'],
    [
      'unknown algorithm',
      '$argon2x$v=19$m=19456,t=2,p=1$pt4WhACA+XRjixaYu8zlEA$+jYamlUObp9OAtigm7e/VIfSHMdi5rukpCs4fbNfIC0',
    ],
    [
      'mangled params',
      '$argon2id$v=19$m=abc,t=2,p=1$pt4WhACA+XRjixaYu8zlEA$+jYamlUObp9OAtigm7e/VIfSHMdi5rukpCs4fbNfIC0',
    ],
  ])('resolves false, never rejects, on a malformed hash (%s)', async (_name, malformed) => {
    await expect(verifyPassword(malformed, PASSWORD)).resolves.toBe(false);
  });

  it('runs off the event loop', async () => {
    let ticks = 0;
    let spinning = true;
    const spin = (): void => {
      if (!spinning) return;
      ticks++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const stored = await hashPassword(PASSWORD);
    const ok = await verifyPassword(stored, PASSWORD);
    spinning = false;
    expect(ok).toBe(true);
    // Had hashing (~20 MiB, two passes) held the main thread, hardly any
    // turn of the event loop could have run while it was under way.
    expect(ticks).toBeGreaterThan(50);
  });
});

describe('needsRehash', () => {
  it('is false for a hash at the current parameters', async () => {
    expect(needsRehash(await hashPassword(PASSWORD))).toBe(false);
  });

  it('is true when memory is below the current parameters (m=4096)', async () => {
    const weak = await argon2Hash(PASSWORD, { algorithm: ARGON2ID, memoryCost: 4096, timeCost: 2, parallelism: 1 });
    expect(weak).toContain('m=4096,t=2,p=1');
    expect(needsRehash(weak)).toBe(true);
    expect(await verifyPassword(weak, PASSWORD)).toBe(true); // still verifies, so it can be upgraded at sign-in
  });

  it('is true when passes are below the current parameters (t=1)', async () => {
    const weak = await argon2Hash(PASSWORD, { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 1, parallelism: 1 });
    expect(needsRehash(weak)).toBe(true);
  });

  it('is true for another argon2 variant (argon2i)', async () => {
    const other = await argon2Hash(PASSWORD, { algorithm: ARGON2I, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(other.startsWith('$argon2i$')).toBe(true);
    expect(needsRehash(other)).toBe(true);
  });

  it('is false when parameters are above the current ones', async () => {
    const stronger = await argon2Hash(PASSWORD, {
      algorithm: ARGON2ID,
      memoryCost: 19456,
      timeCost: 3,
      parallelism: 2,
    });
    expect(needsRehash(stronger)).toBe(false);
  });

  it('is true for a malformed or foreign hash', () => {
    expect(needsRehash('')).toBe(true);
    expect(needsRehash('not a hash')).toBe(true);
    expect(needsRehash('$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy')).toBe(true);
    expect(needsRehash('$argon2id$v=19$m=19456,t=2,p=1$abc')).toBe(true);
  });
});

describe('verifyAgainstDummy', () => {
  it('always resolves false', async () => {
    await expect(verifyAgainstDummy(PASSWORD)).resolves.toBe(false);
    await expect(verifyAgainstDummy('')).resolves.toBe(false);
  });

  it('uses a dummy hash made with the current parameters, so it costs what a real verification costs', () => {
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
    expect(parseOptions(DUMMY_PASSWORD_HASH)).toMatchObject({
      algorithm: ARGON2ID,
      memoryCost: PASSWORD_HASH_PARAMS.memoryCost,
      timeCost: PASSWORD_HASH_PARAMS.timeCost,
      parallelism: PASSWORD_HASH_PARAMS.parallelism,
      outputLen: PASSWORD_HASH_PARAMS.outputLen,
    });
  });
});
