import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createMember, signedInMember } from '../test/helpers/test-app.ts';
import { checkPage, expectClean, hasChromium, newContext, watch, signInThroughPage } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// An administrator sets how long documents are kept, and puts the audit log of
// the organization on legal hold (and lifts it) from the admin portal.
describe.skipIf(!hasChromium)('web app: retention settings in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('edits the document retention policy and places then lifts a legal hold, each saved on the server', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Harbour & Vale LLP' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, admin, { totp: true });

    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'Retention' }).click();
    await page.waitForURL(/\/admin\/retention$/);
    const days = page.getByLabel('Keep documents for (days)');
    await days.waitFor();
    expect(await days.inputValue()).toBe('');
    await page.getByTestId('legal-hold-state').filter({ hasText: 'No legal hold.' }).waitFor();
    // No hold yet: the API answers that with a 404, which Chromium logs; nothing else may go wrong.
    problems.console = problems.console.filter((m) => !/status of 404/.test(m));
    await checkPage(page, problems, 'admin-retention');

    // Document retention: 90 days for documents tagged "closed".
    await days.fill('90');
    await page.getByLabel('Only documents tagged').fill('Closed');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText('Document retention saved.').waitFor();
    expect(await page.getByLabel('Only documents tagged').inputValue()).toBe('closed');

    const api = await signedInMember(t, {
      role: 'org_admin',
      orgId: admin.orgId,
      email: `second-admin-${Date.now()}@example.com`,
    });
    const policy = await t.inject({ method: 'GET', url: '/api/v1/document-policy', headers: api.headers });
    expect(policy.json()).toMatchObject({ retentionDays: 90, retentionTag: 'closed' });

    // Legal hold, with a reason, then lifted.
    await page.getByLabel('Reason for the hold').fill('Litigation hold: Vale v. Harbour, HV-2026-014');
    await page.getByRole('button', { name: 'Place legal hold' }).click();
    await page.getByText('Legal hold placed').waitFor();
    await page
      .getByTestId('legal-hold-state')
      .filter({ hasText: 'Litigation hold: Vale v. Harbour, HV-2026-014' })
      .waitFor();
    const holdUrl = `/api/v1/orgs/${admin.orgId}/audit/legal-hold`;
    const held = await t.inject({ method: 'GET', url: holdUrl, headers: api.headers });
    expect(held.statusCode).toBe(200);
    expect(held.json()).toMatchObject({
      orgId: admin.orgId,
      reason: 'Litigation hold: Vale v. Harbour, HV-2026-014',
      setBy: admin.userId,
    });

    // Both survive a reload.
    await page.reload();
    await page.getByTestId('legal-hold-state').filter({ hasText: 'On hold since' }).waitFor();
    expect(await page.getByLabel('Keep documents for (days)').inputValue()).toBe('90');
    await checkPage(page, problems, 'admin-retention-hold');

    await page.getByRole('button', { name: 'Lift legal hold' }).click();
    await page.getByText('Legal hold lifted').waitFor();
    await page.getByTestId('legal-hold-state').filter({ hasText: 'No legal hold.' }).waitFor();
    expect((await t.inject({ method: 'GET', url: holdUrl, headers: api.headers })).statusCode).toBe(404);

    // Retention off again: an empty field is null on the server.
    await page.getByLabel('Keep documents for (days)').fill('');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await expect
      .poll(
        async () =>
          (await t.inject({ method: 'GET', url: '/api/v1/document-policy', headers: api.headers })).json()
            .retentionDays,
      )
      .toBeNull();
    await expectClean(page, problems);
    await context.close();
  });
});
