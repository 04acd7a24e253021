import { createChallenge, verifySolution } from 'altcha-lib/v1';
import type { AltchaChallenge, CaptchaVerifier, SpentTokenStore } from './captcha.ts';

export type AltchaOptions = {
  /** The HMAC key that signs challenges (derived from the master key: never leaves the server). */
  hmacKey: string;
  /** Largest number the client may have to try: the work a solution costs (about half of it on average). */
  maxNumber: number;
  /** How long a challenge may be solved and used. */
  ttlMs: number;
  spent: SpentTokenStore;
  now: () => Date;
};

type Solution = { algorithm: string; challenge: string; number: number; salt: string; signature: string };

/** The token is the ALTCHA payload: base64 of the JSON solution. */
function decodeToken(token: string): Solution | null {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Partial<Solution>;
    if (
      typeof value.algorithm !== 'string' ||
      typeof value.challenge !== 'string' ||
      typeof value.number !== 'number' ||
      typeof value.salt !== 'string' ||
      typeof value.signature !== 'string'
    )
      return null;
    return value as Solution;
  } catch {
    return null;
  }
}

/** Self-hosted proof of work: the library signs and checks; we add expiry and single use. */
export function createAltchaCaptcha(opts: AltchaOptions): CaptchaVerifier {
  return {
    enabled: true,
    provider: 'altcha',
    async challenge() {
      const c = await createChallenge({
        hmacKey: opts.hmacKey,
        maxNumber: opts.maxNumber,
        algorithm: 'SHA-256',
        expires: new Date(opts.now().getTime() + opts.ttlMs),
      });
      const challenge: AltchaChallenge = {
        algorithm: 'SHA-256',
        challenge: c.challenge,
        maxnumber: c.maxnumber ?? opts.maxNumber,
        salt: c.salt,
        signature: c.signature,
      };
      return { provider: 'altcha', challenge };
    },
    async verify(token) {
      if (!token || token.length > 4096) return false;
      const solution = decodeToken(token);
      if (!solution || solution.algorithm !== 'SHA-256') return false;
      // The library checks the signature, the work and the expiry carried in the salt.
      if (!(await verifySolution({ ...solution, algorithm: 'SHA-256' }, opts.hmacKey, true).catch(() => false)))
        return false;
      // A solution is good once: replaying it (on any process sharing the store) fails.
      const spent = await opts.spent.hit(`captcha:${solution.signature}`, opts.ttlMs, opts.now().getTime());
      return spent.count === 1;
    },
  };
}
