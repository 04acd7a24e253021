import { solveChallenge } from 'altcha-lib/v1';

type Injectable = {
  inject(opts: { method: 'GET'; url: string }): Promise<{ statusCode: number; json(): unknown }>;
};

/**
 * Solves the server's ALTCHA challenge the way the browser does (the library's own
 * solver, brute force over SHA-256) and returns the token a form sends as captchaToken.
 */
export async function solveCaptcha(t: Injectable): Promise<string> {
  const res = await t.inject({ method: 'GET', url: '/api/v1/auth/captcha' });
  const body = res.json() as {
    provider: string;
    challenge: { algorithm: string; challenge: string; maxnumber: number; salt: string; signature: string };
  };
  if (body.provider !== 'altcha') throw new Error(`captcha provider is ${body.provider}, not altcha`);
  const c = body.challenge;
  const solution = await solveChallenge(c.challenge, c.salt, c.algorithm, c.maxnumber).promise;
  if (!solution) throw new Error('no solution found for the captcha challenge');
  const payload = {
    algorithm: c.algorithm,
    challenge: c.challenge,
    number: solution.number,
    salt: c.salt,
    signature: c.signature,
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64');
}
