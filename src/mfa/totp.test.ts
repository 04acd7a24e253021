import { describe, expect, it } from 'vitest';
import { hasOathtool, oathtoolCode } from '../../test/helpers/mfa.ts';
import { matchTotpStep, newTotpSecret, totpUrl } from './totp.ts';

// RFC 6238 Appendix B, SHA-1 secret "12345678901234567890"; our codes are the last 6 of the 8 published digits.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: Array<[number, string]> = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];

describe('TOTP (RFC 6238)', () => {
  it('should accept the RFC 6238 test vectors at their time and return their step', () => {
    for (const [seconds, code] of RFC_VECTORS) {
      expect(matchTotpStep(RFC_SECRET, code, new Date(seconds * 1000)), String(seconds)).toBe(Math.floor(seconds / 30));
    }
  });

  it.skipIf(!hasOathtool)(
    'should agree with oathtool, an independent implementation, including one step of drift either way',
    () => {
      const secret = newTotpSecret();
      const now = new Date();
      const step = Math.floor(now.getTime() / 30_000);
      expect(matchTotpStep(secret, oathtoolCode(secret, now), now)).toBe(step);
      expect(matchTotpStep(secret, oathtoolCode(secret, now, -1), now)).toBe(step - 1);
      expect(matchTotpStep(secret, oathtoolCode(secret, now, 1), now)).toBe(step + 1);
      expect(matchTotpStep(secret, oathtoolCode(secret, now, -3), now)).toBeNull();
      expect(matchTotpStep(secret, oathtoolCode(secret, now, 3), now)).toBeNull();
    },
  );

  it('should refuse malformed codes', () => {
    const secret = newTotpSecret();
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 123456', '12345a'])
      expect(matchTotpStep(secret, bad, new Date())).toBeNull();
  });

  it('should build an otpauth URL authenticator apps understand', () => {
    const url = new URL(totpUrl('JBSWY3DPEHPK3PXP', 'alice@example.com'));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(url.searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(url.searchParams.get('algorithm')).toBe('SHA1');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
    expect(url.searchParams.get('issuer')).toBe('Chambers');
  });
});
