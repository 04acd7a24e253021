/**
 * The captcha asked for after repeated failed sign-ins and on risky sign-ups. The
 * default is ALTCHA, a proof of work the browser solves and the server checks on
 * its own (no outside service); Turnstile and hCaptcha are options for servers
 * that want them. `off` turns the captcha off (the lockout still applies).
 */
export type CaptchaProvider = 'altcha' | 'turnstile' | 'hcaptcha' | 'off';

/** An ALTCHA challenge as the client receives it (HMAC-signed by the server). */
export type AltchaChallenge = {
  algorithm: 'SHA-256';
  challenge: string;
  maxnumber: number;
  salt: string;
  signature: string;
};

/** What a client needs to show the captcha: a challenge to solve, or the widget's site key. */
export type CaptchaChallenge =
  | { provider: 'altcha'; challenge: AltchaChallenge }
  | { provider: 'turnstile' | 'hcaptcha'; siteKey: string }
  | { provider: 'off' };

export type CaptchaVerifier = {
  readonly enabled: boolean;
  readonly provider: CaptchaProvider;
  /** A fresh challenge for the client (ALTCHA), or how to load the provider's widget. */
  challenge(): Promise<CaptchaChallenge>;
  /** True when the token is a valid, unused solution. Fails closed on any error. */
  verify(token: string | undefined, ip: string | null): Promise<boolean>;
};

export const noopCaptcha: CaptchaVerifier = {
  enabled: false,
  provider: 'off',
  challenge: async () => ({ provider: 'off' }),
  verify: async () => true,
};

/**
 * Remembers spent solutions so each is accepted once: the rate-limit store (memory,
 * or Redis shared by every process) fits, as a counter that must read 1.
 */
export type SpentTokenStore = {
  hit(key: string, windowMs: number, now: number): Promise<{ count: number }>;
};
