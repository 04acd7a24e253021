import type { Config } from '../config.ts';
import { deriveKey } from '../crypto-basics.ts';
import { createAltchaCaptcha } from './altcha.ts';
import { noopCaptcha, type CaptchaVerifier, type SpentTokenStore } from './captcha.ts';
import { SITEVERIFY_URLS, createSiteverifyCaptcha } from './siteverify.ts';

/** A solved challenge is good for this long: long enough to type a password, short enough to be useless stockpiled. */
export const CAPTCHA_TTL_MS = 10 * 60 * 1000;

/** The configured captcha (CAPTCHA_PROVIDER), ALTCHA by default. */
export function captchaFromConfig(
  config: Config,
  deps: { masterKey: Buffer; spent: SpentTokenStore },
): CaptchaVerifier {
  const c = config.captcha;
  if (c.provider === 'off') return noopCaptcha;
  if (c.provider === 'altcha')
    return createAltchaCaptcha({
      hmacKey: deriveKey(deps.masterKey, 'captcha-altcha').toString('hex'),
      maxNumber: c.maxNumber,
      ttlMs: CAPTCHA_TTL_MS,
      spent: deps.spent,
      // Real time, not the app clock: freshness of a proof of work is not business time.
      now: () => new Date(),
    });
  return createSiteverifyCaptcha({
    provider: c.provider,
    siteKey: c.siteKey,
    secret: c.secret,
    verifyUrl: c.verifyUrl ?? SITEVERIFY_URLS[c.provider],
    policy: { allowHosts: config.ssrfAllowHosts },
  });
}
