import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  checkPasswordPolicy,
  commonPasswordListSize,
  isCommonPassword,
  preloadCommonPasswords,
} from './password-policy.ts';

const BOB = 'bob@example.com';
const ALICE = 'alice.smith@example.com';
const GOOD = 'correct horse battery staple 9';

describe('common password list', () => {
  it('holds at least 100,000 entries', () => {
    expect(commonPasswordListSize()).toBeGreaterThanOrEqual(100_000);
  });

  it('is stored normalised: NFKC, lower-case, trimmed, no blanks, no duplicates', () => {
    const lines = readFileSync(new URL('./password-list/common-passwords.txt', import.meta.url), 'utf8').split('\n');
    expect(lines.pop()).toBe(''); // final newline
    for (const line of lines) {
      if (line === '' || line !== line.normalize('NFKC').toLowerCase().trim()) {
        expect.fail(`entry not normalised: ${JSON.stringify(line)}`);
      }
    }
    expect(new Set(lines).size).toBe(lines.length);
    expect(commonPasswordListSize()).toBe(lines.length);
  });

  it('preloads asynchronously and idempotently', async () => {
    const first = await preloadCommonPasswords();
    const second = await preloadCommonPasswords();
    expect(first.entries).toBe(commonPasswordListSize());
    expect(second.entries).toBe(first.entries);
  });

  it('looks entries up case-insensitively and without trailing or leading digits and symbols', () => {
    expect(isCommonPassword('password')).toBe(true);
    expect(isCommonPassword('PassWord')).toBe(true);
    expect(isCommonPassword('password123456')).toBe(true);
    expect(isCommonPassword('Password2024!!')).toBe(true);
    expect(isCommonPassword('!!2024password')).toBe(true);
    expect(isCommonPassword('ＰＡＳＳＷＯＲＤ１２３')).toBe(true); // full-width, folded by NFKC
    expect(isCommonPassword(GOOD)).toBe(false);
    expect(isCommonPassword('')).toBe(false);
    expect(isCommonPassword('1234567890!@#$%^')).toBe(false); // strips to nothing: not a match by itself
  });
});

describe('checkPasswordPolicy', () => {
  it.each([
    ['password123456', BOB],
    ['qwerty123456', BOB],
    ['iloveyou1234', BOB],
    ['PASSWORD123456', BOB],
    ['Qwerty123456!', BOB],
    ['IloveYou1234$$', BOB],
  ])('refuses %s as common', (password, email) => {
    expect(checkPasswordPolicy(password, email)).toEqual({ ok: false, reason: 'common' });
  });

  it('refuses a password containing the email local part', () => {
    expect(checkPasswordPolicy('alice.smith2024!', ALICE)).toEqual({ ok: false, reason: 'contains_email' });
    expect(checkPasswordPolicy('my ALICE.SMITH secret', ALICE)).toEqual({ ok: false, reason: 'contains_email' });
    expect(checkPasswordPolicy('xx_alicesmith_xx', ALICE)).toEqual({ ok: false, reason: 'contains_email' });
    expect(checkPasswordPolicy('xx alice-smith xx', ALICE)).toEqual({ ok: false, reason: 'contains_email' });
    expect(checkPasswordPolicy('Alice.Smith.Rocks.On', 'Alice.Smith@Example.COM')).toEqual({
      ok: false,
      reason: 'contains_email',
    });
    // plus-addressing: the part before "+" is looked for too
    expect(checkPasswordPolicy('daffodil tango alice', 'alice+work@example.com')).toEqual({
      ok: false,
      reason: 'contains_email',
    });
  });

  it('ignores an email local part shorter than 3 characters', () => {
    expect(checkPasswordPolicy('al quartz fjord nymph', 'al@example.com')).toEqual({ ok: true });
    expect(checkPasswordPolicy('al quartz fjord nymph', 'al+x@example.com')).toEqual({ ok: true });
  });

  it('refuses a password containing "chambers", however spelled', () => {
    for (const password of [
      'Chambers-Secure-2024',
      'my chambers passphrase',
      'c.h.a.m.b.e.r.s vault',
      'ＣＨＡＭＢＥＲＳ vault key',
    ]) {
      expect(checkPasswordPolicy(password, BOB)).toEqual({ ok: false, reason: 'contains_product_name' });
    }
  });

  it('accepts a strong random passphrase', () => {
    expect(checkPasswordPolicy(GOOD, ALICE)).toEqual({ ok: true });
    expect(checkPasswordPolicy(GOOD, BOB)).toEqual({ ok: true });
    expect(checkPasswordPolicy('vq7#Lm2pXz9R', BOB)).toEqual({ ok: true });
  });

  it('has no composition rules', () => {
    expect(checkPasswordPolicy('zebra quilt fjord lamp', BOB)).toEqual({ ok: true }); // lower-case letters and spaces only
  });

  describe('length, in code points after NFKC', () => {
    it('bounds are 12 and 128', () => {
      expect(PASSWORD_MIN_LENGTH).toBe(12);
      expect(PASSWORD_MAX_LENGTH).toBe(128);
    });

    it('refuses 11 characters, accepts 12', () => {
      expect(checkPasswordPolicy('vq7#Lm2pXz9', BOB)).toEqual({ ok: false, reason: 'too_short' });
      expect(checkPasswordPolicy('vq7#Lm2pXz9R', BOB)).toEqual({ ok: true });
      expect(checkPasswordPolicy('', BOB)).toEqual({ ok: false, reason: 'too_short' });
    });

    it('counts an astral character (two UTF-16 units) as one', () => {
      const key = '🔑'; // U+1F511
      expect(key.repeat(11).length).toBe(22);
      expect(checkPasswordPolicy(key.repeat(11), BOB)).toEqual({ ok: false, reason: 'too_short' });
      expect(checkPasswordPolicy(key.repeat(12), BOB)).toEqual({ ok: true });
      expect(checkPasswordPolicy(key.repeat(128), BOB)).toEqual({ ok: true });
      expect(checkPasswordPolicy(key.repeat(129), BOB)).toEqual({ ok: false, reason: 'too_long' });
    });

    it('counts a character with a combining mark as one once NFKC composes it', () => {
      const decomposedE = 'e\u0301'; // "é" as two code points
      expect([...decomposedE.repeat(11)].length).toBe(22);
      expect(checkPasswordPolicy(decomposedE.repeat(11), BOB)).toEqual({ ok: false, reason: 'too_short' });
      expect(checkPasswordPolicy('ü'.repeat(12), BOB)).toEqual({ ok: true });
      expect(checkPasswordPolicy('u\u0308'.repeat(128), BOB)).toEqual({ ok: true }); // 256 code points before NFKC
      expect(checkPasswordPolicy('u\u0308'.repeat(129), BOB)).toEqual({ ok: false, reason: 'too_long' });
    });

    it('counts a compatibility character by its NFKC expansion', () => {
      // U+FB01 LATIN SMALL LIGATURE FI becomes "fi" under NFKC
      const seven = '\uFB01'.repeat(5) + 'xy'; // 7 code points as typed, 12 after NFKC
      expect([...seven].length).toBe(7);
      expect(checkPasswordPolicy(seven, BOB)).toEqual({ ok: true });
      expect(checkPasswordPolicy('\uFB01'.repeat(5) + 'x', BOB)).toEqual({ ok: false, reason: 'too_short' }); // 11
    });

    it('refuses 129 code points and huge inputs', () => {
      expect(checkPasswordPolicy('ab9#'.repeat(32), BOB)).toEqual({ ok: true });
      expect(checkPasswordPolicy('ab9#'.repeat(32) + 'z', BOB)).toEqual({ ok: false, reason: 'too_long' });
      expect(checkPasswordPolicy('x'.repeat(1_000_000), BOB)).toEqual({ ok: false, reason: 'too_long' });
    });
  });
});
