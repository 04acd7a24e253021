import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { multipart } from '../test/helpers/documents.ts';
import { bearer, createMember, login } from '../test/helpers/test-app.ts';
import { checkPage, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// A lawyer uses their GDPR rights from the account page: "Download my data" shows its
// progress, then hands over the ZIP (once); "Delete my account" asks for the password
// and the confirmation phrase, then signs them out, and the server no longer knows them.
describe.skipIf(!hasChromium)('web app: privacy in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('downloads my data with progress, then deletes my account and signs me out', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Privacy & Partners' });
    const lawyer = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const tokens = await login(t, lawyer.email);
    // An upload of a few MB, so the archive takes a moment to build and its progress shows.
    const matter = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: bearer(tokens.accessToken),
      payload: { title: 'Personal matter' },
    });
    const file = multipart([{ filename: 'brief.txt', content: Buffer.alloc(6 * 1024 * 1024, 'chambers ') }]);
    const uploaded = await t.inject({
      method: 'POST',
      url: `/api/v1/matters/${matter.json().id}/documents`,
      headers: { ...bearer(tokens.accessToken), ...file.headers },
      payload: file.payload,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);

    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, lawyer);
    await page.goto('/account');

    const exportSection = page.getByRole('region', { name: 'Download my data' });
    await exportSection.getByRole('button', { name: 'Download my data' }).click();
    await exportSection.getByRole('progressbar', { name: 'Preparing your archive' }).waitFor();
    const fetch = exportSection.getByRole('button', { name: 'Download archive' });
    await fetch.waitFor({ timeout: 60_000 });
    await expect.poll(() => exportSection.getByRole('status').textContent()).toMatch(/Your archive is ready/);
    await checkPage(page, problems, 'privacy-export-ready');
    const [download] = await Promise.all([page.waitForEvent('download'), fetch.click()]);
    expect(download.suggestedFilename()).toMatch(/^chambers-my-data.*\.zip$/);
    const zip = fs.readFileSync(await download.path());
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(zip.includes(Buffer.from('account.json'))).toBe(true);
    await exportSection.getByText('Downloaded. The archive was deleted from Chambers as it was handed over.').waitFor();
    await checkPage(page, problems, 'privacy-export-downloaded');

    // Delete my account: the button stays disabled until the exact phrase is typed.
    const erase = page.getByRole('region', { name: 'Delete my account' });
    const submit = erase.getByRole('button', { name: 'Delete my account' });
    await erase.getByLabel('Password').fill(lawyer.password);
    await erase.getByLabel('Type DELETE MY ACCOUNT to confirm').fill('delete my account');
    expect(await submit.isDisabled()).toBe(true);
    await erase.getByLabel('Type DELETE MY ACCOUNT to confirm').fill('DELETE MY ACCOUNT');
    expect(await submit.isEnabled()).toBe(true);
    await checkPage(page, problems, 'privacy-delete-confirm');
    await submit.click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email address').waitFor();
    await checkPage(page, problems, 'privacy-deleted-signed-out');

    // The server agrees: the old token is dead and the password no longer signs in.
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(tokens.accessToken) })).statusCode).toBe(
      401,
    );
    const again = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: lawyer.email, password: lawyer.password },
    });
    expect(again.statusCode).toBe(401);
    await context.close();
  });
});
