import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createMember } from '../test/helpers/test-app.ts';
import { oathtoolCode } from '../test/helpers/mfa.ts';
import {
  checkPage,
  hasChromium,
  newContext,
  screenshot,
  watch,
  expectClean,
  signInThroughPage,
} from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// A person's security chores in a real browser: sign up, confirm the address,
// turn on an authenticator, sign in with it; an administrator unlocks a member.
describe.skipIf(!hasChromium)('web app: accounts and administration in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('serves the SPA under the strict CSP, with hashed assets cached for a year and index.html revalidated', async () => {
    const index = await fetch(`${t.baseUrl}/login`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(index.headers.get('x-frame-options')).toBe('DENY');
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/<style|style=/);
    const asset = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const js = await fetch(`${t.baseUrl}${asset}`);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${t.baseUrl}/assets/..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/api/v1/nothing-here`)).headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('register → emailed code → sign in → enroll TOTP → sign out → sign in with TOTP', async () => {
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    const email = `ada-${Date.now()}@example.com`;
    const password = 'lantern-orchard-copper-91';

    await page.goto('/register');
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await checkPage(page, problems, 'register');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await checkPage(page, problems, 'verify-email');
    await page.getByLabel('Verification code').fill(await t.latestCode(email));
    await page.getByRole('button', { name: 'Confirm address' }).click();

    await page.waitForURL(/\/login\?reason=verified/);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await checkPage(page, problems, 'sign-in');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/account$/);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();

    // The session cookies are __Host-, Secure, HttpOnly (except the CSRF one the page echoes).
    const cookies = await context.cookies();
    const access = cookies.find((c) => c.name === '__Host-chambers_at');
    expect(access?.secure && access.httpOnly).toBe(true);
    expect(cookies.find((c) => c.name === '__Host-chambers_csrf')?.httpOnly).toBe(false);
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toMatch(/eyJ/); // no JWT in storage

    await page.getByRole('button', { name: 'Set up authenticator' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    await page.getByLabel('6-digit code').fill(oathtoolCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('heading', { name: 'Your new backup codes' }).waitFor();
    // The codes can be kept offline: downloaded as a text file that holds every code shown.
    const shown = await page.getByRole('list', { name: 'Backup codes' }).locator('code').allTextContents();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download codes' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('chambers-backup-codes.txt');
    const file = fs.readFileSync((await download.path()) ?? '', 'utf8');
    expect(shown.length).toBeGreaterThanOrEqual(8);
    for (const code of shown) expect(file).toContain(code);
    await expect.poll(() => page.locator('.mfa-item .status-on').count()).toBe(1);
    await checkPage(page, problems, 'account');

    await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await checkPage(page, problems, 'mfa-challenge');
    // The enrollment used this time step's code; the next step's is inside the drift window.
    await page.getByLabel('Authentication code').fill(oathtoolCode(secret, new Date(), 1));
    await page.getByLabel('Trust this device for 7 days').check();
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/account$/);
    await page.getByRole('cell', { name: /This device/ }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Stop trusting' }).count()).toBe(1);
    await expectClean(page, problems);
    await context.close();
  });

  it('an administrator signs in with TOTP and unlocks a member locked out by failed sign-ins', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Harbour & Vale LLP' });
    const lawyer = await createMember(t, {
      role: 'lawyer',
      orgId: admin.orgId,
      email: `locked-${Date.now()}@example.com`,
    });
    for (let i = 0; i < 5; i++) {
      await t.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: lawyer.email, password: 'not-the-password-at-all' },
      });
    }
    const locked = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: lawyer.email, password: lawyer.password },
    });
    expect(locked.statusCode).toBe(423);

    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, admin, { totp: true });
    await checkPage(page, problems, 'matters');

    await page.getByRole('link', { name: 'Administration' }).click();
    await page.waitForURL(/\/admin\/members$/);
    await page.getByRole('cell', { name: lawyer.email, exact: true }).waitFor();
    await checkPage(page, problems, 'admin-members');
    await page.getByRole('button', { name: `Unlock ${lawyer.email}` }).click();
    await page.getByText(`${lawyer.email} can sign in again.`).waitFor();
    const after = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: lawyer.email, password: lawyer.password },
    });
    expect(after.statusCode).toBe(200);

    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByRole('cell', { name: 'Unlocked a member locked out by failed sign-ins' }).first().waitFor();
    await expect.poll(() => page.getByTestId('checkpoint-verdict').textContent()).toBe('Verified in your browser');
    await page
      .getByRole('button', { name: /^Details of event/ })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Sealed leaf (canonical JSON)' }).waitFor();
    await checkPage(page, problems, 'admin-audit');

    await page.getByRole('link', { name: 'Security settings' }).click();
    await page.getByLabel('Idle timeout (minutes)').waitFor();
    await checkPage(page, problems, 'admin-settings');
    await context.close();
  });

  it('shows the public pages without errors: forgot password, setup, invitation, judge shell', async () => {
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto('/forgot');
    await checkPage(page, problems, 'forgot-password');
    await page.goto('/invite?token=x');
    await checkPage(page, problems, 'invite');
    await context.close();

    const judge = await createMember(t, { role: 'judge', kind: 'court', orgName: 'Court of Appeal' });
    const jctx = await newContext(browser, t.baseUrl);
    const jpage = await jctx.newPage();
    const jproblems = watch(jpage);
    await signInThroughPage(jpage, judge, { totp: true, landing: /\/judge$/ });
    await checkPage(jpage, jproblems, 'judge');
    await screenshot(jpage, 'judge');
    await jctx.close();
  });
});
