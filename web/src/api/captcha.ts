import { ApiError, get } from './client.ts';

type CaptchaChallenge =
  | {
      provider: 'altcha';
      challenge: { algorithm: string; challenge: string; maxnumber: number; salt: string; signature: string };
    }
  | { provider: 'turnstile' | 'hcaptcha'; siteKey: string }
  | { provider: 'off' };

/** Set once the server said the next attempt needs a captcha: solving first saves a refused attempt (which counts). */
let needed = false;

/**
 * Solves the server's ALTCHA proof of work in this tab (SHA-256 through WebCrypto;
 * the library is loaded only when a captcha is asked for) and returns the token.
 */
async function solve(): Promise<string> {
  const c = await get<CaptchaChallenge>('/api/v1/auth/captcha');
  if (c.provider !== 'altcha')
    throw new Error(
      c.provider === 'off'
        ? 'The server asked for a captcha but has none configured. Ask your administrator.'
        : 'This server uses a hosted captcha the web app cannot show. Ask your administrator.',
    );
  const { solveChallenge } = await import('altcha-lib/v1');
  const { challenge, salt, algorithm, maxnumber, signature } = c.challenge;
  const solution = await solveChallenge(challenge, salt, algorithm, maxnumber).promise;
  if (!solution) throw new Error('The captcha could not be solved. Reload the page and try again.');
  return btoa(JSON.stringify({ algorithm, challenge, number: solution.number, salt, signature }));
}

/**
 * Sends a sign-in or sign-up, with a solved captcha when the server wants one:
 * up front after a failure that said so, or once more after CAPTCHA_REQUIRED.
 * `onSolving` lets the form say what it is doing while the browser works.
 */
export async function withCaptcha<T>(
  send: (captchaToken?: string) => Promise<T>,
  onSolving: (solving: boolean) => void,
): Promise<T> {
  const solved = async () => {
    onSolving(true);
    try {
      return await solve();
    } finally {
      onSolving(false);
    }
  };
  try {
    const result = await send(needed ? await solved() : undefined);
    needed = false;
    return result;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.problem.captchaRequired) needed = true;
    if (err.code !== 'CAPTCHA_REQUIRED') throw err;
    needed = true;
    const result = await send(await solved());
    needed = false;
    return result;
  }
}
