import { safeFetch, type SsrfPolicy } from '../outbound/index.ts';
import type { CaptchaVerifier } from './captcha.ts';

/** Where each hosted provider checks a token (the same siteverify form protocol for both). */
export const SITEVERIFY_URLS = {
  turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  hcaptcha: 'https://api.hcaptcha.com/siteverify',
} as const;

export type SiteverifyOptions = {
  provider: 'turnstile' | 'hcaptcha';
  siteKey: string;
  secret: string;
  verifyUrl: string;
  policy: SsrfPolicy;
  timeoutMs?: number;
};

/**
 * Turnstile or hCaptcha: the browser gets a token from the provider's widget and the
 * server asks the provider whether it is good. An unreachable provider counts as a
 * failed captcha (closed), never as a pass.
 */
export function createSiteverifyCaptcha(opts: SiteverifyOptions): CaptchaVerifier {
  return {
    enabled: true,
    provider: opts.provider,
    challenge: async () => ({ provider: opts.provider, siteKey: opts.siteKey }),
    async verify(token, ip) {
      if (!token || token.length > 4096) return false;
      const form = new URLSearchParams({ secret: opts.secret, response: token, sitekey: opts.siteKey });
      if (ip) form.set('remoteip', ip);
      try {
        const res = await safeFetch(opts.verifyUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
          timeoutMs: opts.timeoutMs ?? 5_000,
          maxRedirects: 0,
          policy: opts.policy,
        });
        if (res.status !== 200) return false;
        const answer = JSON.parse(res.body.toString('utf8')) as { success?: unknown };
        return answer.success === true;
      } catch {
        return false;
      }
    },
  };
}
