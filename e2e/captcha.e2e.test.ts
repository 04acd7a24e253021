import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createMember } from '../test/helpers/test-app.ts';
import { checkPage, hasChromium, newContext, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// After three wrong passwords the server wants a captcha: the sign-in page solves the
// ALTCHA proof of work in the browser (no outside service, nothing the CSP refuses)
// and the right password then signs the person in, without a refused fourth attempt.
describe.skipIf(!hasChromium)('web app: the captcha in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s), { env: { CAPTCHA_ALTCHA_MAX_NUMBER: '20000' } });

  it('solves the captcha after three failed sign-ins and signs in', async () => {
    const lawyer = await createMember(t, { role: 'lawyer', orgName: 'Proof & Work LLP' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    const logins: Array<Record<string, unknown>> = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/api/v1/auth/login') && req.method() === 'POST')
        logins.push(JSON.parse(req.postData() ?? '{}') as Record<string, unknown>);
    });

    await page.goto('/login');
    await page.getByLabel('Email address').fill(lawyer.email);
    for (let i = 1; i <= 3; i++) {
      await page.getByLabel('Password').fill(`not-my-password-${i}`);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /password/i })
        .waitFor();
      await expect.poll(() => logins.length).toBe(i);
    }
    await page.getByLabel('Password').fill(lawyer.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/matters$/);

    // One more request only, and it carried a solved captcha.
    expect(logins).toHaveLength(4);
    expect(logins.slice(0, 3).every((b) => b.captchaToken === undefined)).toBe(true);
    expect(typeof logins[3]!.captchaToken).toBe('string');
    // The 401s of the wrong passwords are logged by Chromium; nothing else may go wrong.
    await page.waitForLoadState('networkidle');
    problems.console = problems.console.filter((m) => !/status of 401/.test(m));
    await checkPage(page, problems, 'captcha-signed-in');
    await context.close();
  });
});
