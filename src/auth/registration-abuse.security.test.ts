import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solveCaptcha } from '../../test/helpers/captcha.ts';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/tenant.ts';

/**
 * Automated sign-ups: bots fill every field of a form (the hidden honeypot too),
 * invent names by mashing keys and use throwaway mailboxes. A honeypot hit looks
 * like success to the bot and leaves nothing behind; a bot-like sign-up must solve
 * the captcha (400 CAPTCHA_REQUIRED, captchaRequired: true) before anything is created.
 */
const STRONG = 'copper-lantern-drifts-93';
let seq = 0;
const unique = (tag: string, domain = 'example.com') =>
  `${tag}-${++seq}-${Math.random().toString(36).slice(2, 6)}@${domain}`;

async function userExists(t: TestApp, email: string): Promise<boolean> {
  return unsafeWithOwner(
    t.ctx.db,
    async (tx) =>
      (await tx
        .selectFrom('chambers.users')
        .select('id')
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst()) !== undefined,
  );
}
const registerEvents = (t: TestApp) =>
  unsafeWithOwner(t.ctx.db, (tx) =>
    tx
      .selectFrom('audit.events')
      .select(['outcome', 'details'])
      .where('action', '=', 'auth.register')
      .orderBy('id')
      .execute(),
  );

describe('registration abuse, with the default captcha (ALTCHA)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_RESPONSE_GRID_MS: '1', CAPTCHA_ALTCHA_MAX_NUMBER: '2000' } });
  });
  afterAll(async () => t?.close());
  const register = (payload: Record<string, unknown>) =>
    t.inject({ method: 'POST', url: '/api/v1/auth/register', payload });
  const mailTo = async (email: string) =>
    (await t.mail()).filter((m) => m.to.toLowerCase().includes(email.toLowerCase()));

  it('should answer a filled honeypot exactly like a sign-up, but create nothing and send nothing', async () => {
    const real = await register({ email: unique('human'), password: STRONG, name: 'Real Person' });
    const email = unique('bot');
    const bot = await register({ email, password: STRONG, name: 'Real Person', website: 'http://spam.example' });
    expect(bot.statusCode).toBe(real.statusCode);
    expect(bot.json()).toEqual(real.json());
    expect(bot.headers['content-type']).toBe(real.headers['content-type']);
    expect(await userExists(t, email)).toBe(false);
    expect(await mailTo(email)).toEqual([]);
    const events = await registerEvents(t);
    expect(events.at(-1)).toMatchObject({ outcome: 'denied', details: { reason: 'honeypot' } });
  });

  it('should treat an empty honeypot as a normal sign-up', async () => {
    const email = unique('empty-pot');
    expect((await register({ email, password: STRONG, name: 'Ann Lee', website: '' })).statusCode).toBe(202);
    expect(await userExists(t, email)).toBe(true);
  });

  it('should ask for a captcha for a disposable address, and accept the sign-up once solved', async () => {
    const email = unique('throwaway', 'mailinator.com');
    const res = await register({ email, password: STRONG, name: 'Alice Smith' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'CAPTCHA_REQUIRED', captchaRequired: true });
    expect(await userExists(t, email)).toBe(false);
    expect(await mailTo(email)).toEqual([]);
    expect((await register({ email, password: STRONG, name: 'Alice Smith', captchaToken: 'wrong' })).statusCode).toBe(
      400,
    );
    const captchaToken = await solveCaptcha(t);
    expect((await register({ email, password: STRONG, name: 'Alice Smith', captchaToken })).statusCode).toBe(202);
    expect(await userExists(t, email)).toBe(true);
  });

  it('should ask for a captcha for a keyboard-mash name and for digits in a name', async () => {
    for (const name of ['Xkqzvbtrwp Plmnbvcx', 'John 48213']) {
      const email = unique('mash');
      const res = await register({ email, password: STRONG, name });
      expect(res.statusCode, name).toBe(400);
      expect(res.json()).toMatchObject({ code: 'CAPTCHA_REQUIRED', captchaRequired: true });
      expect(await userExists(t, email)).toBe(false);
    }
    const events = await registerEvents(t);
    expect(events.at(-1)).toMatchObject({ outcome: 'denied', details: { reason: 'risk', signals: 'digits_in_name' } });
  });

  it('should let real names in any script through without a captcha', async () => {
    for (const name of [
      'Zoë Ñúñez',
      '李小龙',
      'Nguyễn Thị Minh Khai',
      'Grzegorz Brzęczyszczykiewicz',
      "Siobhán O'Connor",
    ]) {
      const email = unique('person');
      const res = await register({ email, password: STRONG, name });
      expect(res.statusCode, name).toBe(202);
      expect(await userExists(t, email)).toBe(true);
    }
  });
});

describe('registration abuse, with the captcha turned off (CAPTCHA_PROVIDER=off)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { CAPTCHA_PROVIDER: 'off', AUTH_RESPONSE_GRID_MS: '1' } });
  });
  afterAll(async () => t?.close());

  it('should let a risky sign-up through (there is nothing to ask for) and keep its score in the audit log', async () => {
    const email = unique('risky', 'yopmail.com');
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: STRONG, name: 'Xkqzvbtrwp' },
    });
    expect(res.statusCode).toBe(202);
    expect(await userExists(t, email)).toBe(true);
    const events = await registerEvents(t);
    expect(events.at(-1)).toMatchObject({
      outcome: 'success',
      details: { riskScore: 5, signals: 'disposable_domain,long_consonant_run,few_vowels' },
    });
  });

  it('should still swallow a honeypot hit', async () => {
    const email = unique('bot');
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: 'weak', name: 'B', website: 'x' },
    });
    expect(res.statusCode).toBe(202);
    expect(await userExists(t, email)).toBe(false);
  });
});
