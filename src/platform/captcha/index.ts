/** The captcha: ALTCHA proof of work by default, Turnstile or hCaptcha as options. */
export {
  noopCaptcha,
  type AltchaChallenge,
  type CaptchaChallenge,
  type CaptchaProvider,
  type CaptchaVerifier,
  type SpentTokenStore,
} from './captcha.ts';
export { createAltchaCaptcha } from './altcha.ts';
export { createSiteverifyCaptcha, SITEVERIFY_URLS } from './siteverify.ts';
export { captchaFromConfig, CAPTCHA_TTL_MS } from './from-config.ts';
