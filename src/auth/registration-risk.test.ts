import { describe, expect, it } from 'vitest';
import { CAPTCHA_THRESHOLD, isDisposableDomain, scoreRegistration } from './registration-risk.ts';

const flagged = (name: string, email = 'someone@example.com') =>
  scoreRegistration({ name, email }).score >= CAPTCHA_THRESHOLD;

describe('registration risk score', () => {
  it.each([
    'Zoë Ñúñez',
    '李小龙',
    'Nguyễn Thị Minh Khai',
    'Александр Пушкин',
    'محمد بن سلمان',
    'Jaroslav Vrchlický',
    'Grzegorz Brzęczyszczykiewicz',
    'Siobhán Ní Bhriain',
    "Mary-Jane O'Connor",
    'DeShawn McDonald',
    'Oluwaseun Adébáyọ̀',
    'Wolfeschlegelsteinhausenbergerdorff',
    'Ruth Bader Ginsburg',
    'Louis XIV',
    'J. R. R. Tolkien',
  ])('should not flag the real name %s', (name) => {
    const risk = scoreRegistration({ name, email: 'person@example.com' });
    expect(risk.score, risk.signals.join()).toBeLessThan(CAPTCHA_THRESHOLD);
  });

  it('should see nothing at all in names written in non-Latin scripts or with diacritics', () => {
    for (const name of ['Zoë Ñúñez', '李小龙', 'Nguyễn Thị Minh Khai', 'Александр Пушкин'])
      expect(scoreRegistration({ name, email: 'p@example.com' })).toEqual({ score: 0, signals: [] });
  });

  it('should flag a random consonant string as a name', () => {
    expect(scoreRegistration({ name: 'Xkqzvbtrwp', email: 'a@example.com' }).signals).toContain('long_consonant_run');
    expect(flagged('Xkqzvbtrwp')).toBe(true);
  });

  it('should flag digits in a name', () => {
    expect(scoreRegistration({ name: 'John 48213', email: 'a@example.com' }).signals).toEqual(['digits_in_name']);
    expect(flagged('John 48213')).toBe(true);
    expect(flagged('Agent 7')).toBe(false);
  });

  it('should flag a disposable-address domain, and its subdomains, on its own', () => {
    expect(isDisposableDomain('mailinator.com')).toBe(true);
    expect(isDisposableDomain('inbox.MAILINATOR.com')).toBe(true);
    expect(isDisposableDomain('example.com')).toBe(false);
    expect(isDisposableDomain('gmail.com')).toBe(false);
    expect(scoreRegistration({ name: 'Alice Smith', email: 'alice@mailinator.com' })).toEqual({
      score: 2,
      signals: ['disposable_domain'],
    });
    expect(flagged('Alice Smith', 'alice@yopmail.com')).toBe(true);
  });

  it('should add up weak signals: mixed case, few vowels, high entropy, a random-looking address', () => {
    expect(scoreRegistration({ name: 'maRiNaDo', email: 'a@example.com' }).signals).toEqual(['mixed_case']);
    expect(flagged('maRiNaDo')).toBe(false);
    expect(scoreRegistration({ name: 'a', email: 'xqzvbnmt@example.com' }).signals).toEqual(['random_email_local']);
    expect(scoreRegistration({ name: 'Qwertzuiopasdfghjk', email: 'a@example.com' }).signals).toContain('high_entropy');
    // Two weak signals together reach the threshold.
    expect(flagged('maRiNaDo', 'xqzvbnmt@example.com')).toBe(true);
    expect(scoreRegistration({ name: 'Strnghtbrk', email: 'a@example.com' }).signals).toEqual(
      expect.arrayContaining(['long_consonant_run', 'few_vowels']),
    );
  });
});
