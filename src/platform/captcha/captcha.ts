/**
 * Asked for after repeated failed sign-ins. The default accepts everything; a
 * deployment plugs in a real verifier (hCaptcha, Turnstile, …) behind this interface.
 */
export type CaptchaVerifier = {
  readonly enabled: boolean;
  verify(token: string | undefined, ip: string | null): Promise<boolean>;
};

export const noopCaptcha: CaptchaVerifier = { enabled: false, verify: async () => true };
