import { describe, expect, it } from 'vitest';
import { editDistance, matchScore, normalizeName } from './normalize.ts';

describe('name folding and near matches', () => {
  it('should fold accents, case and punctuation', () => {
    expect(normalizeName('  Dr. Jürgen  MÜLLER-Lüdenscheidt ')).toBe('dr jurgen muller ludenscheidt');
    expect(normalizeName('Ørsted Æble Straße')).toBe('orsted aeble strasse');
    expect(normalizeName('Ｍüller')).toBe('muller');
  });

  it('should count edits up to a bound', () => {
    expect(editDistance('muller', 'mueller')).toBe(1);
    expect(editDistance('smith', 'smyth')).toBe(1);
    expect(editDistance('abc', 'xyzabc')).toBe(3);
  });

  it('should score the same name 1 and near names below 1', () => {
    expect(matchScore('muller', 'muller')).toBe(1);
    expect(matchScore('mueller', 'muller')).toBe(0.9);
    expect(matchScore('muller gmbh', 'hans muller')).toBe(0.7);
    expect(matchScore('acme holdings', 'acme holding ltd')).toBeGreaterThanOrEqual(0.6);
    expect(matchScore('acme', 'zenith')).toBe(0);
  });
});
