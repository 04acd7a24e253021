import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { oathtoolCode } from '../test/helpers/mfa.ts';
import { checkPage, expectClean, hasChromium, newContext, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// The first administrator sets Chambers up through the one-time link, signs in (enrolling
// an authenticator, as an administrator must) and lands on Administration, where a
// checklist guides the first steps. Each step ticks as the work is done on its page;
// dismissing hides the list for good, which a reload and the server both confirm.
describe.skipIf(!hasChromium)('web app: onboarding after setup in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  const step = (page: Page, id: string) => page.locator(`[data-testid="onboarding"] li[data-step="${id}"]`);
  // The page's own session (cookies) asks the server, so the test reads what the browser's admin would.
  const serverStatus = (page: Page) =>
    page.evaluate(async () => {
      const res = await fetch('/api/v1/orgs/current/onboarding', { credentials: 'same-origin' });
      return (await res.json()) as { steps: { id: string; done: boolean }[]; dismissed: boolean };
    });

  it('guides the new administrator through the first steps until the checklist is dismissed', async () => {
    expect(t.setupToken).toBeTruthy();
    const email = 'founding.partner@harbour-vale.example';
    const password = 'tidal-lantern-orchard-93';
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);

    // Setup through the one-time link.
    await page.goto(`/setup?token=${encodeURIComponent(t.setupToken ?? '')}`);
    await page.getByLabel('Organization name').fill('Harbour & Vale LLP');
    await page.getByLabel('Your full name').fill('Helen Vale');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.waitForURL(/\/login\?reason=setup/);
    // The sign-in page itself, not the setup form still shown while its code loads.
    await page.getByText('Chambers is set up. Sign in to finish securing your account.').waitFor();

    // Sign in: an administrator enrolls an authenticator before anything else.
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const secret = page.getByTestId('totp-secret');
    await secret.waitFor({ state: 'attached' });
    await page.getByLabel('6-digit code').fill(oathtoolCode((await secret.textContent())?.trim() ?? ''));
    await page.getByRole('button', { name: 'Verify and turn on' }).click();
    await page.getByRole('button', { name: /I have saved them/ }).click();

    // Administration, with the checklist: nothing done yet.
    await page.waitForURL(/\/admin\/members$/);
    const checklist = page.getByTestId('onboarding');
    await checklist.waitFor();
    for (const id of ['invite_team', 'require_mfa', 'retention'])
      await step(page, id).and(page.locator('[data-done="false"]')).waitFor();
    expect(await step(page, 'invite_team').textContent()).toMatch(/To do/);
    await checkPage(page, problems, 'admin-onboarding');

    // Invite a colleague: the first step ticks without leaving the page.
    await page.getByLabel('Email address').fill('associate@harbour-vale.example');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Invitation sent to associate@harbour-vale.example').waitFor();
    await step(page, 'invite_team').and(page.locator('[data-done="true"]')).waitFor();
    expect(await step(page, 'invite_team').textContent()).toMatch(/Done/);

    // Its link opens the page where the next step is done; saving ticks it there.
    await step(page, 'require_mfa').getByRole('link').click();
    await page.waitForURL(/\/admin\/settings$/);
    await page.getByLabel('Lawyers').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    await step(page, 'require_mfa').and(page.locator('[data-done="true"]')).waitFor();
    expect(await serverStatus(page)).toEqual({
      steps: [
        { id: 'invite_team', done: true },
        { id: 'require_mfa', done: true },
        { id: 'retention', done: false },
      ],
      dismissed: false,
    });
    await checkPage(page, problems, 'admin-onboarding-progress');

    // Dismiss: the list goes, with a word that it did, and stays gone after a reload.
    await page.getByRole('button', { name: 'Dismiss checklist' }).click();
    await page.getByText('Checklist dismissed.').waitFor();
    expect(await checklist.count()).toBe(0);
    expect((await serverStatus(page)).dismissed).toBe(true);
    await page.reload();
    await page.getByLabel('Idle timeout (minutes)').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await checklist.count()).toBe(0);
    await page.getByRole('link', { name: 'Members' }).click();
    await page.locator(`tr[data-member="${email}"]`).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await checklist.count()).toBe(0);
    await expectClean(page, problems);
    await context.close();
  });
});
