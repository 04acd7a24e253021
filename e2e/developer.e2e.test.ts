import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createMember } from '../test/helpers/test-app.ts';
import { checkPage, expectClean, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// An api_admin lands in the developer portal, makes a scoped key (shown once), uses it,
// sees the call in the log, revokes it, and reads the API reference under the CSP.
describe.skipIf(!hasChromium)('web app: the developer portal in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('creates a key shown once, logs its calls, revokes it, and renders the API reference', async () => {
    const dev = await createMember(t, { role: 'api_admin', orgName: 'Harbour & Vale LLP' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    // An api_admin's home is the developer portal.
    // api_admin is a role that must have a second factor (the fixtures gave this one an authenticator).
    await signInThroughPage(page, dev, { totp: true, landing: /\/developer\/keys$/ });
    await checkPage(page, problems, 'developer-keys');

    await page.getByLabel('Name').fill('Billing sync');
    await page.getByLabel('matters:write').check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('shown-once');
    await shown.waitFor();
    const key = (await shown.textContent())?.trim() ?? '';
    expect(key).toMatch(/^chk_live_[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.getByTestId('shown-once').count()).toBe(0);
    expect(await page.content()).not.toContain(key);

    const used = await t.inject({ method: 'GET', url: '/api/v1/matters', headers: { 'x-api-key': key } });
    expect(used.statusCode).toBe(200);
    await page.getByRole('link', { name: 'Call log' }).click();
    await page.getByText('GET /api/v1/matters').waitFor();
    await checkPage(page, problems, 'developer-calls');

    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'Revoke Billing sync' }).click();
    await page.getByText('refused from the next request on').waitFor();
    expect((await t.inject({ method: 'GET', url: '/api/v1/matters', headers: { 'x-api-key': key } })).statusCode).toBe(
      401,
    );

    await page.getByRole('link', { name: 'API reference' }).click();
    await page.getByText('GET /api/v1/matters', { exact: true }).waitFor();
    await checkPage(page, problems, 'developer-reference');
    await expectClean(page, problems);
    await context.close();
  });
});
